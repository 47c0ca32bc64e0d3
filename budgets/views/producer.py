"""Budget pages: producer (routes in `urlpatterns`, included by budgets/urls.py)."""

urlpatterns: list = []
