"""Bad input never reaches a 500: every URL of the project, as several roles, with garbage queries and bodies.

The URLs come from the permission matrix's table (tests/matrix_rows), which the coverage test keeps complete, so
a new page or endpoint is probed here without anyone adding it.
"""

import pytest
from django.test import Client

from tests import permission_world
from tests.matrix_rows import ROWS

pytestmark = pytest.mark.django_db
world = permission_world.world  # the module-scoped fixture

ROLES = ("coordinator", "artist", "client", "admin")
GARBAGE_QUERY = (
    "cursor=%25%25not-a-cursor&after=zz&before=zz&as_of=2026-13-45&date_from=yesterday&date_to=x&since=soon"
    "&item=abc&sort=bogus&order=sideways&page_size=-3&status=nope&task_type=abc&department=%00&assignee=me-not"
    "&sequence=999999999999999999999&show=%3Cscript%3E&q=%3Cscript%3Ealert(1)%3C/script%3E&format=xml&edit=maybe"
)
GARBAGE_BODY = {
    "status": "nope",
    "row_version": "x",
    "hours": "-9e99",
    "date": "2026-02-30",
    "due_date": "never",
    "bid_days": "NaN",
    "body": "",
    "category": "gossip",
    "to": ["abc"],
    "versions": ["x"],
    "item_ids": "1,2,x",
    "order": "x",
    "cut_in": "1e9",
    "cut_out": "-1",
    "code": "has space",
    "tasks": ["x"],
    "task_type": "x",
    "assignees": ["x"],
    "digest_time": "25:99",
    "only_its_sequences": "maybe",
}
PATHS = [
    pytest.param(name, which, id=f"{name}-{which}")
    for name, row in ROWS.items()
    if name not in {"logout"}  # logs the client out: covered by its own test
    for which in (("own", "other") if row.other is not None else ("own",))
]


def client_for(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.people[role])
    return client


@pytest.mark.parametrize(("name", "which"), PATHS)
def test_garbage_never_reaches_a_500(world, name, which):
    path = ROWS[name].path(world, which)
    problems = []
    for role in ROLES:
        client = client_for(world, role)
        answers = {
            "GET ?garbage": client.get(f"{path}?{GARBAGE_QUERY}"),
            "POST empty": client.post(path, {}),
            "POST garbage": client.post(path, GARBAGE_BODY),
            "POST json garbage": client.post(
                path, b'{"items": [{"id": "x"}], "status": 3', content_type="application/json"
            ),
        }
        problems += [f"{role} {what}: {r.status_code}" for what, r in answers.items() if r.status_code >= 500]
    assert problems == [], f"{path}: {problems}"


def test_a_nul_character_in_any_path_segment_is_a_404(world):
    """PostgreSQL refuses NUL in text: `/shows/%00/` (or an id, a username, a line) must not reach a lookup."""
    client = client_for(world, "admin")
    problems = []
    for name, row in ROWS.items():
        if name == "logout":
            continue
        segments = row.path(world, "own").split("/")
        for i, segment in enumerate(segments):
            if segment:
                path = "/".join([*segments[:i], segment + "%00", *segments[i + 1 :]])
                status = client.get(path).status_code
                if status != 404:
                    problems.append(f"{path}: {status}")
    assert problems == []


OTHER_SHOW = [pytest.param(name, id=name) for name, row in ROWS.items() if row.other is not None]


@pytest.mark.parametrize("name", OTHER_SHOW)
def test_a_post_on_another_shows_object_is_refused_before_any_form(world, name):
    """Another show's objects are 404 (or 403, or 405 where the URL takes no POST) for every write, empty or not:
    never a form re-rendered with errors, which would tell the stranger the object exists."""
    path = ROWS[name].path(world, "other")
    answers = {}
    for role in ("coordinator", "artist", "client", "production_manager", "producer"):
        client = client_for(world, role)
        for what, data in (("empty", {}), ("garbage", GARBAGE_BODY)):
            answers[f"{role} {what}"] = client.post(path, data).status_code
    assert {key: code for key, code in answers.items() if code not in (403, 404, 405)} == {}, path


def test_absurd_hours_are_a_400_naming_hours(world):
    client = client_for(world, "artist")
    response = client.post("/api/v1/time-logs/", {"task": world.own.task.pk, "date": "2026-03-04", "hours": "9e99"})
    assert response.status_code == 400
    assert list(response.json()) == ["hours"]


@pytest.mark.parametrize("task", [1.5, "1.5", "1e0", True, "-1", " 1", "٣"])
def test_an_id_that_is_not_a_whole_number_is_a_400_naming_the_field(world, task):
    """DRF hands 1.5 to the lookup, which rounds it down: the hours would land on another task."""
    client = client_for(world, "artist")
    body = {"task": task if task != 1.5 else world.own.task.pk + 0.5, "date": "2026-03-04", "hours": "2"}
    response = client.post("/api/v1/time-logs/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"task": ["Give the id as a whole number."]}


def test_a_time_log_on_a_date_far_from_our_time_is_a_400_naming_date(world):
    client = client_for(world, "artist")
    response = client.post("/api/v1/time-logs/", {"task": world.own.task.pk, "date": "0001-01-01", "hours": "2"})
    assert response.status_code == 400
    assert response.json() == {"date": ["Give a date between 1970 and 2999."]}


def test_hours_with_more_than_two_decimals_are_a_400_naming_hours(world):
    client = client_for(world, "artist")
    for hours in ("0.123", "0.123456"):
        response = client.post("/api/v1/time-logs/", {"task": world.own.task.pk, "date": "2026-03-04", "hours": hours})
        assert response.status_code == 400
        assert response.json() == {"hours": ["Ensure that there are no more than 2 decimal places."]}
