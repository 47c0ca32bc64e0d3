"""Rows for the foundation's pages, public URLs and the first API endpoints."""

from .base import ADMIN_LOGIN, Redirect, Row, answers, api, fixed, of, page

ROWS: dict[str, Row] = {
    # --- Public ------------------------------------------------------------------------------------------
    "healthz": Row(fixed("healthz"), answers(200)),
    # Uploaded files: whoever may see the owning record (here an internal note To: the artist); else 404.
    "media": Row(
        lambda w, which: w.show(which).internal_attachment.file.url,
        own=page(200, client=404),
        other=page(404, admin=200),
    ),
    # Logged-in people are sent home (LoginView(redirect_authenticated_user=True)).
    "login": Row(fixed("login"), answers(Redirect("/"), anonymous=200)),
    # POST only (see test_logout_is_post_only).
    "logout": Row(fixed("logout"), answers(405)),
    # --- Pages --------------------------------------------------------------------------------------------
    "home": Row(
        fixed("home"),
        page(
            artist=Redirect("/my/tasks/"),
            supervisor=Redirect("/review/"),
            coordinator=Redirect("/dailies/"),
            production_manager=Redirect("/shows/OWN/"),
            producer=Redirect("/shows/OWN/"),
            admin=Redirect("/admin/"),
            client=Redirect("/dailies/"),
        ),
    ),
    "studio:show_list": Row(fixed("studio:show_list"), page(200)),
    # Clients are on the show but the dashboard is staff information: 404, like a stranger.
    "studio:show_dashboard": Row(
        of("studio:show_dashboard", code=lambda s: s.show.code),
        own=page(200, client=404),
        other=page(404, admin=200),
    ),
    "shots:my_tasks": Row(fixed("shots:my_tasks"), page(200)),
    "shots:review_queue": Row(fixed("shots:review_queue"), page(200)),
    "dailies:session_list": Row(fixed("dailies:session_list"), page(200)),
    # Django admin's own check: staff only, everyone else to the admin login. Stands for every admin:* URL.
    "admin:index": Row(fixed("admin:index"), answers(ADMIN_LOGIN, admin=200)),
    # --- API ----------------------------------------------------------------------------------------------
    "api:token": Row(fixed("api:token"), answers(405)),  # POST only (see test_api_token_is_post_only)
    "api:schema": Row(fixed("api:schema"), api(200)),
    "api:docs": Row(fixed("api:docs"), api(200)),
    # Lists answer 200 to everyone logged in, with only what they may see (a client: their show, no breakdown).
    "api:show-list": Row(fixed("api:show-list"), api(200)),
    "api:sequence-list": Row(fixed("api:sequence-list"), api(200)),
    "api:shot-list": Row(fixed("api:shot-list"), api(200)),
    "api:task-list": Row(fixed("api:task-list"), api(200)),
    # Details: another show's object is a 404, exactly like a missing one.
    "api:show-detail": Row(of("api:show-detail", code=lambda s: s.show.code), own=api(200), other=api(404, admin=200)),
    "api:sequence-detail": Row(
        of("api:sequence-detail", pk=lambda s: s.sequence.pk), own=api(200, client=404), other=api(404, admin=200)
    ),
    "api:shot-detail": Row(
        of("api:shot-detail", pk=lambda s: s.shot.pk), own=api(200, client=404), other=api(404, admin=200)
    ),
    "api:task-detail": Row(
        of("api:task-detail", pk=lambda s: s.task.pk), own=api(200, client=404), other=api(404, admin=200)
    ),
}
