"""Row for a show's schedule dashboard (variance, trend, late and at-risk tasks, milestones, load).

Like the variance API it draws on: the show's production managers and producers, and admins, read it; the show's
other staff get 403; clients, like strangers, 404 (staff information). The figures are in
tests/schedules/test_dashboard.py and tests/schedules/test_load.py.
"""

from .base import Row, of, page

SCHEDULE_READERS = {"production_manager": 200, "producer": 200, "admin": 200, "client": 404}

ROWS: dict[str, Row] = {
    "schedules:schedule_dashboard": Row(
        of("schedules:schedule_dashboard", code=lambda s: s.show.code),
        own=page(403, **SCHEDULE_READERS),
        other=page(404, admin=200),
    ),
}
