"""schedules.calendar: working days are Monday to Friday minus the show's holidays, counted by arithmetic, and
the PostgreSQL formula counts exactly like the Python one."""

import datetime as dt

import pytest
from django.db import connection

from schedules.calendar import ShowCalendar, sql_ordinal, weekday_at, weekdays_before, working_days_between
from schedules.models import Holiday
from tests.studio.factories import ShowFactory

D = dt.date
# March 2026: Mon 2, Mon 9 (a holiday below), Sat 14 (a holiday on a weekend: no effect), Tue 17 (a holiday).
HOLIDAYS = [D(2026, 3, 9), D(2026, 3, 14), D(2026, 3, 17)]


@pytest.fixture
def calendar():
    return ShowCalendar(HOLIDAYS)


def test_weekdays_before_counts_mondays_to_fridays_from_a_monday():
    assert D(1, 1, 1).weekday() == 0  # the epoch is a Monday
    assert weekdays_before(D(1, 1, 1)) == 0
    assert weekdays_before(D(1, 1, 8)) == 5  # Mon..Fri, then the weekend
    # Mon 2 March to Sun 8 March 2026: five weekdays between the two Mondays.
    assert weekdays_before(D(2026, 3, 9)) - weekdays_before(D(2026, 3, 2)) == 5
    for index in (0, 1, 4, 5, 739620 * 5 // 7):
        assert weekdays_before(weekday_at(index)) == index
        assert weekday_at(index).weekday() < 5


def test_weekend_holidays_are_dropped(calendar):
    assert calendar.holidays == [D(2026, 3, 9), D(2026, 3, 17)]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Mon 2 .. Fri 6: five days.
        (D(2026, 3, 2), D(2026, 3, 6), 5),
        # Mon 2 .. Fri 13: 5 + (Tue 10 .. Fri 13 = 4, Monday 9 is a holiday) = 9.
        (D(2026, 3, 2), D(2026, 3, 13), 9),
        # Mon 2 .. Wed 11: 5 + (Tue 10, Wed 11) = 7.
        (D(2026, 3, 2), D(2026, 3, 11), 7),
        # Tue 10 .. Mon 16: Tue, Wed, Thu, Fri, Mon = 5 (the Saturday holiday changes nothing).
        (D(2026, 3, 10), D(2026, 3, 16), 5),
        # Mon 16 .. Wed 18: Mon, (Tue 17 holiday), Wed = 2.
        (D(2026, 3, 16), D(2026, 3, 18), 2),
        # A weekend, a holiday alone, one day, an empty span.
        (D(2026, 3, 14), D(2026, 3, 15), 0),
        (D(2026, 3, 9), D(2026, 3, 9), 0),
        (D(2026, 3, 10), D(2026, 3, 10), 1),
        (D(2026, 3, 11), D(2026, 3, 10), 0),
        # A whole year: 2026 has 261 weekdays; minus the two weekday holidays = 259.
        (D(2026, 1, 1), D(2026, 12, 31), 259),
    ],
)
def test_working_days_between_both_inclusive(calendar, start, end, expected):
    assert calendar.working_days_between(start, end) == expected


def test_working_days_between_agrees_with_counting_day_by_day(calendar):
    first = D(2026, 2, 20)
    days = [first + dt.timedelta(days=n) for n in range(60)]
    for start in days[::3]:
        for end in days:
            span = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
            by_hand = sum(1 for day in span if day.weekday() < 5 and day not in HOLIDAYS)
            assert calendar.working_days_between(start, end) == by_hand, (start, end)


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (D(2026, 3, 11), 0, D(2026, 3, 11)),  # nothing left: t itself
        (D(2026, 3, 11), 1, D(2026, 3, 12)),
        (D(2026, 3, 13), 1, D(2026, 3, 16)),  # Friday -> Monday
        # Wed 11 + 4: Thu 12, Fri 13, Mon 16, (Tue 17 holiday) Wed 18.
        (D(2026, 3, 11), 4, D(2026, 3, 18)),
        # Wed 11 + 7: ..., Wed 18 (4), Thu 19, Fri 20, Mon 23 (7).
        (D(2026, 3, 11), 7, D(2026, 3, 23)),
        # From a Saturday and from a holiday: the next working days.
        (D(2026, 3, 7), 1, D(2026, 3, 10)),
        (D(2026, 3, 9), 1, D(2026, 3, 10)),
        (D(2026, 3, 6), 1, D(2026, 3, 10)),  # Friday -> (weekend, Monday holiday) Tuesday
    ],
)
def test_add_working_days(calendar, day, count, expected):
    assert calendar.add_working_days(day, count) == expected
    if count:
        assert calendar.is_working_day(expected)
        assert calendar.working_days_between(day + dt.timedelta(days=1), expected) == count


def test_add_working_days_past_the_calendar_overflows(calendar):
    with pytest.raises(OverflowError):
        calendar.add_working_days(D(2026, 3, 11), 10**7)


@pytest.mark.django_db
def test_working_days_between_reads_the_shows_holidays_only():
    show, other = ShowFactory(), ShowFactory()
    Holiday.objects.create(show=show, date=D(2026, 3, 9), name="Studio day")
    Holiday.objects.create(show=other, date=D(2026, 3, 10), name="Other show's day")
    assert working_days_between(show, D(2026, 3, 2), D(2026, 3, 13)) == 9
    assert working_days_between(show.pk, D(2026, 3, 2), D(2026, 3, 13)) == 9
    assert working_days_between(other, D(2026, 3, 2), D(2026, 3, 13)) == 9
    assert working_days_between(ShowFactory(), D(2026, 3, 2), D(2026, 3, 13)) == 10


@pytest.mark.django_db
@pytest.mark.parametrize("holidays", [HOLIDAYS, []])
def test_the_sql_ordinal_counts_like_python(holidays):
    """Every day of 2025-2027 (and the epoch): PostgreSQL's ordinal equals ShowCalendar.ordinal."""
    calendar = ShowCalendar(holidays)
    expression = sql_ordinal("d::date", "%(holidays)s")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d::date, {expression} FROM generate_series(DATE '2025-01-01', DATE '2027-12-31', '1 day') d "
            f"UNION ALL SELECT DATE '0001-01-01', {sql_ordinal('DATE %(epoch)s', '%(holidays)s')}",
            {"holidays": calendar.holidays, "epoch": "0001-01-01"},
        )
        rows = cursor.fetchall()
    assert len(rows) == 365 * 3 + 1
    mismatches = [(day, ordinal) for day, ordinal in rows if ordinal != calendar.ordinal(day)]
    assert mismatches == []
