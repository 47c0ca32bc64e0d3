"""Template filters over budgets.money, the one money formatter: {% load money %} then
{{ value|money:currency }} ("12,345.67 EUR", "—" for None), {{ value|money_plain:currency }} ("12345.67") and
{{ value|ratio }} (CPI: "1.05")."""

from django import template

from budgets import money as formatter

register = template.Library()


@register.filter
def money(value, currency):
    return formatter.money(value, currency)


@register.filter
def money_plain(value, currency):
    return formatter.money_plain(value, currency) or ""


@register.filter
def ratio(value, places=2):
    return formatter.ratio(value, int(places))


@register.filter
def percent(value):
    """A fraction as a percentage with one decimal: 0.4642 -> "46.4 %"; "—" when undefined."""
    if value is None:
        return formatter.EM_DASH
    return f"{formatter.ratio(value * 100, 1)} %"
