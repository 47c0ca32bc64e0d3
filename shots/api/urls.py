"""Breakdown routes, included by studio.api.urls into the "api" namespace (api:shot-list, api:task-detail...)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("sequences", views.SequenceViewSet, basename="sequence")
router.register("shots", views.ShotViewSet, basename="shot")
router.register("tasks", views.TaskViewSet, basename="task")

urlpatterns = router.urls
