"""Schedule routes, included by studio.api.urls into the "api" namespace: time logs (api:timelog-*), milestones
(api:milestone-*), baselines (api:baseline-*, and api:show-baseline-compare), a show's schedule variance
(api:show-variance, api:show-variance-history, api:show-variance-tasks)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import baselines, milestones, views

router = SimpleRouter()
router.register("time-logs", views.TimeLogViewSet, basename="timelog")
router.register("milestones", milestones.MilestoneViewSet, basename="milestone")
router.register("baselines", baselines.BaselineViewSet, basename="baseline")

urlpatterns = [
    path("shows/<str:code>/variance/", views.ShowVarianceView.as_view(), name="show-variance"),
    path("shows/<str:code>/variance/history/", views.ShowVarianceHistoryView.as_view(), name="show-variance-history"),
    path("shows/<str:code>/variance/tasks/", views.ShowVarianceTasksView.as_view(), name="show-variance-tasks"),
    path(
        "shows/<str:code>/baselines/compare/",
        baselines.ShowBaselineCompareView.as_view(),
        name="show-baseline-compare",
    ),
    *router.urls,
]
