"""Dailies routes, included by studio.api.urls into the "api" namespace: versions (api:version-list,
api:version-detail, api:version-review), notes (api:note-list, api:note-detail), review sessions (api:session-list,
api:session-detail and their actions: see dailies/api/sessions.py) and my inbox (api:inbox, api:inbox-read)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import notes, sessions, views

router = SimpleRouter()
router.register("versions", views.VersionViewSet, basename="version")
router.register("notes", notes.NoteViewSet, basename="note")
router.register("sessions", sessions.ReviewSessionViewSet, basename="session")

urlpatterns = [
    *router.urls,
    path("inbox/", notes.InboxViewSet.as_view({"get": "list"}), name="inbox"),
    path("inbox/read/", notes.InboxViewSet.as_view({"post": "read"}), name="inbox-read"),
]
