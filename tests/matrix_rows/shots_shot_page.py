"""Rows for the shot page and breakdown editing (shots/views/shot_page.py).

Every page looks the show up among the person's staff shows: clients and strangers get a 404, like a missing
show. Reading is for the show's staff; the edit pages answer 403 to staff who may not change the breakdown
(artists, supervisors). Omit and restore are POST only.
"""

from .base import Row, of, page

# Staff read; clients and other shows' people get a 404.
READ_OWN = page(200, client=404)
# Breakdown editors (coordinator, production manager, producer) and admins; other staff 403; clients 404.
EDIT_OWN = page(403, coordinator=200, production_manager=200, producer=200, admin=200, client=404)
# Another show: a 404 for everyone but admins, like a show that does not exist.
OTHER = page(404, admin=200)
# POST only: every logged-in GET is a 405 (nothing is looked up first), anonymous people go to log in.
POST_ONLY = page(405)

SHOW = {"code": lambda s: s.show.code}
SEQUENCE = {**SHOW, "seq_code": lambda s: s.sequence.code}
SHOT = {**SHOW, "shot_code": lambda s: s.shot.code}

ROWS: dict[str, Row] = {
    "shots:breakdown": Row(of("shots:breakdown", **SHOW), own=READ_OWN, other=OTHER),
    "shots:sequence_create": Row(of("shots:sequence_create", **SHOW), own=EDIT_OWN, other=OTHER),
    "shots:sequence_update": Row(of("shots:sequence_update", **SEQUENCE), own=EDIT_OWN, other=OTHER),
    "shots:shot_create": Row(of("shots:shot_create", **SHOW), own=EDIT_OWN, other=OTHER),
    "shots:shot_detail": Row(of("shots:shot_detail", **SHOT), own=READ_OWN, other=OTHER),
    "shots:shot_update": Row(of("shots:shot_update", **SHOT), own=EDIT_OWN, other=OTHER),
    "shots:shot_omit": Row(of("shots:shot_omit", **SHOT), own=POST_ONLY, other=POST_ONLY),
    "shots:shot_restore": Row(of("shots:shot_restore", **SHOT), own=POST_ONLY, other=POST_ONLY),
    # Every staff member reads the template; only breakdown editors get the form (checked in test_breakdown).
    "shots:task_template": Row(of("shots:task_template", **SHOW), own=READ_OWN, other=OTHER),
}
