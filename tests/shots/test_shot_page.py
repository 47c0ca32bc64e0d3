"""The shot page: frame range and handles, tasks, versions newest first, the notes the person may read, the
activity history; who sees the edit controls; 404s; a fixed number of queries whatever the shot holds."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dailies.models import Note, NoteCategory, RecipientKind, Version, VersionStatus
from shots import services
from shots.models import Activity, ActivityVerb, BreakdownStatus
from shots.workflow import TaskStatus
from studio.models import Role
from tests.dailies.factories import NoteFactory, NoteRecipientFactory, ReviewSessionFactory, VersionFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory
from tests.studio.test_csp import EXPECTED_POLICY, inspect, policy
from tests.studio.test_views import body_rows, parse

pytestmark = pytest.mark.django_db

UTC = dt.UTC
URL = "/shows/RBT/shot/SQ010_SH0040/"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def member(show, role, **fields):
    person = PersonFactory(role=role, **fields)
    MembershipFactory(person=person, show=show)
    return person


@pytest.fixture
def studio(settings):
    """Show RBT, shot SQ010_SH0040 with two tasks, three versions, notes of every kind and some history."""
    settings.TIME_ZONE = "UTC"
    animation = DepartmentFactory(name="Animation", code="ANI")
    lighting = DepartmentFactory(name="Lighting", code="LGT")
    anim = TaskTypeFactory(name="Animation", department=animation, order=4)
    light = TaskTypeFactory(name="Lighting", department=lighting, order=6)
    show = ShowFactory(code="RBT", name="Robot Holiday")
    people = {
        "artist": member(show, Role.ARTIST, username="ada", first_name="Ada", last_name="Arden", department=animation),
        "artist2": member(show, Role.ARTIST, username="bea", first_name="Bea", last_name="Brook"),
        "supervisor": member(show, Role.SUPERVISOR, first_name="Sam", last_name="Sutter", department=animation),
        "coordinator": member(show, Role.COORDINATOR, username="cora", first_name="Cora", last_name="Cole"),
        "producer": member(show, Role.PRODUCER, first_name="Pete", last_name="Pryce"),
        "client": member(show, Role.CLIENT, first_name="Cleo", last_name="Clarke"),
    }
    sequence = SequenceFactory(show=show, code="SQ010", name="Opening")
    shot = ShotFactory(
        sequence=sequence,
        code="SQ010_SH0040",
        description="Robot waves <b>goodbye</b>\nsecond line",
        cut_in=1009,
        cut_out=1056,
        head_in=1001,
        tail_out=1066,
    )
    animation_task = TaskFactory(
        shot=shot,
        task_type=anim,
        status=TaskStatus.PENDING_REVIEW,
        bid_days=Decimal("4.5"),
        start_date=dt.date(2026, 11, 2),
        due_date=dt.date(2026, 11, 6),
        retake_count=2,
        assignees=[people["artist"], people["artist2"]],
    )
    lighting_task = TaskFactory(shot=shot, task_type=light, status=TaskStatus.WAITING, bid_days=Decimal("2"))
    versions = []
    for number, day, status in [
        (1, 3, VersionStatus.SUPERSEDED),
        (2, 4, VersionStatus.RETAKE),
        (3, 5, "pending_review"),
    ]:
        version = VersionFactory(
            task=animation_task,
            number=number,
            author=people["artist"],
            status=status,
            studio_path=f"/mnt/rbt/SQ010_SH0040/anim/v{number:03d}.mov",
        )
        Version.objects.filter(pk=version.pk).update(created_at=at(day, 10))
        versions.append(version)
    session = ReviewSessionFactory(show=show, name="Anim dailies", date=dt.date(2026, 11, 4))
    notes = {
        "internal": NoteFactory(
            version=versions[1],
            session=session,
            author=people["supervisor"],
            category=NoteCategory.SUPERVISOR,
            status_change="retake",
            body="Arc too floaty <script>alert(1)</script>\nfix the hands",
        ),
        "client": NoteFactory(
            version=versions[1],
            author=people["coordinator"],
            category=NoteCategory.CLIENT,
            is_published=True,
            body="Client: lovely timing",
        ),
        "held": NoteFactory(
            version=versions[2],
            author=people["coordinator"],
            category=NoteCategory.CLIENT,
            is_published=False,
            body="Client HELD: trim the tail",
        ),
    }
    for name, day in [("internal", 4), ("client", 5), ("held", 6)]:
        Note.objects.filter(pk=notes[name].pk).update(created_at=at(day, 15, 30))
    NoteRecipientFactory(note=notes["internal"], person=people["artist"], kind=RecipientKind.TO)
    NoteRecipientFactory(note=notes["internal"], person=people["artist2"], kind=RecipientKind.CC)
    NoteRecipientFactory(note=notes["held"], person=people["artist"], kind=RecipientKind.TO)
    history = [
        Activity.objects.create(
            show=show, shot=shot, actor=people["coordinator"], verb=ActivityVerb.CREATED, changes={}
        ),
        Activity.objects.create(
            show=show,
            shot=shot,
            task=animation_task,
            actor=people["artist"],
            verb=ActivityVerb.CHANGED,
            changes={"status": ["WIP", "Pending review"]},
        ),
        Activity.objects.create(
            show=show,
            shot=shot,
            actor=people["coordinator"],
            verb=ActivityVerb.CHANGED,
            changes={"cut_out": ["1050", "1056"], "tail_out": ["1058", "1066"]},
        ),
        Activity.objects.create(
            show=show,
            shot=shot,
            task=lighting_task,
            actor=None,
            verb=ActivityVerb.CHANGED,
            changes={"assignees": ["lou", ""], "due_date": ["", "2026-11-20"]},
        ),
    ]
    for activity, (day, hour, minute) in zip(history, [(1, 9, 0), (21, 14, 3), (21, 15, 0), (22, 8, 5)], strict=True):
        Activity.objects.filter(pk=activity.pk).update(created_at=at(day, hour, minute))
    return {"show": show, "shot": shot, "people": people, "notes": notes, "task": animation_task}


def get_page(client, person, url=URL):
    client.force_login(person)
    return client.get(url)


# --- What the page shows -----------------------------------------------------------------------------------


def test_the_page_shows_the_shot_its_frame_range_and_handles(client, studio):
    response = get_page(client, studio["people"]["coordinator"])
    assert response.status_code == 200
    page = parse(response)
    assert page.find("title").text == "SQ010_SH0040 · RBT · Slate"
    assert page.find("h1").text == "SQ010_SH0040 Active"
    facts = page.find("dl", id="shot-facts")
    assert [(row.find("dt").text, row.find("dd").text) for row in facts.find_all("div")] == [
        ("Sequence", "SQ010 Opening"),
        ("Frame range", "1009–1056 (48 frames), 1001–1066 with handles 8/10"),
        ("Description", "Robot waves <b>goodbye</b> second line"),
    ]
    html = response.content.decode()
    assert "Robot waves &lt;b&gt;goodbye&lt;/b&gt;\nsecond line" in html  # text, newline kept, never HTML


def test_breadcrumbs_lead_back_to_the_show(client, studio):
    page = parse(get_page(client, studio["people"]["artist"]))
    crumbs = page.find("nav", cls="breadcrumbs").find_all("a")
    assert [(a.text, a.attrs["href"]) for a in crumbs] == [
        ("Shows", "/shows/"),
        ("RBT", "/shows/RBT/"),
        ("Breakdown", "/shows/RBT/breakdown/"),
        ("SQ010", "/shows/RBT/breakdown/?sequence=SQ010"),
        ("SQ010_SH0040", "/shows/RBT/shot/SQ010_SH0040/"),
    ]
    assert crumbs[-1].attrs["aria-current"] == "page"


def test_tasks_list_type_status_assignees_bid_dates_and_retakes(client, studio):
    page = parse(get_page(client, studio["people"]["artist"]))
    table = page.find("table", id="task-table")
    assert body_rows(table) == [
        ["Animation", "Pending review", "Ada Arden, Bea Brook", "4.50", "Mon 2 Nov 2026", "Fri 6 Nov 2026", "2"],
        ["Lighting", "Waiting", "Nobody", "2.00", "—", "—", "0"],
    ]
    assert [chip.attrs["class"] for chip in table.find_all(cls="chip")] == [
        "chip status-pending_review",
        "chip status-waiting",
    ]


def test_versions_are_listed_newest_first(client, studio):
    page = parse(get_page(client, studio["people"]["artist"]))
    assert body_rows(page.find("table", id="version-table")) == [
        ["v003", "Animation", "Ada Arden", "5 Nov 2026 10:00", "Pending review", "/mnt/rbt/SQ010_SH0040/anim/v003.mov"],
        ["v002", "Animation", "Ada Arden", "4 Nov 2026 10:00", "Retake", "/mnt/rbt/SQ010_SH0040/anim/v002.mov"],
        ["v001", "Animation", "Ada Arden", "3 Nov 2026 10:00", "Superseded", "/mnt/rbt/SQ010_SH0040/anim/v001.mov"],
    ]


def test_a_version_with_uploaded_media_links_to_it(client, studio):
    from django.core.files.base import ContentFile

    version = Version.objects.get(task=studio["task"], number=3)
    version.media.save("v003.mp4", ContentFile(b"\x00\x00"), save=True)
    page = parse(get_page(client, studio["people"]["artist"]))
    first_row = page.find("table", id="version-table").find("tbody").find_all("tr")[0]
    link = first_row.find("a")
    assert (link.text, link.attrs["href"]) == ("Open media", f"/media/{version.media.name}")


def note_items(page) -> list[tuple[str, str, str]]:
    return [
        (item.find(cls="note-head").text, item.find(cls="note-body").text, item.find_all(cls="note-recipients")[0].text)
        if item.find_all(cls="note-recipients")
        else (item.find(cls="note-head").text, item.find(cls="note-body").text, "")
        for item in page.find("ol", id="note-list").find_all("li")
    ]


def test_coordinators_read_every_note_newest_first_held_ones_marked(client, studio):
    page = parse(get_page(client, studio["people"]["coordinator"]))
    assert note_items(page) == [
        (
            "Cora Cole · 6 Nov 2026 15:30 · Client Held · on Animation v003",
            "Client HELD: trim the tail",
            "To: Ada Arden",
        ),
        ("Cora Cole · 5 Nov 2026 15:30 · Client · on Animation v002", "Client: lovely timing", ""),
        (
            "Sam Sutter · 4 Nov 2026 15:30 · Supervisor Retake · on Animation v002 in Anim dailies",
            "Arc too floaty <script>alert(1)</script> fix the hands",
            "To: Ada Arden · CC: Bea Brook",
        ),
    ]


def test_artists_do_not_see_held_client_notes_nor_other_peoples_recipient_rows(client, studio):
    response = get_page(client, studio["people"]["artist2"])
    page = parse(response)
    assert note_items(page) == [
        ("Cora Cole · 5 Nov 2026 15:30 · Client · on Animation v002", "Client: lovely timing", ""),
        (
            "Sam Sutter · 4 Nov 2026 15:30 · Supervisor Retake · on Animation v002 in Anim dailies",
            "Arc too floaty <script>alert(1)</script> fix the hands",
            "CC: Bea Brook",
        ),
    ]
    assert "HELD" not in response.content.decode()


def test_note_bodies_are_text_never_html(client, studio):
    html = get_page(client, studio["people"]["coordinator"]).content.decode()
    assert "Arc too floaty &lt;script&gt;alert(1)&lt;/script&gt;\nfix the hands" in html
    assert "<script>alert(1)" not in html
    assert inspect(get_page(client, studio["people"]["coordinator"])).problems == []


def test_activity_says_who_changed_what_and_when_newest_first(client, studio):
    page = parse(get_page(client, studio["people"]["artist"]))
    assert [li.text for li in page.find("ol", id="activity-list").find_all("li")] == [
        "Someone changed Lighting: assignees lou → —, due date — → 2026-11-20 · 22 Nov 08:05",
        "Cora Cole changed the shot: cut out 1050 → 1056, tail out 1058 → 1066 · 21 Nov 15:00",
        "Ada Arden changed Animation: status WIP → Pending review · 21 Nov 14:03",
        "Cora Cole created the shot · 1 Nov 09:00",
    ]


def test_a_new_shot_says_it_has_nothing_yet(client, studio):
    ShotFactory(sequence=studio["shot"].sequence, code="SQ010_SH0050")
    page = parse(get_page(client, studio["people"]["artist"], "/shows/RBT/shot/SQ010_SH0050/"))
    assert body_rows(page.find("table", id="task-table")) == [["No tasks on this shot."]]
    assert body_rows(page.find("table", id="version-table")) == [["No versions yet."]]
    assert page.find(id="note-list").text == "No notes yet."
    assert page.find(id="activity-list").text == "No changes recorded yet."


def test_codes_keep_their_leading_zeros(client, studio):
    ShotFactory(sequence=SequenceFactory(show=studio["show"], code="010"), code="0040")
    response = get_page(client, studio["people"]["artist"], "/shows/RBT/shot/0040/")
    page = parse(response)
    assert page.find("h1").text == "0040 Active"
    assert page.find("dl", id="shot-facts").find_all("dd")[0].text == "010"
    assert get_page(client, studio["people"]["artist"], "/shows/RBT/shot/40/").status_code == 404


def test_the_page_caps_long_histories_and_says_so(client, studio, monkeypatch):
    from shots import selectors

    monkeypatch.setattr(selectors, "SHOT_PAGE_LIMIT", 2)
    page = parse(get_page(client, studio["people"]["coordinator"]))
    assert [row[0] for row in body_rows(page.find("table", id="version-table"))] == ["v003", "v002"]
    assert len(page.find("ol", id="note-list").find_all("li")) == 2
    assert len(page.find("ol", id="activity-list").find_all("li")) == 2
    assert [p.text for p in page.find_all("p", cls="hint") if p.text.startswith("Showing")] == [
        "Showing the 2 newest versions.",
        "Showing the 2 newest notes.",
        "Showing the 2 most recent changes.",
    ]


# --- Who sees the edit controls ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["artist", "supervisor"])
def test_staff_who_cannot_change_the_breakdown_get_no_edit_controls(client, studio, role):
    page = parse(get_page(client, studio["people"][role]))
    assert page.find_all("div", cls="actions") == []
    assert [form.attrs["action"] for form in page.find_all("form")] == ["/logout/"]
    assert [a.attrs["href"] for a in page.find("main").find_all("a") if "/edit/" in a.attrs["href"]] == []


@pytest.mark.parametrize("role", ["coordinator", "producer"])
def test_breakdown_editors_get_edit_and_omit(client, studio, role):
    page = parse(get_page(client, studio["people"][role]))
    actions = page.find("div", cls="actions")
    assert actions.find("a").attrs["href"] == "/shows/RBT/shot/SQ010_SH0040/edit/"
    form = actions.find("form")
    assert (form.attrs["method"], form.attrs["action"], form.find("button").text) == (
        "post",
        "/shows/RBT/shot/SQ010_SH0040/omit/",
        "Omit shot",
    )


def test_an_omitted_shot_stays_visible_with_a_chip_and_a_restore_button(client, studio):
    services.shot_omit(actor=studio["people"]["coordinator"], shot=studio["shot"])
    page = parse(get_page(client, studio["people"]["coordinator"]))
    assert page.find("h1").text == "SQ010_SH0040 Omitted"
    assert page.find("h1").find(cls="chip").attrs["class"] == "chip status-omitted"
    form = page.find("div", cls="actions").find("form")
    assert (form.attrs["action"], form.find("button").text) == ("/shows/RBT/shot/SQ010_SH0040/restore/", "Restore")
    assert page.find("p", cls="notice").text == (
        "This shot is omitted: it and its omitted tasks are left out of every figure. "
        "Restore puts back the status each task had."
    )


# --- Not found ---------------------------------------------------------------------------------------------


def test_clients_strangers_and_missing_shots_get_a_404(client, studio):
    assert get_page(client, studio["people"]["client"]).status_code == 404
    assert get_page(client, PersonFactory(role=Role.PRODUCER)).status_code == 404
    assert get_page(client, studio["people"]["artist"], "/shows/RBT/shot/SQ010_SH9999/").status_code == 404
    assert get_page(client, studio["people"]["artist"], "/shows/NOPE/shot/SQ010_SH0040/").status_code == 404


def test_a_shot_of_another_show_is_not_found_under_this_show(client, studio):
    other = ShowFactory(code="OTH")
    ShotFactory(sequence=SequenceFactory(show=other, code="SQ090"), code="SQ090_SH0010")
    assert get_page(client, studio["people"]["producer"], "/shows/RBT/shot/SQ090_SH0010/").status_code == 404


def test_the_page_carries_the_strict_policy_and_no_inline_code(client, studio):
    response = get_page(client, studio["people"]["coordinator"])
    assert policy(response) == EXPECTED_POLICY
    found = inspect(response)
    assert found.problems == []
    assert found.scripts == ["/static/django_htmx/htmx-2.min.js", "/static/js/slate.js"]


# --- Queries: fixed, whatever the shot holds ------------------------------------------------------------------


def grow(studio, n: int) -> None:
    """n more task types with a task, a version, a note with two recipients, and an activity row each."""
    people = studio["people"]
    for _ in range(n):
        task = TaskFactory(shot=studio["shot"], assignees=[people["artist"], people["artist2"]])
        version = VersionFactory(task=task, author=people["artist"])
        note = NoteFactory(version=version, author=people["supervisor"])
        NoteRecipientFactory(note=note, person=people["artist"])
        NoteRecipientFactory(note=note, person=people["artist2"], kind=RecipientKind.CC)
        services.activity_record(actor=people["coordinator"], shot=studio["shot"], task=task, verb="created")


def count_queries(client, url=URL) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


# session, user, memberships, show, shot, tasks, assignees, versions, notes, recipients, activity
@pytest.mark.parametrize("role", ["artist", "coordinator"])
def test_the_page_makes_a_fixed_number_of_queries(client, studio, role):
    client.force_login(studio["people"][role])
    grow(studio, 2)
    small = count_queries(client)
    grow(studio, 15)
    large = count_queries(client)
    assert (small, large) == (12, 12)  # 11 for the page + the header's unread count


def test_an_omitted_shot_page_makes_the_same_number_of_queries(client, studio):
    studio["shot"].status = BreakdownStatus.OMITTED
    studio["shot"].save()
    client.force_login(studio["people"]["coordinator"])
    assert count_queries(client) == 12
