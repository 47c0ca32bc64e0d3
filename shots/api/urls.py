"""Breakdown routes, included by studio.api.urls into the "api" namespace (api:shot-list, api:task-detail...)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import bulk, views

router = SimpleRouter()
router.register("sequences", views.SequenceViewSet, basename="sequence")
router.register("shots", views.ShotViewSet, basename="shot")
router.register("tasks", views.TaskViewSet, basename="task")

urlpatterns = [
    # Before the router's routes: "tasks/bulk/" would otherwise be read as the detail of a task with id "bulk".
    path("tasks/bulk/", bulk.TaskBulkView.as_view(), name="task-bulk"),
    path("shows/<str:code>/shots-with-tasks/", bulk.ShowShotsWithTasksView.as_view(), name="show-shots-with-tasks"),
    *router.urls,
]
