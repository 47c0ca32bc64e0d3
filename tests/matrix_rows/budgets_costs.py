"""Rows for the costs pages and API: rates (studio-wide), a show's expenses and its cost figures.

Rates: producers (of any show) read, admins write; the other staff 403, clients 404. A show's expenses and costs: its
producers and admins; its other staff 403; its clients, and everyone on the other show, 404. POST-only actions answer
a GET with 405 before the login check (require_POST is the outer decorator). The matrix also scans every 200 for
the world's texts; tests/budgets/test_api_costs.py scans every answer of every role for the amounts.
"""

from .base import Row, answers, api, fixed, of, page

MONEY_SHOW = {"producer": 200, "admin": 200, "client": 404}
RATE_READERS = {"producer": 200, "admin": 200, "client": 404}
ADMIN_ONLY = {"admin": 200, "client": 404}


def _card(w, which):
    from django.urls import reverse

    return reverse("budgets:rate_card_update", args=[w.rate_card.pk])


def _person_rate(name):
    def build(w, which):
        from django.urls import reverse

        return reverse(name, args=[w.person_rate.pk])

    return build


def _api_rate(name, attr):
    def build(w, which):
        from django.urls import reverse

        return reverse(name, kwargs={"pk": getattr(w, attr).pk})

    return build


ROWS: dict[str, Row] = {
    # Pages
    "budgets:rate_list": Row(fixed("budgets:rate_list"), page(403, **RATE_READERS)),
    "budgets:rate_card_update": Row(_card, page(403, **ADMIN_ONLY)),
    "budgets:person_rate_update": Row(_person_rate("budgets:person_rate_update"), page(403, **ADMIN_ONLY)),
    "budgets:person_rate_delete": Row(_person_rate("budgets:person_rate_delete"), answers(405)),
    "budgets:expense_list": Row(
        of("budgets:expense_list", code=lambda s: s.show.code), own=page(403, **MONEY_SHOW), other=page(404, admin=200)
    ),
    "budgets:expense_import": Row(
        of("budgets:expense_import", code=lambda s: s.show.code),
        own=page(403, **MONEY_SHOW),
        other=page(404, admin=200),
    ),
    "budgets:expense_update": Row(
        of("budgets:expense_update", code=lambda s: s.show.code, expense_id=lambda s: s.expense.pk),
        own=page(403, **MONEY_SHOW),
        other=page(404, admin=200),
    ),
    "budgets:expense_delete": Row(
        of("budgets:expense_delete", code=lambda s: s.show.code, expense_id=lambda s: s.expense.pk),
        own=answers(405),
        other=answers(405),
    ),
    "budgets:show_costs": Row(
        of("budgets:show_costs", code=lambda s: s.show.code), own=page(403, **MONEY_SHOW), other=page(404, admin=200)
    ),
    # API
    "api:rate-card-list": Row(fixed("api:rate-card-list"), api(403, **RATE_READERS)),
    "api:rate-card-detail": Row(_api_rate("api:rate-card-detail", "rate_card"), api(403, **RATE_READERS)),
    "api:person-rate-list": Row(fixed("api:person-rate-list"), api(403, **RATE_READERS)),
    "api:person-rate-detail": Row(_api_rate("api:person-rate-detail", "person_rate"), api(403, **RATE_READERS)),
    "api:show-expense-list": Row(
        of("api:show-expense-list", code=lambda s: s.show.code), own=api(403, **MONEY_SHOW), other=api(404, admin=200)
    ),
    "api:show-expense-detail": Row(
        of("api:show-expense-detail", code=lambda s: s.show.code, pk=lambda s: s.expense.pk),
        own=api(403, **MONEY_SHOW),
        other=api(404, admin=200),
    ),
    "api:show-costs": Row(
        of("api:show-costs", code=lambda s: s.show.code), own=api(403, **MONEY_SHOW), other=api(404, admin=200)
    ),
}
