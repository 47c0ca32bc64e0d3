"""Every write to time logs goes through here: permission checked, validated, atomic.

A time log is one row per person, task and date. A person's time-log writes are serialised on their Person row
(locked first, then the time log), so the per-day total check sees every concurrent write of theirs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from shots.models import Task
from shots.selectors import person_today
from studio import permissions
from studio.dates import PLANNING_DATE_MESSAGE, is_planning_date
from studio.models import Person, Show, ShowStatus
from studio.services import enqueue_on_commit, refuse_unknown_fields, require_free

from . import timesheets  # a module import: timesheets imports this module too
from .models import EarnedValueSnapshot, EarnedValueState, TimeLog

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
    if hours != hours.quantize(Decimal("0.01")):
        # Before full_clean: 0.123456 would be told about "4 digits in total" (max_digits) rather than decimals.
        raise ValidationError({"hours": "Ensure that there are no more than 2 decimal places."})
    return hours


def _lock_person(person: Person) -> None:
    # select_related(None): the manager joins the (nullable) department, which FOR UPDATE refuses.
    list(Person.objects.select_for_update().select_related(None).filter(pk=person.pk).values_list("pk", flat=True))


def _check_date(person: Person, date: dt.date) -> None:
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ValidationError({"date": "Give a date, like 2026-11-02."})
    if not is_planning_date(date):
        raise ValidationError({"date": PLANNING_DATE_MESSAGE})
    if date > person_today(person):
        raise ValidationError({"date": "Hours are logged on today or an earlier day, not a future one."})


def _check_day_total(log: TimeLog, actor: Person) -> None:
    """A person's hours on one date, across all their tasks, fit in a day. Someone logging for another person
    (a production manager) is not told how many hours that person logged elsewhere: those may be on other shows."""
    others = (
        TimeLog.objects.filter(person_id=log.person_id, date=log.date).exclude(pk=log.pk).aggregate(total=Sum("hours"))
    )["total"] or Decimal("0")
    total = others + log.hours
    if total <= MAX_HOURS_PER_DAY:
        return
    if actor.pk != log.person_id:
        message = f"That makes more than 24 h on {log.date:%a %d %b %Y} for {log.person} across all their tasks."
    else:
        message = (
            f"That makes {hours_text(total)} h on {log.date:%a %d %b %Y} across all tasks "
            f"({hours_text(others)} h already logged elsewhere); a day has at most 24."
        )
    raise ValidationError({"hours": message})


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
    timesheets.require_weeks_open(show_id=task.shot.show_id, dates=[date])
    log.hours = hours
    log.comment = (comment or "").strip()
    _check_day_total(log, actor)
    log.full_clean()
    log.save()
    ev_mark_stale(show_id=task.shot.show_id)
    return log, existing is None


@transaction.atomic
def timelog_update(*, actor: Person, time_log: TimeLog, **changes: Any) -> TimeLog:
    """Change the hours, comment or date of a time log. Moving it onto a date that already has a row for the
    same person and task is refused (change that row instead)."""
    refuse_unknown_fields(changes, TIMELOG_EDITABLE_FIELDS)
    _lock_person(time_log.person)
    locked = TimeLog.objects.select_for_update(of=("self",)).select_related("task__shot", "person").get(pk=time_log.pk)
    permissions.require_change(actor, locked)
    # Neither the week it leaves nor the week it moves to may be locked.
    moved_to = [changes["date"]] if isinstance(changes.get("date"), dt.date) else []
    timesheets.require_weeks_open(show_id=locked.task.shot.show_id, dates=[locked.date, *moved_to])
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
    _check_day_total(locked, actor)
    locked.full_clean()
    locked.save()
    ev_mark_stale(show_id=locked.task.shot.show_id)
    return locked


@transaction.atomic
def timelog_delete(*, actor: Person, time_log: TimeLog) -> None:
    locked = TimeLog.objects.select_for_update(of=("self",)).select_related("task__shot").get(pk=time_log.pk)
    permissions.require_change(actor, locked)
    timesheets.require_weeks_open(show_id=locked.task.shot.show_id, dates=[locked.date])
    locked.delete()
    ev_mark_stale(show_id=locked.task.shot.show_id)


# --- Earned value: the stale flag, its debounced recompute, and the daily snapshots ---------------------------

EV_DEBOUNCE_SECONDS = 10  # settings.SLATE_EV_DEBOUNCE_SECONDS overrides
EV_SWEEP_GRACE_SECONDS = 60  # the beat sweep leaves a show alone this long after it went stale (its task is due)


def ev_debounce_seconds() -> int:
    return int(getattr(settings, "SLATE_EV_DEBOUNCE_SECONDS", EV_DEBOUNCE_SECONDS))


# Lock order, on every path: the show's row (if the path locks it at all), then its EarnedValueState row. Writers
# that lock the show (baselines, cut import, budgets) mark it stale after; ev_mark_stale and ev_recompute take the
# show's row first too (FOR KEY SHARE: the weakest lock, the one an INSERT referencing the show takes anyway), so
# a recompute never holds the state row while it waits for a show a writer has locked, and that writer for it.


def _show_key_share_sql() -> str:
    table = connection.ops.quote_name(Show._meta.db_table)
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""  # SQLite serialises every write anyway
    return f"SELECT id FROM {table} WHERE id = %s{lock}"


def _lock_show_key_share(show_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_show_key_share_sql(), [show_id])


def ev_mark_stale(*, show_id: int) -> None:
    """Mark a show's earned value out of date, in the caller's transaction; ask for one recompute after commit.

    One statement: an upsert of the show's EarnedValueState that bumps `generation` and sets the flag (the show's
    row locked first, in the same statement: see the lock order above). Only the mark that turns the flag on
    (stale_generation == the new generation) enqueues the recompute, with a countdown: every other edit of the burst
    finds the flag on and enqueues nothing, so a burst of edits — in one transaction or in many, until the countdown
    ends — leads to one recompute. The row stays locked until the caller commits, so a recompute starting meanwhile
    waits for this edit to be visible (ev_recompute).
    """
    from .tasks import recompute_earned_value

    table = connection.ops.quote_name(EarnedValueState._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH locked_show AS ({_show_key_share_sql()})
            INSERT INTO {table} (show_id, is_stale, generation, stale_generation, stale_since, recompute_count)
            SELECT id, TRUE, 1, 1, %s, 0 FROM locked_show WHERE TRUE
            ON CONFLICT (show_id) DO UPDATE SET
                generation = {table}.generation + 1,
                stale_generation = CASE WHEN {table}.is_stale THEN {table}.stale_generation
                                        ELSE {table}.generation + 1 END,
                stale_since = CASE WHEN {table}.is_stale THEN {table}.stale_since ELSE EXCLUDED.stale_since END,
                is_stale = TRUE
            RETURNING generation, stale_generation
            """,
            [show_id, now],
        )
        row = cursor.fetchone()
    if row is None:
        return  # the show is gone
    generation, stale_generation = row
    if generation == stale_generation:
        enqueue_on_commit(recompute_earned_value.s().set(countdown=ev_debounce_seconds()), show_id)


def ev_recompute(*, show_id: int, as_of: dt.date | None = None, only_if_stale: bool = False) -> EarnedValueState | None:
    """Compute the show's earned value as of `as_of` (default today) and store it: one EarnedValueSnapshot for the
    show and one per department with tasks, replacing that day's rows (idempotent). Returns the show's state, or
    None when the show no longer exists.

    The figures come from schedules.earned_value in one statement (PostgreSQL). Today's run also clears the stale
    flag, unless an edit marked the show again while it computed: then the flag stays and, if that edit found the
    flag already on (so enqueued nothing), another recompute is enqueued. `only_if_stale` makes the run a no-op
    when someone (the beat sweep) already caught up.
    """
    from . import earned_value
    from .tasks import recompute_earned_value

    today = timezone.localdate()
    as_of = as_of or today
    show = Show.objects.filter(pk=show_id).first()
    if show is None:
        return None
    # 1. Take the state row's lock (after the show's: the lock order above), so edits that marked the show and have
    #    not committed yet commit first; note how far the marks have gone.
    with transaction.atomic():
        _lock_show_key_share(show_id)
        state, _ = EarnedValueState.objects.select_for_update().get_or_create(show_id=show_id)
        if only_if_stale and not state.is_stale:
            return state
        seen_generation = state.generation
    # 2. The figures, without holding any lock.
    figures = earned_value.rollups(show, as_of, ("department", "show"))
    # 3. Replace the day's rows and settle the flag.
    computed_at = timezone.now()
    with transaction.atomic():
        _lock_show_key_share(show_id)  # the snapshots' INSERT needs it: take it before the state row
        state = EarnedValueState.objects.select_for_update().get(show_id=show_id)
        EarnedValueSnapshot.objects.filter(show_id=show_id, date=as_of).delete()
        EarnedValueSnapshot.objects.bulk_create(
            EarnedValueSnapshot(
                show_id=show_id,
                department_id=row.key if row.by == "department" else None,
                date=as_of,
                bid_days=row.bid_days,
                pv=row.pv,
                ev=row.ev,
                ac_days=row.ac_days,
                sv=row.sv,
                spi=row.spi,
                forecast_finish=row.forecast_finish,
                computed_at=computed_at,
            )
            for row in [*figures["show"], *figures["department"]]
        )
        state.recompute_count += 1
        state.computed_at = computed_at
        if as_of == today and state.is_stale:
            if state.generation == seen_generation:
                state.is_stale = False
                state.stale_since = None
            elif state.stale_generation <= seen_generation:
                # Marked again while we computed, by edits that found the flag on: nobody else will ask.
                enqueue_on_commit(recompute_earned_value.s().set(countdown=ev_debounce_seconds()), show_id)
        state.save(update_fields=["is_stale", "stale_since", "recompute_count", "computed_at"])
    return state


def ev_recompute_stale(*, grace_seconds: int = EV_SWEEP_GRACE_SECONDS) -> list[int]:
    """The beat sweep: recompute every show stale for longer than `grace_seconds` (its message was lost, e.g.
    Redis was down). Returns the shows recomputed."""
    cutoff = timezone.now() - dt.timedelta(seconds=grace_seconds)
    show_ids = list(
        EarnedValueState.objects.filter(is_stale=True, stale_since__lte=cutoff)
        .order_by("show_id")
        .values_list("show_id", flat=True)
    )
    for show_id in show_ids:
        ev_recompute(show_id=show_id, only_if_stale=True)
    return show_ids


def ev_snapshot_active_shows(*, today: dt.date | None = None) -> list[int]:
    """The nightly run: for every active show, the final figures of yesterday and the first of today."""
    today = today or timezone.localdate()
    show_ids = list(Show.objects.filter(status=ShowStatus.ACTIVE).order_by("pk").values_list("pk", flat=True))
    for show_id in show_ids:
        ev_recompute(show_id=show_id, as_of=today - dt.timedelta(days=1))
        ev_recompute(show_id=show_id, as_of=today)
    return show_ids
