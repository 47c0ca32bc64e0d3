"""Rows for note digests: my digest settings, send now, the outbox and a digest's HTML version.

Digests belong to a person, not to a show (studio.permissions.OwnRule): the world's one digest is the artist's, so
the "own" column is the owner against everyone else (admins see every digest; the outbox is theirs too). Each page
lists only the viewer's own digests (tests/dailies/test_digests.py checks the contents).
"""

from django.urls import reverse

from .base import Row, answers, fixed, page

ROWS: dict[str, Row] = {
    "dailies:digest_settings": Row(fixed("dailies:digest_settings"), page(200)),
    # POST only: a GET is a 405 for everyone (require_POST answers before the login check).
    "dailies:digest_send_now": Row(fixed("dailies:digest_send_now"), answers(405)),
    "dailies:outbox": Row(fixed("dailies:outbox"), page(200)),
    # Someone else's digest is a 404, exactly like a missing one.
    "dailies:outbox_html": Row(
        lambda w, which: reverse("dailies:outbox_html", args=[w.digest.pk]), page(404, artist=200, admin=200)
    ),
}
