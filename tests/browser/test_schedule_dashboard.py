"""The schedule dashboard in a real browser: a producer opens it, Chart.js (through static/js/charts.js) draws the
SPI and SV trends from the json_script data, under the strict CSP, with no script or console error; the settings
form changes the load view's weeks by keyboard."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from shots.workflow import TaskStatus
from studio.models import Role
from tests.browser.test_homes import log_in
from tests.schedules.factories_dashboard import HolidayFactory, SnapshotFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/schedule-dashboard.png"
AS_OF = dt.date(2026, 12, 8)


@pytest.fixture
def show():
    """RBT: Animation and Lighting tasks around 8 December 2026 and ten days of snapshots for both and the show."""
    show = ShowFactory(code="RBT", name="Robot Holiday")
    HolidayFactory(show=show, date=dt.date(2026, 12, 3))
    animation = DepartmentFactory(name="Animation", code="ANI", order=1)
    lighting = DepartmentFactory(name="Lighting", code="LGT", order=2)
    pete = PersonFactory(username="pete", first_name="Pete", last_name="Prod", role=Role.PRODUCER)
    ana = PersonFactory(username="ana", first_name="Ana", last_name="Arden", role=Role.ARTIST)
    for person in (pete, ana):
        MembershipFactory(show=show, person=person)
    sequence = SequenceFactory(show=show, code="SQ010")
    # Ana's Animation task: bid 12 over the 9 working days 30 Nov .. 11 Dec, 5 of them in the week of 7 Dec:
    # 6.67 days against 5, overloaded.
    for n, (task_type, status, bid, start, due) in enumerate(
        [
            (TaskTypeFactory(name="Animation", department=animation), TaskStatus.WIP, "12", (11, 30), (12, 11)),
            (TaskTypeFactory(name="Lighting", department=lighting), TaskStatus.RETAKE, "6", (11, 23), (12, 2)),
        ],
        start=1,
    ):
        TaskFactory(
            shot=ShotFactory(sequence=sequence, code=f"SQ010_SH{n * 10:04d}"),
            task_type=task_type,
            status=status,
            bid_days=Decimal(bid),
            start_date=dt.date(2026, *start),
            due_date=dt.date(2026, *due),
            assignees=[ana],
        )
    for days_back in range(10):
        day = AS_OF - dt.timedelta(days=days_back)
        for department, ev in ((animation, "2"), (lighting, "3"), (None, "5")):
            SnapshotFactory(show=show, department=department, date=day, pv=Decimal("4") + days_back, ev=Decimal(ev))
    return show


def test_the_producer_sees_the_trend_charts_drawn(tab, live_server, show):
    log_in(tab, live_server, "pete", "/shows/RBT/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/RBT/schedule/?as_of={AS_OF.isoformat()}")

    assert page.title() == "RBT schedule · Slate"
    for chart_id, datasets in (("spi-trend", 3), ("sv-trend", 3)):
        canvas = page.locator(f'canvas[data-chart="{chart_id}"]')
        expect(canvas).to_have_attribute("data-drawn", "1")
        assert canvas.evaluate("c => Chart.getChart(c) !== undefined") is True
        assert canvas.evaluate("c => Chart.getChart(c).data.datasets.length") == datasets
        assert canvas.evaluate("c => Chart.getChart(c).data.labels.length") == 10
        assert canvas.evaluate("c => c.getBoundingClientRect().height") > 100
    labels = page.locator('canvas[data-chart="spi-trend"]').evaluate(
        "c => Chart.getChart(c).data.datasets.map(d => d.label)"
    )
    assert labels == ["Animation", "Lighting", "Show"]
    # The figures parse as numbers on the chart's scale (decimal strings from the server).
    first_spi = page.locator('canvas[data-chart="spi-trend"]').evaluate(
        "c => { const chart = Chart.getChart(c);"
        " return chart.scales.y.getValueForPixel(chart.getDatasetMeta(0).data[9].y); }"
    )
    assert first_spi == pytest.approx(0.5)  # Animation on 8 Dec: EV 2 / PV 4

    # The late Lighting task links to its shot page; the load table highlights the overloaded week.
    expect(page.locator("#late-table a")).to_have_text(["SQ010_SH0020"])
    expect(page.locator("#late-table a")).to_have_attribute("href", "/shows/RBT/shot/SQ010_SH0020/")
    expect(page.locator("#load-table tbody th")).to_have_count(1)
    expect(page.locator("#load-table td.over")).to_have_text(["6.67 / 5.00 1.33×"])
    page.screenshot(path=SCREENSHOT, full_page=True)

    # The settings form, by keyboard: three weeks in the load view.
    page.locator("#id_weeks").focus()
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/shows/RBT/schedule/?as_of={AS_OF.isoformat()}&days=&weeks=3")
    expect(page.locator("#load-table thead th")).to_have_count(5)  # person, three weeks, unscheduled
    expect(page.locator('canvas[data-chart="spi-trend"]')).to_have_attribute("data-drawn", "1")
    tab.assert_clean()


def test_without_snapshots_the_page_says_so_and_draws_nothing(tab, live_server, show):
    log_in(tab, live_server, "pete", "/shows/RBT/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/RBT/schedule/?as_of=2026-06-01")
    expect(page.locator("#trend-empty")).to_contain_text("No earned-value snapshots")
    expect(page.locator("canvas")).to_have_count(0)
    tab.assert_clean()
