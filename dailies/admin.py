from django.contrib import admin

from .models import Digest, Note, NoteAttachment, NoteRecipient, ReviewItem, ReviewSession, Version


@admin.register(Version)
class VersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "status", "created_at"]
    list_filter = ["status", "task__shot__show"]
    list_select_related = ["task__shot", "task__task_type", "author"]
    search_fields = ["task__shot__code", "studio_path"]
    raw_id_fields = ["task"]
    autocomplete_fields = ["author"]
    show_full_result_count = False


class ReviewItemInline(admin.TabularInline):
    model = ReviewItem
    extra = 0
    raw_id_fields = ["version"]


@admin.register(ReviewSession)
class ReviewSessionAdmin(admin.ModelAdmin):
    list_display = ["name", "show", "date", "kind", "released_at", "is_closed"]
    list_filter = ["show", "kind", "is_closed"]
    date_hierarchy = "date"
    inlines = [ReviewItemInline]


class NoteRecipientInline(admin.TabularInline):
    model = NoteRecipient
    extra = 0
    autocomplete_fields = ["person"]


class NoteAttachmentInline(admin.TabularInline):
    model = NoteAttachment
    extra = 0


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "status_change", "is_published", "created_at"]
    list_filter = ["category", "is_published", "status_change"]
    list_select_related = ["author", "version__task__shot", "version__task__task_type"]
    search_fields = ["body"]
    raw_id_fields = ["version", "session"]
    autocomplete_fields = ["author"]
    inlines = [NoteRecipientInline, NoteAttachmentInline]
    show_full_result_count = False


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    """Read-only: a digest records what was sent; editing or deleting one would break 'exactly once'."""

    list_display = ["__str__", "person", "state", "note_count", "attempts", "created_at", "sent_at"]
    list_filter = ["state"]
    list_select_related = ["person"]
    search_fields = ["person__username", "subject"]
    readonly_fields = [f.name for f in Digest._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
