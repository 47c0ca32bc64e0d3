"""Schedule routes, included by studio.api.urls into the "api" namespace: time logs (api:timelog-list,
api:timelog-detail) and a show's schedule variance (api:show-variance, api:show-variance-history)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("time-logs", views.TimeLogViewSet, basename="timelog")

urlpatterns = [
    path("shows/<str:code>/variance/", views.ShowVarianceView.as_view(), name="show-variance"),
    path("shows/<str:code>/variance/history/", views.ShowVarianceHistoryView.as_view(), name="show-variance-history"),
    *router.urls,
]
