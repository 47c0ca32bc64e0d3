"""The schedule dashboard (/shows/<code>/schedule/): who may read it, its figures computed by hand, the trend, late
and at-risk tasks, milestones, the load table, bad settings, and a fixed number of queries at two data sizes.

The show RBT (8 hours a day; Thursday 3 December 2026 a holiday), as of Tuesday 8 December 2026:
- Animation
  a1: WIP (0.25), B 4, Mon 30 Nov .. Fri 11 Dec; 12 h logged. Working days [30 Nov, 11 Dec] = 9 (3 Dec off),
      [30 Nov, 8 Dec] = 6: PV = 4 x 6/9 = 2.6666666667; EV 1; AC 1.5.
  a2: approved (1), B 2, Mon 23 Nov .. Fri 4 Dec; 20 h: PV 2 (due before t); EV 2; AC 2.5.
  a3: retake (0.5), B 1, Mon 23 .. Fri 27 Nov, no hours: PV 1, EV 0.5. Late (due before t, not done).
  a4: omitted, B 10: left out of every figure.
  Animation: B 7, PV 5.6666666667, EV 3.5, AC 4, SV -2.1666666667, SPI 3.5 / 5.6666666667 = 0.62.
  Forecast: earliest start 23 Nov; working days [23 Nov, 8 Dec] = 5 + 4 + 2 = 11; velocity 3.5 / 11;
  (7 - 3.5) / velocity = 11 working days after 8 Dec = Wed 23 Dec, after the latest due (11 Dec): late.
- Lighting
  l1: pending review (0.8), B 3, Mon 7 .. Wed 9 Dec: PV = 3 x 2/3 = 2; EV 2.4.
  l3: ready, B 0, Mon 7 Dec .. Fri 15 Jan 2027, no hours: at risk (started, no hours logged).
  Lighting: B 3, PV 2, EV 2.4, AC 0, SV 0.4, SPI 1.2. Forecast: [7 Dec, 8 Dec] = 2 days, velocity 1.2;
  0.6 / 1.2 -> 1 working day: Wed 9 Dec, before the latest due (15 Jan): not late.
- Show: B 10, PV 7.6666666667, EV 5.9, AC 4, SV -1.7666666667, SPI 5.9 / 7.6666666667 = 0.77;
  (10 - 5.9) x 11 / 5.9 = 7.64 -> 8 working days: Fri 18 Dec; latest due 15 Jan 2027: not late.
At risk as of 8 Dec (5 working days: to Tue 15 Dec): a1 (due 11 Dec, WIP) and l3; l1 is pending review.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schedules.models import Milestone
from shots.workflow import TaskStatus
from studio.models import Role
from tests.schedules.factories import TimeLogFactory
from tests.schedules.factories_dashboard import HolidayFactory, SnapshotFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db

D = dt.date
AS_OF = "2026-12-08"
ROLES = [Role.ARTIST, Role.SUPERVISOR, Role.COORDINATOR, Role.PRODUCTION_MANAGER, Role.PRODUCER, Role.CLIENT]


def url(code: str = "RBT", **query) -> str:
    path = reverse("schedules:schedule_dashboard", args=[code])
    return path + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


@pytest.fixture
def rbt():
    show = ShowFactory(code="RBT", name="Robot Holiday")
    other = ShowFactory(code="OTH", name="Other Picture")
    HolidayFactory(show=show, date=D(2026, 12, 3))
    animation = DepartmentFactory(name="Animation", code="ANI", order=4)
    lighting = DepartmentFactory(name="Lighting", code="LGT", order=6)
    anim_type = TaskTypeFactory(name="Animation", department=animation)
    light_type = TaskTypeFactory(name="Lighting", department=lighting)
    people = {}
    for role in ROLES:
        people[role] = PersonFactory(username=str(role), first_name=str(role).title(), last_name="Rbt", role=role)
        MembershipFactory(show=show, person=people[role])
    people["stranger_pm"] = PersonFactory(username="stranger", role=Role.PRODUCTION_MANAGER)
    MembershipFactory(show=other, person=people["stranger_pm"])
    people["admin"] = PersonFactory(username="boss", role=Role.ADMIN, is_superuser=True, is_staff=True)
    artist = people[Role.ARTIST]
    seq = SequenceFactory(show=show, code="SQ010")

    def task(code, task_type, status, bid, start, due):
        return TaskFactory(
            shot=ShotFactory(sequence=seq, code=code),
            task_type=task_type,
            status=status,
            bid_days=Decimal(bid),
            start_date=start,
            due_date=due,
            assignees=[artist],
        )

    tasks = {
        "a1": task("SQ010_SH0010", anim_type, TaskStatus.WIP, "4", D(2026, 11, 30), D(2026, 12, 11)),
        "a2": task("SQ010_SH0020", anim_type, TaskStatus.APPROVED, "2", D(2026, 11, 23), D(2026, 12, 4)),
        "a3": task("SQ010_SH0030", anim_type, TaskStatus.RETAKE, "1", D(2026, 11, 23), D(2026, 11, 27)),
        "a4": task("SQ010_SH0040", anim_type, TaskStatus.OMITTED, "10", D(2026, 11, 2), D(2026, 11, 6)),
        "l1": task("SQ010_SH0050", light_type, TaskStatus.PENDING_REVIEW, "3", D(2026, 12, 7), D(2026, 12, 9)),
        "l3": task("SQ010_SH0060", light_type, TaskStatus.READY, "0", D(2026, 12, 7), D(2027, 1, 15)),
    }
    TimeLogFactory(person=artist, task=tasks["a1"], date=D(2026, 12, 1), hours=Decimal("12"))
    TimeLogFactory(person=artist, task=tasks["a2"], date=D(2026, 11, 25), hours=Decimal("20"))
    TimeLogFactory(person=artist, task=tasks["a1"], date=D(2026, 12, 9), hours=Decimal("8"))  # after t
    for name, day, department in [
        ("Kickoff", D(2026, 11, 2), None),
        ("Layout lock", D(2026, 12, 1), lighting),
        ("Anim lock", D(2026, 12, 18), animation),
        ("Final delivery", D(2027, 1, 29), None),
        ("Too far", D(2027, 2, 20), None),
    ]:
        Milestone.objects.create(show=show, name=name, date=day, department=department)
    Milestone.objects.create(show=other, name="Other lock", date=D(2026, 12, 10))
    return {"show": show, "people": people, "tasks": tasks, "animation": animation, "lighting": lighting}


def get(person, path):
    client = Client()
    client.force_login(person)
    return client.get(path)


# --- Who may read it ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (Role.ARTIST, 403),
        (Role.SUPERVISOR, 403),
        (Role.COORDINATOR, 403),
        (Role.PRODUCTION_MANAGER, 200),
        (Role.PRODUCER, 200),
        ("admin", 200),
        (Role.CLIENT, 404),  # staff information: as if the show did not exist
        ("stranger_pm", 404),  # a production manager of another show
    ],
)
def test_who_may_read_the_dashboard(rbt, who, expected):
    assert get(rbt["people"][who], url(as_of=AS_OF)).status_code == expected


def test_anonymous_is_sent_to_log_in_and_a_missing_show_is_a_404(rbt):
    response = Client().get(url())
    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={url()}")
    assert get(rbt["people"]["admin"], url("NOPE")).status_code == 404


def test_the_refusal_says_who_may_read_it(rbt):
    response = get(rbt["people"][Role.SUPERVISOR], url())
    assert response.status_code == 403


def test_only_get(rbt):
    client = Client()
    client.force_login(rbt["people"][Role.PRODUCER])
    assert client.post(url(), {"as_of": AS_OF}).status_code == 405


# --- Figures ------------------------------------------------------------------------------------------------------


def _cells(html: str, table_id: str) -> list[list[str]]:
    """The text of each row's cells (th and td) of the table with that id, tags stripped and spaces squeezed."""
    import re

    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    out = []
    for row in rows:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        out.append([" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells])
    return out


def test_variance_per_department_and_the_show(rbt):
    response = get(rbt["people"][Role.PRODUCTION_MANAGER], url(as_of=AS_OF))
    assert response.status_code == 200
    rows = _cells(response.content.decode(), "variance-table")
    assert rows[1:] == [
        ["Animation", "7.00", "5.67", "3.50", "4.00", "-2.17", "0.62", "23 Dec 2026 late", "11 Dec 2026"],
        ["Lighting", "3.00", "2.00", "2.40", "0.00", "0.40", "1.20", "9 Dec 2026", "15 Jan 2027"],
        ["Show", "10.00", "7.67", "5.90", "4.00", "-1.77", "0.77", "18 Dec 2026", "15 Jan 2027"],
    ]
    animation, lighting = response.context["variance_rows"]
    total = response.context["variance_total"]
    assert (animation.figures.pv, animation.figures.sv, animation.figures.spi) == (
        Decimal("5.6666666667"),
        Decimal("-2.1666666667"),
        Decimal("0.6176470588"),
    )
    assert (animation.forecast_is_late, lighting.forecast_is_late, total.forecast_is_late) == (True, False, False)
    assert (total.figures.ev, total.figures.ac_days, total.figures.forecast_finish) == (
        Decimal("5.9000000000"),
        Decimal("4.0000000000"),
        D(2026, 12, 18),
    )
    body = response.content.decode()
    assert '<tr class="late">' in body and body.count('<span class="late-mark">late</span>') == 2  # row + legend


def test_spi_is_a_dash_when_nothing_is_planned_yet(rbt):
    # As of Sunday 22 November no task has started: PV 0 everywhere.
    response = get(rbt["people"][Role.PRODUCER], url(as_of="2026-11-22"))
    rows = _cells(response.content.decode(), "variance-table")
    assert [row[6] for row in rows[1:]] == ["—", "—", "—"]
    assert [row[2] for row in rows[1:]] == ["0.00", "0.00", "0.00"]


def test_the_active_baseline_dates_set_the_latest_due(rbt):
    from schedules.models import Baseline, BaselineTask

    baseline = Baseline.objects.create(show=rbt["show"], name="Bid v1", is_active=True)
    BaselineTask.objects.create(
        baseline=baseline,
        task=rbt["tasks"]["a1"],
        bid_days=Decimal("4"),
        start_date=D(2026, 11, 30),
        due_date=D(2026, 12, 31),
    )
    response = get(rbt["people"][Role.PRODUCER], url(as_of=AS_OF))
    animation = response.context["variance_rows"][0]
    assert animation.latest_due == D(2026, 12, 31)
    assert not animation.forecast_is_late  # 23 Dec is before the baseline's 31 Dec
    assert "the baseline “Bid v1”" in response.content.decode()


# --- Trend --------------------------------------------------------------------------------------------------------


def test_no_snapshots_yet_is_said(rbt):
    response = get(rbt["people"][Role.PRODUCER], url(as_of=AS_OF))
    body = response.content.decode()
    assert 'id="trend-empty"' in body
    assert "No earned-value snapshots between 10 Sep 2026 and 8 Dec 2026 yet" in body
    assert "<canvas" not in body


def test_trend_chart_and_table_from_snapshots(rbt):
    show, animation, lighting = rbt["show"], rbt["animation"], rbt["lighting"]
    for day, department, pv, ev in [
        (D(2026, 12, 6), animation, "4", "3"),
        (D(2026, 12, 6), None, "5", "5"),
        (D(2026, 12, 7), animation, "5", "3.5"),
        (D(2026, 12, 7), lighting, "0", "0"),
        (D(2026, 12, 7), None, "5", "3.5"),
        (D(2026, 9, 9), None, "1", "1"),  # 91 days before 8 Dec: outside the default 90
        (D(2026, 12, 9), None, "1", "1"),  # after as_of
    ]:
        SnapshotFactory(show=show, department=department, date=day, pv=Decimal(pv), ev=Decimal(ev))
    SnapshotFactory(show=ShowFactory(), date=D(2026, 12, 7))  # another show's
    response = get(rbt["people"][Role.PRODUCER], url(as_of=AS_OF))
    body = response.content.decode()
    spi = json.loads(body.split('<script id="spi-trend" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert spi["type"] == "line"
    assert spi["data"]["labels"] == ["2026-12-06", "2026-12-07"]
    assert [(s["label"], s["data"]) for s in spi["data"]["datasets"]] == [
        ("Animation", ["0.7500", "0.7000"]),
        ("Lighting", [None, None]),
        ("Show", ["1.0000", "0.7000"]),
    ]
    sv = response.context["sv_chart"]
    assert [s["data"] for s in sv["data"]["datasets"]] == [
        ["-1.0000", "-1.5000"],
        [None, "0.0000"],
        ["0.0000", "-1.5000"],
    ]
    assert '<canvas data-chart="spi-trend"' in body and '<canvas data-chart="sv-trend"' in body
    assert _cells(body, "trend-table")[2:] == [
        ["2026-12-06", "0.75", "-1.00", "—", "—", "1.00", "0.00"],
        ["2026-12-07", "0.70", "-1.50", "—", "0.00", "0.70", "-1.50"],
    ]
    # ?days= widens the window.
    response = get(rbt["people"][Role.PRODUCER], url(as_of=AS_OF, days=91))
    assert response.context["trend"].dates == [D(2026, 9, 9), D(2026, 12, 6), D(2026, 12, 7)]


# --- Late and at-risk tasks, milestones -----------------------------------------------------------------------------


def test_late_and_at_risk_tasks(rbt):
    response = get(rbt["people"][Role.PRODUCTION_MANAGER], url(as_of=AS_OF))
    body = response.content.decode()
    late = _cells(body, "late-table")
    assert late[1:] == [["SQ010_SH0030", "Animation", "Retake", "27 Nov 2026", "Artist Rbt"]]
    assert '<a href="/shows/RBT/shot/SQ010_SH0030/">SQ010_SH0030</a>' in body
    at_risk = _cells(body, "at-risk-table")
    assert at_risk[1:] == [
        ["SQ010_SH0010", "Animation", "WIP", "11 Dec 2026", "Artist Rbt", "due soon"],
        ["SQ010_SH0060", "Lighting", "Ready", "15 Jan 2027", "Artist Rbt", "no hours logged"],
    ]
    assert '<span class="count" id="late-count">1</span>' in body
    assert '<span class="count" id="at-risk-count">2</span>' in body
    assert response.context["at_risk_horizon"] == D(2026, 12, 15)


def test_milestones_next_60_days_and_the_last_passed(rbt):
    response = get(rbt["people"][Role.PRODUCER], url(as_of=AS_OF))
    rows = _cells(response.content.decode(), "milestone-table")
    assert rows[1:] == [
        ["Tue 1 Dec 2026", "Layout lock last passed", "Lighting", "7 days ago"],
        ["Fri 18 Dec 2026", "Anim lock", "Animation", "10 days"],
        ["Fri 29 Jan 2027", "Final delivery", "Show-wide", "52 days"],
    ]


def test_load_table(rbt):
    response = get(rbt["people"][Role.PRODUCER], url(as_of=AS_OF, weeks=2))
    rows = _cells(response.content.decode(), "load-table")
    # Weeks of 7 and 14 December. The artist: a1 (B 4 over the 9 working days 30 Nov .. 11 Dec: 5 in week 1 =
    # 20/9 = 2.22), l1 (B 3 over 7 .. 9 Dec: 3) and l3 (B 0): 5.22 against 5; the supervisor has nothing.
    assert rows == [
        ["Person", "7 Dec", "14 Dec", "Unscheduled"],
        ["Artist Rbt Artist", "5.22 / 5.00 1.04×", "0.00 / 5.00", "—"],
        ["Supervisor Rbt Supervisor", "0.00 / 5.00", "0.00 / 5.00", "—"],
    ]


# --- Bad settings ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_of": "2026-13-45"}, "As of: Enter a valid date."),
        ({"days": "0"}, "Trend days: Ensure this value is greater than or equal to 7."),
        ({"weeks": "x"}, "Load weeks: Enter a whole number."),
        ({"weeks": "99"}, "Load weeks: Ensure this value is less than or equal to 26."),
        ({"as_of": "9999-12-31"}, "As of: Give a date between 1970 and 2999."),
        ({"as_of": "1969-12-31"}, "As of: Give a date between 1970 and 2999."),
    ],
)
def test_bad_settings_are_a_400_naming_the_field(rbt, query, message):
    response = get(rbt["people"][Role.PRODUCER], url(**query))
    assert response.status_code == 400
    assert message in response.content.decode()


# --- Query count ------------------------------------------------------------------------------------------------


def _grow(show, size: int, as_of: dt.date):
    """`size` departments, each with a task type, two people, six tasks of every kind and three days of snapshots."""
    seq = SequenceFactory(show=show)
    for i in range(size):
        department = DepartmentFactory(order=i)
        task_type = TaskTypeFactory(department=department)
        people = [PersonFactory() for _ in range(2)]
        for person in people:
            MembershipFactory(show=show, person=person)
        for n, (status, start, due) in enumerate(
            [
                (TaskStatus.WIP, as_of - dt.timedelta(days=20), as_of - dt.timedelta(days=2)),  # late
                (TaskStatus.WIP, as_of - dt.timedelta(days=5), as_of + dt.timedelta(days=2)),  # at risk
                (TaskStatus.READY, as_of - dt.timedelta(days=1), as_of + dt.timedelta(days=40)),  # no hours
                (TaskStatus.APPROVED, as_of - dt.timedelta(days=30), as_of - dt.timedelta(days=10)),
                (TaskStatus.PENDING_REVIEW, as_of, as_of + dt.timedelta(days=9)),
                (TaskStatus.WAITING, None, None),
            ]
        ):
            task = TaskFactory(
                shot=ShotFactory(sequence=seq),
                task_type=task_type,
                status=status,
                start_date=start,
                due_date=due,
                assignees=people if n % 2 else people[:1],
            )
            if n == 1:
                TimeLogFactory(person=people[0], task=task, date=as_of - dt.timedelta(days=1), hours=Decimal("3"))
        for days_back in range(3):
            SnapshotFactory(show=show, department=department, date=as_of - dt.timedelta(days=days_back))
        Milestone.objects.create(show=show, department=department, name=f"Lock {i}", date=as_of + dt.timedelta(days=i))
    for days_back in range(3):
        SnapshotFactory(show=show, date=as_of - dt.timedelta(days=days_back))


def test_query_count_is_the_same_at_two_sizes():
    as_of = D(2026, 12, 8)
    producer = PersonFactory(role=Role.PRODUCER)
    counts = []
    for size in (2, 10):
        show = ShowFactory()
        HolidayFactory(show=show, date=D(2026, 12, 3))
        MembershipFactory(show=show, person=producer)
        _grow(show, size, as_of)
        client = Client()
        client.force_login(producer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(show.code, as_of=as_of.isoformat()))
        assert response.status_code == 200
        assert len(response.context["variance_rows"]) == size
        assert response.context["late"].total == size
        assert len(response.context["load"].people) == 2 * size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- Demo data ----------------------------------------------------------------------------------------------------


def test_the_demo_seed_writes_a_trend_the_page_draws(rbt):
    from schedules.dashboard import seed_schedule_dashboard_demo

    assert seed_schedule_dashboard_demo(rbt["show"], days=3, today=D(2026, 12, 8)) == 3
    assert seed_schedule_dashboard_demo(rbt["show"], days=3, today=D(2026, 12, 8)) == 3  # idempotent
    response = get(rbt["people"][Role.PRODUCER], url(as_of=AS_OF))
    trend = response.context["trend"]
    assert trend.dates == [D(2026, 12, 6), D(2026, 12, 7), D(2026, 12, 8)]
    assert [series.label for series in trend.series] == ["Animation", "Lighting", "Show"]
    # The snapshot of 8 Dec holds the live figures of the variance table.
    show = trend.series[-1]
    assert (show.spi[D(2026, 12, 8)], show.sv[D(2026, 12, 8)]) == (
        response.context["variance_total"].figures.spi,
        response.context["variance_total"].figures.sv,
    )


# --- Department money totals (production managers see totals, never a rate) -----------------------------------


def test_production_managers_see_department_totals_without_rates(rbt):
    from budgets.money import money
    from tests.budgets.factories import BudgetFactory, BudgetLineFactory

    budget = BudgetFactory(show=rbt["show"], is_locked=True, name="bid v1")
    BudgetLineFactory(budget=budget, department=rbt["animation"], days=Decimal("7"), amount=Decimal("12345.60"))

    body = get(rbt["people"][Role.PRODUCTION_MANAGER], url(as_of=AS_OF)).content.decode()

    section = body.split('id="department-totals"', 1)[1].split("</section>", 1)[0]
    assert "Animation" in section
    assert "12k EUR" in section  # coarse on purpose: budgets.dashboard.PANEL_MIN_PEOPLE
    assert money(Decimal("12345.60"), "EUR") not in section
    assert "day rate" not in body.lower()
