"""Rows for the inbox, held client notes, and the notes and inbox API (dailies/views/inbox.py, dailies/api/notes.py).

The inbox is everyone's own (a client's is empty); marking read is POST only (require_POST answers before the login
check, so a GET is a 405 for everyone). Held client notes are for the show's coordinators, production managers and
producers (admins): its other staff get a 403, its clients and strangers a 404 like a missing show. The notes API is
the staff's, like the versions API: a client gets [] and 404s. What each role may POST is in tests/dailies/.
"""

from .base import Row, answers, api, fixed, of, page

POST_ONLY = answers(405)
SHOW = {"code": lambda s: s.show.code}

ROWS: dict[str, Row] = {
    # --- Pages ----------------------------------------------------------------------------------------------
    "dailies:inbox": Row(fixed("dailies:inbox"), page(200)),
    "dailies:inbox_read_all": Row(fixed("dailies:inbox_read_all"), POST_ONLY),
    "dailies:note_read": Row(of("dailies:note_read", note_id=lambda s: s.internal_note.pk), POST_ONLY, POST_ONLY),
    "dailies:held_notes": Row(
        of("dailies:held_notes", **SHOW),
        own=page(403, coordinator=200, production_manager=200, producer=200, admin=200, client=404),
        other=page(404, admin=200),
    ),
    # --- API ------------------------------------------------------------------------------------------------
    "api:note-list": Row(fixed("api:note-list"), api(200)),
    # The supervisor's internal note on the artist's version, To: the artist. The artist sees it (their task, and
    # addressed to them); every reviewer of the show does; a client never (the API is the staff's).
    "api:note-detail": Row(
        of("api:note-detail", pk=lambda s: s.internal_note.pk), own=api(200, client=404), other=api(404, admin=200)
    ),
    "api:inbox": Row(fixed("api:inbox"), api(200)),
    # POST only: DRF authenticates first, so anonymous is a 401 and everyone else a 405.
    "api:inbox-read": Row(fixed("api:inbox-read"), api(405)),
}
