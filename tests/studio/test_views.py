"""The home pages: login and logout, where each role lands, what each page shows, htmx partials, and the number
of queries each page makes (fixed, whatever the data size)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dailies.models import SessionKind, Version, VersionStatus
from shots.models import Sequence
from shots.workflow import TaskStatus
from studio.models import Role, ShowStatus, ShowSummary
from studio.services import show_summary_refresh
from tests.dailies.factories import ReviewItemFactory, ReviewSessionFactory, VersionFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DEMO_PASSWORD, DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


# --- A small DOM, so assertions read rows and cells instead of matching markup ------------------------

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["Node | str"] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join("".join(parts).split())

    def find_all(self, tag: str | None = None, *, id: str | None = None, cls: str | None = None) -> list["Node"]:
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if (
                (tag is None or child.tag == tag)
                and (id is None or child.attrs.get("id") == id)
                and (cls is None or cls in child.attrs.get("class", "").split())
            ):
                found.append(child)
            found.extend(child.find_all(tag, id=id, cls=cls))
        return found

    def find(self, tag: str | None = None, **kwargs) -> "Node":
        found = self.find_all(tag, **kwargs)
        assert len(found) == 1, f"expected one <{tag} {kwargs}>, found {len(found)}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID_ELEMENTS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(response_or_html) -> Node:
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def body_rows(table: Node) -> list[list[str]]:
    return [
        [cell.text for cell in row.find_all() if cell.tag in ("td", "th")] for row in table.find("tbody").find_all("tr")
    ]


# --- Data -------------------------------------------------------------------------------------------


@pytest.fixture
def animation():
    return DepartmentFactory(name="Animation", code="ANI")


@pytest.fixture
def lighting():
    return DepartmentFactory(name="Lighting", code="LGT")


@pytest.fixture
def show():
    return ShowFactory(code="RBT", name="Robot Holiday", status=ShowStatus.ACTIVE)


def member(show, role: str, **person_fields):
    person = PersonFactory(role=role, **person_fields)
    MembershipFactory(person=person, show=show)
    return person


def task_on(show, *, shot_code: str, task_type, status=TaskStatus.WIP, **fields):
    sequence, _ = Sequence.objects.get_or_create(show=show, code=shot_code.split("_")[0])
    shot = ShotFactory(sequence=sequence, code=shot_code)
    return TaskFactory(shot=shot, task_type=task_type, status=status, **fields)


def version_on(task, *, number: int, author, created_at: dt.datetime, status=VersionStatus.PENDING_REVIEW):
    version = VersionFactory(task=task, number=number, author=author, status=status)
    Version.objects.filter(pk=version.pk).update(created_at=created_at)  # auto_now_add: set it afterwards
    return version


# --- Anonymous, login and logout ----------------------------------------------------------------------

PAGES = ["/", "/shows/", "/shows/RBT/", "/my/tasks/", "/review/", "/dailies/"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_login(client, show, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_login_page_renders_the_form_without_navigation(client):
    response = client.get("/login/")
    assert response.status_code == 200
    page = parse(response)
    assert page.find("title").text == "Log in · Slate"
    assert page.find("h1").text == "Log in to Slate"
    assert page.find("input", id="id_username").attrs["name"] == "username"
    assert page.find("input", id="id_password").attrs["type"] == "password"
    assert page.find_all("nav") == []
    assert page.find_all("div", cls="form-errors") == []


def test_login_with_a_bad_password_shows_an_error_and_keeps_the_username(client):
    PersonFactory(username="ana")
    response = client.post("/login/", {"username": "ana", "password": "wrong"})
    assert response.status_code == 200
    page = parse(response)
    assert page.find("div", cls="form-errors").text == (
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    )
    assert page.find("input", id="id_username").attrs["value"] == "ana"
    assert "_auth_user_id" not in client.session


def test_login_goes_home_then_to_the_role_home(client, show):
    artist = member(show, Role.ARTIST, username="ana")
    response = client.post("/login/", {"username": "ana", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(artist.pk)
    assert client.get("/")["Location"] == "/my/tasks/"


def test_login_honours_next(client, show):
    member(show, Role.ARTIST, username="ana")
    response = client.post("/login/", {"username": "ana", "password": DEMO_PASSWORD, "next": "/dailies/"})
    assert response.status_code == 302
    assert response["Location"] == "/dailies/"


def test_logged_in_people_skip_the_login_page(client, show):
    client.force_login(member(show, Role.ARTIST))
    response = client.get("/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_is_a_post_and_ends_the_session(client, show):
    client.force_login(member(show, Role.ARTIST))
    assert client.get("/logout/").status_code == 405
    assert client.get("/my/tasks/").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert client.get("/my/tasks/")["Location"] == "/login/?next=/my/tasks/"


def test_every_page_offers_logout_as_a_form(client, show):
    client.force_login(member(show, Role.ARTIST))
    page = parse(client.get("/my/tasks/"))
    form = page.find("header").find("form")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/logout/")
    assert form.find("button").text == "Log out"


# --- Where each role lands ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.ARTIST, "/my/tasks/"),
        (Role.SUPERVISOR, "/review/"),
        (Role.COORDINATOR, "/dailies/"),
        (Role.CLIENT, "/dailies/"),
    ],
)
def test_home_sends_each_role_to_its_page(client, show, role, home):
    client.force_login(member(show, role))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == home


def test_admins_land_on_the_admin_site(client):
    client.force_login(PersonFactory(role=Role.ADMIN, is_staff=True))
    assert client.get("/")["Location"] == "/admin/"


def test_admins_without_admin_site_access_land_on_the_show_list(client):
    """Django's admin would only show its own login form to someone who is not staff."""
    client.force_login(PersonFactory(role=Role.ADMIN, is_staff=False))
    assert client.get("/")["Location"] == "/shows/"


def test_superusers_land_on_admin_whatever_their_role(client):
    client.force_login(PersonFactory(role=Role.ARTIST, is_superuser=True, is_staff=True))
    assert client.get("/")["Location"] == "/admin/"


@pytest.mark.parametrize("role", [Role.PRODUCER, Role.PRODUCTION_MANAGER])
def test_managers_land_on_their_first_active_show(client, role):
    person = PersonFactory(role=role)
    for code, status in [("AAA", ShowStatus.BIDDING), ("ZZB", ShowStatus.ACTIVE), ("ZZA", ShowStatus.ACTIVE)]:
        MembershipFactory(person=person, show=ShowFactory(code=code, status=status))
    ShowFactory(code="ABC", status=ShowStatus.ACTIVE)  # active, but not theirs
    client.force_login(person)
    assert client.get("/")["Location"] == "/shows/ZZA/"


@pytest.mark.parametrize("role", [Role.PRODUCER, Role.PRODUCTION_MANAGER])
def test_managers_without_an_active_show_land_on_their_first_show(client, role):
    person = PersonFactory(role=role)
    MembershipFactory(person=person, show=ShowFactory(code="OLD", status=ShowStatus.DELIVERED))
    ShowFactory(code="NEW", status=ShowStatus.ACTIVE)
    client.force_login(person)
    assert client.get("/")["Location"] == "/shows/OLD/"


@pytest.mark.parametrize("role", [Role.PRODUCER, Role.PRODUCTION_MANAGER])
def test_managers_without_shows_land_on_the_show_list(client, role):
    ShowFactory(code="NEW")
    client.force_login(PersonFactory(role=role))
    assert client.get("/")["Location"] == "/shows/"
    page = parse(client.get("/shows/"))
    assert body_rows(page.find("table")) == [["You are not on any show yet."]]


# --- What the pages show ------------------------------------------------------------------------------


def test_my_tasks_lists_the_artists_open_tasks_soonest_due_first(client, monkeypatch, show, animation, lighting):
    # Monday 2 November 2026: the Monday task is due today, Tuesday's this week, the undated one upcoming.
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    artist = member(show, Role.ARTIST, username="ana")
    other = member(show, Role.ARTIST)
    anim = TaskTypeFactory(name="Animation", department=animation)
    light = TaskTypeFactory(name="Lighting", department=lighting)
    comp = TaskTypeFactory(name="Compositing", department=lighting)
    task_on(
        show,
        shot_code="SQ010_SH0040",
        task_type=anim,
        assignees=[artist],
        due_date=dt.date(2026, 11, 3),
        bid_days=Decimal("3"),
    )
    task_on(
        show,
        shot_code="SQ010_SH0010",
        task_type=comp,
        status=TaskStatus.RETAKE,
        assignees=[artist, other],
        due_date=dt.date(2026, 11, 2),
    )
    task_on(
        show,
        shot_code="SQ020_SH0100",
        task_type=light,
        status=TaskStatus.PENDING_REVIEW,
        assignees=[artist],
        bid_days=Decimal("1.5"),
    )
    for status in (TaskStatus.APPROVED, TaskStatus.FINAL, TaskStatus.OMITTED):
        task_on(show, shot_code=f"SQ030_{status.upper()}", task_type=anim, status=status, assignees=[artist])
    task_on(show, shot_code="SQ040_SH0010", task_type=anim, assignees=[other], due_date=dt.date(2026, 11, 1))
    task_on(show, shot_code="SQ040_SH0020", task_type=anim, due_date=dt.date(2026, 11, 1))  # nobody's

    client.force_login(artist)
    response = client.get("/my/tasks/")

    assert response.status_code == 200
    page = parse(response)
    assert page.find("h1").text == "My tasks"
    table = page.find("table", id="task-table")
    # Show, shot, task, the status picked in the status menu, due, bid, hours I logged; one group heading each.
    rows = [
        [cell.text for cell in row.find_all("td")][:3]
        + [o.text for o in row.find_all("option") if "selected" in o.attrs]
        + [cell.text for cell in row.find_all("td")][4:7]
        if "task-row" in row.attrs.get("class", "")
        else [row.text]
        for row in table.find_all("tr")
        if row.find_all("td") or "group-heading" in row.attrs.get("class", "")
    ]
    assert rows == [
        ["Due today 1"],
        ["RBT", "SQ010_SH0010", "Compositing", "Retake", "Mon 2 Nov", "2.50", "0"],
        ["This week 1"],
        ["RBT", "SQ010_SH0040", "Animation", "WIP", "Tue 3 Nov", "3.00", "0"],
        ["Upcoming 1"],
        ["RBT", "SQ020_SH0100", "Lighting", "Pending review", "—", "1.50", "0"],
    ]
    assert [select.attrs["class"] for select in table.find_all("select")] == [
        "status-select status-retake",
        "status-select status-wip",
        "status-select status-pending_review",
    ]


def test_my_tasks_says_so_when_there_is_nothing(client, show):
    client.force_login(member(show, Role.ARTIST))
    page = parse(client.get("/my/tasks/"))
    assert body_rows(page.find("table", id="task-table")) == [["Nothing assigned to you right now."]]


def test_review_queue_lists_the_departments_pending_versions_oldest_first(client, settings, show, animation, lighting):
    settings.TIME_ZONE = "UTC"  # the submitted times below are shown in the studio's time zone
    supervisor = member(show, Role.SUPERVISOR, department=animation)
    artist = member(show, Role.ARTIST, first_name="Ana", last_name="Lima")
    anim = TaskTypeFactory(name="Animation", department=animation)
    light = TaskTypeFactory(name="Lighting", department=lighting)
    newer = task_on(show, shot_code="SQ010_SH0040", task_type=anim, status=TaskStatus.PENDING_REVIEW)
    older = task_on(show, shot_code="SQ010_SH0010", task_type=anim, status=TaskStatus.PENDING_REVIEW)
    version_on(newer, number=1, author=artist, created_at=dt.datetime(2026, 11, 2, 10, 30, tzinfo=UTC))
    version_on(
        older,
        number=1,
        author=artist,
        created_at=dt.datetime(2026, 10, 30, 9, 0, tzinfo=UTC),
        status=VersionStatus.SUPERSEDED,
    )
    version_on(older, number=2, author=artist, created_at=dt.datetime(2026, 11, 1, 9, 5, tzinfo=UTC))
    # Not for this supervisor: another department, already reviewed, a task no longer pending, another show.
    lit = task_on(show, shot_code="SQ010_SH0050", task_type=light, status=TaskStatus.PENDING_REVIEW)
    version_on(lit, number=1, author=artist, created_at=dt.datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    approved = task_on(show, shot_code="SQ010_SH0060", task_type=anim, status=TaskStatus.PENDING_REVIEW)
    version_on(
        approved,
        number=1,
        author=artist,
        created_at=dt.datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
        status=VersionStatus.APPROVED,
    )
    moved_on = task_on(show, shot_code="SQ010_SH0070", task_type=anim, status=TaskStatus.WIP)
    version_on(moved_on, number=1, author=artist, created_at=dt.datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    elsewhere = task_on(
        ShowFactory(code="XYZ"), shot_code="SQ010_SH0010", task_type=anim, status=TaskStatus.PENDING_REVIEW
    )
    version_on(elsewhere, number=1, author=artist, created_at=dt.datetime(2026, 10, 1, 9, 0, tzinfo=UTC))

    client.force_login(supervisor)
    response = client.get("/review/")

    assert response.status_code == 200
    page = parse(response)
    assert page.find("p", cls="hint").text == "Versions waiting for review in Animation, oldest first."
    rows = body_rows(page.find("table", id="version-table"))
    assert [row[:7] for row in rows] == [
        ["Sun 1 Nov 09:05", "RBT", "SQ010_SH0010", "Animation", "v002", "Ana Lima", "/mnt/shows/SQ010_SH0010/v002.mov"],
        ["Mon 2 Nov 10:30", "RBT", "SQ010_SH0040", "Animation", "v001", "Ana Lima", "/mnt/shows/SQ010_SH0040/v001.mov"],
    ]
    # Each row ends with its review buttons: approve, or retake with an optional note.
    buttons = page.find("table", id="version-table").find_all("button")
    assert [(b.text, b.attrs["name"], b.attrs["value"]) for b in buttons][:2] == [
        ("Approve", "outcome", "approve"),
        ("Send retake", "outcome", "retake"),
    ]


def test_dailies_lists_the_shows_sessions_newest_first_with_item_counts(client, show):
    coordinator = member(show, Role.COORDINATOR)
    monday = ReviewSessionFactory(show=show, name="Anim dailies", date=dt.date(2026, 11, 2))
    ReviewSessionFactory(
        show=show,
        name="Client review",
        date=dt.date(2026, 11, 3),
        kind=SessionKind.CLIENT,
        released_at=dt.datetime(2026, 11, 3, 18, 0, tzinfo=UTC),
    )
    ReviewSessionFactory(show=show, name="Comp dailies", date=dt.date(2026, 11, 2))
    ReviewSessionFactory(show=ShowFactory(code="XYZ"), name="Not ours", date=dt.date(2026, 11, 4))
    task = task_on(show, shot_code="SQ010_SH0010", task_type=TaskTypeFactory())
    for number in (1, 2, 3):
        ReviewItemFactory(session=monday, version=VersionFactory(task=task, number=number))

    client.force_login(coordinator)
    response = client.get("/dailies/")

    assert response.status_code == 200
    assert body_rows(parse(response).find("table", id="session-table")) == [
        ["Tue 3 Nov 2026", "RBT", "Client review", "Client · released", "0"],
        ["Mon 2 Nov 2026", "RBT", "Anim dailies", "Internal", "3"],
        ["Mon 2 Nov 2026", "RBT", "Comp dailies", "Internal", "0"],
    ]


def test_clients_see_only_released_client_sessions(client, show):
    customer = member(show, Role.CLIENT)
    ReviewSessionFactory(show=show, name="Anim dailies", date=dt.date(2026, 11, 2))
    ReviewSessionFactory(show=show, name="Held back", date=dt.date(2026, 11, 3), kind=SessionKind.CLIENT)
    ReviewSessionFactory(
        show=show,
        name="Client review",
        date=dt.date(2026, 11, 4),
        kind=SessionKind.CLIENT,
        released_at=dt.datetime(2026, 11, 4, 18, 0, tzinfo=UTC),
    )
    client.force_login(customer)
    page = parse(client.get("/dailies/"))
    assert body_rows(page.find("table", id="session-table")) == [
        ["Wed 4 Nov 2026", "RBT", "Client review", "Client · released", "0"],
    ]
    assert [a.text for a in page.find("nav").find_all("a")] == ["Dailies"]


def test_show_dashboard_shows_the_summary_counts(client, show):
    producer = member(show, Role.PRODUCER)
    ShowSummary.objects.create(
        show=show,
        shot_count=12,
        task_count=40,
        done_task_count=7,
        tasks_by_status={"waiting": 10, "wip": 15, "pending_review": 5, "retake": 3, "approved": 4, "final": 3},
        is_stale=False,
        refreshed_at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
    )
    # The dashboard reads the summary, not the tasks: this task is not counted until the summary is refreshed.
    task_on(show, shot_code="SQ010_SH0010", task_type=TaskTypeFactory())

    client.force_login(producer)
    response = client.get("/shows/RBT/")

    assert response.status_code == 200
    page = parse(response)
    assert page.find("h1").text == "RBT Robot Holiday"
    assert [(card.find(cls="label").text, card.find(cls="value").text) for card in page.find_all(cls="stat")] == [
        ("Shots", "12"),
        ("Tasks", "40"),
        ("Done", "7"),
    ]
    assert body_rows(page.find("table", cls="compact")) == [
        ["Waiting", "10"],
        ["Ready", "0"],
        ["WIP", "15"],
        ["Pending review", "5"],
        ["Retake", "3"],
        ["Approved", "4"],
        ["Final", "3"],
        ["On hold", "0"],
        ["Omitted", "0"],
    ]
    assert page.find_all("p", cls="hint")[-1].text.startswith("Counted ")


def test_show_dashboard_counts_the_show_when_it_has_no_summary_yet(client, show):
    producer = member(show, Role.PRODUCER)
    task_type = TaskTypeFactory()
    task_on(show, shot_code="SQ010_SH0010", task_type=task_type, status=TaskStatus.APPROVED)
    task_on(show, shot_code="SQ010_SH0020", task_type=task_type, status=TaskStatus.OMITTED)
    client.force_login(producer)

    page = parse(client.get("/shows/RBT/"))

    assert [card.find(cls="value").text for card in page.find_all(cls="stat")] == ["2", "1", "1"]
    summary = ShowSummary.objects.get(show=show)
    assert (summary.is_stale, summary.task_count, summary.done_task_count) == (False, 1, 1)


def test_show_dashboard_says_when_figures_are_being_refreshed(client, show):
    producer = member(show, Role.PRODUCER)
    ShowSummary.objects.create(show=show, is_stale=True)
    client.force_login(producer)
    page = parse(client.get("/shows/RBT/"))
    assert page.find_all("p", cls="hint")[-1].text == "Refreshing — figures may be a minute behind."


@pytest.mark.parametrize("role", [Role.CLIENT, None])
def test_show_dashboard_is_404_for_clients_and_strangers(client, show, role):
    person = member(show, role) if role else PersonFactory(role=Role.PRODUCER)
    client.force_login(person)
    assert client.get("/shows/RBT/").status_code == 404


def test_show_list_links_shows_with_their_counts(client, show):
    producer = member(show, Role.PRODUCER)
    ShowSummary.objects.create(show=show, shot_count=12, task_count=40, done_task_count=7, is_stale=False)
    MembershipFactory(person=producer, show=ShowFactory(code="NEW", name="New Thing", status=ShowStatus.BIDDING))
    ShowFactory(code="ABC")  # not theirs
    client.force_login(producer)

    page = parse(client.get("/shows/"))

    assert body_rows(page.find("table")) == [
        ["NEW", "New Thing", "Bidding", "—", "—"],
        ["RBT", "Robot Holiday", "Active", "12", "7 / 40"],
    ]
    assert [a.attrs["href"] for a in page.find("table").find_all("a")] == ["/shows/RBT/"]


def test_navigation_follows_the_role(client, show):
    client.force_login(member(show, Role.SUPERVISOR))
    page = parse(client.get("/review/"))
    links = [(a.text, a.attrs["href"], a.attrs.get("aria-current")) for a in page.find("nav").find_all("a")]
    assert links == [
        ("Review queue", "/review/", "page"),
        ("Dailies", "/dailies/", None),
        ("My tasks", "/my/tasks/", None),
        ("My timesheet", "/my/timesheet/", None),
        ("Shows", "/shows/", None),
    ]
    me = [(a.text, a.attrs["href"]) for a in page.find_all("a", cls="me-link")]
    assert me == [("My Gantt", "/my/gantt/"), ("Availability", "/my/availability/"), ("Calendars", "/my/calendars/")]


def test_show_dashboard_links_follow_the_role(client, show):
    def links(role):
        client.force_login(member(show, role) if role != Role.ADMIN else PersonFactory(role=Role.ADMIN))
        page = parse(client.get("/shows/RBT/"))
        return [a.text for nav in page.find("main").find_all("nav", cls="subnav") for a in nav.find_all("a")]

    breakdown = ["Shots", "Breakdown", "Task template"]
    for_all = ["Gantt", "Milestones", "Baselines", "Working days"]
    assert links(Role.ARTIST) == [*breakdown, *for_all]
    assert links(Role.COORDINATOR)[-1:] == ["Timesheets"]
    assert links(Role.PRODUCTION_MANAGER)[-5:] == [
        "Working days",
        "Schedule dashboard",
        "Availability",
        "Timesheets",
        "Department costs",
    ]
    assert links(Role.PRODUCER)[-4:] == ["Producer dashboard", "Budgets", "Costs", "Expenses"]
    assert links(Role.ADMIN)[-4:] == ["Producer dashboard", "Budgets", "Costs", "Expenses"]


# --- htmx partials ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "path", "table_id"),
    [
        (Role.ARTIST, "/my/tasks/", "task-table"),
        (Role.SUPERVISOR, "/review/", "version-table"),
        (Role.COORDINATOR, "/dailies/", "session-table"),
    ],
)
def test_htmx_requests_get_only_the_table(client, show, role, path, table_id):
    client.force_login(member(show, role))

    partial = client.get(path, headers={"HX-Request": "true"})
    boosted = client.get(path, headers={"HX-Request": "true", "HX-Boosted": "true"})

    assert partial.status_code == 200
    html = partial.content.decode()
    assert html.strip().startswith(f'<table class="grid" id="{table_id}">')
    assert html.strip().endswith("</table>")
    for full_page_marker in ("<html", "<head", "<body", "<nav", "<h1"):
        assert full_page_marker not in html
    assert boosted.content.decode().startswith("<!DOCTYPE html>")  # a boosted link swaps the whole page


# --- Queries: fixed, whatever the data size ------------------------------------------------------------


def count_queries(client, path: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


def add_my_tasks(show, person, n: int) -> None:
    task_type = TaskTypeFactory(name="Animation")
    sequence = SequenceFactory(show=show)
    for _ in range(n):
        TaskFactory(shot=ShotFactory(sequence=sequence), task_type=task_type, assignees=[person])


def add_pending_versions(show, person, n: int) -> None:
    task_type = TaskTypeFactory(name="Animation", department=person.department)
    sequence = SequenceFactory(show=show)
    author = PersonFactory()
    for _ in range(n):
        task = TaskFactory(shot=ShotFactory(sequence=sequence), task_type=task_type, status=TaskStatus.PENDING_REVIEW)
        VersionFactory(task=task, author=author)


def add_sessions(show, person, n: int) -> None:
    task = TaskFactory(shot=ShotFactory(sequence=SequenceFactory(show=show)))
    for _ in range(n):
        ReviewItemFactory(session=ReviewSessionFactory(show=show), version=VersionFactory(task=task))


def add_shows(show, person, n: int) -> None:
    for _ in range(n):
        other = ShowFactory()
        MembershipFactory(person=person, show=other)
        show_summary_refresh(show_id=other.pk)


def add_dashboard_tasks(show, person, n: int) -> None:
    sequence = SequenceFactory(show=show)
    for _ in range(n):
        TaskFactory(shot=ShotFactory(sequence=sequence))
    show_summary_refresh(show_id=show.pk)


# Each page: session, user (with department), the person's memberships, then the page's own reads.
QUERY_CASES = [
    # my open tasks (hours and last version summed in) + their assignees (prefetch) + notes to me + unread count
    pytest.param(Role.ARTIST, "/my/tasks/", {}, add_my_tasks, 7, id="my-tasks"),
    # the table only: no notes
    pytest.param(Role.ARTIST, "/my/tasks/", {"HX-Request": "true"}, add_my_tasks, 5, id="my-tasks-partial"),
    # pending versions with task, shot, show, task type and author joined
    pytest.param(Role.SUPERVISOR, "/review/", {}, add_pending_versions, 5, id="review-queue"),
    pytest.param(Role.SUPERVISOR, "/review/", {"HX-Request": "true"}, add_pending_versions, 4, id="review-partial"),
    # sessions with their show and item counts
    pytest.param(Role.COORDINATOR, "/dailies/", {}, add_sessions, 6, id="dailies"),
    pytest.param(Role.COORDINATOR, "/dailies/", {"HX-Request": "true"}, add_sessions, 4, id="dailies-partial"),
    # the shows + their summaries
    pytest.param(Role.PRODUCER, "/shows/", {}, add_shows, 6, id="show-list"),
    # the show + its summary
    pytest.param(Role.PRODUCER, "/shows/RBT/", {}, add_dashboard_tasks, 6, id="show-dashboard"),
]


@pytest.mark.parametrize(("role", "path", "headers", "add_data", "expected"), QUERY_CASES)
def test_pages_make_a_fixed_number_of_queries(client, show, animation, role, path, headers, add_data, expected):
    person = member(show, role, department=animation)
    show_summary_refresh(show_id=show.pk)
    client.force_login(person)

    add_data(show, person, 2)
    small = count_queries(client, path, **headers)
    add_data(show, person, 18)
    large = count_queries(client, path, **headers)

    assert (small, large) == (expected, expected)


@pytest.mark.parametrize(
    ("role", "expected"), [(Role.ARTIST, 3), (Role.PRODUCER, 4)], ids=["artist-home", "producer-home"]
)
def test_home_redirect_makes_a_fixed_number_of_queries(client, show, role, expected):
    person = member(show, role)
    client.force_login(person)
    small = count_queries_redirect(client)
    for _ in range(20):
        MembershipFactory(person=person, show=ShowFactory())
    large = count_queries_redirect(client)
    assert (small, large) == (expected, expected)


def count_queries_redirect(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 302
    return len(captured.captured_queries)
