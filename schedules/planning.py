"""Planning writes: milestones, a show's working days (holidays) and status weights, people's availability.

Every write: keyword-only arguments, one transaction, permission asked of studio.permissions, validated with a
message naming the field. Holidays and status weights change planned and earned value, so they mark the show's
earned value stale in the same transaction (schedules.services.ev_mark_stale).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from shots.workflow import WORKFLOW, TaskStatus
from studio import permissions
from studio.models import Department, Person, Show
from studio.services import refuse_unknown_fields, require_free, unique_or_field_error

from .models import DayOff, DayOffKind, Holiday, Milestone, PartTime, StatusWeight
from .services import ev_mark_stale

MILESTONE_EDITABLE_FIELDS = frozenset({"name", "date", "department"})
WEIGHTED_STATUSES = tuple(status for status in WORKFLOW if status != TaskStatus.OMITTED)


# --- Small checks ------------------------------------------------------------------------------------------------


def _check_date(value: Any, field: str, *, required: bool = True) -> dt.date | None:
    if value is None and not required:
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({field: "Give a date, like 2026-11-02."})
    return value


def _check_name(value: Any, field: str = "name", *, required: bool = True, max_length: int = 120) -> str:
    text = (value if isinstance(value, str) else "").strip()
    if value is not None and not isinstance(value, str):
        raise ValidationError({field: "Give a name as text."})
    if required and not text:
        raise ValidationError({field: "Give a name."})
    if len(text) > max_length:
        raise ValidationError({field: f"At most {max_length} characters."})
    return text


def _check_department(value: Any) -> Department | None:
    if value is not None and not isinstance(value, Department):
        raise ValidationError({"department": "Choose a department, or none for the whole show."})
    return value


def _lock_person(person: Person) -> None:
    # Serialises a person's availability writes, so the overlap checks see every concurrent write of theirs.
    # select_related(None): the manager joins the (nullable) department, which FOR UPDATE refuses.
    list(Person.objects.select_for_update().select_related(None).filter(pk=person.pk).values_list("pk", flat=True))


def _period(start: dt.date, end: dt.date | None) -> str:
    if end is None:
        return f"from {start:%a %d %b %Y} on"
    if end == start:
        return f"on {start:%a %d %b %Y}"
    return f"from {start:%a %d %b %Y} to {end:%a %d %b %Y}"


# --- Milestones --------------------------------------------------------------------------------------------------


@transaction.atomic
def milestone_create(*, actor: Person, show: Show, name: str, date: dt.date, department=None) -> Milestone:
    """A dated show deadline (department None) or one department's deadline on the show."""
    milestone = Milestone(show=show)
    permissions.require_change(actor, milestone)
    milestone.name = _check_name(name)
    milestone.date = _check_date(date, "date")
    milestone.department = _check_department(department)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(*, actor: Person, milestone: Milestone, **changes: Any) -> Milestone:
    """Change a milestone's name, date or department (None: the whole show)."""
    refuse_unknown_fields(changes, MILESTONE_EDITABLE_FIELDS)
    locked = Milestone.objects.select_for_update(of=("self",)).select_related("show", "department").get(pk=milestone.pk)
    permissions.require_change(actor, locked)
    if "name" in changes:
        locked.name = _check_name(changes["name"])
    if "date" in changes:
        locked.date = _check_date(changes["date"], "date")
    if "department" in changes:
        locked.department = _check_department(changes["department"])
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def milestone_delete(*, actor: Person, milestone: Milestone) -> None:
    locked = Milestone.objects.select_for_update().filter(pk=milestone.pk).first()
    if locked is None:
        return  # already gone: deleting twice is no error
    permissions.require_change(actor, locked)
    locked.delete()


# --- Working days: holidays and status weights (both change the show's earned value) ---------------------------


@transaction.atomic
def holiday_add(*, actor: Person, show: Show, date: dt.date, name: str = "") -> Holiday:
    """A day that is not a working day on the show (planned value spreads over one working day fewer)."""
    holiday = Holiday(show=show)
    permissions.require_change(actor, holiday)
    holiday.date = _check_date(date, "date")
    holiday.name = _check_name(name, required=False)
    taken = f"{holiday.date:%a %d %b %Y} is already a holiday on {show.code}."
    require_free(Holiday.objects.filter(show=show, date=holiday.date), "date", taken)
    holiday.full_clean()
    with unique_or_field_error("holiday_unique_date_per_show", "date", taken):  # the same day, added at once
        holiday.save()
    ev_mark_stale(show_id=show.pk)
    return holiday


@transaction.atomic
def holiday_remove(*, actor: Person, holiday: Holiday) -> None:
    locked = Holiday.objects.select_for_update().filter(pk=holiday.pk).first()
    if locked is None:
        return
    permissions.require_change(actor, locked)
    locked.delete()
    ev_mark_stale(show_id=locked.show_id)


def clean_weight(value: Any, field: str) -> Decimal:
    """A status weight: a number from 0 to 1 with at most three decimals (0.25, 0.333)."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: "Give a weight from 0 to 1, like 0.25."})
    try:
        weight = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "Give the weight as a number from 0 to 1, like 0.25."}) from None
    if not weight.is_finite() or not Decimal("0") <= weight <= Decimal("1"):
        raise ValidationError({field: "A weight is from 0 (no credit) to 1 (the whole bid)."})
    if weight.as_tuple().exponent < -3 and weight != weight.quantize(Decimal("0.001")):
        raise ValidationError({field: "At most three decimals, like 0.333."})
    return weight.quantize(Decimal("0.001"))


@transaction.atomic
def status_weight_set(*, actor: Person, show: Show, weights: dict[str, Decimal]) -> None:
    """Set the earned-value weight of the given statuses on the show (others keep theirs).

    A weight equal to the workflow default is stored as no row, so the table holds only what differs from the
    defaults. Omitted tasks are left out of every figure: the omitted status has no weight to set.
    """
    permissions.require_change(actor, StatusWeight(show=show))
    if not isinstance(weights, dict):
        raise ValidationError({"weights": "Give a weight per status."})
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Decimal] = {}
    for status, value in weights.items():
        if status == TaskStatus.OMITTED:
            errors[status] = ["Omitted tasks are left out of every figure: they have no weight."]
        elif status not in WEIGHTED_STATUSES:
            errors[str(status)] = ["Not a task status."]
        else:
            try:
                cleaned[status] = clean_weight(value, status)
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    # The show's row serialises weight writes: the rows read here are all there is (a status without a row yet
    # would otherwise be inserted twice by two planners at once). Show, then earned-value state: the lock order.
    list(Show.objects.select_for_update(no_key=True).filter(pk=show.pk).values_list("pk", flat=True))
    existing = {row.status: row for row in StatusWeight.objects.filter(show=show)}
    changed = False
    for status, weight in cleaned.items():
        row = existing.get(status)
        if weight == WORKFLOW[status].default_weight:
            if row is not None:
                row.delete()
                changed = True
        elif row is None:
            StatusWeight.objects.create(show=show, status=status, weight=weight)
            changed = True
        elif row.weight != weight:
            row.weight = weight
            row.save(update_fields=["weight"])
            changed = True
    if changed:
        ev_mark_stale(show_id=show.pk)


def status_weight_table(show: Show) -> list[dict]:
    """Each weighted status with its weight on the show and the workflow default (one query)."""
    custom = dict(StatusWeight.objects.filter(show=show).values_list("status", "weight"))
    labels = dict(TaskStatus.choices)
    return [
        {
            "status": status,
            "label": labels[status],
            "weight": custom.get(status, WORKFLOW[status].default_weight),
            "default": WORKFLOW[status].default_weight,
            "is_custom": status in custom,
        }
        for status in WEIGHTED_STATUSES
    ]


# --- People's availability: days off and part time -----------------------------------------------------------


@transaction.atomic
def day_off_create(
    *, actor: Person, person: Person, start_date: dt.date, end_date: dt.date, kind: str, note: str = ""
) -> DayOff:
    """Days `person` does not work, both ends inclusive. A period overlapping one they already have is refused."""
    day_off = DayOff(person=person)
    permissions.require_change(actor, day_off)
    day_off.start_date = _check_date(start_date, "start_date")
    day_off.end_date = _check_date(end_date, "end_date")
    if day_off.end_date < day_off.start_date:
        raise ValidationError({"end_date": "The last day off must not be before the first."})
    if kind not in DayOffKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(DayOffKind.labels)}."})
    day_off.kind = kind
    day_off.note = _check_name(note, "note", required=False, max_length=255)
    _lock_person(person)
    overlapping = (
        DayOff.objects.filter(person=person, start_date__lte=day_off.end_date, end_date__gte=day_off.start_date)
        .order_by("start_date")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {
                "start_date": f"{person} is already off {_period(overlapping.start_date, overlapping.end_date)}: "
                "remove that period first or choose other days."
            }
        )
    day_off.full_clean()
    day_off.save()
    return day_off


@transaction.atomic
def day_off_delete(*, actor: Person, day_off: DayOff) -> None:
    locked = DayOff.objects.select_for_update().select_related("person").filter(pk=day_off.pk).first()
    if locked is None:
        return
    permissions.require_change(actor, locked)
    locked.delete()


def clean_fraction(value: Any, field: str = "fraction") -> Decimal:
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: "Give the share of a full day, like 0.6."})
    try:
        fraction = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "Give the share of a full day as a number, like 0.6."}) from None
    if not fraction.is_finite() or not Decimal("0.05") <= fraction <= Decimal("1"):
        raise ValidationError({field: "A share of a full day is from 0.05 to 1 (full time)."})
    if fraction != fraction.quantize(Decimal("0.01")):
        raise ValidationError({field: "At most two decimals, like 0.6 or 0.75."})
    return fraction.quantize(Decimal("0.01"))


@transaction.atomic
def part_time_set(
    *, actor: Person, person: Person, fraction: Decimal, effective_from: dt.date, effective_to: dt.date | None = None
) -> PartTime:
    """`person` works `fraction` of each working day from `effective_from` (to `effective_to`, or on).

    A period that starts on the same day as one of the person's periods replaces it; one that overlaps another
    period is refused (end that one first).
    """
    permissions.require_change(actor, PartTime(person=person))
    fraction = clean_fraction(fraction)
    effective_from = _check_date(effective_from, "effective_from")
    effective_to = _check_date(effective_to, "effective_to", required=False)
    if effective_to is not None and effective_to < effective_from:
        raise ValidationError({"effective_to": "The end of the period must not be before its start."})
    _lock_person(person)
    part_time = PartTime.objects.filter(person=person, effective_from=effective_from).first() or PartTime(
        person=person, effective_from=effective_from
    )
    others = PartTime.objects.filter(person=person).exclude(pk=part_time.pk)
    others = others.filter(effective_from__lte=effective_to) if effective_to is not None else others
    overlapping = others.exclude(effective_to__lt=effective_from).order_by("effective_from").first()
    if overlapping is not None:
        raise ValidationError(
            {
                "effective_from": f"{person} already works part time "
                f"{_period(overlapping.effective_from, overlapping.effective_to)} "
                f"(at {overlapping.fraction}): end that period first or choose other dates."
            }
        )
    part_time.fraction = fraction
    part_time.effective_to = effective_to
    part_time.full_clean()
    part_time.save()
    return part_time


@transaction.atomic
def part_time_delete(*, actor: Person, part_time: PartTime) -> None:
    locked = PartTime.objects.select_for_update().select_related("person").filter(pk=part_time.pk).first()
    if locked is None:
        return
    permissions.require_change(actor, locked)
    locked.delete()


# --- Demo data ---------------------------------------------------------------------------------------------------


def seed_planning_demo(show: Show, people: dict, today: dt.date) -> None:
    """A few days off and one part-time artist for `make run`; idempotent (skips what exists).

    `people` is studio.demo.ensure_demo_people's dict (keys are usernames: "artist", "artist2", "artist3"...).
    Written directly, like the rest of the demo data (there is no actor). No holidays: the demo show already has
    its public holidays, and days off and part time change capacity only, never the earned-value figures. `show`
    is the demo show (unused today; kept so show-level planning data can join without a signature change).
    """
    monday = today - dt.timedelta(days=today.weekday())
    wanted_days_off = [
        ("artist", monday + dt.timedelta(days=14), monday + dt.timedelta(days=18), DayOffKind.VACATION, "Summer week"),
        (
            "artist2",
            monday + dt.timedelta(days=3),
            monday + dt.timedelta(days=3),
            DayOffKind.TRAINING,
            "Houdini course",
        ),
        ("artist3", monday + dt.timedelta(days=21), monday + dt.timedelta(days=22), DayOffKind.VACATION, ""),
        ("light.sup", monday - dt.timedelta(days=5), monday - dt.timedelta(days=4), DayOffKind.SICK, ""),
    ]
    for username, start, end, kind, note in wanted_days_off:
        person = people.get(username)
        if person is not None and not DayOff.objects.filter(person=person, start_date=start).exists():
            DayOff.objects.create(person=person, start_date=start, end_date=end, kind=kind, note=note)
    part_timer = people.get("artist5")
    if part_timer is not None and not PartTime.objects.filter(person=part_timer).exists():
        PartTime.objects.create(
            person=part_timer, fraction=Decimal("0.60"), effective_from=monday - dt.timedelta(days=28)
        )
