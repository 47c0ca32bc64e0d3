from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Department, Person, Show, ShowMembership, ShowSummary


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]


class MembershipInline(admin.TabularInline):
    model = ShowMembership
    extra = 0
    autocomplete_fields = ["person", "show"]


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "role",
        "seniority",
        "department",
        "is_freelancer",
        "is_active",
    ]
    list_filter = ["role", "seniority", "department", "is_freelancer", "is_active"]
    list_select_related = ["department"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = UserAdmin.fieldsets + (
        ("Studio", {"fields": ("role", "seniority", "department", "is_freelancer", "timezone")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("Studio", {"fields": ("email", "first_name", "last_name", "role", "seniority", "department")}),
    )
    inlines = [MembershipInline]


@admin.register(Show)
class ShowAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "status", "fps", "currency", "start_date", "end_date"]
    list_filter = ["status", "currency"]
    search_fields = ["code", "name"]
    inlines = [MembershipInline]


@admin.register(ShowMembership)
class ShowMembershipAdmin(admin.ModelAdmin):
    list_display = ["show", "person", "role"]
    list_filter = ["show", "role"]
    list_select_related = ["show", "person__department"]
    autocomplete_fields = ["person", "show"]
    search_fields = ["person__username", "person__first_name", "person__last_name", "show__code"]


@admin.register(ShowSummary)
class ShowSummaryAdmin(admin.ModelAdmin):
    list_display = ["show", "shot_count", "task_count", "done_task_count", "is_stale", "refreshed_at"]
    readonly_fields = [f.name for f in ShowSummary._meta.fields]
