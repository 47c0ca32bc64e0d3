"""The REST API at /api/v1/ (routes are added by each app's api package)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
