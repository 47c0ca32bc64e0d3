"""The shot page and breakdown editing (sequences, shots, the show's task template).

Every page looks the show up among the person's staff shows (clients and strangers get a 404, like a missing
show), then asks studio.permissions whether they may change what the page edits (403 when not).

URLs, chosen so that no shot or sequence code can collide with another page (the shot grid owns /shots/...):
    /shows/<code>/breakdown/                                  shots:breakdown
    /shows/<code>/breakdown/sequences/new/                    shots:sequence_create
    /shows/<code>/breakdown/sequences/<seq_code>/edit/        shots:sequence_update
    /shows/<code>/breakdown/shots/new/                        shots:shot_create
    /shows/<code>/shot/<shot_code>/                           shots:shot_detail
    /shows/<code>/shot/<shot_code>/edit/                      shots:shot_update
    /shows/<code>/shot/<shot_code>/omit/                      shots:shot_omit (POST)
    /shows/<code>/shot/<shot_code>/restore/                   shots:shot_restore (POST)
    /shows/<code>/task-template/                              shots:task_template
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from studio import permissions
from studio.htmx import render_page
from studio.models import Show

from .. import selectors, services
from ..breakdown_forms import SequenceForm, ShotForm, TaskTemplateForm
from ..models import Activity, ActivityVerb, Sequence, Shot, Task, TaskTemplateItem


def _staff_show(request, code: str) -> Show:
    # Clients belong to shows too, but the breakdown is staff information: they get a 404 like a stranger.
    return permissions.staff_show(request.user, code)


def _shot(request, show: Show, shot_code: str) -> Shot:
    return get_object_or_404(
        permissions.visible(request.user, Shot).select_related("show", "sequence"), show=show, code=shot_code
    )


# --- The history, as people read it ------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class ActivityLine:
    activity: Activity
    actor: str
    action: str  # "changed Animation", "created the shot"
    changes: list[Change]


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field renamed or removed since the row was written
        return name.replace("_", " ")


def activity_lines(activities: list[Activity]) -> list[ActivityLine]:
    """'Ada Arden changed Animation: status WIP → Pending review' for each activity row."""
    lines = []
    for activity in activities:
        target = activity.task.task_type.name if activity.task_id else "the shot"
        model = Task if activity.task_id else Shot
        if activity.verb == ActivityVerb.IMPORTED:
            action = "updated the shot from a cut" if activity.changes else "imported the shot from a cut"
        else:
            action = f"{activity.get_verb_display()} {target}"
        changes = [
            Change(_field_label(model, name), old or "—", new or "—")
            for name, (old, new) in sorted(activity.changes.items())
        ]
        lines.append(ActivityLine(activity, str(activity.actor) if activity.actor else "Someone", action, changes))
    return lines


# --- Pages -------------------------------------------------------------------------------------------------


@login_required
@require_safe
def shot_detail(request, code: str, shot_code: str):
    show = _staff_show(request, code)
    page = selectors.shot_page(request.user, show, shot_code)
    if page is None:
        raise Http404("No such shot on this show.")
    context = {
        "show": show,
        "shot": page.shot,
        "page": page,
        "activity": activity_lines(page.activities),
        "head_handles": page.shot.cut_in - page.shot.head_in,
        "tail_handles": page.shot.tail_out - page.shot.cut_out,
        "can_edit": permissions.can_change(request.user, page.shot),
    }
    return render_page(request, "shots/shot_detail.html", context)


@login_required
@require_safe
def breakdown(request, code: str):
    show = _staff_show(request, code)
    sequences = list(selectors.breakdown_sequences(request.user, show))
    wanted = request.GET.get("sequence")
    selected = next((s for s in sequences if s.code == wanted), sequences[0] if sequences else None)
    shots, more_shots = selectors.sequence_shots(request.user, selected) if selected else ([], False)
    context = {
        "show": show,
        "sequences": sequences,
        "selected": selected,
        "shots": shots,
        "more_shots": more_shots,
        "shot_limit": selectors.BREAKDOWN_SHOT_LIMIT,
        "can_edit": permissions.can_change(request.user, Sequence(show=show)),
    }
    return render_page(request, "shots/sequence_list.html", context, partial="sequence-shots")


@login_required
@require_http_methods(["GET", "POST"])
def sequence_create(request, code: str):
    show = _staff_show(request, code)
    permissions.require_change(request.user, Sequence(show=show))
    form = SequenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sequence = services.sequence_create(actor=request.user, show=show, **form.changes())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Sequence {sequence.code} created.")
            return redirect(_breakdown_url(show, sequence))
    return render_page(request, "shots/sequence_form.html", {"show": show, "form": form, "sequence": None})


@login_required
@require_http_methods(["GET", "POST"])
def sequence_update(request, code: str, seq_code: str):
    show = _staff_show(request, code)
    sequence = get_object_or_404(permissions.visible(request.user, Sequence), show=show, code=seq_code)
    permissions.require_change(request.user, sequence)
    form = SequenceForm(request.POST or None, sequence=sequence)
    if request.method == "POST" and form.is_valid():
        try:
            sequence = services.sequence_update(actor=request.user, sequence=sequence, **form.changes())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Sequence {sequence.code} saved.")
            return redirect(_breakdown_url(show, sequence))
    return render_page(request, "shots/sequence_form.html", {"show": show, "form": form, "sequence": sequence})


@login_required
@require_http_methods(["GET", "POST"])
def shot_create(request, code: str):
    show = _staff_show(request, code)
    permissions.require_change(request.user, Shot(show=show))
    initial = {"sequence": request.GET.get("sequence", "")}
    form = ShotForm(request.POST or None, show=show, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            shot = services.shot_create(actor=request.user, **form.create_kwargs())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            count = shot.tasks.count()
            messages.success(request, f"Shot {shot.code} created with {count} task{'' if count == 1 else 's'}.")
            return redirect("shots:shot_detail", code=show.code, shot_code=shot.code)
    return render_page(request, "shots/shot_form.html", {"show": show, "form": form, "shot": None})


@login_required
@require_http_methods(["GET", "POST"])
def shot_update(request, code: str, shot_code: str):
    show = _staff_show(request, code)
    shot = _shot(request, show, shot_code)
    permissions.require_change(request.user, shot)
    form = ShotForm(request.POST or None, show=show, shot=shot)
    if request.method == "POST" and form.is_valid():
        try:
            shot = services.shot_edit(actor=request.user, shot=shot, **form.edit_kwargs())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Shot {shot.code} saved.")
            return redirect("shots:shot_detail", code=show.code, shot_code=shot.code)
    return render_page(request, "shots/shot_form.html", {"show": show, "form": form, "shot": shot})


@login_required
@require_POST
def shot_omit(request, code: str, shot_code: str):
    show = _staff_show(request, code)
    shot = _shot(request, show, shot_code)
    permissions.require_change(request.user, shot)
    shot, task_count = services.shot_omit(actor=request.user, shot=shot)
    messages.success(request, f"Shot {shot.code} omitted, with {task_count} task{'' if task_count == 1 else 's'}.")
    return redirect("shots:shot_detail", code=show.code, shot_code=shot.code)


@login_required
@require_POST
def shot_restore(request, code: str, shot_code: str):
    show = _staff_show(request, code)
    shot = _shot(request, show, shot_code)
    permissions.require_change(request.user, shot)
    shot, task_count = services.shot_restore(actor=request.user, shot=shot)
    messages.success(
        request,
        f"Shot {shot.code} restored; {task_count} task{'' if task_count == 1 else 's'} back to their earlier status.",
    )
    return redirect("shots:shot_detail", code=show.code, shot_code=shot.code)


@login_required
@require_http_methods(["GET", "POST"])
def task_template(request, code: str):
    """Every staff member may read the template; the show's breakdown editors change it."""
    show = _staff_show(request, code)
    can_edit = permissions.can_change(request.user, TaskTemplateItem(show=show))
    if request.method == "POST":
        permissions.require(can_edit)
    rows = selectors.task_template_rows(request.user, show)
    form = TaskTemplateForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            items = services.task_template_set(actor=request.user, show=show, items=form.items())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, f"Task template saved: {len(items)} task type{'' if len(items) == 1 else 's'} for new shots."
            )
            return redirect("shots:task_template", code=show.code)
    included = [(task_type, item) for task_type, item in rows if item is not None]
    context = {"show": show, "form": form, "included": included, "can_edit": can_edit}
    return render_page(request, "shots/task_template.html", context)


def _breakdown_url(show: Show, sequence: Sequence) -> str:
    """The breakdown with this sequence's shots open."""
    return f"{reverse('shots:breakdown', kwargs={'code': show.code})}?{urlencode({'sequence': sequence.code})}"


urlpatterns = [
    path("shows/<str:code>/breakdown/", breakdown, name="breakdown"),
    path("shows/<str:code>/breakdown/sequences/new/", sequence_create, name="sequence_create"),
    path("shows/<str:code>/breakdown/sequences/<str:seq_code>/edit/", sequence_update, name="sequence_update"),
    path("shows/<str:code>/breakdown/shots/new/", shot_create, name="shot_create"),
    path("shows/<str:code>/shot/<str:shot_code>/", shot_detail, name="shot_detail"),
    path("shows/<str:code>/shot/<str:shot_code>/edit/", shot_update, name="shot_update"),
    path("shows/<str:code>/shot/<str:shot_code>/omit/", shot_omit, name="shot_omit"),
    path("shows/<str:code>/shot/<str:shot_code>/restore/", shot_restore, name="shot_restore"),
    path("shows/<str:code>/task-template/", task_template, name="task_template"),
]
