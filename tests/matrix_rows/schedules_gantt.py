"""Rows for the Gantt charts: a show's, a person's on a show, mine, and a task's dates page.

Readers are the show's staff; clients, like strangers, get a 404. A task's dates page (GET; its POST is in
tests/schedules/test_gantt.py) is for those who may change the task's dates: `task` is the artist's Animation
task, so the artist (dates are the production's plan, shots.services refuses them to artists) gets a 403, the
Animation supervisor, coordinator, production manager, producer and admin a 200.
"""

from django.urls import reverse

from .base import Row, of, page

SHOW_CODE = {"code": lambda s: s.show.code}
# The person whose chart the column shows: the artist on OWN, the other show's artist on OTH.
PERSON = {"own": "artist", "other": "other_artist"}


def person_chart(w, which: str) -> str:
    return reverse("schedules:gantt_person", args=[w.show(which).show.code, PERSON[which]])


ROWS: dict[str, Row] = {
    "schedules:gantt": Row(of("schedules:gantt", **SHOW_CODE), own=page(200, client=404), other=page(404, admin=200)),
    "schedules:gantt_person": Row(person_chart, own=page(200, client=404), other=page(404, admin=200)),
    "schedules:gantt_task_dates": Row(
        of("schedules:gantt_task_dates", code=lambda s: s.show.code, pk=lambda s: s.task.pk),
        own=page(200, artist=403, client=404),
        other=page(404, admin=200),
    ),
    "schedules:my_gantt": Row(lambda w, which: reverse("schedules:my_gantt"), own=page(200, client=404)),
}
