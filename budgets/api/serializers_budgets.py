"""Input and output serializers of the budget revisions API. Amounts are strings rounded half-up to the show's
currency's minor unit once (budgets.money.money_plain); days are Decimal strings ("120.00")."""

from rest_framework import serializers

from shots.api.serializers import DepartmentRefSerializer
from studio.api.serializers import InputSerializer
from studio.dates import PlanningDateSerializerField
from studio.models import Department

from ..revisions import MAX_AMOUNT, MAX_DAYS
from .serializers_costs import MoneyField


class BudgetLineOutputSerializer(serializers.Serializer):
    department = DepartmentRefSerializer()
    days = serializers.DecimalField(max_digits=8, decimal_places=2)
    amount = MoneyField(help_text="The budget at completion (BAC) of the department, in the show's currency.")


class BudgetOutputSerializer(serializers.Serializer):
    show = serializers.CharField(source="show.code")
    revision = serializers.IntegerField()
    name = serializers.CharField()
    note = serializers.CharField()
    is_locked = serializers.BooleanField(help_text="The locked revision is the show's approved budget.")
    locked_at = serializers.DateTimeField(allow_null=True)
    locked_by = serializers.CharField(source="locked_by.username", allow_null=True, default=None)
    copied_from = serializers.IntegerField(source="copied_from.revision", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    currency = serializers.CharField(source="show.currency")
    total_days = serializers.DecimalField(max_digits=12, decimal_places=2)
    total_amount = MoneyField()


class BudgetDetailOutputSerializer(BudgetOutputSerializer):
    lines = BudgetLineOutputSerializer(many=True, source="line_rows")


class BudgetCreateInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=60, help_text="e.g. 'bid v2'. The revision number is the next one.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class BudgetUpdateInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=60, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class BudgetCopyInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=60, help_text="The new revision's name.")


class BudgetLineUpdateInputSerializer(InputSerializer):
    days = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, max_value=MAX_DAYS)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, max_value=MAX_AMOUNT)


class BudgetLineSetInputSerializer(BudgetLineUpdateInputSerializer):
    """Setting a department's line again replaces it (200 instead of 201)."""

    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), help_text="The department's code."
    )


# --- The four production metrics ----------------------------------------------------------------------------------

RATIO = {"max_digits": 30, "decimal_places": 10, "allow_null": True}


class ClientSatisfactionOutputSerializer(serializers.Serializer):
    tasks_shown = serializers.IntegerField(help_text="Tasks with a version shown in a client session.")
    first_pass_approved = serializers.IntegerField(help_text="Of those, approved by the client at first showing.")
    first_pass_approval_rate = serializers.DecimalField(**RATIO)
    client_retakes = serializers.IntegerField()
    shots_shown = serializers.IntegerField()
    client_retakes_per_shot = serializers.DecimalField(**RATIO)


class ScheduleVarianceOutputSerializer(serializers.Serializer):
    bid_days = serializers.DecimalField(max_digits=30, decimal_places=10)
    pv = serializers.DecimalField(max_digits=30, decimal_places=10)
    ev = serializers.DecimalField(max_digits=30, decimal_places=10)
    sv = serializers.DecimalField(max_digits=30, decimal_places=10)
    spi = serializers.DecimalField(**RATIO)


class ProductivityOutputSerializer(serializers.Serializer):
    approved_frames = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=20, decimal_places=2)
    artist_days = serializers.DecimalField(max_digits=30, decimal_places=10)
    approved_frames_per_artist_day = serializers.DecimalField(**RATIO)


class ReturnOnInvestmentOutputSerializer(serializers.Serializer):
    contract_value = MoneyField()
    eac = MoneyField()
    ac = MoneyField()
    forecast = serializers.DecimalField(**RATIO, help_text="(contract value - EAC) / EAC")
    to_date = serializers.DecimalField(**RATIO, help_text="(contract value - AC) / AC")


class MetricsRowOutputSerializer(serializers.Serializer):
    department = DepartmentRefSerializer(allow_null=True)
    client = ClientSatisfactionOutputSerializer()
    schedule = ScheduleVarianceOutputSerializer()
    productivity = ProductivityOutputSerializer()


class ShowMetricsRowOutputSerializer(MetricsRowOutputSerializer):
    roi = ReturnOnInvestmentOutputSerializer()


class ProductionMetricsOutputSerializer(serializers.Serializer):
    show = serializers.CharField(source="show.code")
    as_of = serializers.DateField()
    currency = serializers.CharField(source="show.currency")
    total = ShowMetricsRowOutputSerializer()
    departments = MetricsRowOutputSerializer(many=True)


class AsOfQueryInputSerializer(InputSerializer):
    as_of = PlanningDateSerializerField(
        required=False, help_text="YYYY-MM-DD, 1970 to 2999: the day (its end) the figures are as of; default today."
    )
