"""Rate cards, budgets and expenses: the most sensitive data Slate holds (producers and admins only)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from studio.models import Department, Role, Seniority, Show, currency_validator

NOT_NEGATIVE = [MinValueValidator(0)]


def _dates_in_order(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
        name=f"{prefix}_effective_dates_in_order",
        violation_error_message="The end of the effective period must not be before its start.",
    )


class RateCard(models.Model):
    """Studio day rate for a role and seniority, in force from `effective_from` to `effective_to`."""

    role = models.CharField(max_length=24, choices=Role.choices)
    seniority = models.CharField(max_length=12, choices=Seniority.choices)
    day_rate = models.DecimalField(max_digits=10, decimal_places=2, validators=NOT_NEGATIVE)
    currency = models.CharField(max_length=3, default="EUR", validators=[currency_validator])
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role", "seniority", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "seniority", "currency", "effective_from"], name="rate_card_unique_start"
            ),
            models.CheckConstraint(condition=Q(day_rate__gte=0), name="rate_card_day_rate_not_negative"),
            _dates_in_order("rate_card"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.get_seniority_display()} from {self.effective_from}"


class PersonRateKind(models.TextChoices):
    OVERRIDE = "override", "Personal day rate"
    CONTRACT_DAY = "contract_day", "Freelance contract, day rate"
    CONTRACT_FIXED = "contract_fixed", "Freelance contract, fixed fee"


class PersonRate(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rates")
    kind = models.CharField(max_length=16, choices=PersonRateKind.choices, default=PersonRateKind.OVERRIDE)
    day_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE)
    fixed_fee = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE)
    currency = models.CharField(max_length=3, default="EUR", validators=[currency_validator])
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(day_rate__isnull=True) | Q(day_rate__gte=0))
                & (Q(fixed_fee__isnull=True) | Q(fixed_fee__gte=0)),
                name="person_rate_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(kind="contract_fixed", fixed_fee__isnull=False)
                | (~Q(kind="contract_fixed") & Q(day_rate__isnull=False)),
                name="person_rate_has_amount_for_kind",
                violation_error_message="A fixed-fee contract needs a fee; other rates need a day rate.",
            ),
            _dates_in_order("person_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} from {self.effective_from}"


class Budget(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="budgets")
    revision = models.PositiveIntegerField()
    name = models.CharField(max_length=60, help_text="e.g. 'bid v2'")
    is_locked = models.BooleanField(default=False, help_text="The locked revision is the approved budget.")
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text="The revision it started as a copy of.",
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["show", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["show", "revision"], name="budget_unique_revision_per_show"),
            models.UniqueConstraint(fields=["show"], condition=Q(is_locked=True), name="budget_one_locked_per_show"),
        ]

    def __str__(self) -> str:
        return f"{self.show.code} {self.name}"


class BudgetLine(models.Model):
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="budget_lines")
    days = models.DecimalField(max_digits=8, decimal_places=2, validators=NOT_NEGATIVE)
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)

    class Meta:
        ordering = ["budget", "department__order"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "department"], name="budget_line_unique_department"),
            models.CheckConstraint(condition=Q(days__gte=0) & Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.budget}: {self.department}"


class ExpenseKind(models.TextChoices):
    FREELANCE = "freelance", "Freelance"
    HARDWARE = "hardware", "Hardware"
    SOFTWARE = "software", "Software"
    OTHER = "other", "Other"


class Expense(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="expenses")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="expenses")
    supplier = models.CharField(max_length=120)
    description = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=12, choices=ExpenseKind.choices, default=ExpenseKind.OTHER)
    amount = models.DecimalField(max_digits=12, decimal_places=2, validators=NOT_NEGATIVE)
    date = models.DateField()
    reference = models.CharField(
        max_length=64, blank=True, help_text="Invoice or PO number; a CSV import skips a reference already entered."
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The freelancer an invoice is from, if any.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="expense_amount_not_negative"),
            # A reference (invoice, PO) is entered once per show; many expenses have none.
            models.UniqueConstraint(
                fields=["show", "reference"], condition=~Q(reference=""), name="expense_unique_reference_per_show"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} {self.amount} on {self.date}"


class ProductionSnapshot(models.Model):
    """A show's (department null) or one department's money and production figures as of the end of `date`: the
    daily history the producer dashboard's trends are drawn from. Written by budgets services only.

    Amounts are in the show's currency, unrounded (rounded once at display); ratios are None when undefined."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="production_snapshots")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="production_snapshots"
    )
    date = models.DateField()
    bac = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    pv = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    ev = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    ac = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    cpi = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    eac = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    spi = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    sv_days = models.DecimalField(max_digits=22, decimal_places=10, null=True, blank=True)
    first_pass_approval_rate = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    client_retakes_per_shot = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    roi_forecast = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    roi_to_date = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    approved_frames_per_artist_day = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["show", "date", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["show", "department", "date"],
                condition=Q(department__isnull=False),
                name="production_snapshot_unique_department_day",
            ),
            models.UniqueConstraint(
                fields=["show", "date"],
                condition=Q(department__isnull=True),
                name="production_snapshot_unique_show_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.show_id} {self.department_id or 'show'} {self.date:%Y-%m-%d}"
