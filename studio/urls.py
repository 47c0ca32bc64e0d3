from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .media import protected_media

studio_patterns = (
    [
        path("shows/", views.show_list, name="show_list"),
        path("shows/<str:code>/", views.show_dashboard, name="show_dashboard"),
    ],
    "studio",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path(settings.MEDIA_URL.lstrip("/") + "<path:name>", protected_media, name="media"),
    path("", include(studio_patterns)),
    path("", include("shots.urls")),
    path("", include("dailies.urls")),
    path("", include("schedules.urls")),
    path("", include("budgets.urls")),
    path("api/v1/", include("studio.api.urls")),
    path("admin/", admin.site.urls),
]
