"""Budget pages: rates (routes in `urlpatterns`, included by budgets/urls.py)."""

urlpatterns: list = []
