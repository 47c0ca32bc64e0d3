"""My tasks and the review queue: due groups in the person's time zone, notes to me, changing a status, logging
hours, submitting a version, approving and retaking; every POST per role, on own and other shows; query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dailies.models import Note, NoteCategory, NoteRecipient, RecipientKind, Version, VersionStatus
from schedules.models import TimeLog
from shots.models import Sequence, Task
from shots.workflow import TaskStatus
from studio.models import Role
from tests import permission_world
from tests.dailies.factories import NoteFactory, NoteRecipientFactory, VersionFactory
from tests.schedules.factories import TimeLogFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory
from tests.studio.test_views import Node, parse

pytestmark = pytest.mark.django_db
world = permission_world.world  # the module-scoped fixture, for the POST matrix at the end

NOW = dt.datetime(2026, 11, 4, 12, 0, tzinfo=dt.UTC)  # Wednesday noon UTC; already Thursday 01:00 in Auckland
HTMX = {"HX-Request": "true"}


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def studio(frozen_now):
    """RBT with an Animation artist (Ana), a second artist, an Animation supervisor and a coordinator."""
    show = ShowFactory(code="RBT", name="Robot Holiday")
    animation = DepartmentFactory(name="Animation", code="ANI")
    lighting = DepartmentFactory(name="Lighting", code="LGT")
    people = {}
    for username, first, last, role, department in [
        ("ana", "Ana", "Lima", Role.ARTIST, animation),
        ("ben", "Ben", "Okoro", Role.ARTIST, animation),
        ("sam", "Sam", "Sutter", Role.SUPERVISOR, animation),
        ("lena", "Lena", "Lux", Role.SUPERVISOR, lighting),
        ("cora", "Cora", "Cole", Role.COORDINATOR, None),
    ]:
        people[username] = PersonFactory(
            username=username, first_name=first, last_name=last, role=role, department=department
        )
        MembershipFactory(person=people[username], show=show)
    types = {
        "anim": TaskTypeFactory(name="Animation", department=animation, order=1),
        "light": TaskTypeFactory(name="Lighting", department=lighting, order=2),
    }
    return show, people, types


def task_on(show, code, task_type, **fields):
    sequence, _ = Sequence.objects.get_or_create(show=show, code=code.split("_")[0])
    return TaskFactory(shot=ShotFactory(sequence=sequence, code=code), task_type=task_type, **fields)


def logged_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def groups(page: Node) -> list[tuple[str, list[tuple[str, ...]]]]:
    """(group heading, [(shot, task, selected status, due, bid, logged)]) per group of the task table."""
    table = page.find("table", id="task-table")
    result = []
    for body in table.find_all("tbody"):
        heading = body.find_all("th")
        rows = []
        for tr in body.find_all("tr", cls="task-row"):
            cells = tr.find_all("td")
            selected = [o.text for o in tr.find_all("option") if "selected" in o.attrs]
            status = selected[0] if selected else cells[3].find(cls="chip").text
            rows.append((cells[1].text, cells[2].text, status, cells[4].text, cells[5].text, cells[6].text))
        result.append((heading[0].text if heading else "", rows))
    return result


# --- My tasks: the groups ---------------------------------------------------------------------------------


def test_my_tasks_groups_by_due_date_in_the_persons_time_zone(studio):
    show, people, types = studio
    ana = people["ana"]
    anim, light = types["anim"], types["light"]
    fields = {"assignees": [ana], "bid_days": Decimal("2")}
    task_on(show, "SQ010_SH0010", anim, due_date=dt.date(2026, 11, 2), **fields)  # Monday
    task_on(show, "SQ010_SH0020", anim, due_date=dt.date(2026, 11, 4), status=TaskStatus.RETAKE, **fields)
    task_on(show, "SQ010_SH0030", light, due_date=dt.date(2026, 11, 6), **fields)  # Friday
    task_on(
        show,
        "SQ010_SH0040",
        anim,
        due_date=dt.date(2026, 11, 8),  # Sunday: still this ISO week
        status=TaskStatus.PENDING_REVIEW,
        **fields,
    )
    task_on(show, "SQ010_SH0050", anim, due_date=dt.date(2026, 11, 9), **fields)  # next Monday
    task_on(show, "SQ010_SH0060", anim, **fields)  # no due date: last
    task_on(show, "SQ010_SH0070", anim, due_date=dt.date(2026, 10, 1), status=TaskStatus.APPROVED, **fields)
    task_on(show, "SQ010_SH0080", anim, due_date=dt.date(2026, 11, 4), assignees=[people["ben"]])

    page = parse(logged_in(ana).get("/my/tasks/"))

    assert page.find("p", cls="today").text.startswith("Wednesday 4 November 2026.")
    assert groups(page) == [
        ("Overdue 1", [("SQ010_SH0010", "Animation", "WIP", "Mon 2 Nov 2 d late", "2.00", "0")]),
        ("Due today 1", [("SQ010_SH0020", "Animation", "Retake", "Wed 4 Nov", "2.00", "0")]),
        (
            "This week 2",
            [
                ("SQ010_SH0030", "Lighting", "WIP", "Fri 6 Nov", "2.00", "0"),
                ("SQ010_SH0040", "Animation", "Pending review", "Sun 8 Nov", "2.00", "0"),
            ],
        ),
        (
            "Upcoming 2",
            [
                ("SQ010_SH0050", "Animation", "WIP", "Mon 9 Nov", "2.00", "0"),
                ("SQ010_SH0060", "Animation", "WIP", "—", "2.00", "0"),
            ],
        ),
    ]

    # In Auckland it is already Thursday: Wednesday's task is overdue, Thursday's is due today.
    ana.timezone = "Pacific/Auckland"
    ana.save(update_fields=["timezone"])
    page = parse(logged_in(ana).get("/my/tasks/"))
    assert page.find("p", cls="today").text.startswith("Thursday 5 November 2026.")
    assert [(heading, [row[0] for row in rows]) for heading, rows in groups(page)] == [
        ("Overdue 2", ["SQ010_SH0010", "SQ010_SH0020"]),
        ("This week 2", ["SQ010_SH0030", "SQ010_SH0040"]),
        ("Upcoming 2", ["SQ010_SH0050", "SQ010_SH0060"]),
    ]
    date_input = page.find("input", id=f"hours-date-{Task.objects.get(shot__code='SQ010_SH0010').pk}")
    assert (date_input.attrs["value"], date_input.attrs["max"]) == ("2026-11-05", "2026-11-05")


def test_each_row_sums_only_my_hours_and_offers_only_artist_statuses(studio):
    show, people, types = studio
    ana, ben = people["ana"], people["ben"]
    task = task_on(show, "SQ010_SH0010", types["anim"], status=TaskStatus.RETAKE, assignees=[ana, ben])
    TimeLogFactory(person=ana, task=task, date=dt.date(2026, 11, 2), hours=Decimal("3.5"))
    TimeLogFactory(person=ana, task=task, date=dt.date(2026, 11, 3), hours=Decimal("4.25"))
    TimeLogFactory(person=ben, task=task, date=dt.date(2026, 11, 3), hours=Decimal("8"))
    VersionFactory(task=task, number=2, author=ana, status=VersionStatus.RETAKE)

    page = parse(logged_in(ana).get("/my/tasks/"))

    row = page.find("tr", id=f"task-{task.pk}")
    assert [cell.text for cell in row.find_all("td")][6] == "7.75"
    select = row.find("select", id=f"status-{task.pk}")
    assert [(o.attrs["value"], o.text, "selected" in o.attrs) for o in select.find_all("option")] == [
        ("wip", "WIP", False),
        ("pending_review", "Pending review", False),
        ("retake", "Retake", True),
    ]
    assert row.find("input", id=f"hours-{task.pk}").attrs["name"] == "hours"
    assert row.find("summary").text == "Submit v003"
    assert row.find("small").text == "Last v002"
    # Every htmx form posts to a real URL a plain form would post to as well.
    forms = row.find_all("form")
    assert [(f.attrs["action"], f.attrs["hx-post"]) for f in forms] == [
        (f"/my/tasks/{task.pk}/status/", f"/my/tasks/{task.pk}/status/"),
        (f"/my/tasks/{task.pk}/hours/", f"/my/tasks/{task.pk}/hours/"),
        (f"/my/tasks/{task.pk}/versions/", f"/my/tasks/{task.pk}/versions/"),
    ]
    assert forms[2].attrs["hx-encoding"] == "multipart/form-data"


# --- Changing a status ------------------------------------------------------------------------------------


@pytest.fixture
def ana_task(studio):
    show, people, types = studio
    return task_on(show, "SQ010_SH0010", types["anim"], status=TaskStatus.READY, assignees=[people["ana"]])


def post_status(client, task, status, row_version=None, **headers):
    data = {"status": status, "row_version": row_version or task.row_version}
    return client.post(f"/my/tasks/{task.pk}/status/", data, headers=headers)


def test_changing_the_status_answers_htmx_with_the_row(studio, ana_task):
    _, people, _ = studio
    response = post_status(logged_in(people["ana"]), ana_task, "wip", **HTMX)

    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith(f'<tr id="task-{ana_task.pk}" class="task-row">') and html.endswith("</tr>")
    row = parse(html)
    assert [o.text for o in row.find_all("option") if "selected" in o.attrs] == ["WIP"]
    assert [i.attrs["value"] for i in row.find_all("input") if i.attrs.get("name") == "row_version"] == ["2"]
    assert row.find("p", cls="ok").text == "Saved."
    ana_task.refresh_from_db()
    assert (ana_task.status, ana_task.row_version, ana_task.updated_by) == (TaskStatus.WIP, 2, people["ana"])


def test_a_plain_form_post_redirects_back_with_a_message(studio, ana_task):
    _, people, _ = studio
    client = logged_in(people["ana"])
    response = post_status(client, ana_task, "pending_review")
    assert (response.status_code, response["Location"]) == (302, "/my/tasks/")
    page = parse(client.get("/my/tasks/"))
    assert page.find("li", cls="message").text == "SQ010_SH0010 Animation is now Pending review."


def test_a_stale_status_change_says_who_changed_it_and_when(studio, ana_task):
    _, people, _ = studio
    people["ana"].timezone = "Europe/Paris"
    people["ana"].save(update_fields=["timezone"])
    # Sam moved the task at 12:00 UTC (13:00 in Paris) after Ana loaded her page.
    Task.objects.filter(pk=ana_task.pk).update(
        status=TaskStatus.ON_HOLD, row_version=2, updated_by=people["sam"], updated_at=NOW
    )

    response = post_status(logged_in(people["ana"]), ana_task, "wip", row_version=1, **HTMX)

    assert response.status_code == 200
    row = parse(response)
    assert row.find("p", cls="warn").text == "Changed by Sam Sutter at 13:00 — reload"
    assert row.find("p", cls="warn").find("a").attrs["href"] == "/my/tasks/"
    # The row now shows their change, so a second try starts from it.
    assert [o.text for o in row.find_all("option") if "selected" in o.attrs] == ["On hold"]
    ana_task.refresh_from_db()
    assert (ana_task.status, ana_task.row_version) == (TaskStatus.ON_HOLD, 2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"status": "bogus", "row_version": "1"},
            "Status: Select a valid choice. bogus is not one of the available choices.",
        ),
        ({"status": "wip", "row_version": "x"}, "Row version: Enter a whole number."),
    ],
)
def test_bad_status_input_is_shown_in_the_row(studio, ana_task, data, message):
    _, people, _ = studio
    client = logged_in(people["ana"])
    response = client.post(f"/my/tasks/{ana_task.pk}/status/", data, headers=HTMX)
    assert response.status_code == 200
    assert [p.text for p in parse(response).find_all("p", cls="error")] == [message]
    plain = client.post(f"/my/tasks/{ana_task.pk}/status/", data)
    assert plain.status_code == 400
    assert [p.text for p in parse(plain).find("tr", id=f"task-{ana_task.pk}").find_all("p", cls="error")] == [message]
    ana_task.refresh_from_db()
    assert (ana_task.status, ana_task.row_version) == (TaskStatus.READY, 1)


def test_an_artist_cannot_approve_their_own_task(studio, ana_task):
    _, people, _ = studio
    response = post_status(logged_in(people["ana"]), ana_task, "approved", **HTMX)
    assert response.status_code == 403
    ana_task.refresh_from_db()
    assert ana_task.status == TaskStatus.READY


# --- Logging hours ------------------------------------------------------------------------------------------


def post_hours(client, task, hours, date="2026-11-04", **headers):
    return client.post(f"/my/tasks/{task.pk}/hours/", {"date": date, "hours": hours}, headers=headers)


def test_logging_hours_updates_the_row(studio, ana_task):
    _, people, _ = studio
    client = logged_in(people["ana"])

    row = parse(post_hours(client, ana_task, "2.5", **HTMX))
    assert row.find("tr").find_all("td")[6].text == "2.5"
    assert row.find("p", cls="ok").text == "Logged 2.5 h on Wed 4 Nov."

    row = parse(post_hours(client, ana_task, "3", date="2026-11-03", **HTMX))
    assert row.find("tr").find_all("td")[6].text == "5.5"

    row = parse(post_hours(client, ana_task, "6", **HTMX))
    assert row.find("tr").find_all("td")[6].text == "9"
    assert row.find("p", cls="ok").text == "Now 6 h on Wed 4 Nov (replaces what you logged)."
    assert sorted(TimeLog.objects.values_list("date", "hours")) == [
        (dt.date(2026, 11, 3), Decimal("3.00")),
        (dt.date(2026, 11, 4), Decimal("6.00")),
    ]


@pytest.mark.parametrize(
    ("hours", "date", "message"),
    [
        ("0", "2026-11-04", "Hours: Hours must be more than 0 and at most 24."),
        ("24.5", "2026-11-04", "Hours: Hours must be more than 0 and at most 24."),
        ("100", "2026-11-04", "Hours: Hours must be more than 0 and at most 24."),
        ("two", "2026-11-04", "Hours: Give the hours as a number, like 2.5."),
        ("1.125", "2026-11-04", "Hours: Give the hours to at most two decimal places, like 2.25."),
        ("", "2026-11-04", "Hours: This field is required."),
        ("2", "2026-11-05", "Date: Hours are logged on today or an earlier day, not a future one."),
        ("2", "2026-13-01", "Date: Enter a valid date."),
    ],
)
def test_bad_hours_are_refused_with_a_message_naming_the_field(studio, ana_task, hours, date, message):
    _, people, _ = studio
    response = post_hours(logged_in(people["ana"]), ana_task, hours, date=date, **HTMX)
    assert response.status_code == 200
    row = parse(response)
    assert [p.text for p in row.find_all("p", cls="error")] == [message]
    assert row.find("input", id=f"hours-{ana_task.pk}").attrs["value"] == hours  # what they typed stays
    assert TimeLog.objects.count() == 0


def test_a_day_holds_at_most_24_hours_across_tasks(studio, ana_task):
    show, people, types = studio
    other = task_on(show, "SQ010_SH0020", types["light"], assignees=[people["ana"]])
    TimeLogFactory(person=people["ana"], task=other, date=dt.date(2026, 11, 4), hours=Decimal("20"))
    row = parse(post_hours(logged_in(people["ana"]), ana_task, "5", **HTMX))
    assert [p.text for p in row.find_all("p", cls="error")] == [
        "Hours: That makes 25 h on Wed 04 Nov 2026 across all tasks (20 h already logged elsewhere); "
        "a day has at most 24."
    ]


# --- Submitting a version -----------------------------------------------------------------------------------


def test_submitting_a_studio_path_moves_the_task_to_pending_review(studio, ana_task):
    _, people, _ = studio
    response = logged_in(people["ana"]).post(
        f"/my/tasks/{ana_task.pk}/versions/",
        {"studio_path": " /mnt/shows/RBT/SQ010_SH0010/anim/v001.mov ", "comment": "Blocking"},
        headers=HTMX,
    )
    assert response.status_code == 200
    row = parse(response)
    assert [o.text for o in row.find_all("option") if "selected" in o.attrs] == ["Pending review"]
    assert row.find("p", cls="ok").text == "v001 submitted: the task is Pending review."
    assert row.find("summary").text == "Submit v002"
    version = Version.objects.get()
    assert (version.number, version.studio_path, version.comment, version.author) == (
        1,
        "/mnt/shows/RBT/SQ010_SH0010/anim/v001.mov",
        "Blocking",
        people["ana"],
    )


def test_submitting_a_file(studio, ana_task):
    _, people, _ = studio
    media = SimpleUploadedFile("anim.mov", b"movie bytes", content_type="video/quicktime")
    response = logged_in(people["ana"]).post(
        f"/my/tasks/{ana_task.pk}/versions/", {"studio_path": "", "media": media}, headers=HTMX
    )
    assert parse(response).find("p", cls="ok").text == "v001 submitted: the task is Pending review."
    assert Version.objects.get().media.name.endswith("/v001/anim.mov")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"studio_path": ""}, "Studio path: Give a studio path or upload a file."),
        (
            {"studio_path": "/mnt/a.mov", "media": SimpleUploadedFile("a.mov", b"x")},
            "Studio path: Give a studio path or upload a file, not both.",
        ),
        ({"studio_path": "/" + "x" * 500}, "Studio path: Ensure this value has at most 500 characters (it has 501)."),
    ],
)
def test_bad_version_input_reopens_the_form_with_the_message(studio, ana_task, data, message):
    _, people, _ = studio
    response = logged_in(people["ana"]).post(f"/my/tasks/{ana_task.pk}/versions/", data, headers=HTMX)
    row = parse(response)
    assert "open" in row.find("details").attrs
    assert [p.text for p in row.find_all("p", cls="error")] == [message]
    assert Version.objects.count() == 0
    ana_task.refresh_from_db()
    assert ana_task.status == TaskStatus.READY


def test_an_on_hold_task_takes_no_version(studio, ana_task):
    _, people, _ = studio
    Task.objects.filter(pk=ana_task.pk).update(status=TaskStatus.ON_HOLD)
    response = logged_in(people["ana"]).post(
        f"/my/tasks/{ana_task.pk}/versions/", {"studio_path": "/mnt/a.mov"}, headers=HTMX
    )
    assert [p.text for p in parse(response).find_all("p", cls="error")] == [
        "Task: This task is on hold: it takes no new versions."
    ]


# --- Notes to me --------------------------------------------------------------------------------------------


@pytest.fixture
def notes(studio, ana_task):
    show, people, _ = studio
    ana, sam, cora = people["ana"], people["sam"], people["cora"]
    version = VersionFactory(task=ana_task, number=1, author=ana)
    made = {}
    for minutes, key, fields in [
        (10, "old", {"author": sam, "body": "Arc is floaty.", "category": NoteCategory.SUPERVISOR}),
        (20, "read", {"author": sam, "body": "Better, keep going.", "status_change": "approve"}),
        (
            30,
            "held",
            {"author": cora, "body": "HELD client wish", "category": NoteCategory.CLIENT, "is_published": False},
        ),
        (40, "cc", {"author": cora, "body": "Copied to you.", "status_change": "retake"}),
        (50, "other", {"author": sam, "body": "Only for Ben."}),
    ]:
        note = NoteFactory(version=version, **fields)
        Note.objects.filter(pk=note.pk).update(created_at=NOW - dt.timedelta(hours=1) + dt.timedelta(minutes=minutes))
        made[key] = note
    NoteRecipientFactory(note=made["old"], person=ana, kind=RecipientKind.TO)
    NoteRecipientFactory(note=made["read"], person=ana, kind=RecipientKind.TO, read_at=NOW)
    NoteRecipientFactory(note=made["held"], person=ana, kind=RecipientKind.TO)
    NoteRecipientFactory(note=made["cc"], person=ana, kind=RecipientKind.CC)
    NoteRecipientFactory(note=made["other"], person=people["ben"], kind=RecipientKind.TO)
    return made


def note_items(page: Node) -> list[tuple[str, bool, str]]:
    return [
        (li.find("p", cls="note-body").text, "unread" in li.attrs["class"].split(), li.find(cls="note-meta").text)
        for li in page.find("ol", cls="notes").find_all("li")
    ]


def test_notes_to_me_newest_first_unread_marked_held_ones_hidden(studio, notes):
    _, people, _ = studio
    page = parse(logged_in(people["ana"]).get("/my/tasks/"))

    assert page.find("span", id="unread-count").text == "2 unread"
    assert note_items(page) == [
        ("Copied to you.", True, "Cora Cole · Internal · CC · Wed 4 Nov 11:40"),
        ("Better, keep going.", False, "Sam Sutter · Internal · Wed 4 Nov 11:20"),
        ("Arc is floaty.", True, "Sam Sutter · Supervisor · Wed 4 Nov 11:10"),
    ]
    assert "HELD client wish" not in page.text


def test_marking_a_note_read(studio, notes):
    _, people, _ = studio
    client = logged_in(people["ana"])
    note = notes["old"]

    response = client.post(f"/my/notes/{note.pk}/read/", headers=HTMX)

    assert response.status_code == 200
    fragment = parse(response)
    item = fragment.find("li", id=f"note-{note.pk}")
    assert "unread" not in item.attrs["class"].split()
    assert item.find(id=f"note-read-{note.pk}").text == "Read"
    count = fragment.find("span", id="unread-count")
    assert (count.text, count.attrs["hx-swap-oob"]) == ("1 unread", "true")
    assert NoteRecipient.objects.get(note=note, person=people["ana"]).read_at == NOW

    plain = client.post(f"/my/notes/{notes['cc'].pk}/read/")
    assert (plain.status_code, plain["Location"]) == (302, "/my/tasks/")
    assert parse(client.get("/my/tasks/")).find("span", id="unread-count").text == "0 unread"


@pytest.mark.parametrize("key", ["held", "other"])
def test_notes_that_are_not_mine_to_read_are_404(studio, notes, key):
    _, people, _ = studio
    assert logged_in(people["ana"]).post(f"/my/notes/{notes[key].pk}/read/", headers=HTMX).status_code == 404


# --- Review queue -------------------------------------------------------------------------------------------


@pytest.fixture
def queue(studio):
    show, people, types = studio
    ana, ben = people["ana"], people["ben"]
    made = {}
    for minutes, key, code, task_type, author in [
        (30, "newer", "SQ010_SH0040", types["anim"], ana),
        (10, "older", "SQ010_SH0010", types["anim"], ben),
        (20, "lighting", "SQ010_SH0050", types["light"], ana),
    ]:
        task = task_on(show, code, task_type, status=TaskStatus.PENDING_REVIEW, assignees=[author])
        version = VersionFactory(task=task, number=1, author=author)
        Version.objects.filter(pk=version.pk).update(created_at=NOW - dt.timedelta(hours=2, minutes=-minutes))
        made[key] = version
    return made


def queue_rows(page: Node) -> list[list[str]]:
    table = page.find("table", id="version-table")
    return [[td.text for td in tr.find_all("td")][:6] for tr in table.find("tbody").find_all("tr")]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "sam",
            [
                ["Wed 4 Nov 10:10", "RBT", "SQ010_SH0010", "Animation", "v001", "Ben Okoro"],
                ["Wed 4 Nov 10:30", "RBT", "SQ010_SH0040", "Animation", "v001", "Ana Lima"],
            ],
        ),
        ("lena", [["Wed 4 Nov 10:20", "RBT", "SQ010_SH0050", "Lighting", "v001", "Ana Lima"]]),
        (
            "cora",
            [
                ["Wed 4 Nov 10:10", "RBT", "SQ010_SH0010", "Animation", "v001", "Ben Okoro"],
                ["Wed 4 Nov 10:20", "RBT", "SQ010_SH0050", "Lighting", "v001", "Ana Lima"],
                ["Wed 4 Nov 10:30", "RBT", "SQ010_SH0040", "Animation", "v001", "Ana Lima"],
            ],
        ),
        ("ana", [["Nothing waiting for review."]]),
    ],
)
def test_the_queue_holds_what_the_person_reviews_oldest_first(studio, queue, who, expected):
    _, people, _ = studio
    assert queue_rows(parse(logged_in(people[who]).get("/review/"))) == expected


def test_times_in_the_queue_are_in_the_reviewers_time_zone(studio, queue):
    _, people, _ = studio
    people["lena"].timezone = "America/Los_Angeles"
    people["lena"].save(update_fields=["timezone"])
    assert queue_rows(parse(logged_in(people["lena"]).get("/review/")))[0][0] == "Wed 4 Nov 02:20"


def test_approving_from_the_queue(studio, queue):
    _, people, _ = studio
    version = queue["older"]
    response = logged_in(people["sam"]).post(f"/review/{version.pk}/", {"outcome": "approve"}, headers=HTMX)

    assert response.status_code == 200
    row = parse(response).find("tr", id=f"version-{version.pk}")
    assert row.attrs["class"] == "reviewed reviewed-approve"
    assert row.text == "SQ010_SH0010 Animation v001 approved."
    assert row.find("p").attrs["id"] == f"approve-{version.pk}"  # keyboard focus lands on the message
    version.refresh_from_db()
    assert (version.status, version.task.status, version.task.retake_count) == ("approved", "approved", 0)
    assert [r[2] for r in queue_rows(parse(logged_in(people["sam"]).get("/review/")))] == ["SQ010_SH0040"]


def test_a_retake_with_a_note_from_the_queue(studio, queue):
    _, people, _ = studio
    version = queue["newer"]
    client = logged_in(people["sam"])
    response = client.post(f"/review/{version.pk}/", {"outcome": "retake", "note": "Smoother arcs."}, headers=HTMX)

    assert parse(response).find("tr").text == "SQ010_SH0040 Animation v001 sent back for a retake."
    version.refresh_from_db()
    assert (version.status, version.task.status, version.task.retake_count) == ("retake", "retake", 1)
    note = Note.objects.get()
    assert (note.body, note.status_change, list(note.recipients.all())) == (
        "Smoother arcs.",
        "retake",
        [people["ana"]],
    )

    # Reviewing it again (a second tab): the row says why, nothing changes.
    again = client.post(f"/review/{version.pk}/", {"outcome": "approve"}, headers=HTMX)
    assert [p.text for p in parse(again).find_all("p", cls="error")] == [
        "Version: v001 is no longer waiting for review: it is Retake."
    ]
    plain = client.post(f"/review/{version.pk}/", {"outcome": "approve"})
    assert plain.status_code == 400  # the page, with the message on top: the row has left the queue
    assert [li.text for li in parse(plain).find_all("li", cls="message")] == [
        "Version: v001 is no longer waiting for review: it is Retake."
    ]
    version.refresh_from_db()
    assert version.task.retake_count == 1


def test_an_unknown_outcome_is_shown_in_the_row(studio, queue):
    _, people, _ = studio
    version = queue["older"]
    response = logged_in(people["sam"]).post(f"/review/{version.pk}/", {"outcome": "maybe"}, headers=HTMX)
    assert response.status_code == 200
    row = parse(response).find("tr", id=f"version-{version.pk}")
    assert [p.text for p in row.find_all("p", cls="error")] == [
        "Outcome: Select a valid choice. maybe is not one of the available choices."
    ]
    version.refresh_from_db()
    assert version.status == VersionStatus.PENDING_REVIEW


def test_a_plain_review_post_redirects_to_the_queue(studio, queue):
    _, people, _ = studio
    client = logged_in(people["cora"])
    response = client.post(f"/review/{queue['lighting'].pk}/", {"outcome": "approve"})
    assert (response.status_code, response["Location"]) == (302, "/review/")
    assert parse(client.get("/review/")).find("li", cls="message").text == "SQ010_SH0050 Lighting v001 approved."


@pytest.mark.parametrize("who", ["lena", "ana", "ben"])
def test_people_who_do_not_review_the_department_get_403(studio, queue, who):
    _, people, _ = studio
    response = logged_in(people[who]).post(f"/review/{queue['older'].pk}/", {"outcome": "approve"}, headers=HTMX)
    assert response.status_code == 403
    queue["older"].refresh_from_db()
    assert queue["older"].status == VersionStatus.PENDING_REVIEW


# --- Queries: fixed, whatever the data size -----------------------------------------------------------------


def count_queries(client, path: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_my_day(show, people, types, n: int) -> None:
    ana = people["ana"]
    sequence = SequenceFactory(show=show)
    for i in range(n):
        task = TaskFactory(
            shot=ShotFactory(sequence=sequence),
            task_type=types["anim"],
            assignees=[ana, people["ben"]],
            due_date=dt.date(2026, 11, 1) + dt.timedelta(days=i % 12),
        )
        TimeLogFactory(person=ana, task=task, date=dt.date(2026, 11, 2), hours=Decimal("1"))
        version = VersionFactory(task=task, number=1, author=ana)
        note = NoteFactory(version=version, author=people["sam"])
        NoteRecipientFactory(note=note, person=ana, read_at=NOW if i % 2 else None)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # session, person, memberships, tasks (hours and last version summed in), assignees, notes, unread count
        ({}, 7),
        # the table only: no notes
        (HTMX, 5),
    ],
    ids=["page", "partial"],
)
def test_my_tasks_makes_a_fixed_number_of_queries(studio, headers, expected):
    show, people, types = studio
    client = logged_in(people["ana"])
    add_my_day(show, people, types, 2)
    small = count_queries(client, "/my/tasks/", **headers)
    add_my_day(show, people, types, 18)
    large = count_queries(client, "/my/tasks/", **headers)
    assert (small, large) == (expected, expected)


def test_the_review_queue_makes_a_fixed_number_of_queries(studio):
    show, people, types = studio
    client = logged_in(people["sam"])
    add_my_day(show, people, types, 2)
    Task.objects.update(status=TaskStatus.PENDING_REVIEW)
    small = count_queries(client, "/review/")
    add_my_day(show, people, types, 18)
    Task.objects.update(status=TaskStatus.PENDING_REVIEW, retake_count=2)
    large = count_queries(client, "/review/")
    # session, person, memberships, versions with task, shot, show, type, author; the header's unread count
    assert (small, large) == (5, 5)


# --- Every POST, per role, on the role's show and on another show -------------------------------------------

ROLES = ("artist", "supervisor", "coordinator", "production_manager", "producer", "admin", "client", "anonymous")
LOGIN = "LOGIN"


def expect(default, **by_role):
    return {role: by_role.get(role, default) for role in ROLES} | {"anonymous": by_role.get("anonymous", LOGIN)}


# (url name, kwargs from the show world, POST data, own-show answers, other-show answers)
POSTS = [
    # My tasks actions: the person's own assigned tasks only; anyone else's is a 404.
    (
        "shots:task_status",
        lambda s: {"task_id": s.task.pk},
        lambda s: {"status": "wip", "row_version": s.task.row_version},
        expect(404, artist=200),
        expect(404),
    ),
    (
        "shots:task_log_hours",
        lambda s: {"task_id": s.task.pk},
        lambda s: {"date": "2026-11-04", "hours": "2.5"},
        expect(404, artist=200),
        expect(404),
    ),
    (
        "shots:task_submit_version",
        lambda s: {"task_id": s.task.pk},
        lambda s: {"studio_path": "/mnt/x.mov"},
        expect(404, artist=200),
        expect(404),
    ),
    # Notes addressed to the person (the internal note is To: the artist).
    (
        "shots:note_mark_read",
        lambda s: {"note_id": s.internal_note.pk},
        lambda s: {},
        expect(404, artist=200),
        expect(404),
    ),
    # Reviews: the show's reviewers; the artist and the client may see the version but not review it.
    (
        "shots:version_review",
        lambda s: {"version_id": s.version.pk},
        lambda s: {"outcome": "retake"},
        expect(200, artist=403, client=403),
        expect(404, admin=200),
    ),
]


@pytest.mark.parametrize("which", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs", "data", "own", "other"), POSTS, ids=[p[0] for p in POSTS])
def test_post_per_role(world, frozen_now, name, kwargs, data, own, other, role, which):
    sw = world.show(which)
    path = reverse(name, kwargs=kwargs(sw))
    client = Client()
    if role != "anonymous":
        client.force_login(world.people[role])
    response = client.post(path, data(sw), headers=HTMX)
    expected = (own if which == "own" else other)[role]
    if expected == LOGIN:
        assert (response.status_code, response["Location"]) == (302, f"/login/?next={path}")
    else:
        assert response.status_code == expected


def test_an_artist_never_reads_a_held_note(world, frozen_now):
    client = Client()
    client.force_login(world.people["artist"])
    held = world.own.held_note
    assert client.post(reverse("shots:note_mark_read", kwargs={"note_id": held.pk}), headers=HTMX).status_code == 404
    assert NoteRecipient.objects.get(note=held, person=world.people["artist"]).read_at is None
    body = client.get("/my/tasks/").content.decode()
    assert held.body not in body
    assert world.own.internal_note.body in body
