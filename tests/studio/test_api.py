"""The API skeleton: authentication, shows, the OpenAPI schema and the docs page.

`build_api_world` is shared with tests/shots/test_api.py: two shows, one person per role on RBT, objects on
both shows with the same codes (so a leak by code would show).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shots.models import Sequence, Shot, Task, TaskType
from shots.workflow import TaskStatus
from studio.models import Department, Person, Role, Show
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DEMO_PASSWORD, DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db

ROLES = ["artist", "supervisor", "coordinator", "production_manager", "producer", "admin", "client"]
ROLES_AND_ANONYMOUS = [*ROLES, "anonymous"]


@dataclass
class ApiWorld:
    show: Show
    other_show: Show
    animation: Department
    lighting: Department
    animation_type: TaskType
    lighting_type: TaskType
    people: dict[str, Person]
    sequence: Sequence
    other_sequence: Sequence
    shot: Shot
    shot_2: Shot
    other_shot: Shot
    task: Task  # Animation on `shot`, assigned to the artist
    artist_2_task: Task  # Animation on `shot_2`, assigned to another artist
    lighting_task: Task  # Lighting on `shot`, nobody assigned
    other_task: Task  # Animation on the other show


def build_api_world() -> ApiWorld:
    show = ShowFactory(code="RBT", name="Robot Tales", contract_value=Decimal("1250000.00"))
    other_show = ShowFactory(code="OTH", name="Other Show", contract_value=Decimal("990000.00"))
    animation = DepartmentFactory(name="Animation", code="ANIM")
    lighting = DepartmentFactory(name="Lighting", code="LGT")
    animation_type = TaskTypeFactory(name="Animation", department=animation)
    lighting_type = TaskTypeFactory(name="Lighting", department=lighting)

    people = {}
    for role in ROLES:
        department = animation if role in ("artist", "supervisor") else None
        people[role] = PersonFactory(username=role, role=role, department=department)
        if role != Role.ADMIN:  # admins see everything without being on a show
            MembershipFactory(person=people[role], show=show)
    people["artist_2"] = PersonFactory(username="artist_2", role=Role.ARTIST, department=animation)
    MembershipFactory(person=people["artist_2"], show=show)
    outsider = PersonFactory(username="outsider", role=Role.PRODUCER)
    MembershipFactory(person=outsider, show=other_show)

    # The same codes on both shows: a lookup that forgot the show would find the wrong one.
    sequence = SequenceFactory(show=show, code="SQ010", name="Opening")
    other_sequence = SequenceFactory(show=other_show, code="SQ010", name="Elsewhere")
    shot = ShotFactory(sequence=sequence, code="SQ010_SH0010", cut_in=1009, cut_out=1056, description="Wide")
    shot_2 = ShotFactory(sequence=sequence, code="SQ010_SH0020", cut_in=1009, cut_out=1032, order=2)
    other_shot = ShotFactory(sequence=other_sequence, code="SQ010_SH0010")
    return ApiWorld(
        show=show,
        other_show=other_show,
        animation=animation,
        lighting=lighting,
        animation_type=animation_type,
        lighting_type=lighting_type,
        people=people,
        sequence=sequence,
        other_sequence=other_sequence,
        shot=shot,
        shot_2=shot_2,
        other_shot=other_shot,
        task=TaskFactory(
            shot=shot,
            task_type=animation_type,
            status=TaskStatus.READY,
            bid_days=Decimal("2.50"),
            start_date=dt.date(2026, 3, 2),
            due_date=dt.date(2026, 3, 6),
            assignees=[people["artist"]],
        ),
        artist_2_task=TaskFactory(shot=shot_2, task_type=animation_type, assignees=[people["artist_2"]]),
        lighting_task=TaskFactory(shot=shot, task_type=lighting_type, status=TaskStatus.WAITING),
        other_task=TaskFactory(shot=other_shot, task_type=animation_type),
    )


def api_client_for(world: ApiWorld, role: str) -> APIClient:
    """A client logged in (session) as the person with this role; "anonymous" is not logged in."""
    client = APIClient()
    if role != "anonymous":
        client.force_login(world.people[role])
    return client


@pytest.fixture
def world() -> ApiWorld:
    return build_api_world()


def show_url(show: Show) -> str:
    return reverse("api:show-detail", kwargs={"code": show.code})


# --- Authentication -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name, kwargs",
    [
        ("api:show-list", {}),
        ("api:show-detail", {"code": "RBT"}),
        ("api:sequence-list", {}),
        ("api:shot-list", {}),
        ("api:shot-detail", {"pk": 1}),
        ("api:task-list", {}),
        ("api:task-detail", {"pk": 1}),
        ("api:schema", {}),
        ("api:docs", {}),
    ],
)
def test_anonymous_requests_get_401_with_a_token_challenge(world, url_name, kwargs):
    response = APIClient().get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("url_name", ["api:show-list", "api:sequence-list", "api:shot-list", "api:task-list"])
def test_anonymous_writes_get_401_and_write_nothing(world, url_name):
    before = (Show.objects.count(), Sequence.objects.count(), Shot.objects.count(), Task.objects.count())
    response = APIClient().post(reverse(url_name), {"code": "NEW"}, format="json")
    assert response.status_code == 401  # authentication comes first, even where the method does not exist
    assert (Show.objects.count(), Sequence.objects.count(), Shot.objects.count(), Task.objects.count()) == before


def test_token_obtained_with_username_and_password_authenticates_requests(world):
    response = APIClient().post(
        reverse("api:token"), {"username": "coordinator", "password": DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    key = response.json()["token"]
    assert key == Token.objects.get(user=world.people["coordinator"]).key

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listed = client.get(reverse("api:show-list"))
    assert listed.status_code == 200
    assert [row["code"] for row in listed.json()["results"]] == ["RBT"]

    # The same token again on a second request for it (one token per person).
    again = APIClient().post(reverse("api:token"), {"username": "coordinator", "password": DEMO_PASSWORD})
    assert again.json() == {"token": key}


def test_token_endpoint_refuses_a_wrong_password(world):
    response = APIClient().post(reverse("api:token"), {"username": "coordinator", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert not Token.objects.exists()


def test_an_unknown_token_is_401_and_a_deactivated_persons_token_stops_working(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    assert client.get(reverse("api:show-list")).status_code == 401

    token = Token.objects.create(user=world.people["producer"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(reverse("api:show-list")).status_code == 200
    Person.objects.filter(pk=world.people["producer"].pk).update(is_active=False)
    response = client.get(reverse("api:show-list"))
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


def test_token_auth_writes_need_no_csrf_token_but_session_writes_do(world):
    token = Token.objects.create(user=world.people["producer"])
    with_token = APIClient(enforce_csrf_checks=True)
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert with_token.patch(show_url(world.show), {"name": "Robot Tales II"}, format="json").status_code == 200

    with_session = APIClient(enforce_csrf_checks=True)
    with_session.force_login(world.people["producer"])
    response = with_session.patch(show_url(world.show), {"name": "Robot Tales III"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF Failed: CSRF cookie not set."}
    world.show.refresh_from_db()
    assert world.show.name == "Robot Tales II"


# --- Shows ----------------------------------------------------------------------------------------------

SHOW_FIELDS = {
    "id",
    "code",
    "name",
    "status",
    "fps",
    "resolution_width",
    "resolution_height",
    "start_date",
    "end_date",
    "currency",
    "hours_per_day",
    "default_head_in",
    "default_handles",
    "is_series",
}
SEES_MONEY = {"producer", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_show_list_has_only_the_persons_shows(world, role):
    response = api_client_for(world, role).get(reverse("api:show-list"))
    assert response.status_code == 200
    expected = ["OTH", "RBT"] if role == "admin" else ["RBT"]
    assert sorted(row["code"] for row in response.json()["results"]) == expected


@pytest.mark.parametrize("role", ROLES)
def test_show_detail_by_code_and_money_only_for_producers_and_admins(world, role):
    response = api_client_for(world, role).get(show_url(world.show))
    assert response.status_code == 200
    body = response.json()
    expected_keys = SHOW_FIELDS | {"contract_value"} if role in SEES_MONEY else SHOW_FIELDS
    assert set(body) == expected_keys
    assert body["code"] == "RBT"
    assert body["fps"] == "24.000"
    assert body["hours_per_day"] == "8.00"
    assert body["start_date"] == "2026-01-05"
    if role in SEES_MONEY:
        assert body["contract_value"] == "1250000.00"


@pytest.mark.parametrize("role", ROLES)
def test_money_is_absent_from_show_lists_too(world, role):
    rows = api_client_for(world, role).get(reverse("api:show-list")).json()["results"]
    for row in rows:
        assert ("contract_value" in row) is (role in SEES_MONEY)


@pytest.mark.parametrize("role, expected", [*((role, 404) for role in ROLES if role != "admin"), ("admin", 200)])
def test_another_shows_detail_is_404(world, role, expected):
    assert api_client_for(world, role).get(show_url(world.other_show)).status_code == expected


def test_a_producer_on_another_show_does_not_see_this_shows_money(world):
    """can_see_money is per show: producing OTH gives nothing on RBT (which they are not on: 404)."""
    client = APIClient()
    client.force_login(Person.objects.get(username="outsider"))
    assert client.get(show_url(world.show)).status_code == 404
    assert client.get(show_url(world.other_show)).json()["contract_value"] == "990000.00"


@pytest.mark.parametrize(
    "role, expected",
    [
        ("artist", 403),
        ("supervisor", 403),
        ("coordinator", 403),
        ("production_manager", 403),
        ("producer", 200),
        ("admin", 200),
        ("client", 403),
        ("anonymous", 401),
    ],
)
def test_show_settings_change_only_for_producers_and_admins(world, role, expected):
    response = api_client_for(world, role).patch(
        show_url(world.show), {"name": "Robot Tales: Reboot", "hours_per_day": "7.5"}, format="json"
    )
    assert response.status_code == expected
    world.show.refresh_from_db()
    if expected == 200:
        assert response.json()["name"] == "Robot Tales: Reboot"
        assert response.json()["hours_per_day"] == "7.50"
        assert (world.show.name, world.show.hours_per_day) == ("Robot Tales: Reboot", Decimal("7.50"))
    else:
        assert (world.show.name, world.show.hours_per_day) == ("Robot Tales", Decimal("8.00"))


@pytest.mark.parametrize("role, expected", [("producer", 404), ("coordinator", 404), ("admin", 200)])
def test_show_settings_of_another_show_are_404(world, role, expected):
    response = api_client_for(world, role).patch(show_url(world.other_show), {"name": "Mine now"}, format="json")
    assert response.status_code == expected


def test_producer_changes_the_contract_value_as_a_decimal(world):
    client = api_client_for(world, "producer")
    response = client.patch(show_url(world.show), {"contract_value": "1300000.10"}, format="json")
    assert response.status_code == 200
    assert response.json()["contract_value"] == "1300000.10"
    world.show.refresh_from_db()
    assert world.show.contract_value == Decimal("1300000.10")


@pytest.mark.parametrize(
    "payload, errors",
    [
        ({"end_date": "2025-12-31"}, {"end_date": ["The end date must not be before the start date."]}),
        ({"start_date": "2027-07-01"}, {"start_date": ["The end date must not be before the start date."]}),
        ({"currency": "eur"}, {"currency": ["Use a three-letter ISO 4217 code such as EUR or USD."]}),
        ({"hours_per_day": "0.2"}, {"hours_per_day": ["Ensure this value is greater than or equal to 0.5."]}),
        ({"fps": "abc"}, {"fps": ["A valid number is required."]}),
        ({"contract_value": "-1"}, {"contract_value": ["Ensure this value is greater than or equal to 0."]}),
        ({"code": "NEW"}, {"code": ["This field is not accepted here."]}),
        ({}, {"non_field_errors": ["Send at least one field to change."]}),
    ],
)
def test_bad_show_settings_are_400_naming_the_field_and_change_nothing(world, payload, errors):
    response = api_client_for(world, "producer").patch(show_url(world.show), payload, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    world.show.refresh_from_db()
    assert (world.show.code, world.show.currency, world.show.end_date) == ("RBT", "EUR", dt.date(2027, 6, 30))


def test_show_codes_with_dots_are_addressable(world):
    ShowFactory(code="RBT.S2", name="Season two")
    response = api_client_for(world, "admin").get(reverse("api:show-detail", kwargs={"code": "RBT.S2"}))
    assert response.status_code == 200
    assert response.json()["name"] == "Season two"


def test_show_list_makes_the_same_queries_for_3_and_30_shows(world):
    client = api_client_for(world, "admin")
    client.get(reverse("api:show-list"))  # warm-up: the session's first use

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("api:show-list"))
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    ShowFactory.create_batch(1)
    small = count()
    ShowFactory.create_batch(27)
    large = count()
    assert small == (3, 3)  # session, person, shows
    assert large == (3, 30)


def test_show_list_is_a_cursor_page(world):
    ShowFactory.create_batch(3)
    client = api_client_for(world, "admin")
    first = client.get(reverse("api:show-list"), {"page_size": 2}).json()
    assert [row["code"] for row in first["results"]] == ["RBT", "OTH"]  # ordered by id: creation order
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2
    third = client.get(second["next"]).json()
    assert len(third["results"]) == 1
    assert third["next"] is None


# --- Schema and docs ------------------------------------------------------------------------------------


def test_openapi_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert sorted(schema["paths"]) == [
        "/api/v1/auth/token/",
        "/api/v1/baselines/",
        "/api/v1/baselines/{id}/",
        "/api/v1/baselines/{id}/activate/",
        "/api/v1/baselines/{id}/deactivate/",
        "/api/v1/baselines/{id}/tasks/",
        "/api/v1/inbox/",
        "/api/v1/inbox/read/",
        "/api/v1/milestones/",
        "/api/v1/milestones/{id}/",
        "/api/v1/notes/",
        "/api/v1/notes/{id}/",
        "/api/v1/person-rates/",
        "/api/v1/person-rates/{id}/",
        "/api/v1/rate-cards/",
        "/api/v1/rate-cards/{id}/",
        "/api/v1/sequences/",
        "/api/v1/sequences/{id}/",
        "/api/v1/sessions/",
        "/api/v1/sessions/{id}/",
        "/api/v1/sessions/{id}/items/",
        "/api/v1/sessions/{id}/release/",
        "/api/v1/sessions/{id}/remove-item/",
        "/api/v1/sessions/{id}/reorder/",
        "/api/v1/sessions/{id}/send-notes/",
        "/api/v1/shots/",
        "/api/v1/shots/{id}/",
        "/api/v1/shows/",
        "/api/v1/shows/{code}/",
        "/api/v1/shows/{code}/baselines/compare/",
        "/api/v1/shows/{code}/budgets/",
        "/api/v1/shows/{code}/budgets/{revision}/",
        "/api/v1/shows/{code}/budgets/{revision}/copy/",
        "/api/v1/shows/{code}/budgets/{revision}/lines/",
        "/api/v1/shows/{code}/budgets/{revision}/lines/{department}/",
        "/api/v1/shows/{code}/budgets/{revision}/lock/",
        "/api/v1/shows/{code}/budgets/{revision}/unlock/",
        "/api/v1/shows/{code}/costs/",
        "/api/v1/shows/{code}/expenses/",
        "/api/v1/shows/{code}/expenses/{id}/",
        "/api/v1/shows/{code}/production-metrics/",
        "/api/v1/shows/{code}/shots-with-tasks/",
        "/api/v1/shows/{code}/variance/",
        "/api/v1/shows/{code}/variance/history/",
        "/api/v1/shows/{code}/variance/tasks/",
        "/api/v1/tasks/",
        "/api/v1/tasks/bulk/",
        "/api/v1/tasks/{id}/",
        "/api/v1/time-logs/",
        "/api/v1/time-logs/{id}/",
        "/api/v1/versions/",
        "/api/v1/versions/{id}/",
        "/api/v1/versions/{id}/review/",
    ]
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    # The schema, too, never promises money outside the one optional show field.
    assert "contract_value" not in schema["components"]["schemas"]["ShowOutput"]["required"]


def test_schema_is_served_to_logged_in_people(world):
    response = api_client_for(world, "artist").get(
        reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/tasks/{id}/" in schema["paths"]
    assert set(schema["paths"]["/api/v1/tasks/{id}/"]) == {"get", "patch"}
    assert set(schema["paths"]["/api/v1/shows/{code}/"]) == {"get", "patch"}


def test_docs_page_has_no_inline_script_or_style_and_its_assets_are_local(world):
    client = api_client_for(world, "artist")
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html
    assert " style=" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 3
    assert all(body.strip() == "" for _, body in scripts)
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts]
    assert sources[:2] == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
    ]
    assert sources[2] == "/api/v1/docs/?script="
    assert '<link rel="stylesheet" href="/static/css/api-docs.css">' in html
    assert "//" not in "".join(re.findall(r'(?:src|href)="([^"]+)"', html)).replace("://", "")  # no CDN
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp

    script = client.get(sources[2])
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    javascript = script.content.decode()
    assert 'url: "/api/v1/schema/"' in javascript
    # Swagger UI's "try it out" sends the session's CSRF token on writes.
    csrf = re.search(r'request.headers\["X-CSRFTOKEN"\] = "([^"]+)"', javascript)
    assert csrf is not None and len(csrf.group(1)) == 64
