"""My timesheet in a real browser, from the keyboard, under the strict CSP: hours typed in cells save on Tab and
Enter, the day and week totals follow without a page reload, a refused value stays in its cell with the message."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from schedules.models import TimeLog
from studio.models import Role
from tests.browser.test_my_day import log_in
from tests.schedules.factories import TimeLogFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_wednesday() -> dt.datetime:
    """A Wednesday after the real today (the session cookie the server sets must not have expired in the browser's
    real clock)."""
    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() != 2:
        day += dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def week(monkeypatch):
    """Ana on RBT with two Animation tasks, 2 hours already on the second one on Monday."""
    now = next_wednesday()
    monkeypatch.setattr(timezone, "now", lambda: now)
    monday = now.date() - dt.timedelta(days=2)
    show = ShowFactory(code="RBT", name="Robots of the Deep")
    animation = DepartmentFactory(name="Animation", code="ANI")
    ana = PersonFactory(username="ana", first_name="Ana", last_name="Lima", role=Role.ARTIST, department=animation)
    MembershipFactory(person=ana, show=show)
    anim = TaskTypeFactory(name="Animation", department=animation)
    sequence = SequenceFactory(show=show, code="SQ010")
    tasks = [
        TaskFactory(shot=ShotFactory(sequence=sequence, code=code), task_type=anim, assignees=[ana])
        for code in ("SQ010_SH0010", "SQ010_SH0020")
    ]
    TimeLogFactory(person=ana, task=tasks[1], date=monday, hours=Decimal("2"))
    return ana, tasks, monday


def cell(task, day: dt.date) -> str:
    return f"#ts-{task.pk}-{day:%Y%m%d}"


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_typing_hours_in_two_cells_updates_the_totals_in_place(tab, live_server, week):
    ana, (first, second), monday = week
    tuesday = monday + dt.timedelta(days=1)
    log_in(tab, live_server, "ana", "/my/tasks/")
    page = tab.page
    page.goto(f"{live_server.url}/my/timesheet/")
    page.evaluate("window.timesheetPageMarker = 'still the same page'")
    expect(page.locator(f"#day-total-{monday:%Y%m%d}")).to_have_text("2")
    expect(page.locator("#week-total")).to_have_text("2")
    cell_url = f"{live_server.url}/my/timesheet/cell/"

    # Monday of the first task: type 3, Tab saves it and moves to Tuesday.
    page.focus(cell(first, monday))
    page.keyboard.type("3")
    with page.expect_response(cell_url):
        page.keyboard.press("Tab")
    expect(page.locator(f"#day-total-{monday:%Y%m%d}")).to_have_text("5")
    expect(page.locator(f"#row-total-{first.pk}")).to_have_text("3")
    assert focused_id(page) == cell(first, tuesday)[1:]

    # Tuesday: 4.5, Enter saves it and moves down to the second task's Tuesday.
    page.keyboard.type("4.5")
    with page.expect_response(cell_url):
        page.keyboard.press("Enter")
    expect(page.locator(f"#day-total-{tuesday:%Y%m%d}")).to_have_text("4.5")
    expect(page.locator("#week-total")).to_have_text("9.5")
    expect(page.locator(f"#row-total-{first.pk}")).to_have_text("7.5")
    assert focused_id(page) == cell(second, tuesday)[1:]

    # A value the services refuse stays in its cell with the message beside it; the totals stay.
    page.keyboard.type("abc")
    with page.expect_response(cell_url):
        page.keyboard.press("Enter")  # the last row: Enter saves in place, the focus stays
    expect(page.locator(f"{cell(second, tuesday)}-error")).to_have_text("Give the hours as a number, like 2.5.")
    expect(page.locator(cell(second, tuesday))).to_have_value("abc")
    expect(page.locator("#week-total")).to_have_text("9.5")
    expect(page.locator(cell(second, tuesday))).to_be_focused()

    # Emptying a cell removes its hours.
    page.focus(cell(second, monday))
    page.keyboard.press("Backspace")
    with page.expect_response(cell_url):
        page.keyboard.press("Tab")
    expect(page.locator(f"#day-total-{monday:%Y%m%d}")).to_have_text("3")
    expect(page.locator("#week-total")).to_have_text("7.5")

    assert page.evaluate("window.timesheetPageMarker") == "still the same page"  # never reloaded
    page.screenshot(path="/tmp/timesheet-browser.png", full_page=True)
    tab.assert_clean()
    assert sorted(TimeLog.objects.values_list("task__shot__code", "date", "hours")) == [
        ("SQ010_SH0010", monday, Decimal("3.00")),
        ("SQ010_SH0010", tuesday, Decimal("4.50")),
    ]
