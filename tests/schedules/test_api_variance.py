"""The schedule-variance API: who may read it, the figures (hand-computed, as Decimal strings), the roll-ups, bad
input naming the parameter, the history of snapshots, and a fixed number of queries whatever the show's size.

The show RBT (hours per day 8; Monday 9 March 2026 a holiday), as of Wednesday 11 March 2026:
- Animation "task": WIP (0.25), B 10, Mon 2 .. Fri 13 March; 12 h logged on Mar 10, 4 h on Mar 12 (after t).
  PV = 10 x [Mar 2, Mar 11] = 7 / [Mar 2, Mar 13] = 9 = 7.7777777778; EV 2.5; AC 12 / 8 = 1.5.
- Animation "artist_2_task": approved, B 2.5, Mon 2 .. Wed 4 March: PV 2.5 (due before t); EV 2.5.
- Lighting "lighting_task": pending review (0.8), B 4, no dates: PV 0, EV 3.2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schedules import services
from schedules.models import Holiday
from shots.models import Task
from shots.workflow import TaskStatus
from studio.models import Person
from tests.schedules.factories import TimeLogFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory
from tests.studio.test_api import ApiWorld, api_client_for, build_api_world

pytestmark = pytest.mark.django_db

D = dt.date
AS_OF = "2026-03-11"


@pytest.fixture
def world() -> ApiWorld:
    world = build_api_world()
    Holiday.objects.create(show=world.show, date=D(2026, 3, 9), name="Studio day")
    Task.objects.filter(pk=world.task.pk).update(
        status=TaskStatus.WIP, bid_days=Decimal("10"), start_date=D(2026, 3, 2), due_date=D(2026, 3, 13)
    )
    Task.objects.filter(pk=world.artist_2_task.pk).update(
        status=TaskStatus.APPROVED, bid_days=Decimal("2.5"), start_date=D(2026, 3, 2), due_date=D(2026, 3, 4)
    )
    Task.objects.filter(pk=world.lighting_task.pk).update(status=TaskStatus.PENDING_REVIEW, bid_days=Decimal("4"))
    TimeLogFactory(person=world.people["artist"], task=world.task, date=D(2026, 3, 10), hours=Decimal("12"))
    TimeLogFactory(person=world.people["artist"], task=world.task, date=D(2026, 3, 12), hours=Decimal("4"))
    return world


def variance_url(code: str = "RBT", **query) -> str:
    url = reverse("api:show-variance", kwargs={"code": code})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def history_url(code: str = "RBT", **query) -> str:
    url = reverse("api:show-variance-history", kwargs={"code": code})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


FIGURE_KEYS = ("tasks", "bid_days", "pv", "ev", "ac_days", "sv", "spi", "earliest_start", "forecast_finish")


def figures(row: dict) -> dict:
    return {key: row[key] for key in FIGURE_KEYS}


# --- Who may read it ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        # Production managers and producers own the schedule and read its variance (PRODUCT.md); supervisors may
        # not see the other departments' hours that AC adds up, coordinators and artists do not run the schedule.
        ("artist", 403, 404),
        ("supervisor", 403, 404),
        ("coordinator", 403, 404),
        ("production_manager", 200, 404),
        ("producer", 200, 404),
        ("admin", 200, 200),
        ("client", 404, 404),  # staff information, like the show dashboard: as if it did not exist
        ("anonymous", 401, 401),
    ],
)
@pytest.mark.parametrize("url", [variance_url, history_url])
def test_who_may_read_the_variance(world, role, own, other, url):
    client = api_client_for(world, role)
    assert client.get(url("RBT")).status_code == own
    assert client.get(url("OTH")).status_code == other
    assert client.get(url("NOPE")).status_code == (401 if role == "anonymous" else 404)


def test_a_producer_of_the_other_show_reads_only_that_one(world):
    client = api_client_for(world, "anonymous")
    client.force_login(Person.objects.get(username="outsider"))  # a producer on OTH only
    assert (client.get(variance_url("OTH")).status_code, client.get(variance_url("RBT")).status_code) == (200, 404)


def test_the_refusal_says_who_may(world):
    response = api_client_for(world, "supervisor").get(variance_url())
    assert response.json() == {"detail": "Schedule variance is for the show's production managers and producers."}


# --- The figures ------------------------------------------------------------------------------------------------


def test_variance_per_department(world):
    response = api_client_for(world, "production_manager").get(variance_url(as_of=AS_OF))
    assert response.status_code == 200, response.content
    body = response.json()
    assert {key: body[key] for key in ("show", "as_of", "by", "hours_per_day", "baseline")} == {
        "show": "RBT",
        "as_of": AS_OF,
        "by": "department",
        "hours_per_day": "8.00",
        "baseline": None,
    }
    animation, lighting = body["rows"]
    assert (animation["department"], animation["sequence"]) == (
        {"id": world.animation.pk, "code": "ANIM", "name": "Animation"},
        None,
    )
    # B 10 + 2.5; PV 7.7777777778 + 2.5; EV 2.5 + 2.5; AC 1.5; SV 5 - 10.2777777778; SPI 5 / 10.2777777778 =
    # 0.486486486485 -> 0.4864864865; forecast: ceil((12.5 - 5) x 7 / 5) = ceil(10.5) = 11 working days after
    # Wed 11 March: 12, 13, 16 .. 20, 23 .. Thu 26 March.
    assert figures(animation) == {
        "tasks": 2,
        "bid_days": "12.50",
        "pv": "10.2777777778",
        "ev": "5.00",
        "ac_days": "1.50",
        "sv": "-5.2777777778",
        "spi": "0.4864864865",
        "earliest_start": "2026-03-02",
        "forecast_finish": "2026-03-26",
    }
    # Nothing dated: PV 0, so SPI null (shown "—"); no planned start: no forecast.
    assert lighting["department"]["code"] == "LGT"
    assert figures(lighting) == {
        "tasks": 1,
        "bid_days": "4.00",
        "pv": "0.00",
        "ev": "3.20",
        "ac_days": "0.00",
        "sv": "3.20",
        "spi": None,
        "earliest_start": None,
        "forecast_finish": None,
    }
    # The show: B 16.5; PV 10.2777777778; EV 8.2; SPI 8.2 / 10.2777777778 = 0.797837837836 -> 0.7978378378;
    # ceil((16.5 - 8.2) x 7 / 8.2) = ceil(7.09) = 8 working days after Wed 11 March: Mon 23 March.
    assert figures(body["total"]) == {
        "tasks": 3,
        "bid_days": "16.50",
        "pv": "10.2777777778",
        "ev": "8.20",
        "ac_days": "1.50",
        "sv": "-2.0777777778",
        "spi": "0.7978378378",
        "earliest_start": "2026-03-02",
        "forecast_finish": "2026-03-23",
    }


def test_variance_per_sequence_and_for_the_show(world):
    client = api_client_for(world, "producer")
    body = client.get(variance_url(as_of=AS_OF, by="sequence")).json()
    [row] = body["rows"]
    assert (row["sequence"], row["department"]) == ({"id": world.sequence.pk, "code": "SQ010"}, None)
    assert figures(row) == figures(body["total"])
    body = client.get(variance_url(as_of=AS_OF, by="show")).json()
    [row] = body["rows"]
    assert (row["sequence"], row["department"], row["pv"]) == (None, None, "10.2777777778")


def test_the_active_baseline_is_named_and_used(world):
    from schedules.models import BaselineTask
    from tests.schedules.factories import BaselineFactory

    baseline = BaselineFactory(show=world.show, name="Award plan", is_active=True)
    BaselineTask.objects.create(
        baseline=baseline, task=world.task, bid_days=Decimal("8"), start_date=D(2026, 3, 2), due_date=D(2026, 3, 6)
    )
    body = api_client_for(world, "admin").get(variance_url(as_of=AS_OF)).json()
    assert body["baseline"] == {"id": baseline.pk, "name": "Award plan"}
    # The baseline's 8 days, due Mar 6 <= t: PV 8 + 2.5; EV 8 x 0.25 + 2.5.
    assert (body["rows"][0]["pv"], body["rows"][0]["ev"]) == ("10.50", "4.50")


def test_as_of_defaults_to_today(world):
    from django.utils import timezone

    body = api_client_for(world, "producer").get(variance_url()).json()
    assert body["as_of"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"as_of": "2026-13-01"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"by": "episode"}, "by"),
        ({"asof": AS_OF}, "asof"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(world, query, field):
    response = api_client_for(world, "producer").get(variance_url(**query))
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("as_of", ["9999-12-31", "3000-01-01", "1969-12-31", "0001-01-01"])
@pytest.mark.parametrize("name", ["api:show-variance", "api:show-variance-tasks"])
def test_an_as_of_outside_1970_to_2999_is_a_400_naming_it(world, name, as_of):
    response = api_client_for(world, "producer").get(reverse(name, kwargs={"code": "RBT"}), {"as_of": as_of})
    assert response.status_code == 400
    assert response.json() == {"as_of": ["Give a date between 1970 and 2999."]}


def _grow(world, count: int) -> None:
    """More sequences, shots, departments, tasks and time logs on the show."""
    for n in range(count):
        department = DepartmentFactory(name=f"Grown {n}", code=f"GRW{n}")
        task_type = TaskTypeFactory(name=f"Grown step {n}", department=department)
        shot = ShotFactory(sequence=SequenceFactory(show=world.show, code=f"SQ9{n:02d}"), code=f"SQ9{n:02d}_SH0010")
        task = TaskFactory(shot=shot, task_type=task_type, start_date=D(2026, 3, 2), due_date=D(2026, 3, 20))
        TimeLogFactory(person=world.people["artist"], task=task, date=D(2026, 3, 3), hours=Decimal("2"))


@pytest.mark.parametrize("by", ["department", "sequence", "show"])
def test_the_variance_makes_the_same_queries_whatever_the_size(world, by):
    def count() -> tuple[int, int]:
        client = api_client_for(world, "production_manager")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(variance_url(as_of=AS_OF, by=by))
        assert response.status_code == 200
        return len(queries), len(response.json()["rows"])

    small = count()
    _grow(world, 12)
    large = count()
    assert small[0] == large[0]
    assert large[1] > small[1] or by == "show"


# --- History -------------------------------------------------------------------------------------------------


@pytest.fixture
def snapshots(world):
    for day in (D(2026, 3, 9), D(2026, 3, 10), D(2026, 3, 11), D(2026, 3, 12)):
        services.ev_recompute(show_id=world.show.pk, as_of=day)
    services.ev_recompute(show_id=world.other_show.pk, as_of=D(2026, 3, 11))
    return world


def test_history_of_the_show(snapshots):
    body = api_client_for(snapshots, "producer").get(history_url(**{"from": "2026-03-10", "to": "2026-03-11"})).json()
    assert (body["show"], body["department"], body["from"], body["to"]) == ("RBT", None, "2026-03-10", "2026-03-11")
    assert [row["date"] for row in body["results"]] == ["2026-03-10", "2026-03-11"]
    latest = body["results"][-1]
    # The same figures as the live variance of that day (test_variance_per_department).
    assert {key: latest[key] for key in ("bid_days", "pv", "ev", "ac_days", "sv", "spi", "forecast_finish")} == {
        "bid_days": "16.50",
        "pv": "10.2777777778",
        "ev": "8.20",
        "ac_days": "1.50",
        "sv": "-2.0777777778",
        "spi": "0.7978378378",
        "forecast_finish": "2026-03-23",
    }
    assert latest["computed_at"]


def test_history_of_a_department(snapshots):
    body = (
        api_client_for(snapshots, "production_manager")
        .get(history_url(department="ANIM", **{"from": "2026-03-01", "to": "2026-03-31"}))
        .json()
    )
    assert body["department"] == {"id": snapshots.animation.pk, "code": "ANIM", "name": "Animation"}
    assert [(row["date"], row["pv"]) for row in body["results"]] == [
        # Mar 9 (a holiday): 10 x [2, 9] = 5 / 9 = 5.5555555556 + 2.5; Mar 10: 10 x 6/9 + 2.5; Mar 11: 10 x 7/9 + 2.5;
        # Mar 12: 10 x 8/9 = 8.8888888889 + 2.5
        ("2026-03-09", "8.0555555556"),
        ("2026-03-10", "9.1666666667"),
        ("2026-03-11", "10.2777777778"),
        ("2026-03-12", "11.3888888889"),
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"department": "NOPE"}, "department"),
        ({"from": "2026-03-12", "to": "2026-03-11"}, "from"),
        ({"from": "2020-01-01", "to": "2026-03-11"}, "from"),
        ({"to": "03/11/2026"}, "to"),
        ({"since": "2026-03-01"}, "since"),
    ],
)
def test_bad_history_input_is_a_400_naming_the_parameter(snapshots, query, field):
    response = api_client_for(snapshots, "producer").get(history_url(**query))
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    ("query", "body"),
    [
        # `to` alone: its default `from`, 90 days before, used to be worked out (and overflowed) before any check.
        ({"to": "0001-01-01"}, {"to": ["Give a date between 1970 and 2999."]}),
        ({"to": "9999-12-31"}, {"to": ["Give a date between 1970 and 2999."]}),
        (
            {"from": "0001-01-01", "to": "0001-01-02"},
            {"from": ["Give a date between 1970 and 2999."], "to": ["Give a date between 1970 and 2999."]},
        ),
        ({"from": "1969-12-31", "to": "1970-01-02"}, {"from": ["Give a date between 1970 and 2999."]}),
    ],
)
def test_history_dates_outside_1970_to_2999_are_a_400_naming_them(snapshots, query, body):
    response = api_client_for(snapshots, "producer").get(history_url(**query))
    assert response.status_code == 400
    assert response.json() == body


def test_history_reads_the_first_and_last_planning_days(snapshots):
    client = api_client_for(snapshots, "producer")
    body = client.get(history_url(to="1970-01-01")).json()
    assert (body["from"], body["to"], body["results"]) == ("1969-10-03", "1970-01-01", [])
    body = client.get(history_url(**{"from": "2999-12-01", "to": "2999-12-31"})).json()
    assert (body["from"], body["to"], body["results"]) == ("2999-12-01", "2999-12-31", [])


def test_history_makes_the_same_queries_whatever_the_size(snapshots):
    def count() -> tuple[int, int]:
        client = api_client_for(snapshots, "producer")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(history_url(department="ANIM", **{"from": "2026-01-01", "to": "2026-12-31"}))
        return len(queries), len(response.json()["results"])

    small = count()
    for n in range(1, 20):
        services.ev_recompute(show_id=snapshots.show.pk, as_of=D(2026, 4, n))
    large = count()
    assert (small[0], small[1] < large[1]) == (large[0], True)
