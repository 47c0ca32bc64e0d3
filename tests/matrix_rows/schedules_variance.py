"""Rows for a show's schedule variance (earned value): live figures and their daily history.

Production managers, producers and admins read them; the show's other staff get 403; clients, like strangers, 404
(staff information, as the show dashboard). The figures themselves are in tests/schedules/test_api_variance.py.
"""

from .base import Row, api, of

SCHEDULE_READERS = {"production_manager": 200, "producer": 200, "admin": 200, "client": 404}

ROWS: dict[str, Row] = {
    "api:show-variance": Row(
        of("api:show-variance", code=lambda s: s.show.code), own=api(403, **SCHEDULE_READERS), other=api(404, admin=200)
    ),
    "api:show-variance-history": Row(
        of("api:show-variance-history", code=lambda s: s.show.code),
        own=api(403, **SCHEDULE_READERS),
        other=api(404, admin=200),
    ),
}
