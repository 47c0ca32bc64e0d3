"""Planning pages in a real browser: a production manager adds a milestone and a holiday without a reload (htmx),
sees a refused form come back with its error, and an artist records a day off; no CSP violation, no JS error."""

import datetime as dt

import pytest

from schedules.models import DayOff, Holiday, Milestone
from studio.models import Role
from tests.browser.test_homes import assert_htmx_loaded, log_in
from tests.studio.factories import MembershipFactory, PersonFactory, ShowFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def show():
    show = ShowFactory(code="RBT", name="Robot Holiday")
    for username, role, first, last in [
        ("pia", Role.PRODUCTION_MANAGER, "Pia", "Planner"),
        ("ana", Role.ARTIST, "Ana", "Arden"),
    ]:
        person = PersonFactory(username=username, role=role, first_name=first, last_name=last)
        MembershipFactory(show=show, person=person)
    return show


def test_production_manager_adds_a_milestone_and_a_holiday_in_place(tab, live_server, show):
    log_in(tab, live_server, "pia", "/shows/RBT/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/RBT/milestones/")
    assert_htmx_loaded(tab)
    page.evaluate("window.__stayed = true")  # gone if the page reloads
    page.fill("#id_name", "Animation lock")
    page.fill("#id_date", "2027-02-05")
    page.click("#milestone-section button[type=submit]:text-is('Add milestone')")
    page.locator("#milestone-table tbody th").filter(has_text="Animation lock").wait_for()
    assert page.evaluate("window.__stayed") is True
    assert Milestone.objects.get().date == dt.date(2027, 2, 5)
    # A refused form is swapped back in with its error, still without a reload.
    page.fill("#id_name", "Without a date")
    page.click("#milestone-section button[type=submit]:text-is('Add milestone')")
    page.locator("#milestone-section .form-errors").wait_for()
    assert "Date: This field is required." in page.locator("#milestone-section .form-errors").inner_text()
    assert page.evaluate("window.__stayed") is True
    page.screenshot(path="/tmp/planning-milestones.png")
    # Edit the row in place: the Edit link turns it into a form, Save puts the list back.
    page.click("#milestone-table a:text-is('Edit')")
    row_form = page.locator("#milestone-table tr.editing form")
    row_form.wait_for()
    row_form.locator("input[name=name]").fill("Anim lock")
    row_form.locator("button[type=submit]").click()
    page.locator("#milestone-table tbody th").filter(has_text="Anim lock").wait_for()
    assert Milestone.objects.get().name == "Anim lock"
    assert page.evaluate("window.__stayed") is True

    page.goto(f"{live_server.url}/shows/RBT/working-days/")
    page.evaluate("window.__stayed = true")
    page.fill("#id_date", "2026-12-24")
    page.fill("#id_name", "Christmas eve")
    page.click("#holiday-section button[type=submit]")
    page.locator("#holiday-table tbody td").filter(has_text="Christmas eve").wait_for()
    assert page.evaluate("window.__stayed") is True
    assert Holiday.objects.get().date == dt.date(2026, 12, 24)
    page.screenshot(path="/tmp/planning-working-days.png")

    page.goto(f"{live_server.url}/shows/RBT/availability/")
    page.evaluate("window.__stayed = true")
    page.select_option("#day-off-person", label="Ana Arden")
    page.fill("#day-off-start_date", "2026-12-28")
    page.fill("#day-off-end_date", "2026-12-31")
    page.fill("#day-off-note", "New year")
    page.click("#day-off-form button[type=submit]")
    page.locator("#days-off-table tbody td").filter(has_text="New year").wait_for()
    page.select_option("#part-time-person", label="Ana Arden")
    page.fill("#part-time-fraction", "0.6")
    page.fill("#part-time-effective_from", "2026-01-01")
    page.click("#part-time-form button[type=submit]")
    page.locator("#part-time-table tbody td.num").filter(has_text="0.6").wait_for()
    assert page.evaluate("window.__stayed") is True
    assert page.locator("#people-table tbody tr:has(th:text-is('Ana Arden')) td.num").inner_text() == "0.6 part time"
    page.screenshot(path="/tmp/planning-availability.png", full_page=True)
    assert tab.failed_responses == [(400, f"{live_server.url}/shows/RBT/milestones/")]  # the refused form above
    tab.failed_responses.clear()
    tab.console = [entry for entry in tab.console if "400" not in entry[1]]
    tab.assert_clean()


def test_an_artist_records_a_day_off(tab, live_server, show):
    log_in(tab, live_server, "ana", "/my/tasks/")
    page = tab.page
    page.goto(f"{live_server.url}/my/availability/")
    page.fill("#id_start_date", "2026-12-28")
    page.fill("#id_note", "Family")
    page.click("#my-days-off button[type=submit]:text-is('Record days off')")
    page.locator("#my-days-off-table tbody td").filter(has_text="Family").wait_for()
    assert DayOff.objects.values_list("start_date", "end_date").get() == (dt.date(2026, 12, 28), dt.date(2026, 12, 28))
    page.click("#my-days-off-table button:text-is('Remove')")
    page.locator("#my-days-off-table tbody td.empty").wait_for()
    assert not DayOff.objects.exists()
    tab.assert_clean()
