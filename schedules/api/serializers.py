"""Input and output serializers for time logs. Hours are Decimal strings ("2.50"); schedules.services checks
0 < hours <= 24, the day's total across tasks, the date and who may log for whom."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from rest_framework import serializers

from schedules.earned_value import GROUPINGS, QUANTUM
from shots.api.serializers import (
    DepartmentRefSerializer,
    SequenceRefSerializer,
    ShotRefSerializer,
    TaskTypeRefSerializer,
)
from shots.models import Task
from studio.api.serializers import (
    InputSerializer,
    PersonRefSerializer,
    VisibleRelatedField,
    VisibleSlugRelatedField,
)
from studio.dates import PlanningDateSerializerField
from studio.models import Department, Person, Show

from .paging import PageLinksSerializer, PagingFields


class TimeLogTaskRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task_type = TaskTypeRefSerializer()


class TimeLogOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonRefSerializer()
    show = serializers.CharField(source="task.shot.show.code", help_text="The show's code.")
    shot = ShotRefSerializer(source="task.shot")
    task = TimeLogTaskRefSerializer()
    date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=2)
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TimeLogCreateInputSerializer(InputSerializer):
    """Logging the same person, task and date again replaces that day's hours (200 instead of 201)."""

    task = VisibleRelatedField(queryset=Task.objects.none(), help_text="The task's id.")
    date = serializers.DateField()
    # No max_digits: "100" gets the service's "at most 24", not a message about digits.
    # max_digits bounds absurd input (9e99) with a 400; up to 9999.99 the service says "at most 24".
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, help_text="More than 0, at most 24.")
    comment = serializers.CharField(max_length=255, required=False, allow_blank=True)
    person = VisibleRelatedField(
        queryset=Person.objects.none(),
        required=False,
        help_text="Whose hours (default: yours). Only the show's production managers and producers log for others.",
    )


class TimeLogUpdateInputSerializer(InputSerializer):
    date = serializers.DateField()
    # max_digits bounds absurd input (9e99) with a 400; up to 9999.99 the service says "at most 24".
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, help_text="More than 0, at most 24.")
    comment = serializers.CharField(max_length=255, allow_blank=True)


# --- Schedule variance (earned value) ---------------------------------------------------------------------------


class VarianceQueryInputSerializer(InputSerializer):
    as_of = PlanningDateSerializerField(
        required=False, help_text="YYYY-MM-DD, 1970 to 2999: the figures at the end of this day (default: today)."
    )
    by = serializers.ChoiceField(
        choices=GROUPINGS, default="department", help_text="Roll the tasks up per department, sequence or show."
    )


class VarianceHistoryQueryInputSerializer(InputSerializer):
    """`from` is a Python keyword, hence the fields built in get_fields()."""

    MAX_DAYS = 731

    def get_fields(self):
        return {
            "department": serializers.CharField(
                required=False, help_text="A department's code: its rows (default: the whole show's rows)."
            ),
            "from": PlanningDateSerializerField(
                required=False, help_text="YYYY-MM-DD, 1970 to 2999, inclusive (default: `to` - 90 days)."
            ),
            "to": PlanningDateSerializerField(
                required=False, help_text="YYYY-MM-DD, 1970 to 2999, inclusive (default: today)."
            ),
        }

    def validate(self, attrs: dict) -> dict:
        attrs.setdefault("to", timezone.localdate())
        if "from" not in attrs:  # not setdefault: its default would be worked out even when `from` is given
            attrs["from"] = attrs["to"] - dt.timedelta(days=90)
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"from": ["Must not be after `to`."]})
        if (attrs["to"] - attrs["from"]).days >= self.MAX_DAYS:
            raise serializers.ValidationError({"from": [f"Ask for at most {self.MAX_DAYS} days at a time."]})
        return attrs


class FigureField(serializers.CharField):
    """A figure in days or a ratio, as a Decimal string: exact to 1e-10, trailing zeros dropped, at least two
    decimals ("7.50", "0.8150943396")."""

    def to_representation(self, value: Decimal) -> str:
        whole, _, fraction = f"{value.quantize(QUANTUM):f}".partition(".")
        return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"


class BaselineRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class VarianceFiguresSerializer(serializers.Serializer):
    """schedules.earned_value.Figures: the definitions are PRODUCT.md's, as that module's docstring restates."""

    tasks = serializers.IntegerField(source="task_count", help_text="Tasks counted (omitted ones are left out).")
    bid_days = FigureField(help_text="B: the bids, from the active baseline where it has the task.")
    pv = FigureField(help_text="Planned value, days.")
    ev = FigureField(help_text="Earned value, days.")
    ac_days = FigureField(help_text="Hours logged up to the end of as_of / hours per day.")
    sv = FigureField(help_text="EV - PV, days.")
    spi = FigureField(allow_null=True, help_text="EV / PV; null when PV is 0.")
    earliest_start = serializers.DateField(allow_null=True, help_text="The earliest planned start of its tasks.")
    forecast_finish = serializers.DateField(
        allow_null=True,
        help_text="as_of + ceil((B - EV) / velocity) working days, velocity = EV / working days since the earliest "
        "start; null when the velocity is 0 or undefined.",
    )


class VarianceRowSerializer(VarianceFiguresSerializer):
    department = DepartmentRefSerializer(allow_null=True, help_text="by=department: the row's department.")
    sequence = SequenceRefSerializer(allow_null=True, help_text="by=sequence: the row's sequence.")


class VarianceOutputSerializer(serializers.Serializer):
    show = serializers.CharField(help_text="The show's code.")
    as_of = serializers.DateField()
    by = serializers.ChoiceField(choices=GROUPINGS)
    hours_per_day = serializers.DecimalField(max_digits=4, decimal_places=2)
    baseline = BaselineRefSerializer(
        allow_null=True, help_text="The active baseline the plan is read from (null: the tasks' current plan)."
    )
    rows = VarianceRowSerializer(many=True, help_text="One per department or sequence; by=show: the show's row.")
    total = VarianceFiguresSerializer(help_text="The whole show.")


class VarianceSnapshotSerializer(serializers.Serializer):
    date = serializers.DateField()
    bid_days = FigureField()
    pv = FigureField()
    ev = FigureField()
    ac_days = FigureField()
    sv = FigureField()
    spi = FigureField(allow_null=True)
    forecast_finish = serializers.DateField(allow_null=True)
    computed_at = serializers.DateTimeField()


class VarianceHistoryOutputSerializer(serializers.Serializer):
    """`from` and `to` are Python keywords, hence get_fields()."""

    def get_fields(self):
        return {
            "show": serializers.CharField(help_text="The show's code."),
            "department": DepartmentRefSerializer(allow_null=True, help_text="null: the whole show's rows."),
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            "results": VarianceSnapshotSerializer(many=True, help_text="One per day with a snapshot, oldest first."),
        }


# --- Milestones -------------------------------------------------------------------------------------------------


class MilestoneOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    show = serializers.CharField(source="show.code", help_text="The show's code.")
    name = serializers.CharField()
    date = serializers.DateField()
    department = DepartmentRefSerializer(allow_null=True, help_text="null: a deadline of the whole show.")


class MilestoneCreateInputSerializer(InputSerializer):
    show = VisibleSlugRelatedField(slug_field="code", queryset=Show.objects.none(), help_text="The show's code.")
    name = serializers.CharField(max_length=120)
    date = serializers.DateField()
    department = VisibleRelatedField(
        queryset=Department.objects.none(),
        required=False,
        allow_null=True,
        help_text="The department's id; null or absent: the whole show's milestone.",
    )


class MilestoneUpdateInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=120)
    date = serializers.DateField()
    department = VisibleRelatedField(
        queryset=Department.objects.none(), allow_null=True, help_text="The department's id; null: the whole show."
    )


# --- Baselines --------------------------------------------------------------------------------------------------


class BaselineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    show = serializers.CharField(source="show.code", help_text="The show's code.")
    name = serializers.CharField()
    is_active = serializers.BooleanField(help_text="Variance is measured against the show's active baseline.")
    created_by = PersonRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    tasks = serializers.IntegerField(source="task_count", help_text="Tasks frozen in it.")
    bid_days = serializers.DecimalField(
        source="total_bid_days", max_digits=14, decimal_places=2, help_text="The sum of its bids, days."
    )


class BaselineCreateInputSerializer(InputSerializer):
    """Freeze the show's current plan: every non-omitted task's bid, start and due date."""

    show = VisibleSlugRelatedField(slug_field="code", queryset=Show.objects.none(), help_text="The show's code.")
    name = serializers.CharField(max_length=120, help_text="Unique on the show (any case).")
    activate = serializers.BooleanField(
        default=True, help_text="Measure variance against it from now on (default true)."
    )


class BaselineUpdateInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=120, help_text="Unique on the show (any case).")


class TaskBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shot = serializers.CharField(help_text="The shot's code.")
    task_type = serializers.CharField(help_text="The task type's name.")
    department = serializers.CharField(help_text="The department's code.")
    sequence = serializers.CharField(help_text="The sequence's code.")


class BaselineTaskOutputSerializer(serializers.Serializer):
    task = TaskBriefSerializer(source="brief")
    bid_days = serializers.DecimalField(max_digits=6, decimal_places=2)
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)


class PlanScopeFields(serializers.Serializer):
    """A show's department and sequence, by code."""

    department = serializers.CharField(required=False, help_text="A department's code: its tasks only.")
    sequence = serializers.CharField(required=False, help_text="A sequence's code on the show: its tasks only.")


class BaselineTasksQueryInputSerializer(PlanScopeFields, InputSerializer):
    cursor = serializers.CharField(required=False, help_text="The `next` link's cursor (opaque).")
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=1000)


class CompareQueryInputSerializer(PlanScopeFields, PagingFields, InputSerializer):
    a = serializers.CharField(
        required=False,
        help_text='The first plan: a baseline id of the show, or "current" (the tasks\' plan now). Default: the '
        "active baseline (else the newest).",
    )
    b = serializers.CharField(required=False, help_text='The second plan, likewise. Default: "current".')
    slipped = serializers.BooleanField(
        required=False, default=False, help_text="Only the tasks due later in b (by at least one working day)."
    )


class ComparePlanRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null: the current plan.")
    name = serializers.CharField()


class PlanSideSerializer(serializers.Serializer):
    bid_days = serializers.DecimalField(max_digits=6, decimal_places=2)
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)


class CompareSummarySerializer(serializers.Serializer):
    department = DepartmentRefSerializer(allow_null=True, help_text="null in `total`: the whole show.")
    tasks_a = serializers.IntegerField()
    tasks_b = serializers.IntegerField()
    bid_days_a = serializers.DecimalField(max_digits=14, decimal_places=2)
    bid_days_b = serializers.DecimalField(max_digits=14, decimal_places=2)
    net_change = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="bid_days_b - bid_days_a.")
    slipped = serializers.IntegerField(help_text="Tasks due later in b, by at least one working day.")
    pulled_in = serializers.IntegerField(help_text="Tasks due earlier in b.")
    max_slip = serializers.IntegerField(help_text="The largest slip, working days (0: none slipped).")
    only_in_a = serializers.IntegerField()
    only_in_b = serializers.IntegerField()
    changed = serializers.IntegerField(help_text="Tasks in both plans whose bid or dates differ.")


class CompareRowSerializer(serializers.Serializer):
    task = TaskBriefSerializer(source="brief")
    a = PlanSideSerializer(allow_null=True, help_text="null: not in plan a.")
    b = PlanSideSerializer(allow_null=True, help_text="null: not in plan b.")
    bid_change = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True, help_text="b - a, days.")
    start_slip = serializers.IntegerField(allow_null=True, help_text="Working days, positive: later in b.")
    due_slip = serializers.IntegerField(allow_null=True, help_text="Working days, positive: later in b.")
    slipped = serializers.BooleanField()


class CompareOutputSerializer(PageLinksSerializer):
    show = serializers.CharField()
    a = ComparePlanRefSerializer()
    b = ComparePlanRefSerializer()
    departments = CompareSummarySerializer(many=True, help_text="Per department, in department order.")
    total = CompareSummarySerializer(help_text="The whole show.")
    count = serializers.IntegerField(help_text="Tasks that differ and match the filters (all pages).")
    results = CompareRowSerializer(many=True, help_text="The tasks that differ, in task id order.")


# --- Variance per task ------------------------------------------------------------------------------------------


class VarianceTasksQueryInputSerializer(PlanScopeFields, PagingFields, InputSerializer):
    as_of = PlanningDateSerializerField(
        required=False, help_text="YYYY-MM-DD, 1970 to 2999: the figures at the end of this day (default: today)."
    )


class VarianceTaskRowSerializer(serializers.Serializer):
    task = TaskBriefSerializer(source="brief")
    bid_days = FigureField(help_text="B: from the active baseline where it has the task.")
    pv = FigureField()
    ev = FigureField()
    ac_days = FigureField()
    sv = FigureField(help_text="EV - PV, days.")
    spi = FigureField(allow_null=True, help_text="EV / PV; null when PV is 0.")


class VarianceTasksOutputSerializer(PageLinksSerializer):
    show = serializers.CharField()
    as_of = serializers.DateField()
    hours_per_day = serializers.DecimalField(max_digits=4, decimal_places=2)
    baseline = BaselineRefSerializer(allow_null=True)
    results = VarianceTaskRowSerializer(many=True, help_text="In task id order; omitted tasks are left out.")
