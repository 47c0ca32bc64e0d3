"""Rows for weekly timesheets: My timesheet, a show's timesheets (and its lock POST), one person's week on a show.

My timesheet is every staff member's own; clients get 404 like any staff page. A show's timesheets and a person's
week on it are for the show's coordinators, production managers and producers (and admins): its other staff get
403, clients and strangers 404. The cell URLs are POST only: a GET is a 405 for everyone (require_POST answers
before the login check). What each role may POST is in tests/schedules/test_timesheets.py.
"""

from .base import Row, answers, fixed, of, page

TIMESHEET_READERS = {"coordinator": 200, "production_manager": 200, "producer": 200, "admin": 200, "client": 404}
POST_ONLY = answers(405)


def _person(name: str):
    # The artist whose time log the world holds: "artist" on OWN, "other_artist" on OTH.
    return of(name, code=lambda s: s.show.code, username=lambda s: s.time_log.person.username)


ROWS: dict[str, Row] = {
    "schedules:my_timesheet": Row(fixed("schedules:my_timesheet"), page(200, client=404)),
    "schedules:my_timesheet_cell": Row(fixed("schedules:my_timesheet_cell"), POST_ONLY),
    "schedules:show_timesheets": Row(
        of("schedules:show_timesheets", code=lambda s: s.show.code),
        own=page(403, **TIMESHEET_READERS),
        other=page(404, admin=200),
    ),
    "schedules:person_timesheet": Row(
        _person("schedules:person_timesheet"), own=page(403, **TIMESHEET_READERS), other=page(404, admin=200)
    ),
    "schedules:person_timesheet_cell": Row(_person("schedules:person_timesheet_cell"), POST_ONLY, POST_ONLY),
}
