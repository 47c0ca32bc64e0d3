"""Budget routes, included by studio.api.urls into the "api" namespace. Producers and admins only."""

from . import views_budgets, views_costs

urlpatterns = [*views_costs.urlpatterns, *views_budgets.urlpatterns]
