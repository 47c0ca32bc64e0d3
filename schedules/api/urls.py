"""Time-log routes, included by studio.api.urls into the "api" namespace (api:timelog-list, api:timelog-detail)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("time-logs", views.TimeLogViewSet, basename="timelog")

urlpatterns = router.urls
