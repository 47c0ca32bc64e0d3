"""The producer dashboard in a real browser: Chart.js (through static/js/charts.js) draws the four metric trends and
the burn-up from the json_script data, under the strict CSP, with no script or console error; then a budget line is
edited inline (htmx) from the keyboard and the totals follow."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from budgets import revisions
from budgets.snapshots import production_snapshot_take
from schedules.services import ev_recompute
from tests.browser.test_homes import log_in
from tests.budgets.factories_producer import AS_OF, build_scenario
from tests.budgets.test_producer_dashboard import add_money

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/producer-dashboard.png"
CHARTS = {"trend-client": 2, "trend-roi": 2, "trend-schedule": 3, "trend-productivity": 3, "burn-up": 4}


@pytest.fixture
def scenario():
    scenario = build_scenario()
    scenario.budget = add_money(scenario)
    for day in (dt.date(2026, 3, 9), dt.date(2026, 3, 10), dt.date(2026, 3, 11)):
        production_snapshot_take(show_id=scenario.show.pk, as_of=day)
        ev_recompute(show_id=scenario.show.pk, as_of=day)  # the earned-value snapshots the burn-up reads
    return scenario


def test_the_producer_sees_every_chart_drawn(tab, live_server, scenario):
    log_in(tab, live_server, "prd-producer", "/shows/PRD/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/PRD/producer/?as_of={AS_OF.isoformat()}")
    assert page.title() == "PRD producer dashboard · Slate"
    for chart_id, datasets in CHARTS.items():
        canvas = page.locator(f'canvas[data-chart="{chart_id}"]')
        expect(canvas).to_have_attribute("data-drawn", "1")
        assert canvas.evaluate("c => Chart.getChart(c).data.datasets.length") == datasets
        assert canvas.evaluate("c => Chart.getChart(c).data.labels.length") == 4  # three snapshots and today
        assert canvas.evaluate("c => c.getBoundingClientRect().height") > 100
    # The burn-up's last actual cost parses as a number on the chart's scale (a decimal string from the server).
    last_ac = page.locator('canvas[data-chart="burn-up"]').evaluate(
        "c => { const chart = Chart.getChart(c); const point = chart.getDatasetMeta(3).data[3];"
        " return Math.round(chart.scales.y.getValueForPixel(point.y)); }"
    )
    assert last_ac == 1625
    expect(page.locator("#metric-client .value").first).to_have_text("50.0 %")
    expect(page.locator("#cost-figures tfoot td").nth(5)).to_have_text("2,553.57 EUR")
    page.screenshot(path=SCREENSHOT, full_page=True)
    tab.assert_clean()


def test_a_line_is_edited_inline_and_the_totals_follow(tab, live_server, scenario):
    draft = revisions.budget_copy(actor=scenario.producer, budget=scenario.budget, name="bid v2")
    log_in(tab, live_server, "prd-producer", "/shows/PRD/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/PRD/budgets/{draft.revision}/")
    expect(page.locator("#budget-totals")).to_contain_text("5,500.00 EUR")
    page.get_by_role("link", name="Edit Animation").click()
    days = page.locator("#line-ANIM input[name=days]")
    expect(days).to_be_focused()
    days.fill("9")
    page.locator("#line-ANIM input[name=amount]").fill("4500")
    page.keyboard.press("Enter")
    expect(page.locator("#line-ANIM")).to_contain_text("4,500.00 EUR")
    expect(page.locator("#budget-totals")).to_contain_text("6,000.00 EUR")
    tab.assert_clean()
