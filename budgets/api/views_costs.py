"""Budget API: views_costs (routes in `urlpatterns`)."""

urlpatterns: list = []
