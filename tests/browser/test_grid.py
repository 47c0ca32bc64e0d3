"""The shot grid in a real browser: a coordinator edits a status inline (mouse and keyboard), runs a bulk status
change, and gets "changed by X at T — reload" when someone saved first; an artist sees the grid and may open only
their own tasks; the next page arrives as the grid scrolls; filters swap the rows and push a shareable URL."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shots import services
from shots.models import Task, TaskTemplateItem
from shots.views import grid as grid_views
from shots.workflow import TaskStatus
from studio.models import Role
from tests.browser.test_homes import assert_htmx_loaded, log_in
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRID_SCREENSHOT = "/tmp/grid-browser-coordinator.png"
EDITOR_SCREENSHOT = "/tmp/grid-browser-editor.png"
STALE_SCREENSHOT = "/tmp/grid-browser-stale.png"
ARTIST_SCREENSHOT = "/tmp/grid-browser-artist.png"


@pytest.fixture
def show():
    """RBT: five shots in SQ010, Layout and Animation on each; Ana animates the first three."""
    show = ShowFactory(code="RBT", name="Robot Holiday")
    layout_dept = DepartmentFactory(name="Layout", code="LAY", order=1)
    animation = DepartmentFactory(name="Animation", code="ANM", order=2)
    people = {}
    for username, role, first, last, department in [
        ("cora", Role.COORDINATOR, "Cora", "Cole", None),
        ("sam", Role.SUPERVISOR, "Sam", "Sutter", animation),
        ("ana", Role.ARTIST, "Ana", "Arden", animation),
        ("ben", Role.ARTIST, "Ben", "Brook", animation),
    ]:
        people[username] = PersonFactory(
            username=username, role=role, first_name=first, last_name=last, department=department
        )
        MembershipFactory(show=show, person=people[username])
    layout = TaskTypeFactory(name="Layout", department=layout_dept, order=1)
    anim = TaskTypeFactory(name="Animation", department=animation, order=2)
    for task_type in (layout, anim):
        TaskTemplateItem.objects.create(show=show, task_type=task_type)
    sequence = SequenceFactory(show=show, code="SQ010", order=1)
    for n in range(1, 6):
        shot = ShotFactory(sequence=sequence, code=f"SQ010_SH{n * 10:04d}", order=n, description=f"Shot number {n}")
        TaskFactory(shot=shot, task_type=layout, status=TaskStatus.FINAL)
        TaskFactory(
            shot=shot,
            task_type=anim,
            status=TaskStatus.WIP if n <= 3 else TaskStatus.READY,
            assignees=[people["ana"] if n <= 3 else people["ben"]],
            due_date=dt.date(2026, 11, n),
        )
    return show


def animation_task(code: str) -> Task:
    return Task.objects.get(shot__code=code, task_type__name="Animation")


def cell(page, code: str, column: int):
    """The task cell of a shot's row; column 0 is Layout, 1 Animation."""
    return page.locator(f"#shot-grid tbody tr:has(th a:text-is('{code}')) td.task-cell").nth(column)


def test_coordinator_edits_a_status_inline_with_the_mouse_then_the_keyboard(tab, live_server, show):
    log_in(tab, live_server, "cora", "/dailies/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/RBT/shots/")
    assert page.title() == "RBT shots · Slate"
    assert_htmx_loaded(tab)
    assert page.locator("#shot-grid thead th").all_inner_texts()[1:] == [
        "Shot",
        "Sequence",
        "Latest",
        "Cut length",
        "Status",
        "Layout",
        "Animation",
    ]
    assert page.locator("#shot-grid thead th[aria-sort]").inner_text() == "Sequence"
    assert page.locator("#shot-grid thead th[aria-sort]").get_attribute("aria-sort") == "ascending"
    assert page.locator("#grid-total").inner_text() == "5 shots"
    page.screenshot(path=GRID_SCREENSHOT)

    # Mouse: open the editor, pick a status, save; the cell comes back with the new chip.
    cell(page, "SQ010_SH0010", 1).locator("a.cell-link").click()
    editor = cell(page, "SQ010_SH0010", 1).locator("form.cell-editor")
    editor.wait_for()
    expect(editor.locator("select")).to_be_focused()
    page.screenshot(path=EDITOR_SCREENSHOT)
    editor.locator("select").select_option("pending_review")
    editor.locator("button[type=submit]").click()
    cell(page, "SQ010_SH0010", 1).locator("a.cell-link .chip").filter(has_text="Pending review").wait_for()
    assert cell(page, "SQ010_SH0010", 1).inner_text().split() == ["Pending", "review", "AA", "1", "Nov"]
    task = animation_task("SQ010_SH0010")
    assert (task.status, task.row_version, task.updated_by.username) == ("pending_review", 2, "cora")
    # The focus is back on the cell.
    expect(cell(page, "SQ010_SH0010", 1).locator("a.cell-link")).to_be_focused()

    # Keyboard: down a row, Enter opens the editor, Escape cancels, down again, Enter, a status, Enter saves.
    page.keyboard.press("ArrowDown")
    expect(cell(page, "SQ010_SH0020", 1).locator("a.cell-link")).to_be_focused()
    page.keyboard.press("Enter")
    cell(page, "SQ010_SH0020", 1).locator("form.cell-editor").wait_for()
    page.keyboard.press("Escape")
    cell(page, "SQ010_SH0020", 1).locator("form.cell-editor").wait_for(state="detached")
    expect(cell(page, "SQ010_SH0020", 1).locator("a.cell-link")).to_be_focused()
    page.keyboard.press("ArrowLeft")  # Layout's cell of the same row
    expect(cell(page, "SQ010_SH0020", 0).locator("a.cell-link")).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    editor = cell(page, "SQ010_SH0030", 1).locator("form.cell-editor")
    editor.wait_for()
    editor.locator("select").select_option("retake")
    editor.locator("select").press("Enter")
    cell(page, "SQ010_SH0030", 1).locator(".chip").filter(has_text="Retake").wait_for()
    assert animation_task("SQ010_SH0030").status == "retake"
    assert animation_task("SQ010_SH0020").status == "wip"  # cancelled: untouched
    tab.assert_clean()


def test_coordinator_changes_the_status_of_several_shots_at_once(tab, live_server, show):
    log_in(tab, live_server, "cora", "/dailies/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/RBT/shots/")
    boxes = page.locator('#shot-grid tbody input[name="bulk-shot"]')
    boxes.nth(1).click()
    boxes.nth(3).click(modifiers=["Shift"])  # a range: the second to the fourth shot
    assert page.locator("#grid-selected-count").inner_text() == "3 shots selected"
    page.select_option("#bulk-task_type", label="Animation")
    page.select_option("#bulk-status", "approved")
    page.click("#grid-bulk button[value=status]")
    page.locator("#grid-bulk-result .notice.success").wait_for()
    assert page.locator("#grid-bulk-result").inner_text() == "Set the status of 3 Animation tasks."
    statuses = [cell(page, f"SQ010_SH{n * 10:04d}", 1).locator(".chip").inner_text() for n in range(1, 6)]
    assert statuses == ["WIP", "Approved", "Approved", "Approved", "Ready"]
    assert [animation_task(f"SQ010_SH{n * 10:04d}").status for n in range(1, 6)] == [
        "wip",
        "approved",
        "approved",
        "approved",
        "ready",
    ]
    # The rows came back ticked with fresh versions: a second bulk edit on the same selection goes through.
    assert page.locator("#grid-selected-count").inner_text() == "3 shots selected"
    page.fill("#bulk-due_date", "2026-12-18")
    page.click("#grid-bulk button[value=due_date]")
    page.locator("#grid-bulk-result").filter(has_text="Set the due date of 3 Animation tasks.").wait_for()
    assert animation_task("SQ010_SH0040").due_date == dt.date(2026, 12, 18)
    page.screenshot(path="/tmp/grid-browser-bulk.png")
    tab.assert_clean()


def test_the_second_editor_is_told_who_changed_the_task_and_reloads(tab, live_server, show):
    log_in(tab, live_server, "cora", "/dailies/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/RBT/shots/")
    cell(page, "SQ010_SH0020", 1).locator("a.cell-link").click()
    editor = cell(page, "SQ010_SH0020", 1).locator("form.cell-editor")
    editor.wait_for()

    # Meanwhile the supervisor approves it.
    sam = show.members.get(username="sam")
    services.task_update(actor=sam, task=animation_task("SQ010_SH0020"), row_version=1, status="approved")
    when = timezone.localtime(animation_task("SQ010_SH0020").updated_at).strftime("%Y-%m-%d %H:%M")

    editor.locator("select").select_option("retake")
    editor.locator("button[type=submit]").click()
    stale = cell(page, "SQ010_SH0020", 1).locator(".notice.stale")
    stale.wait_for()
    assert stale.locator("p").first.inner_text() == (
        f"This task was changed by Sam Sutter at {when} — reload to see their change."
    )
    assert cell(page, "SQ010_SH0020", 1).locator("select").input_value() == "retake"  # the input is kept
    page.screenshot(path=STALE_SCREENSHOT)
    assert animation_task("SQ010_SH0020").status == "approved"

    stale.locator("a", has_text="Reload").click()
    cell(page, "SQ010_SH0020", 1).locator(".notice.stale").wait_for(state="detached")
    assert cell(page, "SQ010_SH0020", 1).locator("select").input_value() == "approved"
    cell(page, "SQ010_SH0020", 1).locator("select").select_option("retake")
    cell(page, "SQ010_SH0020", 1).locator("button[type=submit]").click()
    cell(page, "SQ010_SH0020", 1).locator("a.cell-link .chip").filter(has_text="Retake").wait_for()
    assert animation_task("SQ010_SH0020").status == "retake"

    assert tab.csp_violations == [] and tab.page_errors == []
    conflict = [(status, url) for status, url in tab.failed_responses]
    task_id = animation_task("SQ010_SH0020").pk
    assert conflict == [(409, f"{live_server.url}/tasks/{task_id}/cell/")]


def test_an_artist_reads_the_grid_and_moves_only_their_own_tasks(tab, live_server, show):
    log_in(tab, live_server, "ana", "/my/tasks/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/RBT/shots/")
    assert page.locator("#grid-bulk").count() == 0
    assert page.locator('#shot-grid input[name="bulk-shot"]').count() == 0
    links = page.locator("#shot-grid a.cell-link")
    assert links.count() == 3  # her three Animation tasks; Layout and Ben's are read-only
    mine = [animation_task(f"SQ010_SH{n * 10:04d}").pk for n in range(1, 4)]
    assert links.evaluate_all("links => links.map(link => link.href)") == [
        f"{live_server.url}/tasks/{pk}/cell/?edit=1" for pk in mine
    ]
    assert cell(page, "SQ010_SH0040", 1).locator("a").count() == 0
    page.screenshot(path=ARTIST_SCREENSHOT)

    cell(page, "SQ010_SH0010", 1).locator("a.cell-link").click()
    editor = cell(page, "SQ010_SH0010", 1).locator("form.cell-editor")
    editor.wait_for()
    assert editor.locator("select option").all_inner_texts() == ["WIP", "Pending review"]
    assert editor.locator("input[type=date], fieldset").count() == 0
    editor.locator("select").select_option("pending_review")
    editor.locator("button[type=submit]").click()
    cell(page, "SQ010_SH0010", 1).locator(".chip").filter(has_text="Pending review").wait_for()
    assert animation_task("SQ010_SH0010").status == "pending_review"
    tab.assert_clean()


def test_the_next_rows_arrive_as_the_grid_scrolls_and_filters_push_their_url(tab, live_server, show, monkeypatch):
    monkeypatch.setattr(grid_views, "PAGE_SIZE", 2)
    log_in(tab, live_server, "cora", "/dailies/")
    page = tab.page
    page.set_viewport_size({"width": 1280, "height": 560})
    page.goto(f"{live_server.url}/shows/RBT/shots/")
    rows = page.locator("#shot-grid tbody th[scope=row]")
    page.evaluate("document.getElementById('grid-scroll').scrollTop = 1e6")
    expect(rows).to_have_count(5)
    assert [text.split("\n")[0].split(" ")[0] for text in rows.all_inner_texts()] == [
        f"SQ010_SH{n * 10:04d}" for n in range(1, 6)
    ]
    assert page.locator("#grid-more").count() == 0

    page.fill("#grid-q", "number 4")
    expect(rows).to_have_count(1)
    assert page.locator("#grid-total").inner_text() == "1 shot matches"
    page.wait_for_url(f"{live_server.url}/shows/RBT/shots/?q=number+4")
    page.select_option("#grid-task_status", "ready")
    page.wait_for_url(f"{live_server.url}/shows/RBT/shots/?q=number+4&task_status=ready")
    assert rows.all_inner_texts()[0].startswith("SQ010_SH0040")
    # The URL is shareable: opening it again gives the same rows.
    page.goto(page.url)
    assert [text.split("\n")[0] for text in rows.all_inner_texts()] == ["SQ010_SH0040"]

    # A column header sorts (a boosted link: the page is swapped in, its URL pushed); a second click reverses.
    page.goto(f"{live_server.url}/shows/RBT/shots/")
    page.click("#shot-grid thead a:text-is('Shot')")
    page.wait_for_url(f"{live_server.url}/shows/RBT/shots/?sort=code")
    assert page.locator("#grid-sort").input_value() == "code"
    page.click("#shot-grid thead a:text-is('Shot')")
    page.wait_for_url(f"{live_server.url}/shows/RBT/shots/?sort=-code")
    assert page.locator("#shot-grid thead th[aria-sort]").get_attribute("aria-sort") == "descending"
    assert rows.first.inner_text().startswith("SQ010_SH0050")
    tab.assert_clean()


def test_coordinator_plans_start_dates_inline_and_in_bulk(tab, live_server, show):
    log_in(tab, live_server, "cora", "/dailies/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/RBT/shots/")
    cell(page, "SQ010_SH0020", 1).locator("a.cell-link").click()
    editor = cell(page, "SQ010_SH0020", 1).locator("form.cell-editor")
    editor.wait_for()
    # A start after the due date (2 Nov): refused, the editor stays open naming the due date.
    editor.locator("input[name=start_date]").fill("2026-11-05")
    editor.locator("button[type=submit]").click()
    notice = cell(page, "SQ010_SH0020", 1).locator(".notice.error")
    notice.wait_for()
    assert notice.inner_text() == "Due: The due date must not be before the start date."
    assert animation_task("SQ010_SH0020").start_date is None
    editor = cell(page, "SQ010_SH0020", 1).locator("form.cell-editor")
    editor.locator("input[name=start_date]").fill("2026-10-26")
    editor.locator("button[type=submit]").click()
    due = cell(page, "SQ010_SH0020", 1).locator("a.cell-link .due")
    due.wait_for()
    assert due.get_attribute("title") == "Starts 26 Oct 2026"
    assert animation_task("SQ010_SH0020").start_date == dt.date(2026, 10, 26)

    # Bulk: the last two shots start on 19 Oct.
    boxes = page.locator('#shot-grid tbody input[name="bulk-shot"]')
    boxes.nth(3).click()
    boxes.nth(4).click()
    page.select_option("#bulk-task_type", label="Animation")
    page.fill("#bulk-start_date", "2026-10-19")
    page.click("#grid-bulk button[value=start_date]")
    page.locator("#grid-bulk-result").filter(has_text="Set the start date of 2 Animation tasks.").wait_for()
    assert [animation_task(f"SQ010_SH00{n}0").start_date for n in (4, 5)] == [dt.date(2026, 10, 19)] * 2
    task_id = animation_task("SQ010_SH0020").pk
    assert tab.failed_responses == [(422, f"{live_server.url}/tasks/{task_id}/cell/")]  # the refusal above
    tab.failed_responses.clear()
    tab.console = [entry for entry in tab.console if "422" not in entry[1]]
    tab.assert_clean()
