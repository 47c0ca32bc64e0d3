"""The one helper that decides "partial or full page" for htmx requests."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    # A history-restore request (htmx's cache missed on Back) wants the whole page, though it sends HX-Request.
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(
    request: HttpRequest, template: str, context: dict, *, partial: str | None = None, status: int = 200
) -> HttpResponse:
    """Render `template`, or only its named partial (`template#partial`) when htmx asks for a fragment."""
    name = f"{template}#{partial}" if partial and wants_partial(request) else template
    response = render(request, name, context, status=status)
    if partial:
        # One URL serves a fragment or a page: caches (and the Back button) must keep them apart.
        patch_vary_headers(response, ("HX-Request",))
    return response
