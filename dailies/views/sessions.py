"""Review sessions: the list, building a session, the session page where notes are typed, the notes sheet.

    /dailies/                                       dailies:session_list
    /shows/<code>/dailies/new/                      dailies:session_create          build a session (reviewers)
    /dailies/<id>/                                  dailies:session_detail          the session page; ?item=<id>
                                                                                     picks the version on the stage
    /dailies/<id>/playlist/                         dailies:session_playlist        the playlist (fragment)
    /dailies/<id>/items/<item>/notes/               dailies:session_notes           the stage's notes (fragment,
                                                                                     polled with ?since=<stamp>)
    /dailies/<id>/items/<item>/notes/new/           dailies:session_note_create     POST a note (and an outcome)
    /dailies/<id>/items/add/                        dailies:session_items_add       POST versions to add
    /dailies/<id>/items/find/                       dailies:session_version_search  versions to add (fragment)
    /dailies/<id>/items/<item>/remove/              dailies:session_item_remove     POST
    /dailies/<id>/items/<item>/move/                dailies:session_item_move       POST direction=up|down
    /dailies/<id>/items/order/                      dailies:session_reorder         POST the whole order (drag)
    /dailies/<id>/sheet/                            dailies:session_sheet           printable notes sheet
    /dailies/<id>/sheet.csv                         dailies:session_sheet_csv       the same as CSV
    /dailies/<id>/send-notes/                       dailies:session_send_notes      POST: queue the digests now
    /dailies/<id>/release/                          dailies:session_release         POST: release to the client

A session is looked up among those the person may see (a stranger's or a client's unreleased session is a 404);
changing it (items, release, sending notes) asks studio.permissions (403 otherwise); a note asks whether the person
may write notes on the show and, for an outcome, review the version (dailies.services.note_create decides).

Notes are saved without reloading the page: static/js/dailies.js posts each note from an outbox that keeps it until
the server said yes (2xx, with the item's playlist row out of band; the notes list then refreshes itself), and shows
"Not saved — Retry" otherwise. The
notes list polls every few seconds with a stamp of what it shows; an unchanged stamp is answered 204, no content.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shots.editorial import csv_cell
from shots.my_day_forms import add_service_errors, error_lines
from shots.selectors import person_today, person_zone
from studio import permissions
from studio.htmx import render_page, wants_partial
from studio.models import Role, Show

from .. import digests, selectors, services
from ..models import Note, NoteCategory, ReviewItem, ReviewSession, SessionKind
from ..session_forms import (
    AddVersionsForm,
    ItemMoveForm,
    ItemOrderForm,
    SessionFilterForm,
    SessionForm,
    SessionNoteForm,
    VersionSearchForm,
)

LIST = "dailies/session_list.html"
FORM = "dailies/session_form.html"
DETAIL = "dailies/session_detail.html"
SHEET = "dailies/session_sheet.html"
# A retried note identical to one the person saved this recently is that same note (its first answer was lost).
RETRY_WINDOW = dt.timedelta(minutes=10)
VIDEO_EXTENSIONS = (".mov", ".mp4", ".m4v", ".webm")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp")


def _render(request, template: str, context: dict, *, partial: str | None = None, status: int = 200):
    with timezone.override(person_zone(request.user)):
        return render_page(request, template, context, partial=partial, status=status)


def _fragment(request, name: str, context: dict, *, status: int = 200, headers: dict | None = None) -> HttpResponse:
    with timezone.override(person_zone(request.user)):
        return HttpResponse(render_to_string(name, context, request=request), status=status, headers=headers)


def _session(request, session_id: int) -> ReviewSession:
    session = selectors.session_for(request.user, session_id)
    if session is None:
        raise Http404("No such review session.")
    return session


def _managed_session(request, session_id: int) -> ReviewSession:
    session = _session(request, session_id)
    permissions.require(
        permissions.can_change(request.user, session), "Only the show's reviewers change review sessions."
    )
    return session


def _item(request, session: ReviewSession, item_id: int) -> ReviewItem:
    item = selectors.session_item(request.user, session, item_id)
    if item is None:
        raise Http404("No such version in this session.")
    return item


def _detail_url(session: ReviewSession, item: ReviewItem | None = None) -> str:
    url = reverse("dailies:session_detail", args=[session.pk])
    return f"{url}?{urlencode({'item': item.pk})}" if item is not None else url


def media_kind(version) -> str:
    """How the stage shows a version: "image", "video", "file" (an upload a browser cannot show) or "path"."""
    if not version.media:
        return "path"
    name = version.media.name.lower()
    if name.endswith(VIDEO_EXTENSIONS):
        return "video"
    if name.endswith(IMAGE_EXTENSIONS):
        return "image"
    return "file"


def default_category(person, session: ReviewSession) -> str:
    """Client sessions take client notes (held until published); supervisors write supervisor notes."""
    if session.kind == SessionKind.CLIENT:
        return NoteCategory.CLIENT
    if permissions.role_on_show(person, session.show) == Role.SUPERVISOR:
        return NoteCategory.SUPERVISOR
    return NoteCategory.INTERNAL


# --- The list ---------------------------------------------------------------------------------------------


@login_required
def session_list(request):
    sessions = selectors.recent_sessions(request.user)
    context = {"sessions": sessions}
    if not wants_partial(request):
        # The shows where the person may build sessions: a "New session" link for each.
        context["new_session_shows"] = list(
            permissions.visible_shows(request.user, roles=permissions.REVIEWERS).order_by("code")
        )
    return _render(request, LIST, context, partial="session-table")


# --- Building a session -------------------------------------------------------------------------------------


def _reviewer_show(request, code: str) -> Show:
    # Clients belong to shows too, but sessions are built by staff: they get a 404 like a stranger.
    show = permissions.staff_show(request.user, code)
    permissions.require(
        permissions.can_change(request.user, ReviewSession(show=show)),
        "Only the show's supervisors, coordinators, production managers and producers build review sessions.",
    )
    return show


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def session_create(request, code: str):
    person = request.user
    show = _reviewer_show(request, code)
    data = request.POST if request.method == "POST" else request.GET
    filters_form = SessionFilterForm(
        data if any(k in data for k in ("department", "sequence", "task_type")) else None, person=person, show=show
    )
    filters = filters_form.filters()
    candidates, more = selectors.pending_versions_of_show(person, show, **filters)

    status = 200
    if request.method == "POST":
        form = SessionForm(request.POST, person=person, show=show)
        if form.is_valid():
            data = form.cleaned_data
            # Played in the order the page listed them (shot order), whatever order the browser sent them in.
            listed = {version.pk: n for n, version in enumerate(candidates)}
            versions = sorted(data["versions"], key=lambda version: (listed.get(version.pk, len(listed)), version.pk))
            try:
                session = services.session_create(
                    actor=person,
                    show=show,
                    date=data["date"],
                    name=data["name"],
                    kind=data["kind"],
                    versions=versions,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                count = len(data["versions"])
                messages.success(request, f"{session.name}: {count} version{'s' if count != 1 else ''} to review.")
                return redirect(_detail_url(session))
        status = 400
        chosen = {str(pk) for pk in request.POST.getlist("versions")}
    else:
        initial = {"date": person_today(person), "kind": SessionKind.INTERNAL}
        for name in ("date", "name", "kind"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        form = SessionForm(initial=initial, person=person, show=show)
        chosen = None  # every candidate is ticked

    context = {
        "show": show,
        "form": form,
        "filters_form": filters_form,
        "candidates": candidates,
        "more_candidates": more,
        "chosen": chosen,
        "errors": error_lines(form) if form.is_bound else [],
    }
    return _render(request, FORM, context, partial="candidates", status=status)


# --- The session page ---------------------------------------------------------------------------------------


def _stage_context(request, session: ReviewSession, item: ReviewItem | None, *, form=None) -> dict:
    person = request.user
    context = {
        "session": session,
        "item": item,
        "can_manage": permissions.can_change(person, session),
        "can_publish": services.can_publish_notes(person, session.show),
    }
    if item is None:
        return context
    version = item.version
    notes, more_notes = selectors.version_notes(person, version)
    can_write = permissions.can_change(person, Note(version=version, author=person))
    context.update(
        version=version,
        media_kind=media_kind(version),
        notes=notes,
        more_notes=more_notes,
        stamp=selectors.version_notes_stamp(person, version),
        can_write=can_write,
        can_review=can_write and services.can_review(person, version),
    )
    if can_write:
        to, cc = services.default_recipients(version)
        context.update(
            to=to,
            cc=cc,
            form=form or SessionNoteForm(show=session.show, initial={"category": default_category(person, session)}),
            note_errors=error_lines(form) if form is not None else [],
        )
    return context


def _requested_item_id(request) -> int | None:
    text = request.GET.get("item", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 18 else None


@require_safe
@login_required
def session_detail(request, session_id: int):
    session = _session(request, session_id)
    return _session_page(request, session, item_id=_requested_item_id(request))


def _session_page(request, session: ReviewSession, *, item_id: int | None, form=None, status: int = 200):
    person = request.user
    if wants_partial(request):
        # The stage alone (a playlist link): the version asked for, else the first one.
        item = selectors.session_item(person, session, item_id) if item_id else None
        if item is None:
            item = selectors.session_items_queryset(person, session).first()
        return _render(request, DETAIL, _stage_context(request, session, item, form=form), partial="stage")
    items, more_items = selectors.session_items(person, session)
    # A removed item or a mistyped id: the session opens on its first version rather than failing.
    item = next((row for row in items if row.pk == item_id), items[0] if items else None)
    context = _stage_context(request, session, item, form=form)
    context.update(items=items, more_items=more_items, item_limit=selectors.SESSION_ITEM_LIMIT)
    return _render(request, DETAIL, context, status=status)


@never_cache
@require_safe
@login_required
def session_playlist(request, session_id: int):
    session = _session(request, session_id)
    return _playlist(request, session)


def _playlist(request, session: ReviewSession, *, message: str = "", error: bool = False, headers=None):
    items, more_items = selectors.session_items(request.user, session)
    context = {
        "session": session,
        "items": items,
        "more_items": more_items,
        "item_limit": selectors.SESSION_ITEM_LIMIT,
        "can_manage": permissions.can_change(request.user, session),
        "playlist_message": message,
        "playlist_error": error,
    }
    return _fragment(request, f"{DETAIL}#playlist", context, headers=headers)


@never_cache
@require_safe
@login_required
def session_notes(request, session_id: int, item_id: int):
    """The stage's notes list. With ?since=<stamp> (what the page shows now) an unchanged list is a 204."""
    person = request.user
    session = _session(request, session_id)
    item = _item(request, session, item_id)
    stamp = selectors.version_notes_stamp(person, item.version)
    if request.GET.get("since") == stamp:
        return HttpResponse(status=204)
    notes, more_notes = selectors.version_notes(person, item.version)
    context = {
        "session": session,
        "item": item,
        "entry": item,
        "version": item.version,
        "notes": notes,
        "more_notes": more_notes,
        "stamp": stamp,
        "can_manage": permissions.can_change(person, session),
        "oob": True,
    }
    # The notes, and the item's playlist row (its note count and status) out of band.
    with timezone.override(person_zone(person)):
        html = render_to_string(f"{DETAIL}#notes-panel", context, request=request)
        html += render_to_string(f"{DETAIL}#playlist-item", context, request=request)
    return HttpResponse(html)


@require_POST
@login_required
def session_note_create(request, session_id: int, item_id: int):
    person = request.user
    session = _session(request, session_id)
    item = _item(request, session, item_id)
    version = item.version
    form = SessionNoteForm(request.POST, request.FILES, show=session.show)
    status = 422
    note = None
    if not permissions.can_change(person, Note(version=version, author=person)):
        form.is_valid()
        form.add_error(None, "You cannot write notes on this show.")
        status = 403
    elif form.is_valid():
        kwargs = form.service_kwargs()
        if form.cleaned_data["retry"]:
            note = selectors.recent_identical_note(
                person,
                version=version,
                session=session,
                body=kwargs["body"],
                status_change=kwargs["status_change"],
                since=timezone.now() - RETRY_WINDOW,
            )
        if note is None:
            try:
                note = services.note_create(actor=person, version=version, session=session, **kwargs)
            except ValidationError as error:
                form.add_service_errors(error)
            except PermissionDenied as error:
                form.add_error(None, str(error) or "You do not have permission to do that.")
                status = 403
    if note is not None:
        if wants_partial(request):
            # The page's outbox lets the note go; the item's playlist row (its note count, its status) comes out of
            # band, and the notes list refreshes itself on the event.
            row = selectors.session_item(person, session, item.pk)
            context = {"session": session, "entry": row, "item": None, "oob": True}
            context["can_manage"] = permissions.can_change(person, session)
            headers = {"HX-Trigger": json.dumps({"notes-changed": {"item": item.pk}})}
            return _fragment(request, f"{DETAIL}#playlist-item", context, headers=headers)
        messages.success(request, "Note saved.")
        return redirect(_detail_url(session, item))
    if wants_partial(request):
        return _fragment(request, f"{DETAIL}#note-errors", {"note_errors": error_lines(form)}, status=status)
    if status == 403:
        raise PermissionDenied(" ".join(error_lines(form)))
    return _session_page(request, session, item_id=item.pk, form=form, status=400)


# --- Changing the playlist ----------------------------------------------------------------------------------


def _changed(request, session: ReviewSession, *, message: str, error: bool = False, item=None, headers=None):
    """After a change to the playlist: htmx gets the playlist with the message (200 even when refused: htmx swaps
    only 2xx answers); a plain form post goes back to the page with the message."""
    if wants_partial(request):
        return _playlist(request, session, message=message, error=error, headers=headers)
    if message:
        (messages.error if error else messages.success)(request, message)
    return redirect(_detail_url(session, item))


def _error_text(error: ValidationError) -> str:
    """A service's refusal as one line (its messages already name what is wrong: "SQ010_SH0010 ... has notes")."""
    return " ".join(error.messages)


@require_POST
@login_required
def session_items_add(request, session_id: int):
    session = _managed_session(request, session_id)
    form = AddVersionsForm(request.POST)
    if not form.is_valid():
        return _changed(request, session, message=" ".join(error_lines(form)), error=True)
    try:
        added = services.session_add_versions(
            actor=request.user, session=session, versions=form.cleaned_data["version"]
        )
    except ValidationError as error:
        return _changed(request, session, message=_error_text(error), error=True)
    asked = len(form.cleaned_data["version"])
    if added:
        message = f"Added {len(added)} version{'s' if len(added) != 1 else ''} at the end."
    else:
        message = "Already in the session." if asked == 1 else "Those versions are already in the session."
    return _changed(request, session, message=message, headers={"HX-Trigger": "versions-added"})


@never_cache
@require_safe
@login_required
def session_version_search(request, session_id: int):
    session = _managed_session(request, session_id)
    form = VersionSearchForm(request.GET if "q" in request.GET else None)
    query, pending_only = ("", True)
    if form.is_bound and form.is_valid():
        query, pending_only = form.cleaned_data["q"], form.cleaned_data["pending"]
    versions = selectors.versions_to_add(request.user, session, query=query, pending_only=pending_only)
    context = {"session": session, "found": versions, "query": query, "search_limit": selectors.SEARCH_LIMIT}
    return _fragment(request, f"{DETAIL}#version-results", context)


@require_POST
@login_required
def session_item_remove(request, session_id: int, item_id: int):
    session = _managed_session(request, session_id)
    item = _item(request, session, item_id)
    label = f"{item.version.task.shot.code} {item.version.task.task_type.name} {item.version.code}"
    try:
        services.session_remove_item(actor=request.user, session=session, item=item)
    except ValidationError as error:
        return _changed(request, session, message=_error_text(error), error=True, item=item)
    return _changed(request, session, message=f"Removed {label}.")


@require_POST
@login_required
def session_item_move(request, session_id: int, item_id: int):
    session = _managed_session(request, session_id)
    item = _item(request, session, item_id)
    form = ItemMoveForm(request.POST)
    if not form.is_valid():
        return _changed(request, session, message=" ".join(error_lines(form)), error=True, item=item)
    try:
        services.session_move_item(actor=request.user, session=session, item=item, by=form.offset)
    except ValidationError as error:
        return _changed(request, session, message=_error_text(error), error=True, item=item)
    return _changed(request, session, message="", item=item)


@require_POST
@login_required
def session_reorder(request, session_id: int):
    session = _managed_session(request, session_id)
    form = ItemOrderForm(request.POST)
    if not form.is_valid():
        return _changed(request, session, message=" ".join(error_lines(form)), error=True)
    try:
        services.session_reorder(actor=request.user, session=session, item_ids=form.cleaned_data["item"])
    except ValidationError as error:
        # Most likely someone added or removed a version meanwhile: the playlist as it is now comes back.
        return _changed(request, session, message=f"Not reordered: {_error_text(error)}", error=True)
    return _changed(request, session, message="")


# --- After the session --------------------------------------------------------------------------------------


def _head(request, session: ReviewSession, *, message: str, error: bool = False):
    if wants_partial(request):
        context = {
            "session": session,
            "can_manage": permissions.can_change(request.user, session),
            "can_publish": services.can_publish_notes(request.user, session.show),
            "head_message": message,
            "head_error": error,
        }
        return _fragment(request, f"{DETAIL}#session-head", context)
    (messages.error if error else messages.success)(request, message)
    return redirect(_detail_url(session))


@require_POST
@login_required
def session_send_notes(request, session_id: int):
    session = _managed_session(request, session_id)
    sent = digests.send_session_digests_now(actor=request.user, session=session)
    people = len({digest.person_id for digest in sent})
    if people:
        message = f"Queued the notes of {people} {'person' if people == 1 else 'people'}: their digests go out now."
    else:
        message = "Nobody has notes from this session waiting: nothing to send."
    return _head(request, session, message=message)


@require_POST
@login_required
def session_release(request, session_id: int):
    session = _managed_session(request, session_id)
    try:
        session = services.session_release(actor=request.user, session=session)
    except ValidationError as error:
        return _head(request, session, message=_error_text(error), error=True)
    session = selectors.session_for(request.user, session.pk)
    return _head(request, session, message="Released: the show's clients see this session and its client notes.")


@require_safe
@login_required
def session_sheet(request, session_id: int):
    session = _session(request, session_id)
    shots = selectors.session_sheet(request.user, session)
    context = {
        "session": session,
        "shots": shots,
        "note_count": sum(group.note_count for group in shots),
        "version_count": sum(len(group.versions) for group in shots),
    }
    return _render(request, SHEET, context)


SHEET_COLUMNS = [
    "session",
    "date",
    "sequence",
    "shot",
    "task type",
    "version",
    "version status",
    "artist",
    "note author",
    "category",
    "outcome",
    "held",
    "to",
    "cc",
    "written at",
    "note",
]


@require_safe
@login_required
def session_sheet_csv(request, session_id: int):
    session = _session(request, session_id)
    shots = selectors.session_sheet(request.user, session)
    zone = person_zone(request.user)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SHEET_COLUMNS)
    for group in shots:
        for row in group.versions:
            version = row.version
            start = [
                csv_cell(session.name),
                session.date.isoformat(),
                version.task.shot.sequence.code,
                version.task.shot.code,
                version.task.task_type.name,
                version.code,
                version.get_status_display(),
                csv_cell(str(version.author)),
            ]
            if not row.notes:
                writer.writerow([*start, "", "", "", "", "", "", "", ""])
            for note in row.notes:
                to = [str(r.person) for r in note.shown_recipients if r.kind == "to"]
                cc = [str(r.person) for r in note.shown_recipients if r.kind == "cc"]
                writer.writerow(
                    [
                        *start,
                        csv_cell(str(note.author)),
                        note.get_category_display(),
                        note.get_status_change_display() if note.status_change else "",
                        "" if note.is_published else "held",
                        csv_cell("; ".join(to)),
                        csv_cell("; ".join(cc)),
                        timezone.localtime(note.created_at, zone).strftime("%Y-%m-%d %H:%M"),
                        csv_cell(note.body),
                    ]
                )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"{session.show.code}-{session.date:%Y-%m-%d}-session-{session.pk}-notes.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("dailies/", session_list, name="session_list"),
    path("shows/<str:code>/dailies/new/", session_create, name="session_create"),
    path("dailies/<int:session_id>/", session_detail, name="session_detail"),
    path("dailies/<int:session_id>/playlist/", session_playlist, name="session_playlist"),
    path("dailies/<int:session_id>/items/<int:item_id>/notes/", session_notes, name="session_notes"),
    path("dailies/<int:session_id>/items/<int:item_id>/notes/new/", session_note_create, name="session_note_create"),
    path("dailies/<int:session_id>/items/add/", session_items_add, name="session_items_add"),
    path("dailies/<int:session_id>/items/find/", session_version_search, name="session_version_search"),
    path("dailies/<int:session_id>/items/<int:item_id>/remove/", session_item_remove, name="session_item_remove"),
    path("dailies/<int:session_id>/items/<int:item_id>/move/", session_item_move, name="session_item_move"),
    path("dailies/<int:session_id>/items/order/", session_reorder, name="session_reorder"),
    path("dailies/<int:session_id>/sheet/", session_sheet, name="session_sheet"),
    path("dailies/<int:session_id>/sheet.csv", session_sheet_csv, name="session_sheet_csv"),
    path("dailies/<int:session_id>/send-notes/", session_send_notes, name="session_send_notes"),
    path("dailies/<int:session_id>/release/", session_release, name="session_release"),
]
