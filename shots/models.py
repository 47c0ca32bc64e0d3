"""The breakdown of a show: episodes, sequences, shots, and the departments' tasks on them."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from studio.dates import validate_planning_date
from studio.models import Department, Show, code_validator, colour_validator

from .workflow import TaskStatus


class BreakdownStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    FINAL = "final", "Final"
    OMITTED = "omitted", "Omitted"


class Episode(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="episodes")
    code = models.CharField(max_length=32, validators=[code_validator])
    name = models.CharField(max_length=120, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["show", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["show", "code"], name="episode_unique_code_per_show")]

    def __str__(self) -> str:
        return self.code


class Sequence(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="sequences")
    episode = models.ForeignKey(Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="sequences")
    code = models.CharField(max_length=32, validators=[code_validator])
    name = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=12, choices=BreakdownStatus.choices, default=BreakdownStatus.ACTIVE)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["show", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["show", "code"], name="sequence_unique_code_per_show")]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.episode_id and self.show_id and self.episode.show_id != self.show_id:
            raise ValidationError({"episode": "The episode belongs to another show."})


class Shot(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="shots")
    sequence = models.ForeignKey(Sequence, on_delete=models.PROTECT, related_name="shots")
    code = models.CharField(max_length=64, validators=[code_validator])
    description = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=BreakdownStatus.choices, default=BreakdownStatus.ACTIVE)
    order = models.PositiveIntegerField(default=0)
    cut_in = models.IntegerField(help_text="First frame in the edit.")
    cut_out = models.IntegerField(help_text="Last frame in the edit (inclusive).")
    head_in = models.IntegerField(help_text="First frame with handles.")
    tail_out = models.IntegerField(help_text="Last frame with handles.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["show", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["show", "code"], name="shot_unique_code_per_show"),
            models.CheckConstraint(
                condition=Q(cut_out__gte=F("cut_in")),
                name="shot_cut_out_not_before_cut_in",
                violation_error_message="Cut out must not be before cut in.",
            ),
            models.CheckConstraint(
                condition=Q(head_in__lte=F("cut_in")) & Q(tail_out__gte=F("cut_out")),
                name="shot_handles_around_cut",
                violation_error_message="Head in must not be after cut in, and tail out not before cut out.",
            ),
        ]
        indexes = [models.Index(fields=["sequence", "order"], name="shot_sequence_order")]

    def __str__(self) -> str:
        return self.code

    @property
    def frame_count(self) -> int:
        return self.cut_out - self.cut_in + 1

    @property
    def frame_count_with_handles(self) -> int:
        return self.tail_out - self.head_in + 1

    def clean(self) -> None:
        errors = {}
        if self.sequence_id and self.show_id and self.sequence.show_id != self.show_id:
            errors["sequence"] = "The sequence belongs to another show."
        if self.cut_in is not None and self.cut_out is not None and self.cut_out < self.cut_in:
            errors["cut_out"] = "Cut out must not be before cut in."
        if self.head_in is not None and self.cut_in is not None and self.head_in > self.cut_in:
            errors["head_in"] = "Head in must not be after cut in."
        if self.tail_out is not None and self.cut_out is not None and self.tail_out < self.cut_out:
            errors["tail_out"] = "Tail out must not be before cut out."
        if errors:
            raise ValidationError(errors)


class TaskType(models.Model):
    """A pipeline step (Animation, Lighting...); belongs to a department."""

    name = models.CharField(max_length=60, unique=True)
    short_name = models.CharField(max_length=8, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="task_types")
    order = models.PositiveSmallIntegerField(default=0)
    colour = models.CharField(max_length=7, default="#64748b", validators=[colour_validator])

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Priority(models.IntegerChoices):
    LOW = 0, "Low"
    NORMAL = 1, "Normal"
    HIGH = 2, "High"
    URGENT = 3, "Urgent"


class Task(models.Model):
    shot = models.ForeignKey(Shot, on_delete=models.CASCADE, related_name="tasks")
    task_type = models.ForeignKey(TaskType, on_delete=models.PROTECT, related_name="tasks")
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_tasks")
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.WAITING)
    bid_days = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    start_date = models.DateField(null=True, blank=True, validators=[validate_planning_date])
    due_date = models.DateField(null=True, blank=True, validators=[validate_planning_date])
    retake_count = models.PositiveIntegerField(default=0)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    # Optimistic locking: every write bumps it; a write carrying an older value is refused.
    row_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shot", "task_type__order"]
        constraints = [
            models.UniqueConstraint(fields=["shot", "task_type"], name="task_unique_type_per_shot"),
            models.CheckConstraint(condition=Q(bid_days__gte=0), name="task_bid_not_negative"),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(start_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="task_due_not_before_start",
                violation_error_message="The due date must not be before the start date.",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="task_status"),
            models.Index(fields=["due_date"], name="task_due_date"),
        ]

    def __str__(self) -> str:
        return f"{self.shot.code} {self.task_type.name}"

    def clean(self) -> None:
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": "The due date must not be before the start date."})


class TaskTemplateItem(models.Model):
    """A task type a show adds to every new shot (the show's task template), with its default bid."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="task_template")
    task_type = models.ForeignKey(TaskType, on_delete=models.CASCADE, related_name="+")
    default_bid_days = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["show", "task_type__order"]
        constraints = [
            models.UniqueConstraint(fields=["show", "task_type"], name="task_template_unique_type_per_show"),
            models.CheckConstraint(condition=Q(default_bid_days__gte=0), name="task_template_bid_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.show_id}: {self.task_type}"


class ActivityVerb(models.TextChoices):
    CREATED = "created", "created"
    CHANGED = "changed", "changed"
    IMPORTED = "imported", "imported from a cut"


class Activity(models.Model):
    """Who changed what on a shot or its tasks, and when: written by the services, read on the shot page."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="+")
    shot = models.ForeignKey(Shot, on_delete=models.CASCADE, related_name="activities")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=12, choices=ActivityVerb.choices)
    # {field: [old, new]} as display strings, so the history survives later renames of choices.
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["shot", "-created_at"], name="activity_shot_recent")]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.actor} {self.verb} {self.task or self.shot}"


class CutImportState(models.TextChoices):
    UPLOADED = "uploaded", "Reading the cut"
    REPORTED = "reported", "Ready to apply"
    APPLYING = "applying", "Applying"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed"


class CutImportKind(models.TextChoices):
    EDL = "edl", "CMX 3600 EDL"
    OTIO = "otio", "OpenTimelineIO"
    CSV = "csv", "CSV"


def _cut_upload_path(job: "CutImportJob", filename: str) -> str:
    return f"cuts/{job.show.code}/{filename}"


class CutImportJob(models.Model):
    """One uploaded cut: its dry-run report, then (once someone applies it) the result and the progress.

    Written by shots.cut_import only. `report` and `result` are CutReport.as_json() of the dry run and of
    what was applied; `progress_done` / `progress_total` count the shots written while it is applying.
    """

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="cut_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    file = models.FileField(upload_to=_cut_upload_path, max_length=255)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=4, choices=CutImportKind.choices)
    pattern = models.CharField(max_length=500, blank=True, help_text="The shot code pattern; blank: the default.")
    omit_only_in_its_sequences = models.BooleanField(
        default=False, help_text="A reel or sequence cut: omit missing shots only in the sequences it contains."
    )
    fps = models.DecimalField(max_digits=6, decimal_places=3)
    state = models.CharField(max_length=10, choices=CutImportState.choices, default=CutImportState.UPLOADED)
    report = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error_message = models.TextField(blank=True)
    error_line = models.PositiveIntegerField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["show", "-created_at"], name="cut_import_show_recent")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"

    @property
    def counts(self) -> dict:
        """The counts of what was applied, else of the dry run ({} while the report is being built)."""
        return (self.result or self.report).get("counts", {})

    @property
    def is_ready_to_apply(self) -> bool:
        """A report without errors that changes something (the apply checks again, under a lock)."""
        counts = self.report.get("counts", {})
        return (
            self.state in (CutImportState.REPORTED, CutImportState.FAILED)
            and bool(counts)
            and not counts["errors"]
            and bool(counts["new"] or counts["changed"] or counts["to_omit"])
        )

    @property
    def badge_class(self) -> str:
        """The state as the pages show it: a report with errors, or with nothing to change, is not "ready"."""
        if self.state == CutImportState.REPORTED:
            counts = self.counts
            if counts.get("errors"):
                return "errors"
            if not (counts.get("new") or counts.get("changed") or counts.get("to_omit")):
                return "nothing"
        return self.state

    @property
    def badge_label(self) -> str:
        labels = {"errors": "Has errors", "nothing": "Nothing to change"}
        return labels.get(self.badge_class) or self.get_state_display()
