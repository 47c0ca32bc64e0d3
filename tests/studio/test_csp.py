"""The Content-Security-Policy: every response carries the strict policy, and no page needs it relaxed (no inline
script, no event-handler attributes, no inline styles)."""

import datetime as dt
import json
from html.parser import HTMLParser

import pytest

from dailies.models import VersionStatus
from shots.workflow import TaskStatus
from studio.models import Role
from studio.services import show_summary_refresh
from tests.dailies.factories import ReviewItemFactory, ReviewSessionFactory, VersionFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db

EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "media-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *sources = directive.split()
        directives[name] = sources
    return directives


class InlineCodeFinder(HTMLParser):
    """Everything in a page that a strict CSP would block or that would push us to relax it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.htmx_config: dict | None = None
        self.scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler attribute")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}> inline style")
            if name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=...> needs eval, which the CSP forbids")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value!r}> javascript: URL")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            if "src" in attributes:
                self.scripts.append(attributes["src"])
            else:
                self.problems.append("<script> without src")
                self._in_inline_script = True
        if tag == "meta" and attributes.get("name") == "htmx-config":
            self.htmx_config = json.loads(attributes["content"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append(f"inline script body: {data.strip()[:60]!r}")


def inspect(response) -> InlineCodeFinder:
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    finder.close()
    return finder


@pytest.fixture
def world():
    """One show with something on every page, and a person of each role who has a home there."""
    department = DepartmentFactory(name="Animation", code="ANI")
    show = ShowFactory(code="RBT", name="Robot Holiday")
    people = {}
    for role in (Role.ARTIST, Role.SUPERVISOR, Role.COORDINATOR, Role.PRODUCER, Role.CLIENT):
        people[role] = PersonFactory(role=role, department=department)
        MembershipFactory(person=people[role], show=show)
    task_type = TaskTypeFactory(name="Animation", department=department)
    sequence = SequenceFactory(show=show, code="SQ010")
    session = ReviewSessionFactory(show=show, name="Anim dailies", date=dt.date(2026, 11, 2))
    for n, status in enumerate([TaskStatus.WIP, TaskStatus.RETAKE, TaskStatus.PENDING_REVIEW], start=1):
        task = TaskFactory(
            shot=ShotFactory(sequence=sequence, code=f"SQ010_SH{n:04d}"),
            task_type=task_type,
            status=status,
            assignees=[people[Role.ARTIST]],
        )
        version = VersionFactory(task=task, number=1, author=people[Role.ARTIST], status=VersionStatus.PENDING_REVIEW)
        ReviewItemFactory(session=session, version=version)
    show_summary_refresh(show_id=show.pk)
    return people


# (who, path, htmx): every page, the partials htmx swaps in, and the error and login pages.
PAGES = [
    (None, "/login/", False),
    (Role.ARTIST, "/my/tasks/", False),
    (Role.ARTIST, "/my/tasks/", True),
    (Role.SUPERVISOR, "/review/", False),
    (Role.SUPERVISOR, "/review/", True),
    (Role.COORDINATOR, "/dailies/", False),
    (Role.COORDINATOR, "/dailies/", True),
    (Role.CLIENT, "/dailies/", False),
    (Role.PRODUCER, "/shows/", False),
    (Role.PRODUCER, "/shows/RBT/", False),
    (Role.PRODUCER, "/shows/NOPE/", False),  # 404
]


def fetch(client, world, who, path, htmx):
    if who is not None:
        client.force_login(world[who])
    return client.get(path, headers={"HX-Request": "true"} if htmx else {})


@pytest.mark.parametrize(("who", "path", "htmx"), PAGES)
def test_every_page_carries_the_strict_policy(client, world, who, path, htmx):
    response = fetch(client, world, who, path, htmx)
    assert response.status_code == (404 if path == "/shows/NOPE/" else 200)
    assert policy(response) == EXPECTED_POLICY
    header = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header


@pytest.mark.parametrize(("who", "path", "htmx"), PAGES)
def test_no_page_needs_inline_code(client, world, who, path, htmx):
    response = fetch(client, world, who, path, htmx)
    found = inspect(response)
    assert found.problems == []
    if htmx or response.status_code == 404:
        assert found.scripts == []
    else:
        assert found.scripts == ["/static/django_htmx/htmx-2.min.js", "/static/js/slate.js"]
        # htmx must not inject its indicator <style>, eval hx-on code or run scripts it swaps in.
        assert found.htmx_config == {"allowEval": False, "includeIndicatorStyles": False, "allowScriptTags": False}


@pytest.mark.parametrize("path", ["/", "/healthz", "/logout/"], ids=["redirect", "json", "method-not-allowed"])
def test_other_responses_carry_the_policy_too(client, path):
    response = client.get(path)
    assert response.status_code in (200, 302, 405)
    assert policy(response) == EXPECTED_POLICY


def test_the_login_error_page_needs_no_inline_code(client):
    PersonFactory(username="ana")
    response = client.post("/login/", {"username": "ana", "password": "wrong"})
    assert response.status_code == 200
    assert policy(response) == EXPECTED_POLICY
    assert inspect(response).problems == []


def test_the_finder_catches_what_the_policy_blocks():
    """The checks above pass only because the pages are clean, not because the finder is blind."""

    class Page:
        content = (
            b'<div style="color:red" onclick="go()"><style>p{}</style><script>alert(1)</script>'
            b'<a href="javascript:go()" hx-on:click="x()">x</a><script src="/static/ok.js"></script></div>'
        )

    assert inspect(Page).problems == [
        "<div style='color:red'> inline style",
        "<div onclick=...> event handler attribute",
        "<style> element",
        "<script> without src",
        "inline script body: 'alert(1)'",
        "<a href='javascript:go()'> javascript: URL",
        "<a hx-on:click=...> needs eval, which the CSP forbids",
    ]
