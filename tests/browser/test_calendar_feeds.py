"""My calendars in a real browser, under the strict CSP: an artist makes a feed of their due tasks from the keyboard,
the new address has the focus, Copy puts it on the clipboard, the address serves the ICS, and revoking it (the
address then answers 404) leaves no secret on the page."""

import datetime as dt

import pytest
from django.test import override_settings
from icalendar import Calendar
from playwright.sync_api import expect

from schedules.models import CalendarFeed
from shots.selectors import person_today
from studio.models import Role
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DEMO_PASSWORD, DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def artist():
    show = ShowFactory(code="RBT", name="Robot Holiday")
    animation = DepartmentFactory(name="Animation", code="ANI")
    ana = PersonFactory(username="ana", first_name="Ana", last_name="Doe", role=Role.ARTIST, department=animation)
    MembershipFactory(person=ana, show=show)
    TaskFactory(
        shot=ShotFactory(sequence=SequenceFactory(show=show, code="SQ010"), code="SQ010_SH0040"),
        task_type=TaskTypeFactory(name="Animation", department=animation),
        due_date=person_today(ana) + dt.timedelta(days=2),
        assignees=[ana],
    )
    return ana


def test_an_artist_makes_copies_uses_and_revokes_a_feed(tab, live_server, artist):
    page = tab.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    with override_settings(SLATE_BASE_URL=live_server.url):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "ana")
        page.fill("#id_password", DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server.url}/my/tasks/")
        page.goto(f"{live_server.url}/my/calendars/")

        button = page.get_by_role("button", name="Make a feed of my due tasks")
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("#feed-url")

        url = page.input_value("#feed-url")
        assert url.startswith(f"{live_server.url}/calendar/") and url.endswith(".ics")
        assert page.evaluate("document.activeElement.id") == "feed-url"
        page.get_by_role("button", name="Copy").click()
        # expect() polls from outside the page: a string predicate (wait_for_function) would be eval'd, which the
        # strict CSP forbids.
        expect(page.locator(".copy-state")).to_have_text("Copied.")
        assert page.evaluate("navigator.clipboard.readText()") == url

        ics = page.request.get(url)
        assert ics.status == 200
        assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
        summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(ics.body()).walk("VEVENT")]
        assert summaries == ["SQ010_SH0040 Animation due"]

        page.goto(f"{live_server.url}/my/calendars/")
        assert url not in page.content()
        page.get_by_role("button", name="Revoke my due tasks").click()
        page.wait_for_selector("text=Feed revoked")
        assert CalendarFeed.objects.get(person=artist).revoked_at is not None
        assert page.request.get(url).status == 404
    tab.failed_responses.clear()  # the 404 above is the point of the test
    tab.assert_clean()
