"""Input and output serializers of the budget revisions API. Amounts are strings rounded half-up to the show's
currency's minor unit once (budgets.money.money_plain); days are Decimal strings ("120.00")."""

from rest_framework import serializers

from shots.api.serializers import DepartmentRefSerializer
from studio.api.serializers import InputSerializer
from studio.models import Department

from ..money import money_plain
from ..revisions import MAX_AMOUNT, MAX_DAYS


class MoneyField(serializers.Field):
    """An amount in the show's currency (context["currency"]), rounded once: "54000.00"; null when undefined."""

    def to_representation(self, value):
        return money_plain(value, self.context["currency"])


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
