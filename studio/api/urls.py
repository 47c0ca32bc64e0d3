"""The REST API at /api/v1/: studio routes here, each app's routes from its api package, all in "api"."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("shows", views.ShowViewSet, basename="show")

# The schema and its docs page are for people who can log in, like every other route but the token one.
documentation = {"authentication_classes": views.API_AUTHENTICATION, "permission_classes": [IsAuthenticated]}

app_name = "api"
urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(**documentation), name="schema"),
    # The split view serves Swagger UI's start-up script from a URL, not inline: our CSP forbids inline code.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", **documentation), name="docs"),
    path("", include(router.urls)),
    path("", include("shots.api.urls")),
    path("", include("dailies.api.urls")),
    path("", include("schedules.api.urls")),
    path("", include("budgets.api.urls")),
]
