from django.contrib import admin

from .models import Baseline, EarnedValueSnapshot, Holiday, Milestone, StatusWeight, TimeLog


@admin.register(TimeLog)
class TimeLogAdmin(admin.ModelAdmin):
    list_display = ["person", "task", "date", "hours"]
    list_filter = ["task__shot__show"]
    list_select_related = ["person__department", "task__shot", "task__task_type"]
    date_hierarchy = "date"
    raw_id_fields = ["task"]
    autocomplete_fields = ["person"]
    show_full_result_count = False


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["name", "show", "department", "date"]
    list_filter = ["show", "department"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "show"]
    list_filter = ["show"]


@admin.register(StatusWeight)
class StatusWeightAdmin(admin.ModelAdmin):
    list_display = ["show", "status", "weight"]
    list_filter = ["show"]


@admin.register(Baseline)
class BaselineAdmin(admin.ModelAdmin):
    list_display = ["name", "show", "is_active", "created_by", "created_at"]
    list_filter = ["show", "is_active"]


@admin.register(EarnedValueSnapshot)
class EarnedValueSnapshotAdmin(admin.ModelAdmin):
    """Computed by the earned-value recompute; read here, never edited."""

    list_display = ["date", "show", "department", "pv", "ev", "ac_days", "spi", "forecast_finish"]
    list_filter = ["show", "department"]
    date_hierarchy = "date"
    readonly_fields = [f.name for f in EarnedValueSnapshot._meta.fields]
