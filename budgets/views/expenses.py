"""Budget pages: expenses (routes in `urlpatterns`, included by budgets/urls.py)."""

urlpatterns: list = []
