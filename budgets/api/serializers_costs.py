"""Input and output serializers for rate cards, personal rates, expenses and cost figures.

Amounts are strings: stored amounts as they are ("1234.50"), computed figures rounded half-up to the currency's
minor unit by budgets.money (the one formatter). An input amount is a string or a number; budgets.services reads it
(a dot or a comma as the decimal separator) and names the field when it is wrong."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from budgets.models import ExpenseKind, PersonRateKind
from budgets.money import money_plain
from shots.api.serializers import DepartmentRefSerializer
from studio.api.serializers import IdRelatedField, InputSerializer, PersonRefSerializer
from studio.dates import PlanningDateSerializerField
from studio.models import Department, Person, Role, Seniority

RATIO_QUANTUM = Decimal("1e-10")


class AmountInputField(serializers.CharField):
    """An amount as text ("1234.50", "1234,50"): checked by budgets.services.parse_amount."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (str, int, Decimal)):
            raise serializers.ValidationError('Give the amount as a string, like "1234.50".')
        return super().to_internal_value(str(data))


@extend_schema_field(OpenApiTypes.STR)
class MoneyField(serializers.Field):
    """A computed amount, rounded half-up to the show's currency's minor unit ("7725.13"); null when undefined."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return money_plain(value, self.context["currency"])


@extend_schema_field(OpenApiTypes.STR)
class RatioField(serializers.Field):
    """A ratio or a number of days, half-up to 1e-10, as a string ("1.5533722783"); null when undefined."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return f"{Decimal(value).quantize(RATIO_QUANTUM, rounding=ROUND_HALF_UP):f}"


# The kinds stay inline in the schema (the enum under allOf, where drf-spectacular does not lift it into a component
# named after the field): several records have a "kind" with other choices, and the components would collide.
@extend_schema_field({"type": "string", "allOf": [{"enum": PersonRateKind.values}]})
class PersonRateKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=PersonRateKind.choices, **kwargs)


@extend_schema_field({"type": "string", "allOf": [{"enum": ExpenseKind.values}]})
class ExpenseKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ExpenseKind.choices, **kwargs)


# --- Rate cards ---------------------------------------------------------------------------------------------------


class RateCardOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=Role.choices)
    seniority = serializers.ChoiceField(choices=Seniority.choices)
    day_rate = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True, help_text="The last day; null: runs on.")


class RateCardCreateInputSerializer(InputSerializer):
    role = serializers.ChoiceField(choices=[c for c in Role.choices if c[0] != Role.CLIENT])
    seniority = serializers.ChoiceField(choices=Seniority.choices)
    day_rate = AmountInputField()
    currency = serializers.RegexField(r"^[A-Z]{3}$", default="EUR", help_text="ISO 4217, e.g. EUR.")
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(required=False, allow_null=True)


class RateCardUpdateInputSerializer(InputSerializer):
    day_rate = AmountInputField()
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True, help_text="The card's last day; null: runs on.")


# --- Personal rates -----------------------------------------------------------------------------------------------


class PersonRateOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonRefSerializer()
    kind = PersonRateKindField()
    day_rate = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    fixed_fee = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)


class PersonRateInputSerializer(InputSerializer):
    person = IdRelatedField(
        queryset=Person.objects.filter(is_active=True).exclude(role=Role.CLIENT).select_related(None),
        help_text="The person's id.",
    )
    kind = PersonRateKindField()
    day_rate = AmountInputField(required=False, allow_null=True, help_text="For a personal or freelance day rate.")
    fixed_fee = AmountInputField(required=False, allow_null=True, help_text="For a fixed-fee contract.")
    currency = serializers.RegexField(r"^[A-Z]{3}$", default="EUR")
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(required=False, allow_null=True)


class PersonRateUpdateInputSerializer(PersonRateInputSerializer):
    """The rate's new terms; the person stays."""

    def get_fields(self):
        fields = super().get_fields()
        del fields["person"]
        return fields


# --- Expenses -----------------------------------------------------------------------------------------------------


class ExpenseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    show = serializers.CharField(source="show.code")
    date = serializers.DateField()
    department = DepartmentRefSerializer()
    supplier = serializers.CharField()
    kind = ExpenseKindField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    reference = serializers.CharField()
    description = serializers.CharField()
    person = PersonRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


class ExpenseInputSerializer(InputSerializer):
    date = serializers.DateField()
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), help_text="The department's code."
    )
    supplier = serializers.CharField(max_length=120)
    kind = ExpenseKindField(default=ExpenseKind.OTHER)
    amount = AmountInputField()
    reference = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    person = IdRelatedField(
        queryset=Person.objects.select_related(None),
        required=False,
        allow_null=True,
        help_text="The freelancer the invoice is from (someone on the show).",
    )


class ExpenseUpdateInputSerializer(ExpenseInputSerializer):
    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.default = serializers.empty
        return fields


# --- Cost figures -------------------------------------------------------------------------------------------------


class CostsQueryInputSerializer(InputSerializer):
    as_of = PlanningDateSerializerField(
        required=False, help_text="YYYY-MM-DD, 1970 to 2999: the figures at the end of this day (default: today)."
    )


class CostFiguresSerializer(serializers.Serializer):
    """budgets.costs.CostFigures: the definitions are PRODUCT.md's "In money", as that module's docstring restates."""

    bac = MoneyField(help_text="Budget at completion: the locked budget's line (0 without one).")
    bid_days = RatioField(help_text="Total bid days of the non-omitted tasks.")
    pv_days = RatioField()
    ev_days = RatioField()
    ac_days = RatioField()
    percent_complete = RatioField(allow_null=True, help_text="EV days / bid days; null when the bid is 0.")
    pv = MoneyField(help_text="BAC x PV days / bid days.")
    ev = MoneyField(help_text="BAC x percent complete.")
    ac_labour = MoneyField(help_text="Logged hours / hours per day x the day rate in force, plus fixed fees.")
    ac_expenses = MoneyField(help_text="Expenses dated up to as_of.")
    ac = MoneyField(help_text="Actual cost: labour + expenses.")
    freelance_spend = MoneyField()
    cv = MoneyField(help_text="EV - AC.")
    cpi = RatioField(allow_null=True, help_text="EV / AC; null when AC is 0.")
    eac = MoneyField(allow_null=True, help_text="BAC / CPI; null when CPI is null or 0.")
    vac = MoneyField(allow_null=True, help_text="BAC - EAC.")
    etc = MoneyField(allow_null=True, help_text="Cost to complete: EAC - AC.")
    missing_rate_hours = RatioField(help_text="Hours without a usable rate, left out of AC.")


class CostDepartmentSerializer(CostFiguresSerializer):
    department = DepartmentRefSerializer()


class MissingRateSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person_id")
    person_name = serializers.CharField()
    reason = serializers.ChoiceField(choices=["no_rate", "currency", "no_department"])
    first_date = serializers.DateField()
    last_date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=12, decimal_places=2)


class BudgetRefSerializer(serializers.Serializer):
    revision = serializers.IntegerField()
    name = serializers.CharField()


class ShowCostsOutputSerializer(serializers.Serializer):
    show = serializers.CharField(help_text="The show's code.")
    as_of = serializers.DateField()
    currency = serializers.CharField()
    hours_per_day = serializers.DecimalField(max_digits=4, decimal_places=2)
    budget = BudgetRefSerializer(allow_null=True, help_text="The locked revision; null when none is locked.")
    departments = CostDepartmentSerializer(many=True)
    total = CostFiguresSerializer(help_text="The show: sums of the departments; CPI and EAC from those sums.")
    missing_rates = MissingRateSerializer(many=True, help_text="People whose time has no usable rate.")
