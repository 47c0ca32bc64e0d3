"""Every write to time logs goes through here: permission checked, validated, atomic.

A time log is one row per person, task and date. A person's time-log writes are serialised on their Person row
(locked first, then the time log), so the per-day total check sees every concurrent write of theirs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from shots.models import Task
from shots.selectors import person_today
from studio import permissions
from studio.models import Person
from studio.services import refuse_unknown_fields, require_free

from .models import TimeLog

MAX_HOURS_PER_DAY = Decimal("24")
HOURS_MESSAGE = "Hours must be more than 0 and at most 24."
TIMELOG_EDITABLE_FIELDS = frozenset({"hours", "comment", "date"})


def hours_text(hours: Decimal) -> str:
    """2.50 -> "2.5", 8.00 -> "8": hours as people write them (never "3E+1")."""
    text = f"{hours:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _clean_hours(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError({"hours": "Give the hours, like 2.5."})
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": "Give the hours as a number, like 2.5."}) from None
    if not hours.is_finite() or not Decimal("0") < hours <= MAX_HOURS_PER_DAY:
        raise ValidationError({"hours": HOURS_MESSAGE})
    return hours


def _lock_person(person: Person) -> None:
    # select_related(None): the manager joins the (nullable) department, which FOR UPDATE refuses.
    list(Person.objects.select_for_update().select_related(None).filter(pk=person.pk).values_list("pk", flat=True))


def _check_date(person: Person, date: dt.date) -> None:
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ValidationError({"date": "Give a date, like 2026-11-02."})
    if date > person_today(person):
        raise ValidationError({"date": "Hours are logged on today or an earlier day, not a future one."})


def _check_day_total(log: TimeLog) -> None:
    """A person's hours on one date, across all their tasks, fit in a day."""
    others = (
        TimeLog.objects.filter(person_id=log.person_id, date=log.date).exclude(pk=log.pk).aggregate(total=Sum("hours"))
    )["total"] or Decimal("0")
    total = others + log.hours
    if total > MAX_HOURS_PER_DAY:
        raise ValidationError(
            {
                "hours": f"That makes {hours_text(total)} h on {log.date:%a %d %b %Y} across all tasks "
                f"({hours_text(others)} h already logged elsewhere); a day has at most 24."
            }
        )


@transaction.atomic
def timelog_upsert(
    *,
    actor: Person,
    task: Task,
    date: dt.date,
    hours: Decimal | str,
    comment: str = "",
    person: Person | None = None,
) -> tuple[TimeLog, bool]:
    """Set the hours `person` (default: the actor) spent on `task` on `date`: one row per person, task and date,
    updated when it exists. Returns (time log, created).

    Who may: the person themselves on their shows' tasks, and the show's production managers and producers for
    anyone (permissions.can_change on the TimeLog).
    """
    person = person or actor
    hours = _clean_hours(hours)
    _check_date(person, date)
    _lock_person(person)
    existing = TimeLog.objects.filter(person=person, task=task, date=date).first()
    log = existing or TimeLog(person=person, task=task, date=date)
    log.task = task  # the rule reads the show through the task the caller loaded
    permissions.require_change(actor, log)
    if person.pk != actor.pk and not permissions.can_view(person, task):
        raise ValidationError({"person": f"{person} is not on this task's show."})
    log.hours = hours
    log.comment = (comment or "").strip()
    _check_day_total(log)
    log.full_clean()
    log.save()
    return log, existing is None


@transaction.atomic
def timelog_update(*, actor: Person, time_log: TimeLog, **changes: Any) -> TimeLog:
    """Change the hours, comment or date of a time log. Moving it onto a date that already has a row for the
    same person and task is refused (change that row instead)."""
    refuse_unknown_fields(changes, TIMELOG_EDITABLE_FIELDS)
    _lock_person(time_log.person)
    locked = TimeLog.objects.select_for_update(of=("self",)).select_related("task__shot", "person").get(pk=time_log.pk)
    permissions.require_change(actor, locked)
    if "hours" in changes:
        locked.hours = _clean_hours(changes["hours"])
    if "comment" in changes:
        locked.comment = (changes["comment"] or "").strip()
    if "date" in changes:
        _check_date(locked.person, changes["date"])
        locked.date = changes["date"]
        require_free(
            TimeLog.objects.filter(person_id=locked.person_id, task_id=locked.task_id, date=locked.date).exclude(
                pk=locked.pk
            ),
            "date",
            f"Hours are already logged on this task on {locked.date:%a %d %b %Y}: change that entry instead.",
        )
    _check_day_total(locked)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def timelog_delete(*, actor: Person, time_log: TimeLog) -> None:
    locked = TimeLog.objects.select_for_update(of=("self",)).select_related("task__shot").get(pk=time_log.pk)
    permissions.require_change(actor, locked)
    locked.delete()
