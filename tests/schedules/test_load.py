"""The load view's arithmetic (schedules/load.py), checked against figures computed by hand, and its loading: the
right tasks and people, exact cells, the worst overload first, and the same number of queries at two sizes.

The calendar of every case: week 1 is Monday 7 – Sunday 13 December 2026, week 2 Monday 14 – Sunday 20; Wednesday
9 December is a holiday of the show.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schedules import load
from schedules.calendar import ShowCalendar
from schedules.load import LoadCell, PartTimeSpan, Week, capacity_days, spread_in
from shots.workflow import TaskStatus
from studio.models import Role
from tests.schedules.factories_dashboard import DayOffFactory, HolidayFactory, PartTimeFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

D = dt.date
WEEK_1 = Week(D(2026, 12, 7), D(2026, 12, 13))
WEEK_2 = Week(D(2026, 12, 14), D(2026, 12, 20))
HOLIDAY = D(2026, 12, 9)
CALENDAR = ShowCalendar([HOLIDAY])


# --- Weeks --------------------------------------------------------------------------------------------------------


def test_weeks_start_on_the_monday_of_the_day():
    assert load.weeks_from(D(2026, 12, 9), 2) == [WEEK_1, WEEK_2]
    assert load.weeks_from(D(2026, 12, 13), 1) == [WEEK_1]  # a Sunday belongs to the week before it
    assert load.weeks_from(D(2026, 12, 14), 1) == [WEEK_2]


# --- Capacity -----------------------------------------------------------------------------------------------------


def test_a_full_week_without_holidays_is_five_days():
    assert capacity_days(ShowCalendar(), WEEK_1.start, WEEK_1.end) == Decimal("5")


def test_a_holiday_takes_a_day_away():
    assert capacity_days(CALENDAR, WEEK_1.start, WEEK_1.end) == Decimal("4")
    # A holiday on a Saturday changes nothing.
    assert capacity_days(ShowCalendar([D(2026, 12, 12)]), WEEK_1.start, WEEK_1.end) == Decimal("5")


def test_days_off_spanning_a_weekend_count_only_working_days():
    # Off Thursday 10 to Tuesday 15: week 1 loses Thu and Fri (the weekend is no working day anyway), week 2 Mon
    # and Tue. Week 1 also has the Wednesday holiday: Mon and Tue are left.
    days_off = [(D(2026, 12, 10), D(2026, 12, 15))]
    assert capacity_days(CALENDAR, WEEK_1.start, WEEK_1.end, days_off=days_off) == Decimal("2")
    assert capacity_days(CALENDAR, WEEK_2.start, WEEK_2.end, days_off=days_off) == Decimal("3")
    # A day off on the holiday itself is not taken away twice.
    assert capacity_days(CALENDAR, WEEK_1.start, WEEK_1.end, days_off=[(HOLIDAY, HOLIDAY)]) == Decimal("4")


def test_a_part_time_change_in_the_middle_of_the_week():
    # 0.60 up to Wednesday 9, then 0.80: Mon 0.6 + Tue 0.6 + Wed 0.6 + Thu 0.8 + Fri 0.8 = 3.4 without the
    # holiday; the holiday takes Wednesday's 0.6 away: 2.8.
    part_times = [
        PartTimeSpan(Decimal("0.60"), D(2026, 11, 1), D(2026, 12, 9)),
        PartTimeSpan(Decimal("0.80"), D(2026, 12, 10)),
    ]
    assert capacity_days(ShowCalendar(), WEEK_1.start, WEEK_1.end, part_times=part_times) == Decimal("3.4")
    assert capacity_days(CALENDAR, WEEK_1.start, WEEK_1.end, part_times=part_times) == Decimal("2.8")
    # After the last row ends, full time again: a row that ends on Thursday 10 leaves Friday at 1.
    ending = [PartTimeSpan(Decimal("0.5"), D(2026, 12, 1), D(2026, 12, 10))]
    assert capacity_days(CALENDAR, WEEK_1.start, WEEK_1.end, part_times=ending) == Decimal("2.5")


def test_holiday_day_off_and_part_time_together():
    # 0.60 to Wed 9, 0.50 from Thu 10; off Fri 11 to Mon 14; Wed 9 a holiday.
    # Week 1: Mon 0.6 + Tue 0.6 + (Wed holiday) + Thu 0.5 + (Fri off) = 1.7.
    # Week 2: (Mon off) + Tue..Fri 4 x 0.5 = 2.0.
    part_times = [
        PartTimeSpan(Decimal("0.60"), D(2026, 11, 1), D(2026, 12, 9)),
        PartTimeSpan(Decimal("0.50"), D(2026, 12, 10)),
    ]
    days_off = [(D(2026, 12, 11), D(2026, 12, 14))]
    week_1 = capacity_days(CALENDAR, WEEK_1.start, WEEK_1.end, days_off=days_off, part_times=part_times)
    week_2 = capacity_days(CALENDAR, WEEK_2.start, WEEK_2.end, days_off=days_off, part_times=part_times)
    assert (week_1, week_2) == (Decimal("1.7"), Decimal("2.0"))


def test_overlapping_part_time_rows_take_the_one_that_started_last():
    part_times = [
        PartTimeSpan(Decimal("0.50"), D(2026, 1, 1)),  # open-ended
        PartTimeSpan(Decimal("0.80"), D(2026, 12, 10), D(2026, 12, 11)),
    ]
    # Mon 0.5 + Tue 0.5 + (holiday) + Thu 0.8 + Fri 0.8 = 2.6
    assert capacity_days(CALENDAR, WEEK_1.start, WEEK_1.end, part_times=part_times) == Decimal("2.6")


# --- Assigned bid-days ---------------------------------------------------------------------------------------------


def test_a_bid_is_shared_by_assignees_and_spread_over_working_days():
    # Bid 3 for two people: 1.5 each, over Mon 7 .. Wed 16 December = 7 working days (Wed 9 is a holiday):
    # week 1 has Mon, Tue, Thu, Fri = 4 of them (1.5 x 4/7 = 6/7), week 2 Mon..Wed = 3 (1.5 x 3/7 = 9/14).
    share = load.bid_share(Decimal("3"), 2)
    assert share == Fraction(3, 2)
    start, due = D(2026, 12, 7), D(2026, 12, 16)
    in_week_1 = spread_in(CALENDAR, share, start, due, WEEK_1)
    in_week_2 = spread_in(CALENDAR, share, start, due, WEEK_2)
    assert (in_week_1, in_week_2) == (Fraction(6, 7), Fraction(9, 14))
    assert in_week_1 + in_week_2 == share  # nothing lost to rounding
    assert (load.as_days(in_week_1), load.as_days(in_week_2)) == (Decimal("0.8571428571"), Decimal("0.6428571429"))


def test_a_span_starting_before_the_window_counts_only_its_part_in_the_week():
    # Mon 30 Nov .. Tue 8 Dec: 5 + 2 = 7 working days; bid 7: 1 a day, 2 of them in week 1.
    assert spread_in(CALENDAR, Fraction(7), D(2026, 11, 30), D(2026, 12, 8), WEEK_1) == 2
    assert spread_in(CALENDAR, Fraction(7), D(2026, 11, 30), D(2026, 12, 8), WEEK_2) == 0


def test_a_span_without_working_days_lands_on_its_due_date():
    # Saturday 12 to Sunday 13 December: no working day; the whole share is in week 1, none in week 2.
    assert spread_in(CALENDAR, Fraction(2), D(2026, 12, 12), D(2026, 12, 13), WEEK_1) == 2
    assert spread_in(CALENDAR, Fraction(2), D(2026, 12, 12), D(2026, 12, 13), WEEK_2) == 0


def test_week_parts_give_each_weeks_working_days_of_the_span():
    # Thu 3 .. Wed 16 December over three weeks from Mon 30 Nov: 2 + 4 (Wed 9 off) + 3 = 9 working days.
    assert load.week_parts(CALENDAR, D(2026, 12, 3), D(2026, 12, 16), D(2026, 11, 30), 3) == (9, {0: 2, 1: 4, 2: 3})
    # Only the weeks asked for: from week 1, two weeks (the first week of the span is before them).
    assert load.week_parts(CALENDAR, D(2026, 12, 3), D(2026, 12, 16), D(2026, 12, 7), 2) == (9, {0: 4, 1: 3})
    # A weekend-only span counts as one day on its due date; out of the weeks, nothing.
    assert load.week_parts(CALENDAR, D(2026, 12, 12), D(2026, 12, 13), D(2026, 12, 7), 2) == (1, {0: 1})
    assert load.week_parts(CALENDAR, D(2026, 12, 26), D(2026, 12, 27), D(2026, 12, 7), 2) == (1, {})


def _cell(capacity: str, numerator: int, denominator: int) -> LoadCell:
    cell = LoadCell(WEEK_1, Decimal(capacity))
    cell.add(numerator, denominator)
    return cell


def test_a_cell_is_overloaded_only_above_capacity():
    cell = _cell("4", 34, 7)
    assert (cell.overloaded, cell.ratio, cell.assigned) == (True, Decimal("1.21"), Decimal("4.8571428571"))
    assert (cell.assigned_text, cell.capacity_text) == ("4.86", "4.00")
    exactly_full = _cell("2.5", 5, 2)
    assert (exactly_full.overloaded, exactly_full.ratio) == (False, Decimal("1.00"))
    no_capacity = _cell("0", 1, 3)
    assert (no_capacity.overloaded, no_capacity.ratio, no_capacity.pressure) == (True, None, None)


def test_a_cell_adds_parts_exactly():
    # Thirds and sevenths of a day add up to exactly one day: no rounding until shown.
    cell = LoadCell(WEEK_1, Decimal("1"))
    for numerator, denominator in [(1, 3), (1, 3), (1, 3), (3, 7), (4, 7)]:
        cell.add(numerator, denominator)
    assert (cell.assigned_exact, cell.overloaded) == (Fraction(2), True)


# --- The show's load ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_show_load_exact_cells_people_and_order():
    """
    Ada (artist, full time): T1 (bid 3, shared with Ben, Mon 7 .. Wed 16) and T2 (bid 4, Mon 7 .. Tue 8, alone).
      week 1: 6/7 + 4 = 34/7 = 4.8571428571 against 4 (holiday): overloaded, 1.21; week 2: 9/14 against 5.
      Unscheduled: T5 (bid 2 shared with Cy, no dates) and T6 (bid 1, due date only): 2 tasks, 1 + 1 = 2 days.
    Ben (artist, half time from Thu 10, off Fri 11 .. Mon 14): T1 and T9 (bid 7 alone, Mon 30 Nov .. Tue 8 Dec).
      week 1: 6/7 + 2 = 20/7 = 2.8571428571 against Mon 1 + Tue 1 + Thu 0.5 = 2.5: overloaded, 1.14.
      week 2: 9/14 = 0.6428571429 against Tue..Fri 4 x 0.5 = 2.
    Cy (artist): T5's other half, unscheduled; nothing in the weeks. Sue (supervisor): listed, nothing assigned.
    Not counted: an approved and an omitted task of Ada's, a task after the window, a task of another show;
    not listed: the producer and the client (no tasks), a person who left the show (their task is left out).
    """
    show = ShowFactory(code="LOAD")
    HolidayFactory(show=show, date=HOLIDAY)
    dept = DepartmentFactory(name="Animation", code="ANI")
    task_type = TaskTypeFactory(name="Animation", department=dept)
    seq = SequenceFactory(show=show, code="SQ010")
    people = {}
    for name, role in [
        ("ada", Role.ARTIST),
        ("ben", Role.ARTIST),
        ("cy", Role.ARTIST),
        ("sue", Role.SUPERVISOR),
        ("pat", Role.PRODUCER),
        ("cli", Role.CLIENT),
    ]:
        people[name] = PersonFactory(username=name, first_name=name.capitalize(), last_name="Test", role=role)
        MembershipFactory(show=show, person=people[name])
    outsider = PersonFactory(username="gone", first_name="Gone", last_name="Test")
    ada, ben, cy = people["ada"], people["ben"], people["cy"]
    PartTimeFactory(person=ben, fraction=Decimal("0.5"), effective_from=D(2026, 12, 10))
    DayOffFactory(person=ben, start_date=D(2026, 12, 11), end_date=D(2026, 12, 14))
    DayOffFactory(person=ada, start_date=D(2027, 3, 1), end_date=D(2027, 3, 5))  # outside the window

    def task(code, bid, start, due, assignees, status=TaskStatus.WIP):
        return TaskFactory(
            shot=ShotFactory(sequence=seq, code=code),
            task_type=task_type,
            bid_days=Decimal(bid),
            start_date=start,
            due_date=due,
            status=status,
            assignees=assignees,
        )

    task("T1", "3", D(2026, 12, 7), D(2026, 12, 16), [ada, ben])
    task("T2", "4", D(2026, 12, 7), D(2026, 12, 8), [ada])
    task("T3", "5", D(2026, 12, 7), D(2026, 12, 8), [ada], status=TaskStatus.APPROVED)
    task("T4", "5", D(2026, 12, 7), D(2026, 12, 8), [ada], status=TaskStatus.OMITTED)
    task("T5", "2", None, None, [ada, cy])
    task("T6", "1", None, D(2026, 12, 10), [ada])
    task("T7", "9", D(2027, 2, 1), D(2027, 2, 5), [ada])
    task("T9", "7", D(2026, 11, 30), D(2026, 12, 8), [ben])
    task("T10", "8", D(2026, 12, 7), D(2026, 12, 8), [outsider])
    TaskFactory(
        task_type=task_type, bid_days=Decimal("6"), start_date=D(2026, 12, 7), due_date=D(2026, 12, 8), assignees=[ada]
    )  # another show

    result = load.show_load(show, [WEEK_1, WEEK_2])

    table = {
        row.person.username: (
            [(cell.assigned, cell.capacity, cell.overloaded, cell.ratio) for cell in row.cells],
            row.unscheduled_count,
            row.unscheduled_days,
        )
        for row in result.people
    }
    assert [row.person.username for row in result.people] == ["ada", "ben", "cy", "sue"]
    assert table == {
        "ada": (
            [
                (Decimal("4.8571428571"), Decimal("4"), True, Decimal("1.21")),
                (Decimal("0.6428571429"), Decimal("5"), False, Decimal("0.13")),
            ],
            2,
            Decimal("2.0000000000"),
        ),
        "ben": (
            [
                (Decimal("2.8571428571"), Decimal("2.5"), True, Decimal("1.14")),
                (Decimal("0.6428571429"), Decimal("2.0"), False, Decimal("0.32")),
            ],
            0,
            Decimal("0E-10"),
        ),
        "cy": (
            [
                (Decimal("0E-10"), Decimal("4"), False, Decimal("0.00")),
                (Decimal("0E-10"), Decimal("5"), False, Decimal("0.00")),
            ],
            1,
            Decimal("1.0000000000"),
        ),
        "sue": (
            [
                (Decimal("0E-10"), Decimal("4"), False, Decimal("0.00")),
                (Decimal("0E-10"), Decimal("5"), False, Decimal("0.00")),
            ],
            0,
            Decimal("0E-10"),
        ),
    }
    assert result.overloaded_people == 2


def _populate(show, size: int, task_type, seq):
    """`size` artists, each with two dated tasks (one shared), an unscheduled one, a day off and a part time."""
    previous = None
    for _ in range(size):
        person = PersonFactory()
        MembershipFactory(show=show, person=person)
        DayOffFactory(person=person, start_date=D(2026, 12, 10), end_date=D(2026, 12, 11))
        PartTimeFactory(person=person, fraction=Decimal("0.8"), effective_from=D(2026, 12, 1))
        for n, (start, due) in enumerate([(D(2026, 12, 7), D(2026, 12, 18)), (D(2026, 12, 1), D(2026, 12, 9))]):
            TaskFactory(
                shot=ShotFactory(sequence=seq),
                task_type=task_type,
                start_date=start,
                due_date=due,
                assignees=[person] + ([previous] if previous and n == 0 else []),
            )
        TaskFactory(shot=ShotFactory(sequence=seq), task_type=task_type, assignees=[person])
        previous = person


@pytest.mark.django_db
def test_show_load_query_count_does_not_grow_with_people_or_tasks():
    task_type = TaskTypeFactory(name="Animation", department=DepartmentFactory(name="Animation", code="ANI"))
    counts = []
    for size in (2, 10):
        show = ShowFactory()
        HolidayFactory(show=show, date=HOLIDAY)
        _populate(show, size, task_type, SequenceFactory(show=show))
        with CaptureQueriesContext(connection) as queries:
            result = load.show_load(show, load.weeks_from(D(2026, 12, 8), 8))
        assert len(result.people) == size
        assert sum(cell.overloaded for row in result.people for cell in row.cells) > 0
        counts.append(len(queries))
    assert counts[0] == counts[1] == 6
