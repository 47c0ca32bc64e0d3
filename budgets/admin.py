from django.contrib import admin

from .models import Budget, BudgetLine, Expense, PersonRate, RateCard


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    list_display = ["role", "seniority", "day_rate", "currency", "effective_from", "effective_to"]
    list_filter = ["role", "seniority", "currency"]


@admin.register(PersonRate)
class PersonRateAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "day_rate", "fixed_fee", "currency", "effective_from", "effective_to"]
    list_filter = ["kind", "currency"]
    autocomplete_fields = ["person"]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "revision", "is_locked", "locked_at", "created_at"]
    list_filter = ["show", "is_locked"]
    inlines = [BudgetLineInline]


@admin.register(Expense)
class ExpenseAdmin(admin.ModelAdmin):
    list_display = ["date", "show", "department", "supplier", "kind", "amount"]
    list_filter = ["show", "department", "kind"]
    date_hierarchy = "date"
