"""Rows for calendar feeds: my calendars (make and list), revoke, and the public ICS.

Feeds belong to a person, not to a show (studio.permissions.OwnFeedRule). My calendars is for studio staff and
admins, each seeing only their own feeds; clients have no tasks or milestones to subscribe to, so the page is a 404
for them, like any staff page. Revoke is POST only (a GET is a 405 for everyone, before the login check); a POST on
someone else's feed is a 404 (tests/schedules/test_feeds.py).

The ICS URL needs no login: its secret is the key, and it answers the same to every browser, logged in or not. The
database keeps only the SHA-256 of a secret, so the row makes a fresh feed through the service to learn one: the
own show's producer's feed of their due tasks, which has no events in the world (the producer is assigned no
task), so the leak scan of the 200s stays meaningful for anonymous people and clients. What a feed lists, and its
404s (unknown, revoked, inactive owner, show left), are in tests/schedules/test_feeds.py.
"""

from django.urls import reverse

from schedules import feeds
from schedules.models import CalendarFeedKind

from .base import Row, answers, page


def _fresh_task_feed(w, which: str) -> str:
    feed = feeds.calendar_feed_create(actor=w.fresh("producer"), kind=CalendarFeedKind.MY_TASKS)
    return reverse("schedules:calendar_feed", kwargs={"token": feed.secret})


def _revoke(w, which: str) -> str:
    return reverse("schedules:calendar_feed_revoke", args=[w.show(which).milestone_feed.pk])


ROWS: dict[str, Row] = {
    "schedules:my_calendars": Row(lambda w, which: reverse("schedules:my_calendars"), page(200, client=404)),
    "schedules:calendar_feed_revoke": Row(_revoke, answers(405), answers(405)),
    "schedules:calendar_feed": Row(_fresh_task_feed, answers(200)),
}
