from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .models import Role
from .selectors import nav_role

NAV_ITEMS = {
    "my_tasks": ("My tasks", "shots:my_tasks"),
    "review": ("Review queue", "shots:review_queue"),
    "dailies": ("Dailies", "dailies:session_list"),
    "shows": ("Shows", "studio:show_list"),
    "timesheet": ("My timesheet", "schedules:my_timesheet"),
    "producer": ("Producer", "budgets:producer_overview"),
    "rates": ("Rates", "budgets:rate_list"),
    "admin": ("Admin", "admin:index"),
}
NAV_BY_ROLE = {
    Role.ARTIST: ["my_tasks", "timesheet", "dailies", "shows"],
    Role.SUPERVISOR: ["review", "dailies", "my_tasks", "timesheet", "shows"],
    Role.COORDINATOR: ["dailies", "review", "shows", "timesheet"],
    Role.PRODUCTION_MANAGER: ["shows", "dailies", "review", "timesheet"],
    Role.PRODUCER: ["shows", "producer", "dailies", "review", "rates"],
    Role.ADMIN: ["shows", "producer", "dailies", "review", "my_tasks", "rates", "admin"],
    Role.CLIENT: ["dailies"],
}
# The person's own schedule pages, in the header beside their name (staff only).
ME_ITEMS = [
    ("My Gantt", "schedules:my_gantt"),
    ("Availability", "schedules:my_availability"),
    ("Calendars", "schedules:my_calendars"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for key in NAV_BY_ROLE.get(nav_role(user), []):
        if key == "admin" and not user.is_staff:
            continue
        label, url_name = NAV_ITEMS[key]
        url = reverse(url_name)
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    context = {"nav_items": items, "nav_role_label": Role(nav_role(user)).label}
    if user.role != Role.CLIENT or user.is_admin:
        # Counted only if the page prints the header (a partial does not): one COUNT, shared with a page showing it.
        from dailies.selectors import request_unread_count

        context["me_links"] = [
            {"label": label, "url": reverse(name), "active": request.path.startswith(reverse(name))}
            for label, name in ME_ITEMS
        ]
        inbox_url = reverse("dailies:inbox")
        context["inbox_link"] = {"url": inbox_url, "active": request.path.startswith(inbox_url)}
        context["unread_note_count"] = SimpleLazyObject(lambda: request_unread_count(request))
    return context
