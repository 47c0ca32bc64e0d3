from django.contrib import admin

from .models import (
    Baseline,
    CalendarFeed,
    DayOff,
    EarnedValueSnapshot,
    Holiday,
    Milestone,
    PartTime,
    StatusWeight,
    TimeLog,
    TimesheetLock,
)


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


@admin.register(DayOff)
class DayOffAdmin(admin.ModelAdmin):
    list_display = ["person", "start_date", "end_date", "kind"]
    list_filter = ["kind"]
    autocomplete_fields = ["person"]


@admin.register(PartTime)
class PartTimeAdmin(admin.ModelAdmin):
    list_display = ["person", "fraction", "effective_from", "effective_to"]
    autocomplete_fields = ["person"]


@admin.register(TimesheetLock)
class TimesheetLockAdmin(admin.ModelAdmin):
    list_display = ["show", "week_start", "locked_by", "locked_at"]
    list_filter = ["show"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    # The token is the SHA-256 of the feed's secret: never listed. People make feeds on "My calendars", the one
    # place that can show a secret (once); here an admin only sees them and revokes a leaked one (revoked at).
    list_display = ["person", "kind", "show", "created_at", "revoked_at", "last_used_at"]
    exclude = ["token"]
    list_filter = ["kind"]
    readonly_fields = ["person", "kind", "show", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
