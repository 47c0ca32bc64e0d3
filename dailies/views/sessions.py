"""Review sessions: the list, building a session, the session page where notes are typed, the notes sheet."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from studio.htmx import render_page

from .. import selectors


@login_required
def session_list(request):
    sessions = selectors.recent_sessions(request.user)
    return render_page(request, "dailies/session_list.html", {"sessions": sessions}, partial="session-table")


urlpatterns = [path("dailies/", session_list, name="session_list")]
