"""Version routes, included by studio.api.urls into the "api" namespace (api:version-list, api:version-detail,
api:version-review)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("versions", views.VersionViewSet, basename="version")

urlpatterns = router.urls
