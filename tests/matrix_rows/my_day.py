"""Rows for My tasks' and the review queue's actions, and the versions and time-log API.

The page actions are POST only: a GET is a 405 for everyone (require_POST answers before the login check), on an
object of the role's show or of another show alike. What each role may POST is in tests/shots/test_my_day.py.
"""

from .base import Row, answers, api, fixed, of

POST_ONLY = answers(405)
API_POST_ONLY = api(405)  # DRF authenticates first: anonymous is a 401, everyone else a 405

ROWS: dict[str, Row] = {
    # --- My tasks and review queue actions (POST only) ------------------------------------------------------
    "shots:task_status": Row(of("shots:task_status", task_id=lambda s: s.task.pk), POST_ONLY, POST_ONLY),
    "shots:task_log_hours": Row(of("shots:task_log_hours", task_id=lambda s: s.task.pk), POST_ONLY, POST_ONLY),
    "shots:task_submit_version": Row(
        of("shots:task_submit_version", task_id=lambda s: s.task.pk), POST_ONLY, POST_ONLY
    ),
    "shots:note_mark_read": Row(of("shots:note_mark_read", note_id=lambda s: s.internal_note.pk), POST_ONLY, POST_ONLY),
    "shots:version_review": Row(of("shots:version_review", version_id=lambda s: s.version.pk), POST_ONLY, POST_ONLY),
    # --- Versions API -----------------------------------------------------------------------------------------
    # Staff of the show read every version of it; clients get their versions through client sessions, not here.
    "api:version-list": Row(fixed("api:version-list"), api(200)),
    "api:version-detail": Row(
        of("api:version-detail", pk=lambda s: s.version.pk), own=api(200, client=404), other=api(404, admin=200)
    ),
    "api:version-review": Row(of("api:version-review", pk=lambda s: s.version.pk), API_POST_ONLY, API_POST_ONLY),
    # --- Time logs API ----------------------------------------------------------------------------------------
    "api:timelog-list": Row(fixed("api:timelog-list"), api(200)),
    # `time_log` is the artist's, on an Animation task: the Animation supervisor and the show's coordinators,
    # production managers and producers see it too; clients never.
    "api:timelog-detail": Row(
        of("api:timelog-detail", pk=lambda s: s.time_log.pk), own=api(200, client=404), other=api(404, admin=200)
    ),
}
