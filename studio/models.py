"""Studio-wide records: people, departments, shows and who works on which show."""

import datetime
import zoneinfo
from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_\-.]*$",
    "Use letters, digits, '_', '-' or '.', starting with a letter or digit.",
)
currency_validator = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code such as EUR or USD.")
colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #3b82f6.")


class Role(models.TextChoices):
    ARTIST = "artist", "Artist"
    SUPERVISOR = "supervisor", "Supervisor"
    COORDINATOR = "coordinator", "Coordinator"
    PRODUCTION_MANAGER = "production_manager", "Production manager"
    PRODUCER = "producer", "Producer"
    ADMIN = "admin", "Admin"
    CLIENT = "client", "Client"


class Seniority(models.TextChoices):
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid"
    SENIOR = "senior", "Senior"
    LEAD = "lead", "Lead"


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not a known time zone (use a name like Europe/Paris).")


class Department(models.Model):
    name = models.CharField(max_length=80, unique=True)
    code = models.CharField(max_length=16, unique=True, validators=[code_validator])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class PersonManager(UserManager):
    def get_queryset(self):
        return super().get_queryset().select_related("department")


class Person(AbstractUser):
    """Everyone who logs in: staff, freelancers and clients. The studio role decides the home page and
    the default permissions; a show membership may override the role on one show."""

    role = models.CharField(max_length=24, choices=Role.choices, default=Role.ARTIST)
    seniority = models.CharField(max_length=12, choices=Seniority.choices, default=Seniority.MID)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="people")
    is_freelancer = models.BooleanField(default=False)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # Note digests: one message a day at this local time (in `timezone`), unless switched off.
    digest_enabled = models.BooleanField(default=True)
    digest_time = models.TimeField(default=datetime.time(18, 0))

    objects = PersonManager()

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def initials(self) -> str:
        parts = [p for p in (self.first_name, self.last_name) if p]
        return "".join(p[0] for p in parts).upper() or self.username[:2].upper()


class ShowStatus(models.TextChoices):
    BIDDING = "bidding", "Bidding"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    DELIVERED = "delivered", "Delivered"
    ARCHIVED = "archived", "Archived"


class Show(models.Model):
    code = models.CharField(max_length=16, unique=True, validators=[code_validator])
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=12, choices=ShowStatus.choices, default=ShowStatus.ACTIVE)
    fps = models.DecimalField(
        max_digits=6, decimal_places=3, default=Decimal("24"), validators=[MinValueValidator(Decimal("1"))]
    )
    resolution_width = models.PositiveIntegerField(default=1920)
    resolution_height = models.PositiveIntegerField(default=1080)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR", validators=[currency_validator])
    hours_per_day = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("8"), validators=[MinValueValidator(Decimal("0.5"))]
    )
    contract_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    default_head_in = models.PositiveIntegerField(default=1001)
    default_handles = models.PositiveSmallIntegerField(default=8)
    is_series = models.BooleanField(default=False, help_text="Series use episodes above sequences.")
    members = models.ManyToManyField(Person, through="ShowMembership", related_name="shows")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="show_end_after_start",
                violation_error_message="The end date must not be before the start date.",
            ),
            models.CheckConstraint(condition=Q(hours_per_day__gt=0), name="show_hours_per_day_positive"),
            models.CheckConstraint(
                condition=Q(contract_value__isnull=True) | Q(contract_value__gte=0),
                name="show_contract_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def resolution(self) -> str:
        return f"{self.resolution_width}×{self.resolution_height}"


class ShowMembership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        max_length=24,
        choices=Role.choices,
        blank=True,
        default="",
        help_text="Leave blank to use the person's studio role on this show.",
    )

    class Meta:
        ordering = ["show", "person"]
        constraints = [models.UniqueConstraint(fields=["person", "show"], name="membership_unique_person_show")]

    def __str__(self) -> str:
        return f"{self.person} on {self.show.code}"

    @property
    def effective_role(self) -> str:
        return self.role or self.person.role


class ShowSummary(models.Model):
    """Counts the show dashboard reads instead of scanning 40,000 tasks per page view.

    Refreshed by a Celery task; `is_stale` is set in the same transaction as the change that makes it out of
    date, so a beat sweep catches up whatever was missed while the broker was down.
    """

    show = models.OneToOneField(Show, on_delete=models.CASCADE, primary_key=True, related_name="summary")
    shot_count = models.PositiveIntegerField(default=0)
    task_count = models.PositiveIntegerField(default=0)
    tasks_by_status = models.JSONField(default=dict)
    done_task_count = models.PositiveIntegerField(default=0)
    is_stale = models.BooleanField(default=True, db_index=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Summary of {self.show_id}"
