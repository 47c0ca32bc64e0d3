"""A coordinator runs dailies in a real browser with the keyboard only, under the strict CSP: six notes across three
versions (Enter saves, Shift+Enter starts a new line, J/K and Alt+arrows move, A approves, R retakes), all stored with
their recipients and status changes, the page never reloaded, a note holding <script> shown as text, unsent text
kept per version, and a note that met a network error kept in the outbox until Retry saved it. Two people noting
the same session see each other's notes within seconds; the playlist is reordered by keyboard and by drag."""

import pytest
from playwright.sync_api import expect

from dailies.models import Note, RecipientKind, Version, VersionStatus
from shots.workflow import TaskStatus
from tests.browser.conftest import VIEWPORT, Tab
from tests.browser.test_my_day import log_in
from tests.dailies.test_sessions import build_session_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT_NOTE = "<script>window.__pwned = true</script> is a note, not code"


@pytest.fixture
def world():
    return build_session_world()


def on_stage(page, item) -> None:
    expect(page.locator("#stage")).to_have_attribute("data-item", str(item.pk))


def notes_listed(page) -> list[str]:
    return page.locator("#note-list .note-body").all_inner_texts()


def stored(version) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(body, status change, [(kind, username)]) of the version's notes, in the order they were written."""
    return [
        (
            note.body,
            note.status_change,
            sorted((row.kind, row.person.username) for row in note.recipient_rows.select_related("person")),
        )
        for note in Note.objects.filter(version=version).order_by("created_at", "pk")
    ]


def test_a_coordinator_types_the_room_s_notes_with_the_keyboard(tab, live_server, world):
    page = tab.page
    first, second, third = world.items()
    v0, v1, v2 = world.versions
    log_in(tab, live_server, "coordinator", "/dailies/")
    page.goto(f"{live_server.url}/dailies/{world.session.pk}/")
    on_stage(page, first)
    page.evaluate("window.__loadedOnce = 'yes'")  # a reload would lose it

    # The page opens in the note box. Shift+Enter for a second line; Enter saves and empties the box at once.
    expect(page.locator("#note-body")).to_be_focused()
    page.keyboard.type("Arc is floaty.")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("Fix frame 1040.")
    page.keyboard.press("Enter")
    expect(page.locator("#note-body")).to_have_value("")
    expect(page.locator("#note-list .note")).to_have_count(1)
    page.keyboard.type(SCRIPT_NOTE)
    page.keyboard.press("Enter")
    expect(page.locator("#note-list .note")).to_have_count(2)
    assert notes_listed(page) == [SCRIPT_NOTE, "Arc is floaty.\nFix frame 1040."]
    assert page.evaluate("window.__pwned === undefined")

    # Esc leaves the box for one key: A approves (an empty box: the note says "Approved."), and the box is back.
    page.keyboard.press("Escape")
    expect(page.locator("#note-body")).not_to_be_focused()
    page.keyboard.press("a")
    expect(page.locator("#version-status")).to_have_text("Approved")
    expect(page.locator(f"#item-{first.pk} .chip")).to_have_text("Approved")
    expect(page.locator("#note-body")).to_be_focused()
    expect(page.locator("#approve-version")).to_have_count(0)  # nothing more to decide on this version
    expect(page.locator("#outcome-state")).to_have_text("Approved.")

    # Esc, J: the next version, in its box. Type, Esc, R: a retake with the text as its note.
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    on_stage(page, second)
    expect(page).to_have_url(f"{live_server.url}/dailies/{world.session.pk}/?item={second.pk}")
    expect(page.locator("#note-body")).to_be_focused()
    page.keyboard.type("Needs more anticipation before the jump.")
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    expect(page.locator("#version-status")).to_have_text("Retake")
    expect(page.locator("#note-body")).to_have_value("")

    # Alt+↓ to the third version (the Lighting one) and straight on typing, Enter included, before it has even
    # arrived: the note is the third version's.
    page.keyboard.press("Alt+ArrowDown")
    page.keyboard.type("Warmer key on the hull.")
    page.keyboard.press("Enter")
    on_stage(page, third)
    expect(page.locator("#note-list .note")).to_have_count(1)
    assert notes_listed(page) == ["Warmer key on the hull."]
    # Unsent text waits in its version's box while another version is noted.
    page.keyboard.type("Unsent thought")
    page.keyboard.press("Alt+ArrowUp")
    on_stage(page, second)
    expect(page.locator("#note-body")).to_be_focused()
    expect(page.locator("#note-body")).to_have_value("")
    page.keyboard.type("Also trim the tail.")
    page.keyboard.press("Enter")
    expect(page.locator("#note-list .note")).to_have_count(2)
    page.keyboard.press("Alt+ArrowDown")
    on_stage(page, third)
    expect(page.locator("#note-body")).to_have_value("Unsent thought")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")

    # Esc, K twice: back to the first version, with its three notes.
    page.keyboard.press("Escape")
    page.keyboard.press("k")
    on_stage(page, second)
    expect(page.locator("#note-body")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("k")
    on_stage(page, first)
    expect(page.locator("#note-list .note")).to_have_count(3)
    expect(page.locator(f"#item-{first.pk} .badge")).to_contain_text("3")

    assert page.evaluate("window.__loadedOnce") == "yes"
    page.screenshot(path="/tmp/session-browser-keyboard.png")
    tab.assert_clean()

    assert stored(v0) == [
        ("Arc is floaty.\nFix frame 1040.", "", [(RecipientKind.CC, "supervisor"), (RecipientKind.TO, "artist")]),
        (SCRIPT_NOTE, "", [(RecipientKind.CC, "supervisor"), (RecipientKind.TO, "artist")]),
        ("Approved.", "approve", [(RecipientKind.CC, "supervisor"), (RecipientKind.TO, "artist")]),
    ]
    assert stored(v1) == [
        (
            "Needs more anticipation before the jump.",
            "retake",
            [(RecipientKind.CC, "supervisor"), (RecipientKind.TO, "artist2")],
        ),
        ("Also trim the tail.", "", [(RecipientKind.CC, "supervisor"), (RecipientKind.TO, "artist2")]),
    ]
    assert stored(v2) == [
        ("Warmer key on the hull.", "", [(RecipientKind.CC, "lighting_supervisor"), (RecipientKind.TO, "lighter")])
    ]
    assert set(Note.objects.values_list("session_id", "author__username")) == {(world.session.pk, "coordinator")}
    v0, v1 = (Version.objects.select_related("task").get(pk=v.pk) for v in (v0, v1))
    assert (v0.status, v0.task.status) == (VersionStatus.APPROVED, TaskStatus.APPROVED)
    assert (v1.status, v1.task.status, v1.task.retake_count) == (VersionStatus.RETAKE, TaskStatus.RETAKE, 1)


def test_a_network_error_keeps_the_note_until_retry_saves_it(tab, live_server, world):
    page = tab.page
    first = world.items()[0]
    log_in(tab, live_server, "coordinator", "/dailies/")
    page.goto(f"{live_server.url}/dailies/{world.session.pk}/")
    on_stage(page, first)
    page.evaluate("window.__loadedOnce = 'yes'")

    # The connection drops for the next save.
    page.route("**/notes/new/", lambda route: route.abort("internetdisconnected"))
    page.keyboard.type("Keep this one.")
    page.keyboard.press("Enter")
    pending = page.locator("#outbox .pending-note")
    expect(pending).to_have_class("pending-note failed")
    expect(pending.locator(".pending-state")).to_have_text("Not saved")
    expect(pending.locator(".note-body")).to_have_text("Keep this one.")
    expect(pending.locator(".retry")).to_be_visible()
    assert Note.objects.count() == 0
    page.screenshot(path="/tmp/session-browser-not-saved.png")

    # Typing goes on meanwhile; the connection comes back; Retry (from the keyboard) saves it once.
    expect(page.locator("#note-body")).to_be_focused()
    page.keyboard.type("Next thought")
    page.unroute("**/notes/new/")
    pending.locator(".retry").focus()
    page.keyboard.press("Enter")
    expect(pending).to_have_count(0)
    expect(page.locator("#note-list .note")).to_have_count(1)
    assert notes_listed(page) == ["Keep this one."]
    expect(page.locator("#note-body")).to_have_value("Next thought")
    assert [(n.body, n.version_id) for n in Note.objects.all()] == [("Keep this one.", first.version_id)]
    assert page.evaluate("window.__loadedOnce") == "yes"
    assert tab.csp_violations == [] and tab.page_errors == []


def test_notes_typed_in_another_browser_appear_within_seconds(chromium, tab, live_server, world):
    first = world.items()[0]
    log_in(tab, live_server, "coordinator", "/dailies/")
    tab.page.goto(f"{live_server.url}/dailies/{world.session.pk}/")
    on_stage(tab.page, first)

    context = chromium.browser.new_context(viewport=VIEWPORT, locale="en-GB")
    try:
        supervisor = Tab(context.new_page())
        supervisor.page.on("pageerror", lambda error: supervisor.page_errors.append(str(error)))
        log_in(supervisor, live_server, "supervisor", "/review/")
        supervisor.page.goto(f"{live_server.url}/dailies/{world.session.pk}/")
        on_stage(supervisor.page, first)
        supervisor.page.keyboard.type("From the supervisor: the arc reads well now.")
        supervisor.page.keyboard.press("Enter")
        expect(supervisor.page.locator("#note-list .note")).to_have_count(1)
        assert supervisor.page_errors == []
    finally:
        context.close()

    # The coordinator's page polls every 3 seconds: the note arrives without a reload, with the playlist's count.
    expect(tab.page.locator("#note-list .note-body")).to_have_text(
        ["From the supervisor: the arc reads well now."], timeout=6000
    )
    expect(tab.page.locator(f"#item-{first.pk} .badge")).to_contain_text("1")
    tab.assert_clean()


def test_the_playlist_is_reordered_by_keyboard_and_by_drag(tab, live_server, world):
    page = tab.page
    first, second, third = world.items()
    log_in(tab, live_server, "coordinator", "/dailies/")
    page.goto(f"{live_server.url}/dailies/{world.session.pk}/")
    on_stage(page, first)

    def shown_order() -> list[str]:
        return page.locator("#playlist-items .playlist-item").evaluate_all("rows => rows.map(r => r.dataset.itemId)")

    # The ↓ button of the first version, from the keyboard: it moves down one place and keeps the focus.
    page.locator(f"#item-down-{first.pk}").focus()
    with page.expect_response(f"{live_server.url}/dailies/{world.session.pk}/items/{first.pk}/move/"):
        page.keyboard.press("Enter")
    expect(page.locator("#playlist-items .playlist-item").first).to_have_attribute("data-item-id", str(second.pk))
    expect(page.locator(f"#item-down-{first.pk}")).to_be_focused()
    assert [item.pk for item in world.items()] == [second.pk, first.pk, third.pk]

    # Drag the last one to the top: the whole order is posted and comes back from the server.
    with page.expect_response(f"{live_server.url}/dailies/{world.session.pk}/items/order/"):
        page.drag_and_drop(f"#item-{third.pk}", f"#item-{second.pk}", target_position={"x": 40, "y": 4})
    expect(page.locator("#playlist-items .playlist-item").first).to_have_attribute("data-item-id", str(third.pk))
    assert shown_order() == [str(third.pk), str(second.pk), str(first.pk)]
    assert [item.pk for item in world.items()] == [third.pk, second.pk, first.pk]
    tab.assert_clean()
