"""Project-wide request guards."""

from django.http import Http404


def refuse_nul_in_path(get_response):
    """A path with a NUL character names nothing: 404 before any view runs. (PostgreSQL refuses NUL in a text
    parameter, so a view looking up `/shows/%00/` by code would otherwise fail with a 500.)"""

    def middleware(request):
        if "\x00" in request.path:
            raise Http404("No such page.")
        return get_response(request)

    return middleware
