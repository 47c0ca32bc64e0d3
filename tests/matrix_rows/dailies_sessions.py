"""Rows for the review session pages and the sessions API (dailies/views/sessions.py, dailies/api/sessions.py).

Every staff member of a show reads its sessions (artists read only: the page has no note box or playlist tools for
them); its clients read only the client sessions released to them, so the internal session used here is a 404 to
them, like a stranger's. Building a session and finding versions to add are for the show's reviewers: the show's
artists get a 403. The actions are POST only: require_POST answers before the login check, so a GET is a 405 for
everyone; in the API DRF authenticates first (anonymous 401, everyone else 405). What each role may POST is in
tests/dailies/test_sessions.py and tests/dailies/test_api_sessions.py.
"""

from .base import Row, answers, api, fixed, of, page

POST_ONLY = answers(405)
API_POST_ONLY = api(405)
SHOW = {"code": lambda s: s.show.code}
SESSION = {"session_id": lambda s: s.internal_session.pk}
ITEM = {**SESSION, "item_id": lambda s: s.items[0].pk}  # the artist's version in the internal session

READ = page(200, client=404)
READ_OTHER = page(404, admin=200)
REVIEWERS_ONLY = page(200, artist=403, client=404)


def post_only(name: str, **kwargs) -> Row:
    return Row(of(name, **kwargs), POST_ONLY, POST_ONLY)


ROWS: dict[str, Row] = {
    # --- Pages ----------------------------------------------------------------------------------------------
    "dailies:session_create": Row(of("dailies:session_create", **SHOW), REVIEWERS_ONLY, READ_OTHER),
    "dailies:session_detail": Row(of("dailies:session_detail", **SESSION), READ, READ_OTHER),
    "dailies:session_playlist": Row(of("dailies:session_playlist", **SESSION), READ, READ_OTHER),
    "dailies:session_notes": Row(of("dailies:session_notes", **ITEM), READ, READ_OTHER),
    "dailies:session_version_search": Row(of("dailies:session_version_search", **SESSION), REVIEWERS_ONLY, READ_OTHER),
    "dailies:session_sheet": Row(of("dailies:session_sheet", **SESSION), READ, READ_OTHER),
    "dailies:session_sheet_csv": Row(of("dailies:session_sheet_csv", **SESSION), READ, READ_OTHER),
    "dailies:session_note_create": post_only("dailies:session_note_create", **ITEM),
    "dailies:session_items_add": post_only("dailies:session_items_add", **SESSION),
    "dailies:session_item_remove": post_only("dailies:session_item_remove", **ITEM),
    "dailies:session_item_move": post_only("dailies:session_item_move", **ITEM),
    "dailies:session_reorder": post_only("dailies:session_reorder", **SESSION),
    "dailies:session_send_notes": post_only("dailies:session_send_notes", **SESSION),
    "dailies:session_release": post_only("dailies:session_release", **SESSION),
    # --- API ------------------------------------------------------------------------------------------------
    "api:session-list": Row(fixed("api:session-list"), api(200)),
    "api:session-detail": Row(
        of("api:session-detail", pk=lambda s: s.internal_session.pk),
        own=api(200, client=404),
        other=api(404, admin=200),
    ),
    "api:session-items": Row(of("api:session-items", pk=lambda s: s.internal_session.pk), API_POST_ONLY, API_POST_ONLY),
    "api:session-reorder": Row(
        of("api:session-reorder", pk=lambda s: s.internal_session.pk), API_POST_ONLY, API_POST_ONLY
    ),
    "api:session-remove-item": Row(
        of("api:session-remove-item", pk=lambda s: s.internal_session.pk), API_POST_ONLY, API_POST_ONLY
    ),
    "api:session-release": Row(
        of("api:session-release", pk=lambda s: s.internal_session.pk), API_POST_ONLY, API_POST_ONLY
    ),
    "api:session-send-notes": Row(
        of("api:session-send-notes", pk=lambda s: s.internal_session.pk), API_POST_ONLY, API_POST_ONLY
    ),
}
