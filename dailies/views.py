from django.contrib.auth.decorators import login_required

from studio.htmx import render_page

from . import selectors


@login_required
def session_list(request):
    sessions = selectors.recent_sessions(request.user)
    return render_page(request, "dailies/session_list.html", {"sessions": sessions}, partial="session-table")
