from django.contrib import admin

from .models import Activity, CutImportJob, Episode, Sequence, Shot, Task, TaskTemplateItem, TaskType


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = ["code", "show", "name", "order"]
    list_filter = ["show"]
    search_fields = ["code", "name"]


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ["code", "show", "episode", "name", "status", "order"]
    list_filter = ["show", "status"]
    list_select_related = ["show", "episode"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["show", "episode"]


@admin.register(Shot)
class ShotAdmin(admin.ModelAdmin):
    list_display = ["code", "show", "sequence", "status", "cut_in", "cut_out", "frame_count"]
    list_filter = ["show", "status"]
    list_select_related = ["show", "sequence"]
    search_fields = ["code", "description"]
    autocomplete_fields = ["show", "sequence"]
    show_full_result_count = False  # no COUNT(*) over 3,000+ rows per page view


@admin.register(TaskType)
class TaskTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "department", "order", "colour"]
    list_filter = ["department"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "bid_days", "start_date", "due_date", "retake_count", "priority"]
    list_filter = ["status", "task_type", "shot__show"]
    list_select_related = ["shot", "task_type"]
    search_fields = ["shot__code"]
    autocomplete_fields = ["shot", "task_type", "assignees"]
    readonly_fields = ["row_version", "updated_at", "updated_by", "created_at"]
    show_full_result_count = False


@admin.register(TaskTemplateItem)
class TaskTemplateItemAdmin(admin.ModelAdmin):
    list_display = ["show", "task_type", "default_bid_days"]
    list_filter = ["show"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """The history is written by the services; the admin only reads it."""

    list_display = ["created_at", "show", "shot", "task", "actor", "verb"]
    list_filter = ["show", "verb"]
    list_select_related = ["show", "shot", "task__task_type", "actor"]
    readonly_fields = [f.name for f in Activity._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(CutImportJob)
class CutImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "show", "kind", "state", "uploaded_by", "created_at"]
    list_filter = ["show", "state", "kind"]
    readonly_fields = [f.name for f in CutImportJob._meta.fields]
