"""Rows for the planning pages: milestones, working days (holidays, status weights), availability.

Every staff member of a show reads its milestones and working days; clients, like strangers, get a 404. The edit
page of a milestone and the show's availability are its planners' (production managers, producers; admins):
other staff get a 403. The add / remove URLs are POST only: a GET is a 405 for everyone (require_POST answers
before the login check). What each role may POST is in tests/schedules/test_planning.py.
"""

from .base import Row, answers, fixed, of, page

SHOW_CODE = {"code": lambda s: s.show.code}
POST_ONLY = answers(405)
STAFF_READ = {"own": page(200, client=404), "other": page(404, admin=200)}
PLANNERS_ONLY = {
    "own": page(403, production_manager=200, producer=200, admin=200, client=404),
    "other": page(404, admin=200),
}

ROWS: dict[str, Row] = {
    "schedules:milestone_list": Row(of("schedules:milestone_list", **SHOW_CODE), **STAFF_READ),
    "schedules:milestone_update": Row(
        of("schedules:milestone_update", **SHOW_CODE, pk=lambda s: s.milestone.pk), **PLANNERS_ONLY
    ),
    "schedules:milestone_delete": Row(
        of("schedules:milestone_delete", **SHOW_CODE, pk=lambda s: s.milestone.pk), POST_ONLY, POST_ONLY
    ),
    "schedules:working_days": Row(of("schedules:working_days", **SHOW_CODE), **STAFF_READ),
    "schedules:holiday_add": Row(of("schedules:holiday_add", **SHOW_CODE), POST_ONLY, POST_ONLY),
    "schedules:holiday_remove": Row(
        of("schedules:holiday_remove", **SHOW_CODE, pk=lambda s: s.holiday.pk), POST_ONLY, POST_ONLY
    ),
    "schedules:status_weights": Row(of("schedules:status_weights", **SHOW_CODE), POST_ONLY, POST_ONLY),
    "schedules:availability": Row(of("schedules:availability", **SHOW_CODE), **PLANNERS_ONLY),
    "schedules:availability_day_off_add": Row(
        of("schedules:availability_day_off_add", **SHOW_CODE), POST_ONLY, POST_ONLY
    ),
    "schedules:availability_day_off_remove": Row(
        of("schedules:availability_day_off_remove", **SHOW_CODE, pk=lambda s: s.day_off.pk), POST_ONLY, POST_ONLY
    ),
    "schedules:availability_part_time_set": Row(
        of("schedules:availability_part_time_set", **SHOW_CODE), POST_ONLY, POST_ONLY
    ),
    "schedules:availability_part_time_remove": Row(
        of("schedules:availability_part_time_remove", **SHOW_CODE, pk=lambda s: s.part_time.pk), POST_ONLY, POST_ONLY
    ),
    # A person's own page: every staff member (admins too); clients get a 404.
    "schedules:my_availability": Row(fixed("schedules:my_availability"), page(200, client=404)),
    "schedules:my_day_off_add": Row(fixed("schedules:my_day_off_add"), POST_ONLY),
    "schedules:my_day_off_remove": Row(
        of("schedules:my_day_off_remove", pk=lambda s: s.day_off.pk), POST_ONLY, POST_ONLY
    ),
}
