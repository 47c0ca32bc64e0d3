"""Calendar feeds: private, revocable ICS URLs a calendar app subscribes to (a person's due tasks, a show's
milestones).

The URL carries a secret made once, at creation (secrets.token_urlsafe(32)); the database keeps only its SHA-256
digest in CalendarFeed.token, so a leaked database dump or a look over an admin's shoulder opens no feed. Slate
shows the URL once, right after it is made; the person revokes a feed and makes a new one when they lose it.
Looking a feed up by the digest of the presented secret needs no constant-time comparison: what an attacker
controls is the secret, and its digest's prefix tells them nothing.

A feed reads as its owner may read *now*: a revoked feed, an owner who left the studio (inactive) or became a
client, or a milestone feed of a show the owner no longer works on answers like an unknown token (None here, a 404
in the view). The ICS is made with the `icalendar` library.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from dailies.digests import absolute
from shots.models import Task
from shots.selectors import person_today
from shots.workflow import DONE_STATUSES, TaskStatus
from studio import permissions
from studio.models import Person, Show

from .models import CalendarFeed, CalendarFeedKind, Milestone

# The window of due tasks a feed lists: recent misses stay visible a month, and a year ahead is plenty to plan.
TASKS_PAST_DAYS = 30
TASKS_FUTURE_DAYS = 365
# A feed read writes last_used_at at most this often: calendar apps poll, and each poll must not be a write.
LAST_USED_RESOLUTION = dt.timedelta(hours=1)
# How often calendar apps that honour it should poll (REFRESH-INTERVAL, X-PUBLISHED-TTL).
REFRESH_INTERVAL = dt.timedelta(hours=1)
# Enough for every device a person owns; a cap keeps "my calendars" a short page.
MAX_LIVE_FEEDS = 20
PRODID = "-//Slate//Calendar feeds//EN"
UID_DOMAIN = "slate"


def feed_token_digest(secret: str) -> str:
    """What CalendarFeed.token stores for the secret of a feed URL: its SHA-256, 64 hex digits."""
    return hashlib.sha256(secret.encode()).hexdigest()


def calendar_feed_url(secret: str) -> str:
    """The absolute URL a calendar app subscribes to (SLATE_BASE_URL, like the links in note digests)."""
    return absolute(reverse("schedules:calendar_feed", kwargs={"token": secret}))


def webcal_url(url: str) -> str:
    """The same URL with the webcal: scheme, which opens the subscription dialog of Apple Calendar and Outlook."""
    return "webcal:" + url.split(":", 1)[1]


# --- Writes ---------------------------------------------------------------------------------------------------


def _live_feed_count(person: Person) -> int:
    return CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).count()


@transaction.atomic
def calendar_feed_create(*, actor: Person, kind: str, show: Show | None = None) -> CalendarFeed:
    """Make a feed for the actor. The returned feed carries its secret in `secret` (never saved): show
    calendar_feed_url(feed.secret) to the person now, as it cannot be recovered later.

    `kind` "my_tasks" takes no show; "show_milestones" takes a show the actor works on as staff.
    """
    permissions.require(
        permissions.can_have_calendar_feeds(actor), "Calendar feeds are for studio staff: clients have none."
    )
    if kind not in CalendarFeedKind.values:
        raise ValidationError({"kind": "Choose what the feed lists: your due tasks, or a show's milestones."})
    if kind == CalendarFeedKind.MY_TASKS and show is not None:
        raise ValidationError({"show": "A feed of your due tasks covers all your shows: give no show."})
    if kind == CalendarFeedKind.SHOW_MILESTONES and show is None:
        raise ValidationError({"show": "Choose the show whose milestones the feed lists."})
    secret = secrets.token_urlsafe(32)
    feed = CalendarFeed(person=actor, kind=kind, show=show, token=feed_token_digest(secret))
    if show is not None and not permissions.can_change(actor, feed):
        # The same words whether the show exists or not: the answer must not tell a stranger about a show.
        raise ValidationError({"show": "Choose one of the shows you work on: milestone feeds are for their staff."})
    permissions.require_change(actor, feed)
    # Serialise a person's creations so two at once cannot both slip under the cap.
    list(Person.objects.select_for_update().select_related(None).filter(pk=actor.pk).values_list("pk", flat=True))
    if _live_feed_count(actor) >= MAX_LIVE_FEEDS:
        raise ValidationError(
            {"kind": f"You have {MAX_LIVE_FEEDS} live calendar feeds already: revoke one you no longer use first."}
        )
    feed.full_clean()
    feed.save()
    feed.secret = secret
    return feed


@transaction.atomic
def calendar_feed_revoke(*, actor: Person, feed: CalendarFeed) -> CalendarFeed:
    """Revoke a feed: its URL answers 404 from now on. Revoking a revoked feed changes nothing.

    The owner may always revoke their feed, even a milestone feed of a show they have since left (which reads
    nothing already): revoking only takes access away, so it asks can_view (own feeds; admins all), not
    can_change, which would refuse them for that show.
    """
    locked = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    permissions.require_view(actor, locked)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["revoked_at"])
    return locked


# --- Reads ----------------------------------------------------------------------------------------------------


def calendar_feed_is_live(feed: CalendarFeed) -> bool:
    """Does the feed still read anything: not revoked, and its owner may still have it (active, staff, and for a
    milestone feed, staff on its show)?"""
    person = feed.person
    if feed.revoked_at is not None or not person.is_active:
        return False
    return permissions.can_have_calendar_feeds(person) and permissions.can_change(person, feed)


def calendar_feed_for_secret(secret: str) -> CalendarFeed | None:
    """The live feed this secret opens, with its owner and show loaded (one query), or None."""
    if not secret or len(secret) > 128:
        return None
    feed = (
        CalendarFeed.objects.select_related("person", "show")
        .filter(token=feed_token_digest(secret), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if feed is None or not calendar_feed_is_live(feed):
        return None
    return feed


def calendar_feed_touch(feed: CalendarFeed, *, now: dt.datetime | None = None) -> bool:
    """Record that the feed was read, at most once per LAST_USED_RESOLUTION. Returns whether it wrote.

    The UPDATE is conditional too, so two polls racing past the check still write once.
    """
    now = now or timezone.now()
    threshold = now - LAST_USED_RESOLUTION
    if feed.last_used_at is not None and feed.last_used_at > threshold:
        return False
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=threshold)
    written = CalendarFeed.objects.filter(stale, pk=feed.pk).update(last_used_at=now)
    if written:
        feed.last_used_at = now
    return bool(written)


def calendar_feed_ics(feed: CalendarFeed) -> bytes:
    """The ICS document of a live feed (see calendar_feed_for_secret)."""
    if feed.kind == CalendarFeedKind.SHOW_MILESTONES:
        return show_milestones_ics(feed.person, feed.show)
    return my_tasks_ics(feed.person)


def _calendar(name: str, description: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)  # RFC 7986
    calendar.add("x-wr-calname", name)  # what Google, Outlook and Apple show
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    return calendar


def _all_day_event(*, uid: str, day: dt.date, summary: str, description: str, url: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)  # a date: VALUE=DATE, an all-day event
    # DTEND is exclusive; some apps need it to draw one day. date.max (a row stored before dates were checked,
    # studio.dates) has no next day: DTSTART alone, a date, is a one-day event too (RFC 5545, 3.6.1).
    if day < dt.date.max:
        event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a deadline does not make the person busy
    return event


def due_task_window(person: Person) -> tuple[dt.date, dt.date]:
    """The due dates a task feed lists, inclusive, around the person's today (in their time zone)."""
    today = person_today(person)
    return today - dt.timedelta(days=TASKS_PAST_DAYS), today + dt.timedelta(days=TASKS_FUTURE_DAYS)


def due_tasks_for_feed(person: Person):
    """The tasks a person's task feed lists: assigned to them on the shows they may see now, neither done nor
    omitted, due in the window. One query, whatever their number."""
    first, last = due_task_window(person)
    return (
        permissions.visible(person, Task)
        .filter(assignees=person, due_date__range=(first, last))
        .exclude(status__in=[*DONE_STATUSES, TaskStatus.OMITTED])
        .select_related("shot__show", "task_type")
        .order_by("due_date", "shot__show__code", "shot__code", "task_type__order", "pk")
    )


def my_tasks_ics(person: Person) -> bytes:
    """One all-day event per due task of the person (due_tasks_for_feed), on its due date."""
    calendar = _calendar("Slate: my due tasks", "The tasks assigned to you in Slate, on their due dates.")
    for task in due_tasks_for_feed(person):
        shot, show = task.shot, task.shot.show
        description = [f"Status: {TaskStatus(task.status).label}", f"Show: {show.name} ({show.code})"]
        if task.start_date:
            description.append(f"Start: {task.start_date:%a %d %b %Y}")
        description.append(f"Bid: {task.bid_days.normalize():f} days")
        event = _all_day_event(
            uid=f"task-{task.pk}@{UID_DOMAIN}",
            day=task.due_date,
            summary=f"{shot.code} {task.task_type.name} due",
            description="\n".join(description),
            url=absolute(reverse("shots:shot_detail", kwargs={"code": show.code, "shot_code": shot.code})),
            # No METHOD: DTSTAMP is when the task was last revised in Slate (RFC 5545, 3.8.7.2).
            stamp=task.updated_at,
        )
        event.add("last-modified", task.updated_at)
        calendar.add_component(event)
    return calendar.to_ical()


def show_milestones_ics(person: Person, show: Show) -> bytes:
    """One all-day event per milestone of the show the person may see (none when they are not its staff)."""
    calendar = _calendar(f"Slate: {show.name} milestones", f"The milestones of {show.name} ({show.code}) in Slate.")
    milestones = (
        permissions.visible(person, Milestone)
        .filter(show=show)
        .select_related("department")
        .order_by("date", "name", "pk")
    )
    stamp = timezone.now()
    url = absolute(reverse("studio:show_dashboard", kwargs={"code": show.code}))
    for milestone in milestones:
        department = milestone.department.name if milestone.department else ""
        event = _all_day_event(
            uid=f"milestone-{milestone.pk}@{UID_DOMAIN}",
            day=milestone.date,
            summary=f"{milestone.name} ({department})" if department else milestone.name,
            description=f"Show: {show.name} ({show.code})\nDepartment: {department or 'the whole show'}",
            url=url,
            stamp=stamp,
        )
        if department:
            event.add("categories", [department])
        calendar.add_component(event)
    return calendar.to_ical()


# --- Demo data ------------------------------------------------------------------------------------------------


def seed_feeds_demo(*, person: Person) -> str:
    """For `make run`: a feed of the person's due tasks; returns its address to print (it is shown nowhere else)."""
    feed = calendar_feed_create(actor=person, kind=CalendarFeedKind.MY_TASKS)
    return calendar_feed_url(feed.secret)
