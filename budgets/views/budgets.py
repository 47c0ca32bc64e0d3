"""Budget pages: budgets (routes in `urlpatterns`, included by budgets/urls.py)."""

urlpatterns: list = []
