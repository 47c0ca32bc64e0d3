"""Each role logs in through the real login form, lands on its home in a real browser, and the page runs under
the strict CSP with no violation and no script error."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from shots.workflow import TaskStatus
from studio.models import Role, ShowStatus
from studio.services import show_summary_refresh
from tests.dailies.factories import ReviewItemFactory, ReviewSessionFactory, VersionFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DEMO_PASSWORD, DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DASHBOARD_SCREENSHOT = "/tmp/slate-dashboard.png"
MY_TASKS_SCREENSHOT = "/tmp/slate-mytasks.png"


@pytest.fixture
def show():
    """RBT with three shots: the artist's WIP and retake tasks, an approved one, and a session of dailies."""
    show = ShowFactory(code="RBT", name="Robot Holiday", status=ShowStatus.ACTIVE)
    animation = DepartmentFactory(name="Animation", code="ANI")
    for username, role in [("ana", Role.ARTIST), ("cora", Role.COORDINATOR), ("pete", Role.PRODUCER)]:
        MembershipFactory(show=show, person=PersonFactory(username=username, role=role, department=animation))
    artist = show.members.get(username="ana")
    task_type = TaskTypeFactory(name="Animation", department=animation)
    sequence = SequenceFactory(show=show, code="SQ010")
    tasks = [
        TaskFactory(
            shot=ShotFactory(sequence=sequence, code=code),
            task_type=task_type,
            status=status,
            due_date=due,
            assignees=[artist],
        )
        for code, status, due in [
            ("SQ010_SH0010", TaskStatus.RETAKE, dt.date(2026, 11, 2)),
            ("SQ010_SH0040", TaskStatus.WIP, dt.date(2026, 11, 3)),
            ("SQ010_SH0090", TaskStatus.APPROVED, dt.date(2026, 10, 30)),
        ]
    ]
    session = ReviewSessionFactory(show=show, name="Anim dailies 042", date=dt.date(2026, 11, 2))
    for number, task in enumerate(tasks[:2], start=1):
        ReviewItemFactory(session=session, version=VersionFactory(task=task, number=number, author=artist))
    show_summary_refresh(show_id=show.pk)
    return show


def log_in(tab, live_server, username: str, lands_on: str) -> None:
    page = tab.page
    page.goto(f"{live_server.url}/my/tasks/")
    page.wait_for_url(f"{live_server.url}/login/?next=/my/tasks/")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{lands_on}")


def assert_htmx_loaded(tab) -> None:
    assert tab.page.evaluate("typeof window.htmx") == "object"
    assert tab.page.evaluate("htmx.config.allowEval") is False


def test_artist_lands_on_my_tasks(tab, live_server, show):
    log_in(tab, live_server, "ana", "/my/tasks/")
    page = tab.page

    assert page.title() == "My tasks · Slate"
    assert page.locator("h1").inner_text() == "My tasks"
    assert page.locator("#task-table tbody td.code").all_inner_texts() == ["SQ010_SH0010", "SQ010_SH0040"]
    statuses = "els => els.map(select => select.selectedOptions[0].text)"
    assert page.locator("#task-table tbody select.status-select").evaluate_all(statuses) == ["Retake", "WIP"]
    assert page.locator("nav a[aria-current=page]").inner_text() == "My tasks"
    assert_htmx_loaded(tab)

    # htmx swaps in the table partial (a real request with HX-Request, under connect-src 'self').
    with page.expect_response(f"{live_server.url}/my/tasks/") as swapped:
        page.evaluate("htmx.ajax('GET', '/my/tasks/', {target: '#task-table', swap: 'outerHTML'})")
    assert swapped.value.request.headers["hx-request"] == "true"
    assert swapped.value.text().lstrip().startswith('<table class="grid" id="task-table">')
    expect(page.locator("#task-table")).to_have_count(1)
    assert page.locator("#task-table tbody td.code").all_inner_texts() == ["SQ010_SH0010", "SQ010_SH0040"]

    page.screenshot(path=MY_TASKS_SCREENSHOT, full_page=True)

    # slate.js: "g" then "d" jumps to dailies.
    page.keyboard.press("g")
    page.keyboard.press("d")
    page.wait_for_url(f"{live_server.url}/dailies/")
    assert page.locator("h1").inner_text() == "Dailies"
    tab.assert_clean()


def test_coordinator_lands_on_dailies(tab, live_server, show):
    log_in(tab, live_server, "cora", "/dailies/")
    page = tab.page

    assert page.title() == "Dailies · Slate"
    rows = page.locator("#session-table tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").all_inner_texts() == ["Mon 2 Nov 2026", "RBT", "Anim dailies 042", "Internal", "2"]
    assert_htmx_loaded(tab)
    tab.assert_clean()


def test_producer_lands_on_the_show_dashboard(tab, live_server, show):
    log_in(tab, live_server, "pete", "/shows/RBT/")
    page = tab.page

    assert page.title() == "RBT dashboard · Slate"
    assert page.locator("h1 .code").inner_text() == "RBT"
    assert page.locator(".stat .value").all_inner_texts() == ["3", "3", "1"]  # shots, tasks, done
    assert_htmx_loaded(tab)
    page.screenshot(path=DASHBOARD_SCREENSHOT, full_page=True)

    # Logging out is a POST form in the top bar; it ends on the login page.
    page.click("header form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/login/")
    assert page.locator("h1").inner_text() == "Log in to Slate"
    tab.assert_clean()


def test_a_wrong_password_keeps_the_login_page(tab, live_server, show):
    page = tab.page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "not-the-password")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".form-errors")
    assert page.url == f"{live_server.url}/login/"
    assert page.locator(".form-errors").inner_text() == (
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    )
    tab.assert_clean()
