"""Calendar feeds: my calendars (make, list, revoke) and the public ICS a calendar app polls.

    /my/calendars/                      schedules:my_calendars          my feeds; POST makes one and shows its URL once
    /my/calendars/<id>/revoke/          schedules:calendar_feed_revoke  POST: revoke one of my feeds
    /calendar/<secret>.ics              schedules:calendar_feed         the feed, no login: the secret is the key

Clients have no feeds (no tasks, no milestones to subscribe to): the page is a 404 for them, like any staff page.
The ICS answers the same 404, with the same body, for an unknown or revoked secret, an inactive owner or one who
may no longer read it, so a guess learns nothing; it never depends on who is logged in to the browser asking.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shots.selectors import person_zone
from studio import permissions
from studio.htmx import render_page
from studio.models import Show

from .. import feeds
from ..models import CalendarFeed, CalendarFeedKind

TEMPLATE = "schedules/calendar_feed_list.html"
REVOKED_SHOWN = 10  # the most recent revoked feeds stay listed, for the record


class CalendarFeedForm(forms.Form):
    kind = forms.ChoiceField(
        label="Feed",
        choices=CalendarFeedKind.choices,
        error_messages={
            "required": "Choose what the feed lists: your due tasks, or a show's milestones.",
            "invalid_choice": "Choose what the feed lists: your due tasks, or a show's milestones.",
        },
    )
    show = forms.ModelChoiceField(
        queryset=Show.objects.none(),
        required=False,
        empty_label="Choose a show",
        error_messages={"invalid_choice": "Choose one of the shows you work on: milestone feeds are for their staff."},
    )

    def __init__(self, *args, shows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show"].queryset = shows

    def clean(self):
        data = super().clean()
        if data.get("kind") == CalendarFeedKind.MY_TASKS:
            data["show"] = None  # the milestone form's show select is not this button's business
        elif (
            data.get("kind") == CalendarFeedKind.SHOW_MILESTONES and not data.get("show") and "show" not in self.errors
        ):
            self.add_error("show", "Choose the show whose milestones the feed lists.")
        return data


def _require_feeds(request) -> None:
    if not permissions.can_have_calendar_feeds(request.user):
        raise Http404


def _page(request, form: CalendarFeedForm, *, created: CalendarFeed | None = None, status: int = 200):
    person = request.user
    mine = CalendarFeed.objects.filter(person=person).select_related("show")
    staff_show_ids = set(permissions.visible_shows(person, roles=permissions.ALL_STAFF).values_list("pk", flat=True))
    live = list(mine.filter(revoked_at__isnull=True).order_by("-created_at", "-pk"))
    revoked = list(mine.filter(revoked_at__isnull=False).order_by("-revoked_at", "-pk")[:REVOKED_SHOWN])
    for feed in live + revoked:
        # A milestone feed of a show the person has left reads nothing; its show is no longer theirs to see.
        feed.show_left = feed.show_id is not None and feed.show_id not in staff_show_ids
    created_url = feeds.calendar_feed_url(created.secret) if created else ""
    context = {
        "form": form,
        "live_feeds": live,
        "revoked_feeds": revoked,
        "shows": list(form.fields["show"].queryset),
        "created": created,
        "created_url": created_url,
        "created_webcal_url": feeds.webcal_url(created_url) if created else "",
        "chosen_show": str(form["show"].value() or "") if form.is_bound else "",
        "max_live": feeds.MAX_LIVE_FEEDS,
        "zone": person_zone(person).key,
    }
    with timezone.override(person_zone(person)):
        response = render_page(request, TEMPLATE, context, status=status)
    if created:
        response["Cache-Control"] = "private, no-store"  # the page holds a secret: never from a cache
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_calendars(request):
    _require_feeds(request)
    shows = permissions.visible_shows(request.user, roles=permissions.ALL_STAFF).order_by("code")
    if request.method != "POST":
        return _page(request, CalendarFeedForm(shows=shows))
    form = CalendarFeedForm(request.POST, shows=shows)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        created = feeds.calendar_feed_create(
            actor=request.user, kind=form.cleaned_data["kind"], show=form.cleaned_data["show"]
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _page(request, form, status=400)
    # Rendered, not redirected: the secret is shown this once and is kept nowhere (not even in the session).
    return _page(request, CalendarFeedForm(shows=shows), created=created, status=201)


@require_POST
@login_required
def calendar_feed_revoke(request, feed_id: int):
    _require_feeds(request)
    # Only my own feeds, admins included: someone else's feed is a 404, like a missing one.
    feed = get_object_or_404(permissions.visible(request.user, CalendarFeed), pk=feed_id, person=request.user)
    was_live = feed.revoked_at is None
    feeds.calendar_feed_revoke(actor=request.user, feed=feed)
    if was_live:
        messages.success(
            request,
            "Feed revoked: its URL now answers nothing. Remove the subscription from your calendar app as well.",
        )
    return redirect("schedules:my_calendars")


NOT_FOUND = "Not found.\n"


@require_safe
def calendar_feed(request, token: str):
    feed = feeds.calendar_feed_for_secret(token)
    if feed is None:
        return HttpResponseNotFound(NOT_FOUND, content_type="text/plain; charset=utf-8")
    body = feeds.calendar_feed_ics(feed)
    feeds.calendar_feed_touch(feed)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="slate.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


urlpatterns = [
    path("my/calendars/", my_calendars, name="my_calendars"),
    path("my/calendars/<int:feed_id>/revoke/", calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
]
