"""The Gantt chart in a real browser: a coordinator drags a bar by three days with the mouse, then drags its due
end, then moves another task's dates from the keyboard; the database and the page agree each time, and the browser
reports no error and no CSP violation. An artist sees the same chart read-only."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from schedules.models import BaselineTask, Holiday
from shots import services
from shots.models import Task
from shots.workflow import TaskStatus
from studio.models import Person, Role
from tests.browser.test_homes import assert_htmx_loaded, log_in
from tests.schedules.factories import BaselineFactory, MilestoneFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART = "/shows/RBT/gantt/?from=2026-03-02&to=2026-03-29"
PX_PER_DAY = 14
SCREENSHOT = "/tmp/gantt-browser-coordinator.png"


@pytest.fixture
def show():
    """RBT: three shots in SQ010 with an Animation task each, in March 2026."""
    show = ShowFactory(code="RBT", name="Robot Holiday")
    animation = DepartmentFactory(name="Animation", code="ANM", order=2)
    people = {}
    for username, role, first, last in [
        ("cora", Role.COORDINATOR, "Cora", "Cole"),
        ("ana", Role.ARTIST, "Ana", "Arden"),
    ]:
        people[username] = PersonFactory(
            username=username, role=role, first_name=first, last_name=last, department=animation
        )
        MembershipFactory(show=show, person=people[username])
    anim = TaskTypeFactory(name="Animation", department=animation, order=2)
    sequence = SequenceFactory(show=show, code="SQ010", order=1)
    for n in range(1, 4):
        shot = ShotFactory(sequence=sequence, code=f"SQ010_SH{n * 10:04d}", order=n)
        TaskFactory(
            shot=shot,
            task_type=anim,
            status=TaskStatus.WIP,
            assignees=[people["ana"]],
            start_date=dt.date(2026, 3, 2 + n),
            due_date=dt.date(2026, 3, 6 + n),
        )
    # What the screenshot shows besides the bars: a baseline mark, a holiday, two milestones.
    baseline = BaselineFactory(show=show, name="Bid v1", is_active=True)
    first = Task.objects.get(shot__code="SQ010_SH0010")
    BaselineTask.objects.create(
        baseline=baseline, task=first, bid_days=3, start_date=dt.date(2026, 3, 2), due_date=dt.date(2026, 3, 5)
    )
    Holiday.objects.create(show=show, date=dt.date(2026, 3, 17), name="Studio day")
    MilestoneFactory(show=show, name="Animation lock", department=animation, date=dt.date(2026, 3, 20))
    MilestoneFactory(show=show, name="Final delivery", date=dt.date(2026, 3, 27))
    return show


def task(code: str) -> Task:
    return Task.objects.get(shot__code=code, task_type__name="Animation")


def row(page, code: str):
    return page.locator(f"#gantt-table tr.gantt-row:has(a.code:text-is('{code}'))")


def drag(page, locator, days: int) -> None:
    """Press on the middle of `locator`, move right by `days` days in small steps, release."""
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + days * PX_PER_DAY, y, steps=8)
    page.mouse.up()


def test_coordinator_drags_a_bar_and_its_end_then_edits_dates_with_the_keyboard(tab, live_server, show):
    log_in(tab, live_server, "cora", "/dailies/")
    page = tab.page
    page.goto(f"{live_server.url}{CHART}")
    assert page.title() == "RBT Gantt · Slate"
    assert_htmx_loaded(tab)
    first = row(page, "SQ010_SH0010")
    expect(first.locator("[data-dates]")).to_have_text("3 Mar – 7 Mar 2026")
    bar = first.locator("g.gantt-bar rect.bar")
    assert (bar.get_attribute("x"), bar.get_attribute("width")) == ("14", "70")
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Mouse: move the whole bar three days later; both dates shift.
    drag(page, bar, 3)
    expect(first.locator("[data-dates]")).to_have_text("6 Mar – 10 Mar 2026")
    expect(first).to_have_attribute("data-row-version", "2")  # the row came back from the server
    saved = task("SQ010_SH0010")
    assert (saved.start_date, saved.due_date, saved.updated_by.username) == (
        dt.date(2026, 3, 6),
        dt.date(2026, 3, 10),
        "cora",
    )
    bar = first.locator("g.gantt-bar rect.bar")
    assert (bar.get_attribute("x"), bar.get_attribute("width")) == ("56", "70")

    # Mouse: drag the due end two days later; the start stays.
    drag(page, first.locator("g.gantt-bar rect.handle-due"), 2)
    expect(first.locator("[data-dates]")).to_have_text("6 Mar – 12 Mar 2026")
    expect(first).to_have_attribute("data-row-version", "3")
    saved = task("SQ010_SH0010")
    assert (saved.start_date, saved.due_date) == (dt.date(2026, 3, 6), dt.date(2026, 3, 12))
    assert first.locator("g.gantt-bar rect.bar").get_attribute("width") == "98"

    # Keyboard: focus the second bar, Enter opens the date form on its start date, Enter saves.
    second = row(page, "SQ010_SH0020")
    second.locator("g.gantt-bar").focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#gantt-editor")
    expect(dialog).to_be_visible()
    expect(page.locator("#gantt-editor-title")).to_have_text("Dates of SQ010_SH0020 Animation")
    start_input = page.locator("#gantt-editor-start")
    expect(start_input).to_be_focused()
    expect(start_input).to_have_value("2026-03-04")
    start_input.fill("2026-03-16")
    page.locator("#gantt-editor-due").fill("2026-03-20")
    start_input.press("Enter")
    expect(dialog).not_to_be_visible()
    expect(second.locator("[data-dates]")).to_have_text("16 Mar – 20 Mar 2026")
    saved = task("SQ010_SH0020")
    assert (saved.start_date, saved.due_date) == (dt.date(2026, 3, 16), dt.date(2026, 3, 20))
    expect(second.locator("g.gantt-bar")).to_be_focused()  # the focus is back on the redrawn bar
    assert second.locator("g.gantt-bar rect.bar").get_attribute("x") == str(14 * PX_PER_DAY)

    # Escape closes the form without saving.
    page.keyboard.press("Enter")
    expect(start_input).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).not_to_be_visible()
    expect(second.locator("g.gantt-bar")).to_be_focused()
    assert task("SQ010_SH0020").row_version == 2
    tab.assert_clean()


def test_an_artist_sees_a_read_only_chart(tab, live_server, show):
    log_in(tab, live_server, "ana", "/my/tasks/")
    page = tab.page
    page.goto(f"{live_server.url}{CHART}")
    first = row(page, "SQ010_SH0010")
    bar = first.locator("g.gantt-bar")
    assert bar.get_attribute("role") == "img"
    assert page.locator("#gantt-editor").count() == 0
    assert first.locator("a[data-gantt-edit]").count() == 0
    drag(page, bar.locator("rect.bar"), 3)
    page.wait_for_timeout(300)
    assert task("SQ010_SH0010").start_date == dt.date(2026, 3, 3)
    expect(first.locator("[data-dates]")).to_have_text("3 Mar – 7 Mar 2026")
    tab.assert_clean()


def test_a_drop_on_a_row_someone_changed_meanwhile_snaps_back_with_who_changed_it(tab, live_server, show):
    log_in(tab, live_server, "cora", "/dailies/")
    page = tab.page
    page.goto(f"{live_server.url}{CHART}")
    first = row(page, "SQ010_SH0010")
    expect(first.locator("[data-dates]")).to_have_text("3 Mar – 7 Mar 2026")
    # Someone else moves the task after the chart was drawn.
    other = Person.objects.create_user(username="pia", first_name="Pia", last_name="Planner", role=Role.PRODUCER)
    MembershipFactory(show=show, person=other)
    services.task_update(
        actor=other,
        task=task("SQ010_SH0010"),
        row_version=1,
        start_date=dt.date(2026, 3, 9),
        due_date=dt.date(2026, 3, 13),
    )

    drag(page, first.locator("g.gantt-bar rect.bar"), 2)
    expect(first.locator(".gantt-message")).to_contain_text("This task was changed by Pia Planner at")
    # The bar is drawn where the database has it now, not where it was dropped.
    expect(first.locator("[data-dates]")).to_have_text("9 Mar – 13 Mar 2026")
    assert first.locator("g.gantt-bar rect.bar").get_attribute("x") == str(7 * PX_PER_DAY)
    expect(first).to_have_attribute("data-row-version", "2")
    saved = task("SQ010_SH0010")
    assert (saved.start_date, saved.due_date) == (dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    # The 409 is the only failure the browser saw; no script error, no CSP violation.
    assert [status for status, _ in tab.failed_responses] == [409]
    assert tab.csp_violations == []
    assert tab.page_errors == []
