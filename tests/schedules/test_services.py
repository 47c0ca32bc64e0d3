"""Logging hours: one row per person, task and date; 0 < hours <= 24 and at most 24 a day across tasks; who may."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from schedules import services
from schedules.models import TimeLog
from studio.models import Role
from tests.schedules.factories import TimeLogFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 4, 15, 0, tzinfo=dt.UTC)  # a Wednesday afternoon in UTC
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def cast():
    show = ShowFactory(code="RBT")
    animation = DepartmentFactory(name="Animation")
    anim = TaskTypeFactory(name="Animation", department=animation)
    people = {}
    for username, role in [
        ("artist", Role.ARTIST),
        ("artist2", Role.ARTIST),
        ("supervisor", Role.SUPERVISOR),
        ("coordinator", Role.COORDINATOR),
        ("production_manager", Role.PRODUCTION_MANAGER),
        ("producer", Role.PRODUCER),
        ("client", Role.CLIENT),
    ]:
        people[username] = PersonFactory(username=username, role=role, department=animation)
        MembershipFactory(person=people[username], show=show)
    sequence = SequenceFactory(show=show)
    tasks = [TaskFactory(shot=ShotFactory(sequence=sequence), task_type=anim) for _ in range(3)]
    other_show_task = TaskFactory(shot=ShotFactory(sequence=SequenceFactory(show=ShowFactory(code="OTH"))))
    return people, tasks, other_show_task


def log(people, task, who="artist", **fields):
    fields.setdefault("date", TODAY)
    fields.setdefault("hours", Decimal("2.5"))
    return services.timelog_upsert(actor=people[who], task=task, **fields)


def rows():
    return sorted(TimeLog.objects.values_list("person__username", "task_id", "date", "hours", "comment"))


# --- timelog_upsert -----------------------------------------------------------------------------------------


def test_logging_creates_one_row_then_replaces_its_hours(cast):
    people, (task, *_), _ = cast
    created_log, created = log(people, task, comment=" blocking ")
    assert created is True
    assert (created_log.hours, created_log.comment) == (Decimal("2.5"), "blocking")

    updated_log, created = log(people, task, hours="6.25", comment="")
    assert created is False
    assert updated_log.pk == created_log.pk
    assert rows() == [("artist", task.pk, TODAY, Decimal("6.25"), "")]


def test_each_date_and_task_has_its_own_row(cast):
    people, (task, task2, _), _ = cast
    log(people, task)
    log(people, task, date=TODAY - dt.timedelta(days=1), hours=Decimal("8"))
    log(people, task2, hours=Decimal("1"))
    log(people, task, who="artist2", hours=Decimal("3"))
    assert rows() == [
        ("artist", task.pk, TODAY - dt.timedelta(days=1), Decimal("8.00"), ""),
        ("artist", task.pk, TODAY, Decimal("2.50"), ""),
        ("artist", task2.pk, TODAY, Decimal("1.00"), ""),
        ("artist2", task.pk, TODAY, Decimal("3.00"), ""),
    ]


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (Decimal("0"), "Hours must be more than 0 and at most 24."),
        (Decimal("-1"), "Hours must be more than 0 and at most 24."),
        (Decimal("24.01"), "Hours must be more than 0 and at most 24."),
        ("NaN", "Hours must be more than 0 and at most 24."),
        ("two", "Give the hours as a number, like 2.5."),
        ("", "Give the hours, like 2.5."),
        (None, "Give the hours, like 2.5."),
        (Decimal("1.125"), "Ensure that there are no more than 2 decimal places."),
    ],
)
def test_hours_out_of_range_name_the_field(cast, hours, message):
    people, (task, *_), _ = cast
    with pytest.raises(ValidationError) as caught:
        log(people, task, hours=hours)
    assert caught.value.message_dict == {"hours": [message]}
    assert rows() == []


def test_a_whole_day_is_fine(cast):
    people, (task, *_), _ = cast
    assert log(people, task, hours=Decimal("24"))[0].hours == Decimal("24")


def test_a_persons_day_holds_at_most_24_hours_across_tasks(cast):
    people, (task, task2, task3), _ = cast
    log(people, task, hours=Decimal("20"))
    log(people, task2, hours=Decimal("3.5"))
    log(people, task, who="artist2", hours=Decimal("10"))  # someone else's hours do not count

    with pytest.raises(ValidationError) as caught:
        log(people, task3, hours=Decimal("1"))
    assert caught.value.message_dict == {
        "hours": [
            "That makes 24.5 h on Wed 04 Nov 2026 across all tasks (23.5 h already logged elsewhere); "
            "a day has at most 24."
        ]
    }
    assert TimeLog.objects.filter(task=task3).exists() is False
    # Replacing a row counts its new hours, not old + new: 20.5 + 3.5 is a full day.
    assert log(people, task, hours=Decimal("20.5"))[0].hours == Decimal("20.5")
    assert sum(TimeLog.objects.filter(person=people["artist"]).values_list("hours", flat=True)) == Decimal("24")


def test_logging_for_someone_else_does_not_tell_their_hours_elsewhere(cast):
    """A production manager over the day's limit learns that it is over, not how much the person logged on other
    tasks (which may be on shows the manager does not run)."""
    people, (task, task2, _), other_show_task = cast
    TimeLog.objects.create(person=people["artist"], task=other_show_task, date=TODAY, hours=Decimal("20"))

    with pytest.raises(ValidationError) as caught:
        log(people, task2, who="production_manager", person=people["artist"], hours=Decimal("5"))

    assert caught.value.message_dict == {
        "hours": [f"That makes more than 24 h on Wed 04 Nov 2026 for {people['artist']} across all their tasks."]
    }
    assert TimeLog.objects.filter(task=task2).exists() is False


def test_hours_are_not_logged_on_a_future_day(cast):
    people, (task, *_), _ = cast
    with pytest.raises(ValidationError) as caught:
        log(people, task, date=TODAY + dt.timedelta(days=1))
    assert caught.value.message_dict == {"date": ["Hours are logged on today or an earlier day, not a future one."]}


def test_today_is_the_persons_today(cast):
    """15:00 UTC on Wednesday is already Thursday in Kiribati."""
    people, (task, *_), _ = cast
    people["artist"].timezone = "Pacific/Kiritimati"
    people["artist"].save(update_fields=["timezone"])
    thursday = TODAY + dt.timedelta(days=1)
    assert log(people, task, date=thursday)[0].date == thursday


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("artist", True),  # their own hours, on any task of their show
        ("supervisor", True),
        ("coordinator", True),
        ("production_manager", True),
        ("producer", True),
        ("client", False),
    ],
)
def test_people_log_their_own_hours_on_their_shows(cast, who, allowed):
    people, (task, *_), other_show_task = cast
    if allowed:
        assert log(people, task, who=who)[0].person == people[who]
    else:
        with pytest.raises(PermissionDenied):
            log(people, task, who=who)
    with pytest.raises(PermissionDenied):
        log(people, other_show_task, who=who)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("artist2", False),
        ("supervisor", False),
        ("coordinator", False),
        ("production_manager", True),
        ("producer", True),
    ],
)
def test_only_planners_log_hours_for_someone_else(cast, who, allowed):
    people, (task, *_), _ = cast
    if allowed:
        time_log, _ = log(people, task, who=who, person=people["artist"])
        assert time_log.person == people["artist"]
    else:
        with pytest.raises(PermissionDenied):
            log(people, task, who=who, person=people["artist"])
        assert rows() == []


def test_hours_are_logged_only_for_people_on_the_show(cast):
    people, (task, *_), _ = cast
    outsider = PersonFactory(username="outsider")
    with pytest.raises(ValidationError) as caught:
        log(people, task, who="producer", person=outsider)
    assert list(caught.value.message_dict) == ["person"]


# --- timelog_update and timelog_delete ----------------------------------------------------------------------


def test_changing_hours_date_and_comment(cast):
    people, (task, *_), _ = cast
    time_log, _ = log(people, task)
    yesterday = TODAY - dt.timedelta(days=1)
    services.timelog_update(actor=people["artist"], time_log=time_log, hours="7", comment="rig fixes", date=yesterday)
    assert rows() == [("artist", task.pk, yesterday, Decimal("7.00"), "rig fixes")]


def test_moving_onto_a_logged_day_is_refused(cast):
    people, (task, *_), _ = cast
    time_log, _ = log(people, task)
    log(people, task, date=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        services.timelog_update(actor=people["artist"], time_log=time_log, date=TODAY - dt.timedelta(days=1))
    assert caught.value.message_dict == {
        "date": ["Hours are already logged on this task on Tue 03 Nov 2026: change that entry instead."]
    }


def test_an_update_names_fields_it_does_not_take(cast):
    people, (task, *_), _ = cast
    time_log, _ = log(people, task)
    with pytest.raises(ValidationError) as caught:
        services.timelog_update(actor=people["artist"], time_log=time_log, task=task)
    assert caught.value.message_dict == {"task": ["This field cannot be changed here."]}


def test_an_update_checks_the_days_total(cast):
    people, (task, task2, _), _ = cast
    time_log, _ = log(people, task, hours=Decimal("10"))
    log(people, task2, hours=Decimal("10"))
    with pytest.raises(ValidationError) as caught:
        services.timelog_update(actor=people["artist"], time_log=time_log, hours=Decimal("15"))
    assert list(caught.value.message_dict) == ["hours"]
    time_log.refresh_from_db()
    assert time_log.hours == Decimal("10")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("artist", True), ("artist2", False), ("supervisor", False), ("production_manager", True), ("client", False)],
)
def test_who_changes_and_deletes_a_time_log(cast, who, allowed):
    people, (task, *_), _ = cast
    time_log = TimeLogFactory(person=people["artist"], task=task, date=TODAY, hours=Decimal("4"))
    if allowed:
        services.timelog_update(actor=people[who], time_log=time_log, hours=Decimal("5"))
        services.timelog_delete(actor=people[who], time_log=time_log)
        assert rows() == []
    else:
        with pytest.raises(PermissionDenied):
            services.timelog_update(actor=people[who], time_log=time_log, hours=Decimal("5"))
        with pytest.raises(PermissionDenied):
            services.timelog_delete(actor=people[who], time_log=time_log)
        assert rows() == [("artist", task.pk, TODAY, Decimal("4.00"), "")]


def test_hours_text():
    assert [services.hours_text(Decimal(v)) for v in ("2.50", "8.00", "30.00", "0.25", "24")] == [
        "2.5",
        "8",
        "30",
        "0.25",
        "24",
    ]
