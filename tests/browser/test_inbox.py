"""The inbox in a real browser, from the keyboard, under the strict CSP: an artist sees their unread count in the
header, opens the inbox, marks one note read and the count drops (out-of-band swaps), a note holding a script
shows as text and runs nothing, "load more" appends the older notes, and "mark all read" empties the count."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from dailies.models import Note, NoteRecipient
from studio.models import Role
from tests.dailies.factories import NoteFactory, NoteRecipientFactory, VersionFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DEMO_PASSWORD, DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

T0 = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)
SCRIPT_BODY = "<script>alert(1)</script> and <img src=x onerror=alert(2)>"


@pytest.fixture
def studio():
    show = ShowFactory(code="RBT", name="Robot Holiday")
    animation = DepartmentFactory(name="Animation", code="ANI")
    people = {}
    for username, first, role in [("ana", "Ana", Role.ARTIST), ("sam", "Sam", Role.SUPERVISOR)]:
        people[username] = PersonFactory(
            username=username, first_name=first, last_name="Doe", role=role, department=animation
        )
        MembershipFactory(person=people[username], show=show)
    task = TaskFactory(
        shot=ShotFactory(sequence=SequenceFactory(show=show, code="SQ010"), code="SQ010_SH0010"),
        task_type=TaskTypeFactory(name="Animation", department=animation),
        assignees=[people["ana"]],
    )
    version = VersionFactory(task=task, number=1, author=people["ana"])
    return people, version


def add_note(people, version, body: str, minutes: int, read: bool = False) -> Note:
    note = NoteFactory(version=version, author=people["sam"], body=body)
    Note.objects.filter(pk=note.pk).update(created_at=T0 + dt.timedelta(minutes=minutes))
    NoteRecipientFactory(note=note, person=people["ana"], read_at=T0 if read else None)
    return note


def log_in(tab, live_server, username: str, lands_on: str) -> None:
    page = tab.page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{lands_on}")


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_an_artist_reads_their_notes(tab, live_server, studio):
    people, version = studio
    add_note(people, version, "Old news.", 1, read=True)
    scripted = add_note(people, version, SCRIPT_BODY, 2)
    arc = add_note(people, version, "Arc is floaty on the jump.", 3)
    dialogs = []
    tab.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    log_in(tab, live_server, "ana", "/my/tasks/")
    page = tab.page
    assert page.locator("#header-unread").text_content().split() == ["2", "unread"]  # "unread" for screen readers
    assert page.locator(".inbox-link").text_content().split() == ["Inbox", "2", "unread"]

    # To the inbox from the keyboard.
    page.focus(".inbox-link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/inbox/")
    assert page.locator("#page-unread").inner_text() == "2 unread"
    assert page.locator(".inbox-item .note-body").all_inner_texts() == [
        "Arc is floaty on the jump.",
        SCRIPT_BODY,
        "Old news.",
    ]
    assert page.locator(".inbox-item.unread").count() == 2

    # Mark the newest read: the note, the page's count and the header's badge follow; the focus lands on "Read".
    page.focus(f"#inbox-read-{arc.pk}")
    with page.expect_response(f"{live_server.url}/notes/{arc.pk}/read/"):
        page.keyboard.press("Enter")
    page.wait_for_selector(f"#inbox-note-{arc.pk}:not(.unread)")
    assert page.locator("#page-unread").inner_text() == "1 unread"
    assert page.locator("#header-unread").text_content().split() == ["1", "unread"]
    assert page.locator(f"#inbox-note-{arc.pk} .read-state").inner_text() == "Read"
    assert focused_id(page) == f"inbox-read-{arc.pk}"

    # Unread only, then mark all read.
    page.click(".filter-tabs >> text=Unread only")
    page.wait_for_url(f"{live_server.url}/inbox/?unread=1")
    assert page.locator(".inbox-item .note-body").all_inner_texts() == [SCRIPT_BODY]
    page.focus("#inbox-read-all")
    with page.expect_response(f"{live_server.url}/inbox/read-all/"):
        page.keyboard.press("Enter")
    page.wait_for_selector("#header-unread.zero")
    assert page.locator("#inbox-list .row-note.ok").inner_text() == "1 note marked as read."
    assert page.locator("#page-unread").inner_text() == "0 unread"
    assert page.locator("#inbox-list .empty-text").inner_text() == "No unread notes. See all notes"

    page.screenshot(path="/tmp/inbox-browser-artist.png", full_page=True)
    assert dialogs == []  # the note's script never ran
    tab.assert_clean()
    assert NoteRecipient.objects.filter(person=people["ana"], read_at__isnull=True).count() == 0
    assert NoteRecipient.objects.get(note=scripted).read_at is not None


def test_load_more_appends_the_older_notes(tab, live_server, studio):
    people, version = studio
    notes = [add_note(people, version, f"Note number {n:02d}", n) for n in range(53)]
    log_in(tab, live_server, "ana", "/my/tasks/")
    page = tab.page
    page.goto(f"{live_server.url}/inbox/")
    assert page.locator(".inbox-item").count() == 50
    page.focus("#inbox-more a")
    with page.expect_response(lambda response: "/inbox/?after=" in response.url):
        page.keyboard.press("Enter")
    expect(page.locator(".inbox-item")).to_have_count(53)
    assert page.locator("#inbox-more").count() == 0
    assert page.locator(".inbox-item .note-body").all_inner_texts()[-3:] == [
        "Note number 02",
        "Note number 01",
        "Note number 00",
    ]
    assert page.url == f"{live_server.url}/inbox/"
    assert page.locator(".inbox-item").first.get_attribute("id") == f"inbox-note-{notes[-1].pk}"
    tab.assert_clean()
