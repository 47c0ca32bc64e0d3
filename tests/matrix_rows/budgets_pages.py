"""Rows for the budget revision pages and the producer pages (budgets/views/budgets.py, budgets/views/producer.py).

Money is for the show's producers and admins: the show's other staff get 403 (naming no amount), its clients, like
strangers, 404. The department totals are for its production managers too (no rate, no person). The overview across
shows is for producers (of any show) and admins; other staff 403, clients 404. The actions are POST only:
require_POST answers before the login check, so a GET is a 405 for everyone; what each role may POST is in
tests/budgets/test_producer_dashboard.py. The API answers like the pages (anonymous: 401); its POST-only actions
answer a GET with 405 once authenticated.
"""

from .base import Row, answers, api, fixed, of, page

SHOW = {"code": lambda s: s.show.code}
REVISION = {**SHOW, "revision": lambda s: s.budget.revision}
LINE = {**REVISION, "department": lambda s: s.budget_line.department.code}

MONEY = page(403, producer=200, admin=200, client=404)
MONEY_OTHER = page(404, admin=200)
TOTALS = page(403, production_manager=200, producer=200, admin=200, client=404)
POST_ONLY = answers(405)
API_MONEY = api(403, producer=200, admin=200, client=404)
API_MONEY_OTHER = api(404, admin=200)
API_POST_ONLY = api(405)


def money_row(name: str, **kwargs) -> Row:
    return Row(of(name, **kwargs), MONEY, MONEY_OTHER)


def post_only(name: str, **kwargs) -> Row:
    return Row(of(name, **kwargs), POST_ONLY, POST_ONLY)


ROWS: dict[str, Row] = {
    "budgets:budget_list": money_row("budgets:budget_list", **SHOW),
    "budgets:budget_detail": money_row("budgets:budget_detail", **REVISION),
    "budgets:budget_line": money_row("budgets:budget_line", **LINE),
    "budgets:budget_copy": post_only("budgets:budget_copy", **REVISION),
    "budgets:budget_lock": post_only("budgets:budget_lock", **REVISION),
    "budgets:budget_unlock": post_only("budgets:budget_unlock", **REVISION),
    "budgets:budget_line_create": post_only("budgets:budget_line_create", **REVISION),
    "budgets:budget_line_delete": post_only("budgets:budget_line_delete", **LINE),
    "budgets:producer_dashboard": money_row("budgets:producer_dashboard", **SHOW),
    "budgets:producer_print": money_row("budgets:producer_print", **SHOW),
    "budgets:budget_vs_actuals_csv": money_row("budgets:budget_vs_actuals_csv", **SHOW),
    # --- API (budgets/api/views_budgets.py) ------------------------------------------------------------------
    "api:budget-list": Row(of("api:budget-list", **SHOW), API_MONEY, API_MONEY_OTHER),
    "api:budget-detail": Row(of("api:budget-detail", **REVISION), API_MONEY, API_MONEY_OTHER),
    "api:budget-copy": Row(of("api:budget-copy", **REVISION), API_POST_ONLY, API_POST_ONLY),
    "api:budget-lock": Row(of("api:budget-lock", **REVISION), API_POST_ONLY, API_POST_ONLY),
    "api:budget-unlock": Row(of("api:budget-unlock", **REVISION), API_POST_ONLY, API_POST_ONLY),
    "api:budget-line-list": Row(of("api:budget-line-list", **REVISION), API_MONEY, API_MONEY_OTHER),
    "api:budget-line-detail": Row(of("api:budget-line-detail", **LINE), API_MONEY, API_MONEY_OTHER),
    "api:show-production-metrics": Row(of("api:show-production-metrics", **SHOW), API_MONEY, API_MONEY_OTHER),
    "budgets:producer_overview": Row(
        fixed("budgets:producer_overview"), page(403, producer=200, admin=200, client=404)
    ),
}
