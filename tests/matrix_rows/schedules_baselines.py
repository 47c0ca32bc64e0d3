"""Rows for the baseline pages (schedules/views/baselines.py) and the baselines, milestones and per-task variance API
(schedules/api/).

Every staff member of a show reads its baselines and milestones; clients, like strangers, get a 404 (staff
information). The actions are POST only: require_POST answers before the login check, so a GET is a 405 for
everyone; in the API DRF authenticates first (anonymous 401, everyone else 405). Per-task variance is for the
show's production managers and producers, as the rest of the variance API. What each role may POST is in
tests/schedules/test_baselines.py, test_api_baselines.py and test_api_milestones.py.
"""

from .base import Row, answers, api, fixed, of, page

SHOW = {"code": lambda s: s.show.code}
BASELINE = {**SHOW, "baseline_id": lambda s: s.baseline.pk}
POST_ONLY = answers(405)
API_POST_ONLY = api(405)

READ = page(200, client=404)
READ_OTHER = page(404, admin=200)
API_READ = api(200, client=404)
API_READ_OTHER = api(404, admin=200)
SCHEDULE_READERS = {"production_manager": 200, "producer": 200, "admin": 200, "client": 404}


def post_only(name: str, **kwargs) -> Row:
    return Row(of(name, **kwargs), POST_ONLY, POST_ONLY)


ROWS: dict[str, Row] = {
    # --- Pages ----------------------------------------------------------------------------------------------
    "schedules:baseline_list": Row(of("schedules:baseline_list", **SHOW), READ, READ_OTHER),
    "schedules:baseline_compare": Row(of("schedules:baseline_compare", **SHOW), READ, READ_OTHER),
    "schedules:baseline_detail": Row(of("schedules:baseline_detail", **BASELINE), READ, READ_OTHER),
    "schedules:baseline_activate": post_only("schedules:baseline_activate", **BASELINE),
    "schedules:baseline_deactivate": post_only("schedules:baseline_deactivate", **BASELINE),
    "schedules:baseline_rename": post_only("schedules:baseline_rename", **BASELINE),
    "schedules:baseline_delete": post_only("schedules:baseline_delete", **BASELINE),
    # --- API ------------------------------------------------------------------------------------------------
    "api:milestone-list": Row(fixed("api:milestone-list"), api(200)),
    "api:milestone-detail": Row(
        of("api:milestone-detail", pk=lambda s: s.milestone.pk), own=API_READ, other=API_READ_OTHER
    ),
    "api:baseline-list": Row(fixed("api:baseline-list"), api(200)),
    "api:baseline-detail": Row(of("api:baseline-detail", pk=lambda s: s.baseline.pk), API_READ, API_READ_OTHER),
    "api:baseline-tasks": Row(of("api:baseline-tasks", pk=lambda s: s.baseline.pk), API_READ, API_READ_OTHER),
    "api:baseline-activate": Row(of("api:baseline-activate", pk=lambda s: s.baseline.pk), API_POST_ONLY, API_POST_ONLY),
    "api:baseline-deactivate": Row(
        of("api:baseline-deactivate", pk=lambda s: s.baseline.pk), API_POST_ONLY, API_POST_ONLY
    ),
    "api:show-baseline-compare": Row(of("api:show-baseline-compare", **SHOW), API_READ, API_READ_OTHER),
    "api:show-variance-tasks": Row(
        of("api:show-variance-tasks", **SHOW), own=api(403, **SCHEDULE_READERS), other=api(404, admin=200)
    ),
}
