"""Budget API: views_budgets (routes in `urlpatterns`)."""

urlpatterns: list = []
