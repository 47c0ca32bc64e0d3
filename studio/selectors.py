"""Studio-wide reads."""

from .models import Role, Show, ShowSummary
from .permissions import access_for, visible_shows

HOME_BY_ROLE = {
    Role.ARTIST: "shots:my_tasks",
    Role.SUPERVISOR: "shots:review_queue",
    Role.COORDINATOR: "dailies:session_list",
    Role.PRODUCTION_MANAGER: "studio:show_dashboard",
    Role.PRODUCER: "studio:show_dashboard",
    Role.ADMIN: "admin:index",
    Role.CLIENT: "dailies:session_list",
}


def home_show(person) -> Show | None:
    """The show a producer or production manager lands on: their first active show, else their first."""
    shows = visible_shows(person).order_by("-status", "code")
    return shows.filter(status="active").first() or shows.first()


def show_summaries(show_ids) -> dict[int, ShowSummary]:
    return {s.show_id: s for s in ShowSummary.objects.filter(show_id__in=show_ids)}


def nav_role(person) -> str:
    """The role the navigation is built for: admin, else the person's studio role."""
    return Role.ADMIN if access_for(person).is_admin else person.role
