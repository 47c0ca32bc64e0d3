"""Time logs, milestones, working days and baselines: what schedule variance is measured from."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from shots.models import Task
from shots.workflow import TaskStatus
from studio.dates import validate_planning_date
from studio.models import Department, Show


class TimeLog(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_logs")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="time_logs")
    date = models.DateField()
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("24"))],
    )
    comment = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "task", "date"], name="timelog_one_row_per_person_task_date"),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24),
                name="timelog_hours_between_0_and_24",
                violation_error_message="Hours must be more than 0 and at most 24.",
            ),
        ]
        indexes = [models.Index(fields=["task", "date"], name="timelog_task_date")]

    def __str__(self) -> str:
        return f"{self.person} {self.date}: {self.hours} h"


class Milestone(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="milestones")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(max_length=120)
    date = models.DateField(validators=[validate_planning_date])

    class Meta:
        ordering = ["date", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%Y-%m-%d})"


class Holiday(models.Model):
    """A day that is not a working day on one show (weekends are never working days)."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(validators=[validate_planning_date])
    name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["show", "date"], name="holiday_unique_date_per_show")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


class StatusWeight(models.Model):
    """Per-show earned-value weight of a task status; a missing row means the workflow default."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="status_weights")
    status = models.CharField(max_length=16, choices=TaskStatus.choices)
    weight = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["show", "status"], name="status_weight_unique_per_show"),
            models.CheckConstraint(condition=Q(weight__gte=0) & Q(weight__lte=1), name="status_weight_between_0_and_1"),
        ]

    def __str__(self) -> str:
        return f"{self.show_id} {self.status}: {self.weight}"


class Baseline(models.Model):
    """A frozen copy of the plan (dates and bids) that variance is measured against."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["show", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["show", "name"], name="baseline_unique_name_per_show"),
            models.UniqueConstraint(fields=["show"], condition=Q(is_active=True), name="baseline_one_active_per_show"),
        ]

    def __str__(self) -> str:
        return self.name


class BaselineTask(models.Model):
    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="baseline_rows")
    bid_days = models.DecimalField(max_digits=6, decimal_places=2)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["baseline", "task"], name="baseline_task_unique"),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(start_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="baseline_task_due_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.baseline}: {self.task_id}"


class EarnedValueState(models.Model):
    """Whether a show's earned-value snapshot of today is out of date, and the bookkeeping of its recomputes.

    Like studio.ShowSummary: `is_stale` is set in the same transaction as the change that makes the figures out of
    date (schedules.services.ev_mark_stale), so a beat sweep finds it again if the broker lost the message.
    `generation` counts the marks; `stale_generation` is the mark that turned the flag on: a mark that finds the
    flag already on enqueues nothing (debounce), and a recompute clears the flag only if no mark came in while it
    computed. `recompute_count` counts the recomputes that ran (what the debounce tests count).
    """

    show = models.OneToOneField(Show, on_delete=models.CASCADE, primary_key=True, related_name="earned_value_state")
    is_stale = models.BooleanField(default=False, db_index=True)
    generation = models.PositiveBigIntegerField(default=0)
    stale_generation = models.PositiveBigIntegerField(default=0)
    stale_since = models.DateTimeField(null=True, blank=True)
    recompute_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Earned value of {self.show_id}{' (stale)' if self.is_stale else ''}"


def _days_field(**kwargs) -> models.DecimalField:
    # Days to 10 decimal places: a planned value is B x (working days so far / working days planned), rounded
    # half-up per task at 1e-10 (schedules.earned_value), so 40,000 tasks add up to within a millionth of a day.
    return models.DecimalField(max_digits=22, decimal_places=10, **kwargs)


class EarnedValueSnapshot(models.Model):
    """A show's (department null) or one department's earned-value figures as of the end of `date`: the daily
    history that trends are drawn from. Written by schedules.services.ev_recompute only; figures in days."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="earned_value_snapshots")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="earned_value_snapshots"
    )
    date = models.DateField()
    bid_days = _days_field()
    pv = _days_field()
    ev = _days_field()
    ac_days = _days_field()
    sv = _days_field()
    spi = _days_field(null=True, blank=True)  # None when PV is 0 (shown as "—")
    forecast_finish = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["show", "date", "department"]
        constraints = [
            # One row per show, department and day; the whole show's row (department null) needs its own rule,
            # since NULLs never collide in a unique index.
            models.UniqueConstraint(
                fields=["show", "department", "date"],
                condition=Q(department__isnull=False),
                name="ev_snapshot_unique_department_day",
            ),
            models.UniqueConstraint(
                fields=["show", "date"], condition=Q(department__isnull=True), name="ev_snapshot_unique_show_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.show_id} {self.department_id or 'show'} {self.date:%Y-%m-%d}"


# --- People's availability: days off and part time (capacity in the load view) -------------------------------


class DayOffKind(models.TextChoices):
    VACATION = "vacation", "Vacation"
    SICK = "sick", "Sick leave"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class DayOff(models.Model):
    """Days a person does not work, both ends inclusive (on top of weekends and the show's holidays)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="days_off")
    start_date = models.DateField()
    end_date = models.DateField()
    kind = models.CharField(max_length=12, choices=DayOffKind.choices, default=DayOffKind.VACATION)
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="day_off_end_not_before_start",
                violation_error_message="The last day off must not be before the first.",
            ),
        ]
        indexes = [models.Index(fields=["person", "start_date"], name="day_off_person_start")]

    def __str__(self) -> str:
        return f"{self.person} off {self.start_date:%Y-%m-%d}–{self.end_date:%Y-%m-%d}"


class PartTime(models.Model):
    """A person working part of each working day from `effective_from` (to `effective_to`, inclusive, or on):
    capacity per working day = `fraction` (0.6 = three days' work a week). No row in force means full time."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="part_time")
    fraction = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1"))],
        help_text="Share of a full working day, e.g. 0.60 for three days a week.",
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["person", "effective_from"], name="part_time_unique_start"),
            models.CheckConstraint(
                condition=Q(fraction__gt=0) & Q(fraction__lte=1), name="part_time_fraction_between_0_and_1"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="part_time_effective_dates_in_order",
                violation_error_message="The end of the period must not be before its start.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.fraction} from {self.effective_from:%Y-%m-%d}"


# --- Timesheets: weeks producers lock --------------------------------------------------------------------------


class TimesheetLock(models.Model):
    """A show's week (Monday `week_start` to Sunday) whose time logs nobody may add, change or delete."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="timesheet_locks")
    week_start = models.DateField(help_text="The Monday the locked week starts on.")
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    locked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["show", "-week_start"]
        constraints = [models.UniqueConstraint(fields=["show", "week_start"], name="timesheet_lock_unique_week")]

    def __str__(self) -> str:
        return f"{self.show_id} week of {self.week_start:%Y-%m-%d} locked"


# --- Calendar feeds (ICS): private, revocable token URLs --------------------------------------------------------


class CalendarFeedKind(models.TextChoices):
    MY_TASKS = "my_tasks", "My due tasks"
    SHOW_MILESTONES = "show_milestones", "A show's milestones"


class CalendarFeed(models.Model):
    """A secret URL a calendar app subscribes to. Whoever holds the token reads the feed as `person` would; the
    person revokes it (revoked_at) and makes a new one."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    kind = models.CharField(max_length=16, choices=CalendarFeedKind.choices)
    show = models.ForeignKey(Show, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["person", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="my_tasks", show__isnull=True) | Q(kind="show_milestones", show__isnull=False),
                name="calendar_feed_show_for_kind",
                violation_error_message="A milestone feed names its show; a task feed does not.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()}"
