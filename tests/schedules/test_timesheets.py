"""Weekly timesheets: locked weeks (who locks, which weeks, what they forbid, through the services, the API and My
tasks), My timesheet and a show's timesheets (rows, totals, htmx cell edits, bad input, read-only cells), and the
query counts of the pages at two sizes."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from schedules import services, timesheets
from schedules.models import TimeLog, TimesheetLock
from shots.workflow import TaskStatus
from studio import permissions
from studio.models import Role
from tests.schedules.factories import TimeLogFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory
from tests.studio.test_views import body_rows, parse

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 11, 15, 0, tzinfo=dt.UTC)  # Wednesday 11 Mar 2026, afternoon in UTC
TODAY = NOW.date()
THIS_WEEK = dt.date(2026, 3, 9)
LAST_WEEK = dt.date(2026, 3, 2)  # Mon 2 – Sun 8 Mar: ended
OLDER_WEEK = dt.date(2026, 2, 23)
LOCKED_MESSAGE = "The week of 2 Mar 2026 is locked on RBT by Pete Pryce."
HOURS_MESSAGE = "Hours must be more than 0 and at most 24."
HTMX = {"HX-Request": "true"}
ROLES = ("artist", "supervisor", "coordinator", "production_manager", "producer", "admin", "client")


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def cast():
    """RBT with one person per role (Ana the artist has three Animation tasks), and OTH where only Otto produces."""
    show = ShowFactory(code="RBT", name="Robots of the Deep")
    other = ShowFactory(code="OTH", name="Other Picture")
    animation = DepartmentFactory(name="Animation")
    anim = TaskTypeFactory(name="Animation", department=animation, order=1)
    light = TaskTypeFactory(name="Lighting", department=DepartmentFactory(name="Lighting"), order=2)
    people = {}
    for username, first, last, role in [
        ("artist", "Ana", "Lima", Role.ARTIST),
        ("artist2", "Ben", "Okoro", Role.ARTIST),
        ("supervisor", "Sam", "Sutter", Role.SUPERVISOR),
        ("coordinator", "Cora", "Cole", Role.COORDINATOR),
        ("production_manager", "Pia", "Planner", Role.PRODUCTION_MANAGER),
        ("producer", "Pete", "Pryce", Role.PRODUCER),
        ("client", "Cleo", "Clarke", Role.CLIENT),
        ("admin", "Adam", "Rooter", Role.ADMIN),
        ("other_producer", "Otto", "Oakes", Role.PRODUCER),
    ]:
        people[username] = PersonFactory(
            username=username, first_name=first, last_name=last, role=role, department=animation
        )
        if username == "other_producer":
            MembershipFactory(person=people[username], show=other)
        elif username != "admin":
            MembershipFactory(person=people[username], show=show)
    sequence = SequenceFactory(show=show, code="SQ010")
    tasks = [
        TaskFactory(
            shot=ShotFactory(sequence=sequence, code=f"SQ010_SH00{n}0"), task_type=anim, assignees=[people["artist"]]
        )
        for n in (1, 2, 3)
    ]
    other_task = TaskFactory(shot=ShotFactory(sequence=SequenceFactory(show=other, code="SQ090"), code="SQ090_SH0010"))
    return {
        "show": show,
        "other": other,
        "people": people,
        "tasks": tasks,
        "other_task": other_task,
        "anim": anim,
        "light": light,
    }


def lock(cast, week=LAST_WEEK, by="producer") -> TimesheetLock:
    return timesheets.timesheet_week_lock(actor=cast["people"][by], show=cast["show"], week_start=week)


def logged_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def field_errors(caught) -> dict:
    return caught.value.message_dict


# --- Locking a week ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["producer", "admin"])
def test_producers_and_admins_lock_a_past_week(cast, role):
    made = lock(cast, by=role)
    assert list(TimesheetLock.objects.values_list("show__code", "week_start", "locked_by__username")) == [
        ("RBT", LAST_WEEK, role)
    ]
    assert made.locked_at == NOW


@pytest.mark.parametrize("role", ["artist", "supervisor", "coordinator", "production_manager", "client"])
def test_nobody_else_on_the_show_locks_a_week(cast, role):
    with pytest.raises(PermissionDenied):
        lock(cast, by=role)
    assert TimesheetLock.objects.count() == 0


def test_a_producer_of_another_show_locks_nothing_here(cast):
    with pytest.raises(PermissionDenied):
        lock(cast, by="other_producer")


@pytest.mark.parametrize(
    ("week", "message"),
    [
        (dt.date(2026, 3, 4), "A week starts on a Monday; 4 Mar 2026 is a Wednesday."),
        (THIS_WEEK, "Only a week that has ended can be locked: the week of 9 Mar 2026 ends on Sunday 15 Mar 2026."),
        (
            dt.date(2026, 4, 6),
            "Only a week that has ended can be locked: the week of 6 Apr 2026 ends on Sunday 12 Apr 2026.",
        ),
        (dt.date(9999, 12, 27), "Give a week between 1970 and 2999."),
        (dt.date(1, 1, 1), "Give a week between 1970 and 2999."),
        (dt.date(1969, 12, 22), "Give a week between 1970 and 2999."),  # the last week without a day of 1970
        (dt.date(3000, 1, 6), "Give a week between 1970 and 2999."),
        # The week that holds 31 Dec 2999 is in range: refused only because it has not ended.
        (
            dt.date(2999, 12, 30),
            "Only a week that has ended can be locked: the week of 30 Dec 2999 ends on Sunday 5 Jan 3000.",
        ),
        ("2026-03-02", "Give the Monday the week starts on, like 2026-03-02."),
        (dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC), "Give the Monday the week starts on, like 2026-03-02."),
    ],
)
def test_only_a_monday_of_a_week_that_has_ended(cast, week, message):
    with pytest.raises(ValidationError) as caught:
        lock(cast, week=week)
    assert field_errors(caught) == {"week_start": [message]}
    assert TimesheetLock.objects.count() == 0


def test_the_week_that_holds_1_january_1970_is_the_first_that_locks(cast):
    assert lock(cast, week=dt.date(1969, 12, 29)).week_start == dt.date(1969, 12, 29)


def test_a_week_is_locked_once(cast):
    lock(cast)
    with pytest.raises(ValidationError) as caught:
        lock(cast, by="admin")
    assert field_errors(caught) == {"week_start": ["The week of 2 Mar 2026 is already locked on RBT."]}


def test_the_week_has_ended_in_the_actors_time_zone(cast, monkeypatch):
    # Monday 9 Mar 05:00 UTC: Monday in London, still Sunday 8 Mar in Los Angeles.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 3, 9, 5, 0, tzinfo=dt.UTC))
    producer, admin = cast["people"]["producer"], cast["people"]["admin"]
    producer.timezone = "America/Los_Angeles"
    producer.save()
    with pytest.raises(ValidationError) as caught:
        timesheets.timesheet_week_lock(actor=producer, show=cast["show"], week_start=LAST_WEEK)
    assert "ends on Sunday 8 Mar 2026" in field_errors(caught)["week_start"][0]
    admin.timezone = "Europe/London"
    admin.save()
    assert timesheets.timesheet_week_lock(actor=admin, show=cast["show"], week_start=LAST_WEEK).pk


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(role, role in ("producer", "admin")) for role in ROLES] + [("other_producer", False)],
)
def test_who_unlocks(cast, role, allowed):
    made = lock(cast)
    if allowed:
        timesheets.timesheet_week_unlock(actor=cast["people"][role], lock=made)
        assert TimesheetLock.objects.count() == 0
    else:
        with pytest.raises(PermissionDenied):
            timesheets.timesheet_week_unlock(actor=cast["people"][role], lock=made)
        assert TimesheetLock.objects.count() == 1


# --- What a lock forbids ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["artist", "production_manager", "producer", "admin"])
def test_nobody_logs_hours_in_a_locked_week(cast, role):
    """Whoever may log the artist's hours otherwise: the artist, the show's production managers, producers, admins."""
    lock(cast)
    people, task = cast["people"], cast["tasks"][0]
    with pytest.raises(ValidationError) as caught:
        services.timelog_upsert(
            actor=people[role], person=people["artist"], task=task, date=dt.date(2026, 3, 4), hours="2"
        )
    assert field_errors(caught) == {"date": [LOCKED_MESSAGE]}
    assert TimeLog.objects.count() == 0


@pytest.mark.parametrize("role", ["artist", "production_manager", "producer", "admin"])
def test_nobody_changes_or_deletes_hours_in_a_locked_week(cast, role):
    people, task = cast["people"], cast["tasks"][0]
    log = TimeLogFactory(person=people["artist"], task=task, date=dt.date(2026, 3, 8), hours=Decimal("3"), comment="x")
    lock(cast)
    actor = people[role]
    for changes in ({"hours": "4"}, {"comment": "later"}, {"date": dt.date(2026, 3, 10)}):
        with pytest.raises(ValidationError) as caught:
            services.timelog_update(actor=actor, time_log=log, **changes)
        assert field_errors(caught) == {"date": [LOCKED_MESSAGE]}
    with pytest.raises(ValidationError) as caught:
        services.timelog_delete(actor=actor, time_log=log)
    assert field_errors(caught) == {"date": [LOCKED_MESSAGE]}
    assert list(TimeLog.objects.values_list("date", "hours", "comment")) == [(dt.date(2026, 3, 8), Decimal("3"), "x")]


def test_a_log_moves_neither_into_nor_out_of_a_locked_week(cast):
    people, task = cast["people"], cast["tasks"][0]
    artist = people["artist"]
    outside = TimeLogFactory(person=artist, task=task, date=dt.date(2026, 3, 10), hours=Decimal("2"))
    inside = TimeLogFactory(person=artist, task=task, date=dt.date(2026, 3, 3), hours=Decimal("5"))
    lock(cast)
    with pytest.raises(ValidationError) as caught:
        services.timelog_update(actor=artist, time_log=outside, date=dt.date(2026, 3, 5))  # into the locked week
    assert field_errors(caught) == {"date": [LOCKED_MESSAGE]}
    with pytest.raises(ValidationError) as caught:
        services.timelog_update(actor=artist, time_log=inside, date=dt.date(2026, 3, 11))  # out of it
    assert field_errors(caught) == {"date": [LOCKED_MESSAGE]}
    # Between open weeks, and within them, it moves.
    services.timelog_update(actor=artist, time_log=outside, date=dt.date(2026, 2, 20))
    assert sorted(TimeLog.objects.values_list("date", "hours")) == [
        (dt.date(2026, 2, 20), Decimal("2")),
        (dt.date(2026, 3, 3), Decimal("5")),
    ]


def test_a_lock_holds_on_its_show_only_and_ends_with_unlock(cast):
    people = cast["people"]
    made = lock(cast)
    other_task = cast["other_task"]
    MembershipFactory(person=people["artist"], show=cast["other"])
    services.timelog_upsert(actor=people["artist"], task=other_task, date=dt.date(2026, 3, 4), hours="1")
    # The weeks around it stay open.
    services.timelog_upsert(actor=people["artist"], task=cast["tasks"][0], date=dt.date(2026, 3, 1), hours="1")
    services.timelog_upsert(actor=people["artist"], task=cast["tasks"][0], date=dt.date(2026, 3, 9), hours="1")
    timesheets.timesheet_week_unlock(actor=people["producer"], lock=made)
    services.timelog_upsert(actor=people["artist"], task=cast["tasks"][0], date=dt.date(2026, 3, 4), hours="1")
    assert TimeLog.objects.count() == 4


def test_a_lock_whose_producer_is_gone_still_says_which_week(cast):
    TimesheetLock.objects.create(show=cast["show"], week_start=LAST_WEEK, locked_by=None)
    with pytest.raises(ValidationError) as caught:
        services.timelog_upsert(actor=cast["people"]["artist"], task=cast["tasks"][0], date=LAST_WEEK, hours="1")
    assert field_errors(caught) == {"date": ["The week of 2 Mar 2026 is locked on RBT."]}


def test_a_stranger_learns_nothing_about_the_locks(cast):
    lock(cast)
    with pytest.raises(PermissionDenied):
        services.timelog_upsert(
            actor=cast["people"]["other_producer"], task=cast["tasks"][0], date=dt.date(2026, 3, 4), hours="1"
        )


def test_a_lock_being_taken_holds_time_log_writes_on_its_show_only(cast):
    """Locking (or unlocking) a week of a show and writing a time log on that show wait for each other: a week
    cannot be locked while a write into it is under way, and a write that waited sees the lock."""
    people, show = cast["people"], cast["show"]
    taken, release = threading.Event(), threading.Event()

    def lock_in_progress():  # its own connection, as another request would have
        try:
            with transaction.atomic():
                timesheets._advisory_lock(show.pk, shared=False)
                taken.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=lock_in_progress)
    holder.start()
    try:
        assert taken.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '300ms'")
        with pytest.raises(OperationalError, match="lock timeout"):
            services.timelog_upsert(actor=people["artist"], task=cast["tasks"][0], date=TODAY, hours="1")
        MembershipFactory(person=people["artist"], show=cast["other"])
        permissions.forget_access(people["artist"])
        services.timelog_upsert(actor=people["artist"], task=cast["other_task"], date=TODAY, hours="1")
    finally:
        release.set()
        holder.join(10)
    services.timelog_upsert(actor=people["artist"], task=cast["tasks"][0], date=TODAY, hours="1")
    assert TimeLog.objects.count() == 2


def test_the_api_refuses_a_locked_week_with_a_400_naming_date(cast):
    people, task = cast["people"], cast["tasks"][0]
    log = TimeLogFactory(person=people["artist"], task=task, date=dt.date(2026, 3, 10), hours=Decimal("2"))
    inside = TimeLogFactory(person=people["artist"], task=task, date=dt.date(2026, 3, 3), hours=Decimal("2"))
    lock(cast)
    api = APIClient()
    api.force_login(people["artist"])
    response = api.post("/api/v1/time-logs/", {"task": task.pk, "date": "2026-03-04", "hours": "2"}, format="json")
    assert (response.status_code, response.json()) == (400, {"date": [LOCKED_MESSAGE]})
    response = api.patch(f"/api/v1/time-logs/{log.pk}/", {"date": "2026-03-06"}, format="json")
    assert (response.status_code, response.json()) == (400, {"date": [LOCKED_MESSAGE]})
    response = api.delete(f"/api/v1/time-logs/{inside.pk}/")
    assert (response.status_code, response.json()) == (400, {"date": [LOCKED_MESSAGE]})
    assert TimeLog.objects.count() == 2


def test_my_tasks_inline_log_shows_the_lock(cast):
    lock(cast)
    task = cast["tasks"][0]
    response = logged_in(cast["people"]["artist"]).post(
        f"/my/tasks/{task.pk}/hours/", {"date": "2026-03-04", "hours": "2"}, headers=HTMX
    )
    assert response.status_code == 200
    row = parse(response)
    assert [p.text for p in row.find_all("p", cls="error")] == [f"Date: {LOCKED_MESSAGE}"]
    assert row.find("input", id=f"hours-{task.pk}").attrs["value"] == "2"
    assert TimeLog.objects.count() == 0


# --- One cell ----------------------------------------------------------------------------------------------------


def save_cell(cast, hours, *, day=dt.date(2026, 3, 10), task=0, actor="artist", person="artist"):
    people = cast["people"]
    return timesheets.timesheet_cell_save(
        actor=people[actor], person=people[person], task=cast["tasks"][task], day=day, hours=hours
    )


def test_a_cell_creates_changes_and_deletes_a_log(cast):
    log = save_cell(cast, "2,5")
    assert (log.hours, log.comment) == (Decimal("2.5"), "")
    TimeLog.objects.filter(pk=log.pk).update(comment="rigging fixes")
    assert save_cell(cast, " 6 ").pk == log.pk
    assert list(TimeLog.objects.values_list("hours", "comment")) == [(Decimal("6"), "rigging fixes")]
    assert save_cell(cast, "0") is None
    assert TimeLog.objects.count() == 0
    save_cell(cast, "1")
    assert save_cell(cast, "") is None
    assert save_cell(cast, "") is None  # nothing there: nothing to do
    assert TimeLog.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        ("abc", {"hours": ["Give the hours as a number, like 2.5."]}),
        ("25", {"hours": [HOURS_MESSAGE]}),
        ("-1", {"hours": [HOURS_MESSAGE]}),
        ("1e400", {"hours": [HOURS_MESSAGE]}),
        ("NaN", {"hours": [HOURS_MESSAGE]}),
    ],
)
def test_a_cell_refuses_bad_hours(cast, typed, errors):
    with pytest.raises(ValidationError) as caught:
        save_cell(cast, typed)
    assert field_errors(caught) == errors
    TimeLogFactory(person=cast["people"]["artist"], task=cast["tasks"][0], date=dt.date(2026, 3, 10))
    with pytest.raises(ValidationError):
        save_cell(cast, typed)  # changing an existing log alike
    assert list(TimeLog.objects.values_list("hours", flat=True)) == [Decimal("7.5")]


# --- My timesheet ------------------------------------------------------------------------------------------------


def grid_rows(page) -> list[list[str]]:
    """The grid's rows as text: group headings as [heading], task rows as [task, cell values..., total]."""
    table = page.find("table", id="ts-grid")
    rows = []
    for tr in table.find_all("tr"):
        if "group-heading" in tr.attrs.get("class", ""):
            rows.append([tr.text])
            continue
        cells = tr.find_all("td")
        if not cells or tr.find_all("th", cls="ts-task") == []:
            continue
        values = []
        for td in cells[:-1]:
            field = td.find_all("input", cls="ts-input")
            values.append(field[0].attrs.get("value", "") if field else td.text)
        rows.append([tr.find("th").text, *values, cells[-1].text])
    return rows


def footer(page, table_id="ts-grid") -> list[str]:
    return [td.text for td in page.find("table", id=table_id).find("tfoot").find_all("td")]


@pytest.fixture
def week_logs(cast):
    """Ana's week of 9 Mar: hours on two of her tasks, one of them approved since; last week's hours too."""
    people, tasks = cast["people"], cast["tasks"]
    ana = people["artist"]
    tasks[1].status = TaskStatus.APPROVED
    tasks[1].save()
    tasks[2].status = TaskStatus.APPROVED  # done and no hours this week: not listed
    tasks[2].save()
    TimeLogFactory(person=ana, task=tasks[0], date=dt.date(2026, 3, 9), hours=Decimal("3"))
    TimeLogFactory(person=ana, task=tasks[0], date=dt.date(2026, 3, 10), hours=Decimal("4.5"))
    TimeLogFactory(person=ana, task=tasks[1], date=dt.date(2026, 3, 10), hours=Decimal("2"))
    TimeLogFactory(person=ana, task=tasks[2], date=dt.date(2026, 3, 5), hours=Decimal("8"))
    TimeLogFactory(person=people["artist2"], task=tasks[0], date=dt.date(2026, 3, 9), hours=Decimal("6"))
    return ana


def test_my_timesheet_lists_the_weeks_tasks_with_totals(cast, week_logs):
    response = logged_in(week_logs).get("/my/timesheet/")
    assert response.status_code == 200
    page = parse(response)
    assert grid_rows(page) == [
        ["RBT Robots of the Deep"],
        ["SQ010_SH0010 Animation WIP", "3", "4.5", "", "", "", "", "", "7.5"],
        ["SQ010_SH0020 Animation Approved", "", "2", "", "", "", "", "", "2"],
    ]
    assert footer(page) == ["3", "6.5", "0", "0", "0", "0", "0", "9.5"]
    # Today is Wednesday: Thursday to Sunday take no hours yet.
    inputs = page.find("table", id="ts-grid").find_all("input", cls="ts-input")
    assert sorted({i.attrs["data-day"] for i in inputs}) == ["2026-03-09", "2026-03-10", "2026-03-11"]
    nav = page.find("nav", cls="ts-week-nav")
    assert [a.attrs["href"] for a in nav.find_all("a")] == [
        "/my/timesheet/?week=2026-03-02",
        "/my/timesheet/?week=2026-03-16",
    ]


def test_any_day_of_the_week_shows_that_week(cast, week_logs):
    page = parse(logged_in(week_logs).get("/my/timesheet/?week=2026-03-07"))
    assert grid_rows(page) == [
        ["RBT Robots of the Deep"],
        ["SQ010_SH0010 Animation WIP", "", "", "", "", "", "", "", "0"],
        ["SQ010_SH0030 Animation Approved", "", "", "", "8", "", "", "", "8"],
    ]
    nav = page.find("nav", cls="ts-week-nav")
    assert [a.text for a in nav.find_all("a")] == ["← Previous week", "This week", "Next week →"]


@pytest.mark.parametrize("week", ["abc", "2026-02-30", "0001-01-01", "9999-12-31", "2026-3-2x"])
def test_a_bad_week_is_a_400_showing_this_week(cast, week_logs, week):
    response = logged_in(week_logs).get("/my/timesheet/", {"week": week})
    assert response.status_code == 400
    page = parse(response)
    assert page.find("p", id="week-error").text.startswith("week: give a date")
    assert grid_rows(page)[1][-1] == "7.5"


@pytest.mark.parametrize(
    ("week", "shown", "links"),
    [
        # The first and last days the message allows are shown, in the weeks that hold them.
        ("1970-01-01", "Week of Mon 29 Dec – Sun 4 Jan 1970.", ["This week", "Next week →"]),
        ("2999-12-31", "Week of Mon 30 Dec – Sun 5 Jan 3000.", ["← Previous week", "This week"]),
    ],
)
def test_the_first_and_last_days_of_1970_to_2999_are_weeks_to_show(cast, week_logs, week, shown, links):
    response = logged_in(week_logs).get("/my/timesheet/", {"week": week})
    assert response.status_code == 200
    page = parse(response)
    assert page.find("p", cls="ts-intro").text.startswith(shown)
    assert [a.text for a in page.find("nav", cls="ts-week-nav").find_all("a")] == links


@pytest.mark.parametrize("week", ["1969-12-31", "3000-01-01"])
def test_a_week_outside_1970_to_2999_is_a_400_naming_it(cast, week_logs, week):
    response = logged_in(week_logs).get("/my/timesheet/", {"week": week})
    assert response.status_code == 400
    assert parse(response).find("p", id="week-error").text == (
        "week: give a date between 1970 and 2999. Showing this week."
    )


@pytest.mark.parametrize(
    ("day", "status", "body"),
    [
        ("1970-01-01", 302, ""),
        ("1969-12-31", 400, "date: Give a date between 1970 and 2999."),
        ("3000-01-01", 400, "date: Give a date between 1970 and 2999."),
    ],
)
def test_a_cell_takes_hours_on_a_day_from_1970_to_2999(cast, week_logs, day, status, body):
    response = post_cell(logged_in(week_logs), cast["tasks"][0], "2", day=day)
    assert (response.status_code, response.content.decode()) == (status, body)
    assert TimeLog.objects.filter(date=day).count() == (1 if status == 302 else 0)


def test_a_locked_week_is_read_only_with_its_badge(cast, week_logs):
    lock(cast)
    page = parse(logged_in(week_logs).get("/my/timesheet/?week=2026-03-02"))
    table = page.find("table", id="ts-grid")
    assert table.find_all("input", cls="ts-input") == []
    assert table.find("span", cls="locked").text == "Locked by Pete Pryce"
    assert grid_rows(page)[2] == ["SQ010_SH0030 Animation Approved", "", "", "", "8", "", "", "", "8"]


def test_the_hint_says_what_can_be_done_with_the_week(cast, week_logs):
    client = logged_in(week_logs)
    hint = parse(client.get("/my/timesheet/")).find("p", cls="ts-intro").text
    assert hint.startswith("Week of Mon 9 Mar – Sun 15 Mar 2026. Type the hours in a cell: Tab moves to the next day")
    lock(cast)
    hint = parse(client.get("/my/timesheet/?week=2026-03-02")).find("p", cls="ts-intro").text
    assert hint == "Week of Mon 2 Mar – Sun 8 Mar 2026. This week is locked: its hours can no longer be changed."
    hint = parse(client.get("/my/timesheet/?week=2026-03-16")).find("p", cls="ts-intro").text
    assert (
        hint
        == "Week of Mon 16 Mar – Sun 22 Mar 2026. This week is still to come: hours are logged on the day or later."
    )
    page = parse(logged_in(cast["people"]["coordinator"]).get("/shows/RBT/timesheets/artist/"))
    assert page.find("p", cls="ts-intro").text.endswith(
        "You can read these hours; the show's production managers and producers change them."
    )


def test_clients_have_no_timesheet(cast):
    assert logged_in(cast["people"]["client"]).get("/my/timesheet/").status_code == 404
    response = logged_in(cast["people"]["client"]).post("/my/timesheet/cell/", {})
    assert response.status_code == 404
    response = Client().get("/my/timesheet/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/my/timesheet/")


def post_cell(client, task, hours, day="2026-03-10", url="/my/timesheet/cell/", **headers):
    return client.post(url, {"task": task.pk, "date": day, "hours": hours}, headers=headers)


def test_an_htmx_cell_edit_answers_the_cell_and_the_totals(cast, week_logs):
    task = cast["tasks"][0]
    response = post_cell(logged_in(week_logs), task, "6.25", **HTMX)
    assert response.status_code == 200
    fragment = parse(response)
    cell = fragment.find("input", id=f"ts-{task.pk}-20260310")
    assert cell.attrs["value"] == "6.25"
    assert "aria-invalid" not in cell.attrs
    oob = {el.attrs["id"]: el.text for el in fragment.find_all() if el.attrs.get("hx-swap-oob") == "true"}
    assert oob == {f"row-total-{task.pk}": "9.25", "day-total-20260310": "8.25", "week-total": "11.25"}
    assert TimeLog.objects.get(person=week_logs, task=task, date=dt.date(2026, 3, 10)).hours == Decimal("6.25")


def test_an_empty_cell_deletes_the_log(cast, week_logs):
    task = cast["tasks"][0]
    fragment = parse(post_cell(logged_in(week_logs), task, "", **HTMX))
    assert fragment.find("input", id=f"ts-{task.pk}-20260310").attrs["value"] == ""
    oob = {el.attrs["id"]: el.text for el in fragment.find_all() if el.attrs.get("hx-swap-oob") == "true"}
    assert oob == {f"row-total-{task.pk}": "3", "day-total-20260310": "2", "week-total": "5"}
    assert not TimeLog.objects.filter(person=week_logs, task=task, date=dt.date(2026, 3, 10)).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Give the hours as a number, like 2.5."),
        ("25", HOURS_MESSAGE),
        ("-1", HOURS_MESSAGE),
        ("1.125", "Ensure that there are no more than 2 decimal places."),
        ("0.123456", "Ensure that there are no more than 2 decimal places."),
    ],
)
def test_bad_hours_stay_in_the_cell_with_the_message(cast, week_logs, typed, message):
    task = cast["tasks"][0]
    response = post_cell(logged_in(week_logs), task, typed, **HTMX)
    assert response.status_code == 200  # htmx swaps 2xx only: the cell carries the message
    fragment = parse(response)
    cell = fragment.find("input", id=f"ts-{task.pk}-20260310")
    assert (cell.attrs["value"], cell.attrs["aria-invalid"]) == (typed, "true")
    assert fragment.find("p", cls="ts-error").text == message
    oob = {el.attrs["id"]: el.text for el in fragment.find_all() if el.attrs.get("hx-swap-oob") == "true"}
    assert oob["week-total"] == "9.5"  # unchanged
    assert TimeLog.objects.get(person=week_logs, task=task, date=dt.date(2026, 3, 10)).hours == Decimal("4.5")


def test_a_day_over_24_hours_and_a_future_day_are_refused_in_the_cell(cast, week_logs):
    task = cast["tasks"][0]
    client = logged_in(week_logs)
    fragment = parse(post_cell(client, task, "23", **HTMX))
    assert fragment.find("p", cls="ts-error").text == (
        "That makes 25 h on Tue 10 Mar 2026 across all tasks (2 h already logged elsewhere); a day has at most 24."
    )
    fragment = parse(post_cell(client, task, "1", day="2026-03-12", **HTMX))
    assert fragment.find("p", cls="ts-error").text == "Hours are logged on today or an earlier day, not a future one."


def test_a_cell_in_a_locked_week_shows_the_lock(cast, week_logs):
    lock(cast)
    task = cast["tasks"][0]
    fragment = parse(post_cell(logged_in(week_logs), task, "2", day="2026-03-04", **HTMX))
    assert fragment.find("p", cls="ts-error").text == LOCKED_MESSAGE
    assert fragment.find("input", id=f"ts-{task.pk}-20260304").attrs["value"] == "2"
    assert not TimeLog.objects.filter(date=dt.date(2026, 3, 4)).exists()


def test_a_plain_cell_post_redirects_back_or_shows_the_page_with_the_message(cast, week_logs):
    task = cast["tasks"][0]
    client = logged_in(week_logs)
    response = post_cell(client, task, "5")
    assert (response.status_code, response["Location"]) == (302, "/my/timesheet/?week=2026-03-09")
    response = post_cell(client, task, "abc", day="2026-03-09")
    assert response.status_code == 400
    page = parse(response)
    cell = page.find("input", id=f"ts-{task.pk}-20260309")
    assert cell.attrs["value"] == "abc"
    assert page.find("p", cls="ts-error").text == "Give the hours as a number, like 2.5."
    assert footer(page)[-1] == "10"  # 9.5 - 4.5 + 5


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"task": "x", "date": "2026-03-10", "hours": "1"},
        {"task": "1", "date": "2026-02-30", "hours": "1"},
        {"task": "99999999999999999999999", "date": "2026-03-10", "hours": "1"},
        {"task": "1", "date": "9999-12-31", "hours": "1"},
        {"task": "1", "date": "0001-01-01", "hours": ""},
    ],
)
def test_garbage_cell_posts_are_a_400(cast, week_logs, data):
    response = logged_in(week_logs).post("/my/timesheet/cell/", data, headers=HTMX)
    assert response.status_code == 400
    assert TimeLog.objects.count() == 5


def test_a_task_of_another_show_is_a_404(cast, week_logs):
    response = post_cell(logged_in(week_logs), cast["other_task"], "1", **HTMX)
    assert response.status_code == 404


# --- A show's timesheets -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("artist", 403),
        ("supervisor", 403),
        ("coordinator", 200),
        ("production_manager", 200),
        ("producer", 200),
        ("admin", 200),
        ("client", 404),
        ("other_producer", 404),
    ],
)
def test_who_reads_a_shows_timesheets(cast, role, status):
    client = logged_in(cast["people"][role])
    assert client.get("/shows/RBT/timesheets/").status_code == status
    assert client.get("/shows/RBT/timesheets/artist/").status_code == status


def test_a_shows_week_per_person(cast, week_logs):
    page = parse(logged_in(cast["people"]["coordinator"]).get("/shows/RBT/timesheets/"))
    table = page.find("table", id="ts-show-grid")
    assert body_rows(table) == [
        ["Ana Lima", "3", "6.5", "—", "—", "—", "—", "—", "9.5"],
        ["Ben Okoro", "6", "—", "—", "—", "—", "—", "—", "6"],
        ["Cora Cole", *["—"] * 7, "0"],
        ["Pete Pryce", *["—"] * 7, "0"],
        ["Pia Planner", *["—"] * 7, "0"],
        ["Sam Sutter", *["—"] * 7, "0"],
    ]
    assert footer(page, "ts-show-grid") == ["9", "6.5", "0", "0", "0", "0", "0", "15.5"]
    link = table.find("tbody").find_all("a")[0]
    assert link.attrs["href"] == "/shows/RBT/timesheets/artist/?week=2026-03-09"
    # Not a producer: no lock button; the week has not ended anyway.
    assert page.find("section", id="ts-lock").find_all("button") == []


def test_someone_who_left_the_show_still_shows_with_their_hours(cast, week_logs):
    cast["show"].memberships.filter(person__username="artist2").delete()
    page = parse(logged_in(cast["people"]["producer"]).get("/shows/RBT/timesheets/"))
    names = [tr.find("th").text for tr in page.find("table", id="ts-show-grid").find("tbody").find_all("tr")]
    assert "Ben Okoro" in names
    assert logged_in(cast["people"]["producer"]).get("/shows/RBT/timesheets/artist2/").status_code == 200


def test_a_person_who_is_not_on_the_show_is_a_404(cast):
    client = logged_in(cast["people"]["producer"])
    assert client.get("/shows/RBT/timesheets/other_producer/").status_code == 404
    assert client.get("/shows/RBT/timesheets/client/").status_code == 404
    assert client.get("/shows/RBT/timesheets/nobody/").status_code == 404


def test_producers_lock_and_unlock_a_past_week_from_the_page(cast, week_logs):
    client = logged_in(cast["people"]["producer"])
    page = parse(client.get("/shows/RBT/timesheets/?week=2026-03-02"))
    button = page.find("button", id="ts-lock-button")
    assert (button.attrs["name"], button.attrs["value"], button.text) == ("action", "lock", "Lock this week")
    response = client.post("/shows/RBT/timesheets/", {"action": "lock", "week": "2026-03-02"})
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/timesheets/?week=2026-03-02")
    page = parse(client.get(response["Location"]))
    assert "This week is locked by Pete Pryce" in page.find("section", id="ts-lock").text
    assert page.find("button", id="ts-unlock").text == "Unlock"
    response = client.post("/shows/RBT/timesheets/", {"action": "unlock", "week": "2026-03-02"})
    assert response.status_code == 302
    assert TimesheetLock.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "lock", "week": "2026-03-09"}, "Only a week that has ended can be locked"),
        ({"action": "lock", "week": "2026-03-04"}, "A week starts on a Monday; 4 Mar 2026 is a Wednesday."),
        ({"action": "unlock", "week": "2026-03-02"}, "The week of 2 Mar 2026 is not locked on RBT."),
        ({"action": "lock", "week": "soon"}, "week: Give a date, like 2026-03-02."),
        ({"action": "lock", "week": "0001-01-01"}, "week: Give a date between 1970 and 2999."),
        ({"action": "lock", "week": "1969-12-29"}, "week: Give a date between 1970 and 2999."),
        # 1 Jan 1970 is a date the message allows: the service then asks for the Monday.
        ({"action": "lock", "week": "1970-01-01"}, "A week starts on a Monday; 1 Jan 1970 is a Thursday."),
        ({"action": "burn", "week": "2026-03-02"}, "action: Select a valid choice."),
    ],
)
def test_a_refused_lock_is_shown_on_the_page(cast, data, message):
    response = logged_in(cast["people"]["producer"]).post("/shows/RBT/timesheets/", data)
    assert response.status_code == 400
    assert parse(response).find("p", id="lock-error").text.startswith(message)
    assert TimesheetLock.objects.count() == 0


@pytest.mark.parametrize(("role", "status"), [("coordinator", 403), ("production_manager", 403), ("artist", 403)])
def test_only_producers_post_locks(cast, role, status):
    response = logged_in(cast["people"][role]).post("/shows/RBT/timesheets/", {"action": "lock", "week": "2026-03-02"})
    assert response.status_code == status
    assert TimesheetLock.objects.count() == 0


def test_a_person_week_is_editable_by_planners_and_read_only_for_coordinators(cast, week_logs):
    task = cast["tasks"][0]
    url = "/shows/RBT/timesheets/artist/cell/"
    page = parse(logged_in(cast["people"]["production_manager"]).get("/shows/RBT/timesheets/artist/"))
    assert grid_rows(page)[1] == ["SQ010_SH0010 Animation WIP", "3", "4.5", "", "", "", "", "", "7.5"]
    assert len(page.find("table", id="ts-grid").find_all("input", cls="ts-input")) == 6
    response = post_cell(logged_in(cast["people"]["production_manager"]), task, "1", url=url, **HTMX)
    assert parse(response).find("input", id=f"ts-{task.pk}-20260310").attrs["value"] == "1"

    page = parse(logged_in(cast["people"]["coordinator"]).get("/shows/RBT/timesheets/artist/"))
    assert page.find("table", id="ts-grid").find_all("input", cls="ts-input") == []
    assert page.find("span", id=f"ts-{task.pk}-20260310").text == "1"
    assert post_cell(logged_in(cast["people"]["coordinator"]), task, "2", url=url, **HTMX).status_code == 403
    assert TimeLog.objects.get(person=week_logs, task=task, date=dt.date(2026, 3, 10)).hours == Decimal("1")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("artist", 403),  # their own hours: on My timesheet, not on the show's pages
        ("supervisor", 403),
        ("coordinator", 403),
        ("production_manager", 200),
        ("producer", 200),
        ("admin", 200),
        ("client", 404),
        ("other_producer", 404),
    ],
)
def test_who_changes_a_persons_hours_from_the_shows_timesheets(cast, week_logs, role, status):
    task = cast["tasks"][0]
    response = post_cell(logged_in(cast["people"][role]), task, "1", url="/shows/RBT/timesheets/artist/cell/", **HTMX)
    assert response.status_code == status
    hours = TimeLog.objects.get(person=week_logs, task=task, date=dt.date(2026, 3, 10)).hours
    assert hours == (Decimal("1") if status == 200 else Decimal("4.5"))


def test_a_person_week_on_a_show_holds_only_that_shows_tasks(cast, week_logs):
    other = cast["other"]
    MembershipFactory(person=week_logs, show=other)
    TimeLogFactory(person=week_logs, task=cast["other_task"], date=dt.date(2026, 3, 9), hours=Decimal("1"))
    page = parse(logged_in(cast["people"]["producer"]).get("/shows/RBT/timesheets/artist/"))
    assert [row[0] for row in grid_rows(page)] == [
        "RBT Robots of the Deep",
        "SQ010_SH0010 Animation WIP",
        "SQ010_SH0020 Animation Approved",
    ]
    assert footer(page)[-1] == "9.5"
    response = post_cell(
        logged_in(cast["people"]["producer"]), cast["other_task"], "1", url="/shows/RBT/timesheets/artist/cell/"
    )
    assert response.status_code == 404
    # Her own timesheet has both shows.
    page = parse(logged_in(week_logs).get("/my/timesheet/"))
    assert [row[0] for row in grid_rows(page) if len(row) == 1] == ["OTH Other Picture", "RBT Robots of the Deep"]
    assert footer(page)[-1] == "10.5"


# --- Queries: the same at two sizes ---------------------------------------------------------------------------


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_week(cast, n: int) -> None:
    """n more people on the show, each with a task assigned and hours on three days; n more tasks for Ana."""
    show, people = cast["show"], cast["people"]
    sequence = SequenceFactory(show=show)
    for _ in range(n):
        person = PersonFactory(role=Role.ARTIST)
        MembershipFactory(person=person, show=show)
        task = TaskFactory(shot=ShotFactory(sequence=sequence), task_type=cast["anim"], assignees=[person])
        ana_task = TaskFactory(
            shot=ShotFactory(sequence=sequence), task_type=cast["anim"], assignees=[people["artist"]]
        )
        for day in (9, 10, 11):
            TimeLogFactory(person=person, task=task, date=dt.date(2026, 3, day), hours=Decimal("2"))
            TimeLogFactory(person=people["artist"], task=ana_task, date=dt.date(2026, 3, day), hours=Decimal("0.5"))
    TimesheetLock.objects.get_or_create(show=show, week_start=THIS_WEEK)


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("artist", "/my/timesheet/"),
        ("producer", "/shows/RBT/timesheets/"),
        ("production_manager", "/shows/RBT/timesheets/artist/"),
    ],
)
def test_the_pages_make_the_same_queries_at_two_sizes(cast, who, path):
    client = logged_in(cast["people"][who])
    add_week(cast, 2)
    small = count_queries(client, path)
    add_week(cast, 12)
    large = count_queries(client, path)
    assert small == large
    assert small <= 12


def test_a_cell_edit_makes_the_same_queries_at_two_sizes(cast):
    client = logged_in(cast["people"]["artist"])
    task = cast["tasks"][0]

    def count(day):
        with CaptureQueriesContext(connection) as captured:
            response = post_cell(client, task, "1", day=day, **HTMX)
        assert response.status_code == 200
        return len(captured.captured_queries)

    add_week(cast, 2)
    TimesheetLock.objects.all().delete()
    small = count("2026-03-09")
    add_week(cast, 12)
    TimesheetLock.objects.all().delete()
    assert count("2026-03-10") == small


# --- Demo data -------------------------------------------------------------------------------------------------


def test_the_demo_locks_the_weeks_older_than_two_weeks(cast):
    people, task = cast["people"], cast["tasks"][0]
    for day in (dt.date(2026, 1, 28), dt.date(2026, 2, 10), dt.date(2026, 3, 10)):
        TimeLogFactory(person=people["artist"], task=task, date=day)
    locks = timesheets.seed_timesheet_demo(cast["show"], people, TODAY)
    # Today is in the week of 9 Mar; the weeks of 2 Mar and 23 Feb stay open; 16 Feb and before are locked.
    assert [(lock.week_start, lock.locked_by.username) for lock in locks] == [
        (dt.date(2026, 1, 26), "producer"),
        (dt.date(2026, 2, 2), "producer"),
        (dt.date(2026, 2, 9), "producer"),
        (dt.date(2026, 2, 16), "producer"),
    ]
    assert timesheets.seed_timesheet_demo(cast["show"], people, TODAY) == locks  # again: the same
    assert TimesheetLock.objects.count() == 4
    assert timesheets.seed_timesheet_demo(cast["other"], people, TODAY) == []
