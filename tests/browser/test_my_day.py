"""An artist's day and a supervisor's review in a real browser, mostly from the keyboard, under the strict CSP:
due groups, a status change, 2.5 hours logged, a version submitted by studio path, a note marked read; then the
supervisor approves one version and sends another back with a note."""

import datetime as dt

import pytest
from django.utils import timezone

from dailies.models import Note, Version, VersionStatus
from shots.models import Task
from shots.workflow import TaskStatus
from studio.models import Role
from tests.dailies.factories import NoteFactory, NoteRecipientFactory, VersionFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DEMO_PASSWORD, DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_wednesday() -> dt.datetime:
    """A Wednesday after the real today: the browser's clock is real, and the session cookie the server sets
    must not have expired by it."""
    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() != 2:
        day += dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def now(monkeypatch):
    fixed = next_wednesday()
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    return fixed


@pytest.fixture
def day(now):
    """Ana's four tasks (one per due group), a note to her, and Ben's two versions waiting for Sam's review."""
    today = now.date()
    show = ShowFactory(code="RBT", name="Robot Holiday")
    animation = DepartmentFactory(name="Animation", code="ANI")
    people = {}
    for username, first, role in [
        ("ana", "Ana", Role.ARTIST),
        ("ben", "Ben", Role.ARTIST),
        ("sam", "Sam", Role.SUPERVISOR),
    ]:
        people[username] = PersonFactory(
            username=username, first_name=first, last_name="Doe", role=role, department=animation
        )
        MembershipFactory(person=people[username], show=show)
    anim = TaskTypeFactory(name="Animation", department=animation)
    sequence = SequenceFactory(show=show, code="SQ010")

    def task(code, status, due, assignee):
        shot = ShotFactory(sequence=sequence, code=code)
        return TaskFactory(shot=shot, task_type=anim, status=status, due_date=due, assignees=[people[assignee]])

    tasks = {
        "overdue": task("SQ010_SH0010", TaskStatus.WIP, today - dt.timedelta(days=2), "ana"),
        "today": task("SQ010_SH0020", TaskStatus.READY, today, "ana"),
        "week": task("SQ010_SH0030", TaskStatus.WIP, today + dt.timedelta(days=2), "ana"),
        "upcoming": task("SQ010_SH0040", TaskStatus.RETAKE, today + dt.timedelta(days=6), "ana"),
        "approve": task("SQ010_SH0050", TaskStatus.PENDING_REVIEW, today, "ben"),
        "retake": task("SQ010_SH0060", TaskStatus.PENDING_REVIEW, today, "ben"),
    }
    versions = {key: VersionFactory(task=tasks[key], number=1, author=people["ben"]) for key in ("approve", "retake")}
    note = NoteFactory(
        version=VersionFactory(task=tasks["upcoming"], number=1, author=people["ana"]), author=people["sam"]
    )
    note.body = "Arc is floaty on the jump."
    note.save()
    NoteRecipientFactory(note=note, person=people["ana"])
    return people, tasks, versions


def log_in(tab, live_server, username: str, lands_on: str) -> None:
    page = tab.page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{lands_on}")


def selected_status(page, task) -> str:
    return page.locator(f"#status-{task.pk}").evaluate("select => select.selectedOptions[0].text")


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_an_artist_works_through_their_day(tab, live_server, day):
    people, tasks, _ = day
    log_in(tab, live_server, "ana", "/my/tasks/")
    page = tab.page

    assert page.locator("#task-table .group-heading").all_inner_texts() == [
        "Overdue 1",
        "Due today 1",
        "This week 1",
        "Upcoming 1",
    ]
    assert page.locator("#task-table tr.task-row td.code").all_inner_texts() == [
        "SQ010_SH0010",
        "SQ010_SH0020",
        "SQ010_SH0030",
        "SQ010_SH0040",
    ]
    assert page.locator("#unread-count").inner_text() == "1 unread"

    # Ready -> WIP from the keyboard: the status menu posts on change and keeps the focus.
    task = tasks["today"]
    row = f"#task-{task.pk}"
    page.focus(f"#status-{task.pk}")
    with page.expect_response(f"{live_server.url}/my/tasks/{task.pk}/status/"):
        page.keyboard.press("ArrowDown")
    page.wait_for_selector(f"{row} .row-note.ok")
    assert selected_status(page, task) == "WIP"
    assert page.locator(f"{row} .row-note.ok").inner_text() == "Saved."
    assert focused_id(page) == f"status-{task.pk}"

    # 2.5 hours today: type them and press Enter.
    page.focus(f"#hours-{task.pk}")
    page.keyboard.type("2.5")
    with page.expect_response(f"{live_server.url}/my/tasks/{task.pk}/hours/"):
        page.keyboard.press("Enter")
    page.wait_for_selector(f"{row} .hours-cell .row-note.ok")
    assert page.locator(f"{row} td").nth(6).inner_text() == "2.5"
    assert page.locator(f"{row} .hours-cell .row-note.ok").inner_text().startswith("Logged 2.5 h on Wed ")

    # A version by studio path: open the form from the keyboard, type the path, press Enter.
    page.focus(f"{row} .submit-version summary")
    page.keyboard.press("Enter")
    page.focus(f"#studio-path-{task.pk}")
    page.keyboard.type("/mnt/shows/RBT/SQ010_SH0020/anim/SQ010_SH0020_anim_v001.mov")
    with page.expect_response(f"{live_server.url}/my/tasks/{task.pk}/versions/"):
        page.keyboard.press("Enter")
    page.wait_for_selector(f"#version-submit-{task.pk}.row-note")
    assert selected_status(page, task) == "Pending review"
    assert page.locator(f"#version-submit-{task.pk}").inner_text() == "v001 submitted: the task is Pending review."
    assert focused_id(page) == f"version-submit-{task.pk}"  # the focus lands on the message

    # The note: mark it read; the count follows (an out-of-band swap).
    page.focus("#notes-heading ~ ol button")
    with page.expect_response(lambda response: response.url.endswith("/read/")):
        page.keyboard.press("Enter")
    page.wait_for_selector("#unread-count.zero")
    assert page.locator("#unread-count").inner_text() == "0 unread"
    assert page.locator(".notes .note.unread").count() == 0

    page.screenshot(path="/tmp/myday-browser-artist.png", full_page=True)
    tab.assert_clean()

    task.refresh_from_db()
    assert (task.status, task.row_version) == (TaskStatus.PENDING_REVIEW, 3)
    assert list(task.time_logs.values_list("hours", flat=True)) == [2.5]
    assert list(Version.objects.filter(task=task).values_list("number", "studio_path", "author__username")) == [
        (1, "/mnt/shows/RBT/SQ010_SH0020/anim/SQ010_SH0020_anim_v001.mov", "ana")
    ]


def test_a_supervisor_approves_one_version_and_sends_another_back(tab, live_server, day):
    people, tasks, versions = day
    log_in(tab, live_server, "sam", "/review/")
    page = tab.page
    assert page.locator("#version-table tbody td.code").all_inner_texts() == [
        "SQ010_SH0050",
        "v001",
        "SQ010_SH0060",
        "v001",
    ]

    approve = versions["approve"]
    page.focus(f"#approve-{approve.pk}")
    with page.expect_response(f"{live_server.url}/review/{approve.pk}/"):
        page.keyboard.press("Enter")
    page.wait_for_selector(f"#version-{approve.pk}.reviewed")
    assert page.locator(f"#version-{approve.pk}").inner_text() == "SQ010_SH0050 Animation v001 approved."

    retake = versions["retake"]
    page.focus(f"#version-{retake.pk} .retake summary")
    page.keyboard.press("Enter")
    page.focus(f"#review-note-{retake.pk}")
    page.keyboard.type("The jump needs more anticipation.")
    page.keyboard.press("Tab")
    assert focused_id(page) == f"retake-{retake.pk}"
    with page.expect_response(f"{live_server.url}/review/{retake.pk}/"):
        page.keyboard.press("Enter")
    page.wait_for_selector(f"#version-{retake.pk}.reviewed")
    assert page.locator(f"#version-{retake.pk}").inner_text() == ("SQ010_SH0060 Animation v001 sent back for a retake.")
    assert focused_id(page) == f"retake-{retake.pk}"

    page.screenshot(path="/tmp/myday-browser-review.png", full_page=True)
    tab.assert_clean()

    assert Version.objects.get(pk=approve.pk).status == VersionStatus.APPROVED
    assert Version.objects.get(pk=retake.pk).status == VersionStatus.RETAKE
    assert Task.objects.get(pk=tasks["approve"].pk).status == TaskStatus.APPROVED
    retaken = Task.objects.get(pk=tasks["retake"].pk)
    assert (retaken.status, retaken.retake_count) == (TaskStatus.RETAKE, 1)
    note = Note.objects.get(status_change="retake")
    assert (note.body, list(note.recipients.values_list("username", flat=True))) == (
        "The jump needs more anticipation.",
        ["ben"],
    )
