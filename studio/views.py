import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dailies.services import can_publish_notes
from shots.cut_import import can_import_cuts
from shots.workflow import TaskStatus

from . import permissions
from .htmx import render_page
from .models import Role, ShowSummary
from .selectors import HOME_BY_ROLE, home_show, nav_role, show_summaries
from .services import broker_mark_up, show_summary_refresh

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """Send each role to its home page."""
    role = nav_role(request.user)
    if role in (Role.PRODUCER, Role.PRODUCTION_MANAGER):
        show = home_show(request.user)
        return redirect("studio:show_dashboard", code=show.code) if show else redirect("studio:show_list")
    if role == Role.ADMIN and not request.user.is_staff:
        return redirect("studio:show_list")  # Django's admin would only show its own login form
    return redirect(HOME_BY_ROLE.get(role, "studio:show_list"))


@login_required
def show_list(request):
    shows = list(permissions.visible_shows(request.user).order_by("code"))
    # Task counts are staff information: clients see their shows' names only.
    summaries = show_summaries(permissions.visible(request.user, ShowSummary).values("show_id"))
    rows = [(show, summaries.get(show.pk)) for show in shows]
    return render_page(request, "studio/show_list.html", {"rows": rows})


@login_required
def show_dashboard(request, code: str):
    # Clients belong to shows too, but the dashboard is staff information: they get a 404 like a stranger.
    show = permissions.staff_show(request.user, code)
    summary = ShowSummary.objects.filter(show=show).first() or show_summary_refresh(show_id=show.pk)
    status_rows = [(value, label, summary.tasks_by_status.get(value, 0)) for value, label in TaskStatus.choices]
    role = permissions.role_on_show(request.user, show)
    context = {
        "show": show,
        "summary": summary,
        "status_rows": status_rows,
        "can_import_cuts": can_import_cuts(request.user, show),
        "can_publish_notes": can_publish_notes(request.user, show),
        "can_read_schedule": permissions.can_read_schedule(request.user, show),
        "can_read_timesheets": role in (Role.ADMIN, Role.COORDINATOR, *permissions.PLANNERS),
        "can_see_money": permissions.can_see_money(request.user, show),
        "can_see_department_totals": permissions.can_see_department_totals(request.user, show),
    }
    return render_page(request, "studio/show_dashboard.html", context)


@require_GET
@never_cache
def healthz(request):
    """Liveness for load balancers: 200 while the database answers; the broker state is reported."""
    database = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001
        logger.exception("healthz: database check failed")
        database = "down"
    broker = _broker_state()
    status = 200 if database == "ok" else 503
    return JsonResponse({"database": database, "broker": broker}, status=status)


def _broker_state() -> str:
    if not settings.REDIS_URL:
        return "in-process"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception:  # noqa: BLE001
        return "down"
    broker_mark_up()  # it answers again: let requests enqueue work directly
    return "ok"
