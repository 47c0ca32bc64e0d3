from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .models import Role
from .selectors import nav_role

NAV_ITEMS = {
    "my_tasks": ("My tasks", "shots:my_tasks"),
    "review": ("Review queue", "shots:review_queue"),
    "dailies": ("Dailies", "dailies:session_list"),
    "shows": ("Shows", "studio:show_list"),
    "admin": ("Admin", "admin:index"),
}
NAV_BY_ROLE = {
    Role.ARTIST: ["my_tasks", "dailies", "shows"],
    Role.SUPERVISOR: ["review", "dailies", "my_tasks", "shows"],
    Role.COORDINATOR: ["dailies", "review", "shows"],
    Role.PRODUCTION_MANAGER: ["shows", "dailies", "review"],
    Role.PRODUCER: ["shows", "dailies", "review"],
    Role.ADMIN: ["shows", "dailies", "review", "my_tasks", "admin"],
    Role.CLIENT: ["dailies"],
}


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

        inbox_url = reverse("dailies:inbox")
        context["inbox_link"] = {"url": inbox_url, "active": request.path.startswith(inbox_url)}
        context["unread_note_count"] = SimpleLazyObject(lambda: request_unread_count(request))
    return context
