"""The baseline compare page in a real browser: the chart beside the summary is drawn under the strict CSP, and
drawn again when htmx swaps in another comparison; the filters narrow the rows without a reload."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_homes import log_in
from tests.schedules.test_baselines import freeze, replan
from tests.studio.test_api import build_api_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    from decimal import Decimal

    from shots.models import Task
    from tests.schedules.test_baselines import D

    world = build_api_world()
    Task.objects.filter(pk=world.task.pk).update(
        bid_days=Decimal("2.50"), start_date=D(2026, 3, 2), due_date=D(2026, 3, 6)
    )
    Task.objects.filter(pk=world.artist_2_task.pk).update(
        bid_days=Decimal("2.00"), start_date=D(2026, 3, 2), due_date=D(2026, 3, 11)
    )
    Task.objects.filter(pk=world.lighting_task.pk).update(bid_days=Decimal("4.00"))
    world.award = freeze(world)
    replan(world)
    world.replanned = freeze(world, "Re-plan", activate=False)
    return world


def test_compare_two_plans_then_the_current_plan(tab, live_server, world):
    log_in(tab, live_server, "producer", "/shows/RBT/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/RBT/baselines/compare/?a={world.award.pk}&b={world.replanned.pk}")
    canvas = page.locator('canvas[data-chart="compare-bid-chart"]')
    expect(canvas).to_have_attribute("data-drawn", "1")
    assert canvas.evaluate("c => Chart.getChart(c).data.datasets.map(d => d.label)") == [
        "A: Award plan",
        "B: Re-plan",
    ]
    assert canvas.evaluate("c => Chart.getChart(c).data.labels") == ["Animation", "Lighting"]
    assert canvas.evaluate("c => Chart.getChart(c).data.datasets[1].data") == [5, 1.5]
    expect(page.locator("#compare-summary tfoot td").nth(4)).to_have_text("-2.00")
    expect(page.locator("#differing-count")).to_have_text("4 tasks")

    # Plan B becomes the current plan: the results swap in (no reload), the chart is drawn again.
    page.select_option("#id_b", label="Current plan")
    expect(page.locator("#summary-heading")).to_contain_text("Current plan")
    expect(page.locator('canvas[data-chart="compare-bid-chart"]')).to_have_attribute("data-drawn", "1")
    assert page.url.endswith(f"?a={world.award.pk}&b=current&department=&sequence=")

    page.locator("#id_slipped").check()
    expect(page.locator("#differing-count")).to_have_text("1 task")
    expect(page.locator("#compare-rows tbody th")).to_have_text(["SQ010_SH0010"])
    expect(page.locator("#compare-rows tbody td.num").last).to_have_text("+2")  # Fri 6 -> Tue 10 March, no holiday here
    tab.assert_clean()
