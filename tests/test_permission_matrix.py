"""Every URL of the project, GET by every role, on an object of their show and of another show.

TABLE (the union of the ROWS of tests/matrix_rows/*.py) holds one row per named URL: how to build it from the
world, and the exact answer per role and column
("own": the role's show, or the URL has no object; "other": an object of a show the role is not on). The
coverage test fails when a URL is added without a row (or EXEMPT_PREFIXES entry), or a row outlives its URL.

Every 200 is also scanned for leaks: the text of any world object the person may not see
(permissions.visible) must not appear in it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from studio import permissions
from tests import permission_world
from tests.matrix_rows import ROWS as TABLE
from tests.matrix_rows.base import LOGIN, ROLES, Redirect
from tests.permission_world import leak_markers
from tests.studio.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
world = permission_world.world  # the module-scoped fixture

# URL names deliberately without a row. Keep it short; every entry says why.
EXEMPT_PREFIXES = {
    "admin:": "Django admin's own pages: is_staff decides, and the admin:index row covers that check.",
}


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> tuple[set[str], list[str]]:
    """(every full namespaced URL name, the routes of unnamed patterns) of the project."""
    resolver = resolver or get_resolver()
    names: set[str] = set()
    unnamed: list[str] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            more, more_unnamed = url_names(pattern, inner)
            names |= more
            unnamed += more_unnamed
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                names.add(namespace + pattern.name)
            elif not namespace.startswith("admin:"):
                unnamed.append(f"{namespace}{pattern.pattern}")
    return names, unnamed


def exempt_reason(name: str) -> str | None:
    return next((why for prefix, why in EXEMPT_PREFIXES.items() if name.startswith(prefix)), None)


def without_row(names: set[str]) -> list[str]:
    return sorted(name for name in names if name not in TABLE and exempt_reason(name) is None)


def test_every_url_has_a_row():
    names, unnamed = url_names()
    assert without_row(names) == [], "add a TABLE row (or an EXEMPT_PREFIXES entry with a reason) for these URLs"
    assert sorted(set(TABLE) - names) == [], "these rows name URLs that no longer exist"
    assert unnamed == [], "name these URL patterns so the matrix can address them"


def test_coverage_check_flags_a_url_without_a_row():
    names, _ = url_names()
    assert {"home", "shots:my_tasks", "api:task-detail", "admin:index", "admin:studio_person_changelist"} <= names
    assert without_row({"shots:my_tasks", "admin:studio_person_changelist", "shots:shot_list"}) == ["shots:shot_list"]
    assert without_row({"api:shot-detail", "api:shot-versions"}) == ["api:shot-versions"]


# --- The matrix -----------------------------------------------------------------------------------------


CASES = [
    pytest.param(name, role, which, id=f"{name}-{which}-{role}")
    for name, row in TABLE.items()
    for which in (("own", "other") if row.other is not None else ("own",))
    for role in ROLES
]


@pytest.fixture(scope="module")
def hidden_texts(world, django_db_blocker):
    """Per role: the texts of the world objects that role may not see."""
    with django_db_blocker.unblock():
        hidden = {}
        for role in ROLES:
            who = AnonymousUser() if role == "anonymous" else world.fresh(role)
            hidden[role] = [
                (f"{type(obj).__name__} #{obj.pk}", text)
                for obj, text in leak_markers(world)
                if not permissions.visible(who, type(obj)).filter(pk=obj.pk).exists()
            ]
        return hidden


def get_as(world, role: str, path: str):
    http = Client()
    if role != "anonymous":
        http.force_login(world.people[role])
    return http.get(path)


def text_of(response) -> str:
    """The response's body; a streamed one (api:show-shots-with-tasks) is read to its end."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode(errors="replace")  # uploaded files (the media row) are bytes


@pytest.mark.parametrize(("name", "role", "which"), CASES)
def test_get(world, hidden_texts, name, role, which):
    row = TABLE[name]
    expected = (row.own if which == "own" else row.other)[role]
    path = row.path(world, which)
    response = get_as(world, role, path)
    if isinstance(expected, Redirect):
        to = f"{reverse('login')}?next={path}" if expected is LOGIN else expected.to
        assert (response.status_code, response.get("Location")) == (expected.status, to)
    else:
        assert response.status_code == expected
    body = text_of(response)
    if response.status_code == 200:
        leaked = [f"{label}: {text!r}" for label, text in hidden_texts[role] if text in body]
        assert leaked == [], f"{path} shows {role} what they may not see"
    # Whatever the answer (an error page too): never another show's shot codes or name, never a held note.
    if role != "admin":
        forbidden = [*world.other.shot_codes, world.other.show.name]
        if role in ("artist", "client", "anonymous"):
            forbidden.append(world.own.held_note.body)
        assert [text for text in forbidden if text in body] == [], f"{path} ({response.status_code}) to {role}"


# --- Content -------------------------------------------------------------------------------------------


def test_my_tasks_lists_only_the_artists_own_tasks(world):
    response = get_as(world, "artist", reverse("shots:my_tasks"))
    assert list(response.context["tasks"]) == [world.own.task]
    # The task table only: the notes panel below it may name other shots (the artist is CC'd on artist2's note).
    table = response.content.decode().split('id="task-table"', 1)[1].split("</table>", 1)[0]
    assert table.count('<td class="code">') == 1
    assert '<td class="code"><a href="/shows/OWN/shot/SQ010_SH0010/">SQ010_SH0010</a></td>' in table
    assert "SQ010_SH0020" not in table


def test_review_queue_shows_the_supervisors_department_only(world):
    response = get_as(world, "supervisor", reverse("shots:review_queue"))
    assert list(response.context["versions"]) == [world.own.version]
    response = get_as(world, "lighting_supervisor", reverse("shots:review_queue"))
    assert list(response.context["versions"]) == []


def test_client_dailies_lists_only_the_released_client_session(world):
    response = get_as(world, "client", reverse("dailies:session_list"))
    assert list(response.context["sessions"]) == [world.own.client_session]
    body = response.content.decode()
    assert world.own.client_session.name in body
    assert world.own.unreleased_session.name not in body
    assert world.own.internal_session.name not in body


def test_api_client_lists_no_breakdown(world):
    for name in ("api:sequence-list", "api:shot-list", "api:task-list"):
        response = get_as(world, "client", reverse(name))
        assert (response.status_code, response.json()["results"]) == (200, []), name
    response = get_as(world, "client", reverse("api:show-list"))
    assert [show["code"] for show in response.json()["results"]] == ["OWN"]
    assert "contract_value" not in response.json()["results"][0]


def test_api_artist_lists_own_show_only(world):
    response = get_as(world, "artist", reverse("api:shot-list"))
    assert sorted(shot["code"] for shot in response.json()["results"]) == ["SQ010_SH0010", "SQ010_SH0020"]
    response = get_as(world, "artist", reverse("api:task-list"))
    assert sorted(task["id"] for task in response.json()["results"]) == sorted(
        [world.own.task.pk, world.own.task2.pk, world.own.lighting_task.pk]
    )


def test_api_anonymous_is_challenged_for_a_token(world):
    response = get_as(world, "anonymous", reverse("api:shot-list"))
    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Token")


def test_admin_changelists_are_for_admin_staff_only(world):
    """What the admin:index row stands for, checked on every model the admin registers."""
    names, _ = url_names()
    changelists = sorted(name for name in names if name.startswith("admin:") and name.endswith("_changelist"))
    assert "admin:studio_person_changelist" in changelists
    answers_by_role = {}
    for name in changelists:
        path = reverse(name)
        for role in ("producer", "admin"):
            response = get_as(world, role, path)
            answers_by_role[(name, role)] = (response.status_code, response.get("Location"))
    expected = {}
    for name in changelists:
        expected[(name, "producer")] = (302, f"/admin/login/?next={reverse(name)}")
        expected[(name, "admin")] = (200, None)
    assert answers_by_role == expected


# --- POST-only URLs ---------------------------------------------------------------------------------------


def test_logout_is_post_only(world):
    http = Client()
    http.force_login(world.people["artist"])
    assert http.get(reverse("logout")).status_code == 405
    assert http.get(reverse("shots:my_tasks")).status_code == 200  # still logged in
    response = http.post(reverse("logout"))
    assert (response.status_code, response["Location"]) == (302, "/login/")
    response = http.get(reverse("shots:my_tasks"))
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/my/tasks/")


def test_api_token_is_post_only(world):
    http = Client()
    assert http.get(reverse("api:token")).status_code == 405
    response = http.post(reverse("api:token"), {"username": "artist", "password": "wrong"})
    assert response.status_code == 400
    response = http.post(reverse("api:token"), {"username": "artist", "password": DEMO_PASSWORD})
    assert (response.status_code, response.json()) == (200, {"token": Token.objects.get(user__username="artist").key})
    token = response.json()["token"]
    response = Client().get(reverse("api:shot-list"), headers={"Authorization": f"Token {token}"})
    assert sorted(shot["code"] for shot in response.json()["results"]) == ["SQ010_SH0010", "SQ010_SH0020"]


def test_inactive_person_cannot_get_a_token(world):
    response = Client().post(reverse("api:token"), {"username": "inactive", "password": DEMO_PASSWORD})
    assert response.status_code == 400
