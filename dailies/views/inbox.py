"""The inbox and held client notes.

    /inbox/                        dailies:inbox            the notes addressed to me, newest first, unread marked;
                                                            ?unread=1 only the unread; ?after=<cursor> the next page
    /notes/<id>/read/              dailies:note_read        POST: mark one read
    /inbox/read-all/               dailies:inbox_read_all   POST: mark all read
    /shows/<code>/held-notes/      dailies:held_notes       the show's held client notes; POST publishes them

htmx asks for fragments (the next page of the inbox, one note after marking it read, the list after marking all
read) and gets the header's unread count swapped out of band with them; a plain form post is redirected back.
Times are shown in the person's time zone.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from shots.selectors import person_zone
from studio import permissions
from studio.htmx import render_page, wants_partial
from studio.models import Show

from .. import selectors, services
from ..forms import PublishNotesForm
from ..models import Note, ReviewSession

INBOX = "dailies/inbox.html"
HELD_NOTES = "dailies/held_notes.html"
HELD_NOTES_SHOWN = 200


# --- Inbox ----------------------------------------------------------------------------------------------


def _inbox_url(*, unread_only: bool, after=None) -> str:
    query = {key: value for key, value in (("unread", "1" if unread_only else ""), ("after", after or "")) if value}
    return reverse("dailies:inbox") + (f"?{urlencode(query)}" if query else "")


def _inbox_context(request, *, unread_only: bool, after=None) -> dict:
    page = selectors.inbox_page(request.user, unread_only=unread_only, after=after)
    return {
        "page": page,
        "unread_only": unread_only,
        "after": after,
        "more_url": _inbox_url(unread_only=unread_only, after=page.next_cursor) if page.next_cursor else "",
        "first_url": _inbox_url(unread_only=unread_only),
        "all_url": _inbox_url(unread_only=False),
        "unread_url": _inbox_url(unread_only=True),
    }


def _render(request, template: str, context: dict, *, partial: str | None = None, status: int = 200):
    with timezone.override(person_zone(request.user)):
        return render_page(request, template, context, partial=partial, status=status)


def _fragments(request, *parts: tuple[str, dict]) -> HttpResponse:
    with timezone.override(person_zone(request.user)):
        return HttpResponse("".join(render_to_string(name, context, request=request) for name, context in parts))


def _unread_badges(request) -> list[tuple[str, dict]]:
    """The header's badge and the page's count, both out of band, counted after the write."""
    count = selectors.unread_note_count(request.user)
    return [
        ("htmx/unread_badge.html", {"unread": count, "oob": True}),
        (f"{INBOX}#page-unread", {"unread_count": count, "oob": True}),
    ]


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    after, status = None, 200
    if request.GET.get("after"):
        try:
            after = selectors.InboxCursor.parse(request.GET["after"])
        except ValueError:
            messages.error(request, "That page of the inbox does not exist (its “after” position is not valid).")
            status = 400
    context = _inbox_context(request, unread_only=unread_only, after=after)
    if status == 200 and after is not None and wants_partial(request):
        return _render(request, f"{INBOX}#inbox-more", context)  # "Load more": the next notes and the next button
    if status != 200 or not wants_partial(request):
        context["unread_count"] = selectors.request_unread_count(request)  # shared with the header's badge
    return _render(request, INBOX, context, partial="inbox-list", status=status)


@require_POST
@login_required
def note_read(request, note_id: int):
    """Mark one note addressed to me read. A note that is not (or that I may not see) is a 404."""
    rows = selectors.inbox_rows(request.user)
    row = get_object_or_404(rows, note_id=note_id)
    services.note_mark_read(actor=request.user, note=row.note)
    if not wants_partial(request):
        messages.success(request, "Note marked as read.")
        return redirect(request.POST.get("next") if _is_inbox_url(request.POST.get("next")) else "dailies:inbox")
    item = get_object_or_404(rows.prefetch_related("note__attachments"), pk=row.pk)
    return _fragments(request, (f"{INBOX}#inbox-item", {"item": item}), *_unread_badges(request))


def _is_inbox_url(url: str | None) -> bool:
    return bool(url) and url.startswith(reverse("dailies:inbox")) and "//" not in url


@require_POST
@login_required
def inbox_read_all(request):
    marked = services.inbox_mark_read(actor=request.user)
    unread_only = request.POST.get("unread") == "1"
    message = f"{marked} note{'s' if marked != 1 else ''} marked as read." if marked else "Nothing was unread."
    if not wants_partial(request):
        messages.success(request, message)
        return redirect(_inbox_url(unread_only=unread_only))
    context = {**_inbox_context(request, unread_only=unread_only), "done_message": message}
    return _fragments(request, (f"{INBOX}#inbox-list", context), *_unread_badges(request))


# --- Held client notes ----------------------------------------------------------------------------------


def _publisher_show(request, code: str) -> Show:
    """The show, for its coordinators, production managers and producers (admins); 403 for its other staff,
    404 for its clients and strangers, like a show that does not exist."""
    show = permissions.staff_show(request.user, code)
    permissions.require(
        services.can_publish_notes(request.user, show),
        "Held client notes are published by the show's coordinators, production managers and producers.",
    )
    return show


@login_required
def held_notes(request, code: str):
    """The show's held client notes, grouped by session; publish the ticked ones, a session's or all of them."""
    show = _publisher_show(request, code)
    held = selectors.held_client_notes(request.user, show)
    notes = list(held[: HELD_NOTES_SHOWN + 1])
    more = len(notes) > HELD_NOTES_SHOWN
    notes = notes[:HELD_NOTES_SHOWN]
    sessions = {note.session_id: note.session for note in notes if note.session_id}
    data = request.POST if request.method == "POST" else None
    form = PublishNotesForm(data, notes=notes, sessions=list(sessions.values()))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                published = _publish(request, show, held, form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                count = len(published)
                messages.success(
                    request,
                    f"{count} client note{'s' if count != 1 else ''} published: artists see them now, and their "
                    "recipients get them in their next digest."
                    if count
                    else "Nothing to publish: those notes were already published.",
                )
                return redirect("dailies:held_notes", code=show.code)
        status = 400
    context = {"show": show, "notes": notes, "more": more, "shown": HELD_NOTES_SHOWN, "form": form}
    return _render(request, HELD_NOTES, context, status=status)


def _publish(request, show: Show, held, data: dict):
    if data["publish"] == PublishNotesForm.ALL:
        return services.note_publish(actor=request.user, notes=Note.objects.filter(pk__in=held.values("pk")).only("pk"))
    if data["publish"] == PublishNotesForm.SESSION:
        session = get_object_or_404(ReviewSession, show=show, pk=data["session"])
        return services.session_publish_client_notes(actor=request.user, session=session)
    return services.note_publish(actor=request.user, notes=data["notes"])


urlpatterns = [
    path("inbox/", inbox, name="inbox"),
    path("inbox/read-all/", inbox_read_all, name="inbox_read_all"),
    path("notes/<int:note_id>/read/", note_read, name="note_read"),
    path("shows/<str:code>/held-notes/", held_notes, name="held_notes"),
]
