"""Working days of a show (PRODUCT.md): Monday to Friday, minus the show's holidays.

Counting is arithmetic, never a walk over the days. Every date d has a working-day ordinal

    ordinal(d) = (weekdays before d, counted from 0001-01-01, a Monday) - (the show's weekday holidays before d)

so the working days in [a, b], both inclusive, are ordinal(b + 1) - ordinal(a): two lookups whatever the span.
The same formula runs inside PostgreSQL (`sql_ordinal`), with the show's holidays passed as one sorted date[]
that `width_bucket` binary-searches per row: planned value for 40,000 tasks is one set-based statement, with no
calendar table to keep in step with the Holiday rows. A holiday on a Saturday or Sunday changes nothing.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from .models import Holiday

_ONE_DAY = dt.timedelta(days=1)


def weekdays_before(day: dt.date) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday) up to the day before `day`."""
    n = day.toordinal() - 1
    return (n // 7) * 5 + min(n % 7, 5)


def weekday_at(index: int) -> dt.date:
    """The weekday whose weekdays_before() is `index` (the inverse of weekdays_before on Monday-Friday)."""
    return dt.date.fromordinal(1 + (index // 5) * 7 + index % 5)


class ShowCalendar:
    """A show's working days. Build it once (one query) and ask it as often as needed."""

    def __init__(self, holidays: Iterable[dt.date] = ()):
        # Only weekday holidays take a working day away.
        self.holidays: list[dt.date] = sorted({day for day in holidays if day.weekday() < 5})

    @classmethod
    def for_show(cls, show_or_id) -> ShowCalendar:
        show_id = getattr(show_or_id, "pk", show_or_id)
        return cls(Holiday.objects.filter(show_id=show_id).values_list("date", flat=True))

    def ordinal(self, day: dt.date) -> int:
        """Working days before `day` (since 0001-01-01): working days in [a, b] = ordinal(b + 1) - ordinal(a)."""
        return weekdays_before(day) - bisect_left(self.holidays, day)

    def ordinal_after(self, day: dt.date) -> int:
        """ordinal(day + 1), i.e. the working days up to and including `day`; safe on date.max."""
        return weekdays_before(day) + (day.weekday() < 5) - bisect_right(self.holidays, day)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and not self._is_holiday(day)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in [start, end], both inclusive; 0 when end is before start."""
        if end < start:
            return 0
        return self.ordinal_after(end) - self.ordinal(start)

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (`day` itself when count is 0). Raises OverflowError past 9999."""
        if count < 0:
            raise ValueError("count must not be negative")
        if count == 0:
            return day
        return self._working_day_at(self.ordinal_after(day) + count - 1)

    def _working_day_at(self, wanted: int) -> dt.date:
        """The working day whose ordinal is `wanted`: the weekday with index wanted + (holidays up to it).

        The holiday count is found by iterating to the smallest fixed point (it only grows, at most once per
        holiday); the smallest fixed point is never a holiday itself.
        """
        holidays_up_to = 0
        while True:
            try:
                candidate = weekday_at(wanted + holidays_up_to)
            except ValueError as error:
                raise OverflowError("past the last date of the calendar") from error
            found = bisect_right(self.holidays, candidate)
            if found == holidays_up_to:
                return candidate
            holidays_up_to = found

    def _is_holiday(self, day: dt.date) -> bool:
        i = bisect_left(self.holidays, day)
        return i < len(self.holidays) and self.holidays[i] == day


def working_days_between(show, start: dt.date, end: dt.date) -> int:
    """Working days of `show` in [start, end], both inclusive (one query; for many spans build a ShowCalendar)."""
    return ShowCalendar.for_show(show).working_days_between(start, end)


# --- The same ordinal in PostgreSQL ---------------------------------------------------------------------------

_EPOCH = "DATE '0001-01-01'"  # a Monday, as in weekdays_before()


def sql_ordinal(date_sql: str, holidays_param: str) -> str:
    """SQL for ShowCalendar.ordinal(`date_sql`) on PostgreSQL.

    `holidays_param` names a parameter holding the show's weekday holidays as a sorted date[]
    (ShowCalendar.holidays): width_bucket(d - 1, holidays) counts the holidays on or before d - 1, i.e. before d.
    Integer division is exact here: dates after 0001-01-01 give non-negative day numbers.
    """
    n = f"({date_sql} - {_EPOCH})"
    # MOD(), not %: the statement goes through the driver's %-placeholders.
    return f"(({n} / 7) * 5 + LEAST(MOD({n}, 7), 5) - width_bucket({date_sql} - 1, {holidays_param}::date[]))"
