"""Cut import: compare a cut with a show's shots (the change report), then apply it; and the shot CSV export.

The report is computed again, under a lock on the show, when it is applied: a report a coordinator looked at
minutes ago may be out of date, and applying the same cut twice must change nothing the second time.

    cut = read_cut_for_show(show=show, data=upload_bytes, filename="reel1_v12.edl")
    report = cut_report(show=show, cut=cut)              # dry run: what would change
    report = cut_import_apply(actor=coordinator, show=show, report_or_entries=report, on_progress=callback)

The cut import page keeps each upload as a CutImportJob (see "Import jobs" below): its report is built when it
is uploaded, and the `cut_import_run` Celery task applies it with `cut_import_job_run`, which reads the file
again, calls `cut_import_apply` and records progress through `on_progress(done, total)`.

What applying does
- new shots: created in their sequence (created too when missing); cut in = the show's head in + handles,
  cut out = cut in + frame count - 1, head in / tail out = the show's handles around the cut.
- cut length changes: cut in and the shot's own handles stay; cut out and tail out move.
- shots missing from an edit: status omitted, never deleted (their tasks, versions and notes stay). An omitted
  shot that is back in the cut becomes active again.
- existing shots keep their sequence: codes are unique per show.
- a CSV creates and updates the shots it lists, with the frame range, status and description it gives, and
  never omits.
- new shots get the show's task template, as shots created by hand do; every shot created, changed or omitted
  gets an "imported" Activity row saying what changed.
All or nothing, in a handful of queries whatever the number of shots.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import F
from django.utils import timezone

from schedules.services import ev_mark_stale
from studio import permissions
from studio.models import Person, Show
from studio.services import enqueue_on_commit, show_summary_mark_stale

from .editorial import CSV_COLUMNS, CodeFinder, Cut, CutEntry, EditorialError, csv_cell, format_fps, read_cut
from .models import (
    Activity,
    ActivityVerb,
    BreakdownStatus,
    CutImportJob,
    CutImportKind,
    CutImportState,
    Sequence,
    Shot,
    Task,
    TaskTemplateItem,
)
from .workflow import TaskStatus

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class ShotFrames:
    """The part of a shot an import writes."""

    cut_in: int
    cut_out: int
    head_in: int
    tail_out: int
    status: str
    description: str

    @property
    def frame_count(self) -> int:
        return self.cut_out - self.cut_in + 1

    @classmethod
    def of(cls, shot: Shot) -> ShotFrames:
        return cls(shot.cut_in, shot.cut_out, shot.head_in, shot.tail_out, shot.status, shot.description)


@dataclass(frozen=True)
class NewShot:
    code: str
    sequence_code: str
    values: ShotFrames
    order: int
    line: int | None

    def describe(self) -> str:
        return f"  + {self.code}  {self.values.frame_count} frames"


@dataclass(frozen=True)
class ShotChange:
    shot_id: int
    code: str
    old: ShotFrames
    new: ShotFrames
    line: int | None

    @property
    def changed_fields(self) -> tuple[str, ...]:
        return tuple(
            name for name in ShotFrames.__dataclass_fields__ if getattr(self.old, name) != getattr(self.new, name)
        )

    @property
    def length_changed(self) -> bool:
        return self.old.frame_count != self.new.frame_count

    def describe(self) -> str:
        return f"  ~ {self.code}  {self.summary}"

    @property
    def summary(self) -> str:
        """What changes, e.g. "60 -> 52 frames, status omitted -> active"."""
        return ", ".join(self.parts())

    def parts(self, *, arrow: str = "->", with_length: bool = True) -> list[str]:
        old, new, changed = self.old, self.new, self.changed_fields
        parts = []
        if self.length_changed:
            if with_length:
                parts.append(f"{old.frame_count} {arrow} {new.frame_count} frames")
        elif {"cut_in", "cut_out"} & set(changed):
            parts.append(f"cut {old.cut_in}-{old.cut_out} {arrow} {new.cut_in}-{new.cut_out}")
        if (old.cut_in - old.head_in, old.tail_out - old.cut_out) != (
            new.cut_in - new.head_in,
            new.tail_out - new.cut_out,
        ):
            parts.append(f"handles {old.head_in}-{old.tail_out} {arrow} {new.head_in}-{new.tail_out}")
        if "status" in changed:
            parts.append(f"status {old.status} {arrow} {new.status}")
        if "description" in changed:
            parts.append("description")
        return parts


@dataclass(frozen=True)
class OmittedShot:
    shot_id: int
    code: str
    frame_count: int

    def describe(self) -> str:
        return f"  - {self.code}  (omit)"


@dataclass(frozen=True)
class ReportError:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class CutReport:
    """What importing `cut` into the show changes. `applied` is True on the report cut_import_apply returns."""

    show_id: int
    cut: Cut
    new: tuple[NewShot, ...] = ()
    changed: tuple[ShotChange, ...] = ()
    to_omit: tuple[OmittedShot, ...] = ()
    unchanged: tuple[str, ...] = ()
    new_sequences: tuple[str, ...] = ()
    errors: tuple[ReportError, ...] = ()
    applied: bool = False

    @property
    def missing(self) -> tuple[OmittedShot, ...]:
        return self.to_omit

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed or self.to_omit)

    def lines(self) -> list[str]:
        """The report as text: counts, then one line per shot that changes, then what needs a look."""
        cut = self.cut
        lines = [f"New shots: {len(self.new)}"]
        if cut.omits_missing:
            lines.append(f"Missing from the cut (to omit): {len(self.to_omit)}")
            lines.append(f"Cut length changes: {len(self.changed)}")
        else:
            lines.append(f"Changed: {len(self.changed)}")
        lines.append(f"Unchanged: {len(self.unchanged)}")
        if self.new_sequences:
            lines.append(f"New sequences: {len(self.new_sequences)} ({', '.join(self.new_sequences)})")
        lines += [item.describe() for item in self.new]
        lines += [item.describe() for item in self.changed]
        lines += [item.describe() for item in self.to_omit]
        if cut.unmatched:
            lines.append(f"Clips without a shot code: {len(cut.unmatched)}")
            lines += [f"  ? {clip.where}  {clip.clip_name or clip.reel or '(no name)'}" for clip in cut.unmatched]
        if cut.warnings:
            lines.append(f"Warnings: {len(cut.warnings)}")
            lines += [f"  ! {warning}" for warning in cut.warnings]
        if self.errors:
            lines.append(f"Errors: {len(self.errors)}")
            lines += [f"  x {error}" for error in self.errors]
        return lines

    def as_json(self) -> dict:
        """The report as the cut import page stores and shows it (CutImportJob.report and .result)."""
        cut = self.cut
        return {
            "kind": cut.kind,
            "title": cut.title,
            "clip_count": cut.clip_count,
            "omits_missing": cut.omits_missing,
            "omits_only_in": cut.sequence_codes if cut.omits_missing and cut.omit_only_in_its_sequences else [],
            "counts": {
                "new": len(self.new),
                "to_omit": len(self.to_omit),
                "changed": len(self.changed),
                "unchanged": len(self.unchanged),
                "unmatched": len(cut.unmatched),
                "warnings": len(cut.warnings),
                "errors": len(self.errors),
            },
            "new_sequences": list(self.new_sequences),
            "new": [
                {
                    "code": item.code,
                    "sequence": item.sequence_code,
                    "frame_count": item.values.frame_count,
                    "cut_in": item.values.cut_in,
                    "cut_out": item.values.cut_out,
                    "where": _where(item.line, item.order),
                }
                for item in self.new
            ],
            "changed": [
                {
                    "code": item.code,
                    "old_frame_count": item.old.frame_count,
                    "new_frame_count": item.new.frame_count,
                    "length_changed": item.length_changed,
                    "other_changes": ", ".join(item.parts(arrow="→", with_length=False)),
                    "where": _where(item.line, None),
                }
                for item in self.changed
            ],
            "to_omit": [{"code": item.code, "frame_count": item.frame_count} for item in self.to_omit],
            "unchanged": list(self.unchanged),
            "unmatched": [
                {"where": clip.where, "name": clip.clip_name or clip.reel or "(no name)"} for clip in cut.unmatched
            ],
            "warnings": [{"line": warning.line, "message": warning.message} for warning in cut.warnings],
            "errors": [{"line": error.line, "message": error.message} for error in self.errors],
        }


def _where(line: int | None, position: int | None) -> str:
    if line:
        return f"line {line}"
    return f"clip {position}" if position else ""


# --- Reading ----------------------------------------------------------------------------------------------


def read_cut_for_show(
    *, show: Show, data: bytes | str, filename: str, pattern: str | None = None, only_its_sequences: bool = False
) -> Cut:
    """Read an .edl, .otio or .csv at the show's fps. Raises editorial.EditorialError (with the line).

    `only_its_sequences`: the file is one reel or sequence, so shots missing from it are omitted only in the
    sequences it contains.
    """
    cut = read_cut(data, filename=filename, fps=Decimal(show.fps), pattern=pattern)
    return replace(cut, omit_only_in_its_sequences=only_its_sequences)


# --- The change report ------------------------------------------------------------------------------------


@dataclass
class _ShowState:
    shots: dict[str, Shot]
    sequence_ids: dict[str, int]


def _show_state(show: Show) -> _ShowState:
    shots = Shot.objects.filter(show=show).only(
        "id", "code", "sequence_id", "cut_in", "cut_out", "head_in", "tail_out", "status", "description"
    )
    sequences = Sequence.objects.filter(show=show).values_list("code", "id")
    return _ShowState(shots={shot.code: shot for shot in shots}, sequence_ids=dict(sequences))


def cut_report(*, show: Show, cut: Cut) -> CutReport:
    """Compare the cut with the show's shots: what is new, changed, unchanged and (for an edit) to omit.

    Two queries whatever the size of the show. Problems that stop the import (an invalid code, a CSV row whose
    frame range does not hold) are in `errors`; clips without a code and shots used twice are in the cut's
    `unmatched` and `warnings` and do not stop it.
    """
    return _compare(show, cut, _show_state(show))


def _compare(show: Show, cut: Cut, state: _ShowState) -> CutReport:
    new, changed, unchanged, errors = [], [], [], []
    new_sequences: list[str] = []
    if not cut.entries:
        errors.append(
            ReportError(
                None,
                f"no shot code found in any of the {cut.clip_count} clips: check the shot code pattern; "
                "nothing would be imported.",
            )
        )
    for entry in cut.entries:
        existing = state.shots.get(entry.code)
        try:
            target = _target_frames(entry, existing, show, reinstate_omitted=cut.omits_missing)
            if existing is None:
                _check_code(Shot, entry.code, "shot code")
                _check_code(Sequence, entry.sequence_code, "sequence code")
        except ValidationError as error:
            errors.append(ReportError(entry.line, f"{entry.code}: {' '.join(error.messages)}"))
            continue
        if existing is None:
            new.append(NewShot(entry.code, entry.sequence_code, target, order=entry.position, line=entry.line))
            if entry.sequence_code not in state.sequence_ids and entry.sequence_code not in new_sequences:
                new_sequences.append(entry.sequence_code)
        elif target == ShotFrames.of(existing):
            unchanged.append(entry.code)
        else:
            changed.append(ShotChange(existing.pk, entry.code, ShotFrames.of(existing), target, line=entry.line))
    to_omit = []
    if cut.omits_missing:
        in_cut = {entry.code for entry in cut.entries}
        in_scope = None  # every sequence of the show
        if cut.omit_only_in_its_sequences:
            in_scope = {state.sequence_ids[code] for code in cut.sequence_codes if code in state.sequence_ids}
        to_omit = [
            OmittedShot(shot.pk, code, shot.cut_out - shot.cut_in + 1)
            for code, shot in sorted(state.shots.items())
            if code not in in_cut
            and shot.status != BreakdownStatus.OMITTED
            and (in_scope is None or shot.sequence_id in in_scope)
        ]
    return CutReport(
        show_id=show.pk,
        cut=cut,
        new=tuple(new),
        changed=tuple(changed),
        to_omit=tuple(to_omit),
        unchanged=tuple(unchanged),
        new_sequences=tuple(new_sequences),
        errors=tuple(errors),
    )


def _target_frames(entry: CutEntry, existing: Shot | None, show: Show, *, reinstate_omitted: bool) -> ShotFrames:
    """The shot as the entry wants it. What the entry leaves out comes from the shot, or the show's defaults."""
    if existing is not None:
        cut_in = existing.cut_in
        head_handle, tail_handle = existing.cut_in - existing.head_in, existing.tail_out - existing.cut_out
        length = existing.cut_out - existing.cut_in + 1
        status = existing.status
        if reinstate_omitted and status == BreakdownStatus.OMITTED:
            status = BreakdownStatus.ACTIVE
        description = existing.description
    else:
        head_handle = tail_handle = show.default_handles
        cut_in = show.default_head_in + show.default_handles
        length = None
        status = BreakdownStatus.ACTIVE
        description = ""
    if entry.cut_in is not None:
        cut_in = entry.cut_in
    if entry.cut_out is not None:
        cut_out = entry.cut_out
    elif entry.frame_count is not None:
        cut_out = cut_in + entry.frame_count - 1
    elif length is not None:
        cut_out = cut_in + length - 1
    else:
        raise ValidationError("a new shot needs a frame count (or cut in and cut out).")
    head_in = entry.head_in if entry.head_in is not None else cut_in - head_handle
    tail_out = entry.tail_out if entry.tail_out is not None else cut_out + tail_handle
    if entry.status is not None:
        labels = {label.lower().replace(" ", "_"): value for value, label in BreakdownStatus.choices}
        status = labels.get(entry.status, entry.status)
        if status not in BreakdownStatus.values:
            raise ValidationError(f"status '{entry.status}' is not one of {', '.join(BreakdownStatus.values)}.")
    if entry.description is not None:
        description = entry.description
    if cut_out < cut_in:
        raise ValidationError(f"cut out {cut_out} is before cut in {cut_in}.")
    if head_in > cut_in:
        raise ValidationError(f"head in {head_in} is after cut in {cut_in}.")
    if tail_out < cut_out:
        raise ValidationError(f"tail out {tail_out} is before cut out {cut_out}.")
    return ShotFrames(cut_in, cut_out, head_in, tail_out, status, description)


def _check_code(model, value: str, what: str) -> None:
    """The model field's own validators (allowed characters, length), without a query."""
    try:
        model._meta.get_field("code").clean(value, None)
    except ValidationError as error:
        raise ValidationError(f"{what} '{value}': {' '.join(error.messages)}") from None


# --- Applying ---------------------------------------------------------------------------------------------


def _cut_of(report_or_entries: CutReport | Cut | Iterable[CutEntry], show: Show) -> Cut:
    if isinstance(report_or_entries, CutReport):
        if report_or_entries.show_id != show.pk:
            raise ValueError("This report was made for another show.")
        return report_or_entries.cut
    if isinstance(report_or_entries, Cut):
        return report_or_entries
    entries = tuple(report_or_entries)
    return Cut(kind="edl", entries=entries, fps=Decimal(show.fps), clip_count=len(entries))


@transaction.atomic
def cut_import_apply(
    *,
    actor: Person,
    show: Show,
    report_or_entries: CutReport | Cut | Iterable[CutEntry],
    on_progress: ProgressCallback | None = None,
) -> CutReport:
    """Apply a cut to the show: create, update and omit shots as the change report says. All or nothing.

    The report is made again under a lock on the show, so what is applied is what is true now; the returned
    report (`applied=True`) says what was done. Applying the same cut twice changes nothing the second time.
    Raises PermissionDenied (not a breakdown editor of the show) or ValidationError (the report has errors).
    `on_progress(done, total)` is called as the shots are written (total = shots created, updated and omitted).
    """
    cut = _cut_of(report_or_entries, show)
    permissions.require_change(actor, Sequence(show=show))
    permissions.require_change(actor, Shot(show=show))
    show = Show.objects.select_for_update().get(pk=show.pk)
    state = _show_state(show)
    report = _compare(show, cut, state)
    if report.errors:
        raise ValidationError([str(error) for error in report.errors])

    total = len(report.new) + len(report.changed) + len(report.to_omit)
    done = 0

    def progress(step: int) -> None:
        nonlocal done
        done += step
        if on_progress is not None:
            on_progress(done, total)

    progress(0)
    if report.new_sequences:
        created = Sequence.objects.bulk_create(
            [Sequence(show=show, code=code, status=BreakdownStatus.ACTIVE) for code in report.new_sequences]
        )
        state.sequence_ids.update({sequence.code: sequence.pk for sequence in created})

    now = timezone.now()
    new_shots = [
        Shot(
            show=show,
            sequence_id=state.sequence_ids[item.sequence_code],
            code=item.code,
            order=item.order,
            **_frame_fields(item.values),
        )
        for item in report.new
    ]
    template = list(TaskTemplateItem.objects.filter(show=show).values_list("task_type_id", "default_bid_days"))
    for start in range(0, len(new_shots), BATCH_SIZE):
        batch = new_shots[start : start + BATCH_SIZE]
        Shot.objects.bulk_create(batch)
        if template:  # the show's task template, as for a shot created by hand (services.shot_create)
            Task.objects.bulk_create(
                Task(shot=shot, task_type_id=task_type_id, bid_days=bid_days, updated_by=actor)
                for shot in batch
                for task_type_id, bid_days in template
            )
        progress(len(batch))

    updated = []
    for item in report.changed:
        shot = state.shots[item.code]
        for name, value in _frame_fields(item.new).items():
            setattr(shot, name, value)
        shot.updated_at = now
        updated.append(shot)
    for start in range(0, len(updated), BATCH_SIZE):
        batch = updated[start : start + BATCH_SIZE]
        Shot.objects.bulk_update(batch, [*ShotFrames.__dataclass_fields__, "updated_at"])
        progress(len(batch))

    omitted_tasks: list[tuple[int, int, str]] = []
    if report.to_omit:
        omitted_shot_ids = [item.shot_id for item in report.to_omit]
        Shot.objects.filter(pk__in=omitted_shot_ids).update(status=BreakdownStatus.OMITTED, updated_at=now)
        # As when a shot is omitted by hand (shots.services.shot_omit): its tasks leave every figure too, and the
        # history keeps each one's status, so shot_restore can put them back.
        omitted_tasks = list(
            Task.objects.filter(shot_id__in=omitted_shot_ids)
            .exclude(status=TaskStatus.OMITTED)
            .order_by("pk")
            .values_list("pk", "shot_id", "status")
        )
        Task.objects.filter(pk__in=[pk for pk, _shot, _status in omitted_tasks]).update(
            status=TaskStatus.OMITTED, row_version=F("row_version") + 1, updated_by=actor, updated_at=now
        )
        progress(len(report.to_omit))

    activities = _activities(actor, show, report, new_shots, state, omitted_tasks)
    Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
    if report.has_changes:
        show_summary_mark_stale(show_id=show.pk)
        ev_mark_stale(show_id=show.pk)  # new shots bring their template tasks' bids
    return replace(report, applied=True)


def _activities(
    actor: Person,
    show: Show,
    report: CutReport,
    new_shots: list[Shot],
    state: _ShowState,
    omitted_tasks: list[tuple[int, int, str]],
):
    """One "imported" history row per shot the import creates, changes or omits, with what changed; then one
    per task the omission took out (after the shots' rows: shot_restore reads them in that order)."""
    labels = dict(BreakdownStatus.choices)

    def shown(name: str, value) -> str:
        return str(labels.get(value, value)) if name == "status" else str(value)

    for shot in new_shots:
        yield Activity(show=show, shot=shot, actor=actor, verb=ActivityVerb.IMPORTED)
    for item in report.changed:
        changes = {
            name: [shown(name, getattr(item.old, name)), shown(name, getattr(item.new, name))]
            for name in item.changed_fields
        }
        yield Activity(show=show, shot_id=item.shot_id, actor=actor, verb=ActivityVerb.IMPORTED, changes=changes)
    for item in report.to_omit:
        old_status = shown("status", state.shots[item.code].status)
        changes = {"status": [old_status, shown("status", BreakdownStatus.OMITTED)]}
        yield Activity(show=show, shot_id=item.shot_id, actor=actor, verb=ActivityVerb.IMPORTED, changes=changes)
    task_labels = dict(TaskStatus.choices)
    for task_id, shot_id, old in omitted_tasks:
        changes = {"status": [str(task_labels[old]), str(TaskStatus.OMITTED.label)]}
        yield Activity(
            show=show, shot_id=shot_id, task_id=task_id, actor=actor, verb=ActivityVerb.IMPORTED, changes=changes
        )


def _frame_fields(values: ShotFrames) -> dict:
    return {name: getattr(values, name) for name in ShotFrames.__dataclass_fields__}


# --- Shot CSV export --------------------------------------------------------------------------------------


def write_shots_csv(*, show: Show, out: TextIO) -> int:
    """Write the show's shots (omitted ones too) as the CSV `read_shots_csv` reads back. Returns the row count.

    One query, streamed. Codes are written exactly as they are ("0010" stays "0010"); a description a spreadsheet
    would run as a formula is written behind a "'", which the import takes off again.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = (
        Shot.objects.filter(show=show)
        .order_by("sequence__order", "sequence__code", "order", "code")
        .values_list("sequence__code", "code", "cut_in", "cut_out", "head_in", "tail_out", "status", "description")
        .iterator(chunk_size=2000)
    )
    count = 0
    for sequence, code, cut_in, cut_out, head_in, tail_out, status, description in rows:
        frames = cut_out - cut_in + 1
        writer.writerow([sequence, code, cut_in, cut_out, head_in, tail_out, frames, status, csv_cell(description)])
        count += 1
    return count


def shots_csv_export(*, show: Show) -> str:
    out = io.StringIO()
    write_shots_csv(show=show, out=out)
    return out.getvalue()


def cut_report_header(*, show: Show, filename: str, cut: Cut) -> list[str]:
    """The lines above a report: which show, which file, at what fps."""
    lines = [
        f"Show: {show.code}",
        f"File: {filename} ({cut.kind_label}, {cut.clip_count} {'rows' if cut.kind == 'csv' else 'clips'})",
        f"Fps: {format_fps(show.fps)}",
    ]
    if cut.omits_missing and cut.omit_only_in_its_sequences:
        lines.append(f"Omits only in the cut's sequences: {', '.join(cut.sequence_codes)}")
    return lines


# --- Import jobs: the cut import page and its Celery tasks -------------------------------------------------
#
# upload -> (report: in the request for a small file, else the `cut_import_report` task) -> state "reported"
#        -> someone applies it -> state "applying" -> the `cut_import_run` task -> "applied" (or "failed").
# The file stays with the job: the apply reads it again and compares it with the shots as they are then.

SYNC_REPORT_MAX_CLIPS = 500  # above this many clips the report is built by a worker, behind a progress bar
STALLED_AFTER = timedelta(minutes=5)
JOB_KINDS = {".edl": CutImportKind.EDL, ".otio": CutImportKind.OTIO, ".csv": CutImportKind.CSV}


def can_import_cuts(person, show: Show) -> bool:
    """Importing a cut creates, changes and omits shots: it is for the people who may do that on the show."""
    return permissions.can_change(person, Sequence(show=show)) and permissions.can_change(person, Shot(show=show))


def require_cut_importer(person, show: Show) -> None:
    permissions.require(
        can_import_cuts(person, show),
        f"Only the coordinators, production managers and producers of {show.code} import cuts.",
    )


def rough_clip_count(data: bytes, filename: str) -> int:
    """How many clips the file holds, roughly and without parsing it: decides where its report is built."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".edl":
        return sum(1 for line in data.splitlines() if line.lstrip()[:1].isdigit())
    if suffix == ".otio":
        return data.count(b'"Clip.')
    if suffix == ".csv":
        return max(0, sum(1 for line in data.splitlines() if line.strip()) - 1)
    return 0


@transaction.atomic
def cut_import_job_create(
    *, actor: Person, show: Show, data: bytes, filename: str, pattern: str = "", only_its_sequences: bool = False
) -> CutImportJob:
    """Store an uploaded cut and its dry-run report (read here when the file is small, else by a worker).

    A small file that cannot be read raises EditorialError (with its line) and nothing is stored. A large one
    is stored in state "uploaded"; the `cut_import_report` task reads it, and a file that cannot be read leaves
    the job "failed" with the message and the line.
    """
    require_cut_importer(actor, show)
    name = Path(filename).name
    kind = JOB_KINDS.get(Path(name).suffix.lower())
    if kind is None:
        raise EditorialError(message=f"'{name}' is not a cut Slate reads: use .edl, .otio or .csv.")
    pattern = pattern.strip()
    CodeFinder.compile(pattern or None)
    job = CutImportJob(
        show=show,
        uploaded_by=actor,
        original_name=name,
        kind=kind,
        pattern=pattern,
        fps=Decimal(show.fps),
        omit_only_in_its_sequences=only_its_sequences,
    )
    large = rough_clip_count(data, name) > SYNC_REPORT_MAX_CLIPS
    if not large:
        cut = read_cut_for_show(
            show=show, data=data, filename=name, pattern=pattern or None, only_its_sequences=only_its_sequences
        )
        job.report = cut_report(show=show, cut=cut).as_json()
        job.state = CutImportState.REPORTED
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    if large:
        from .tasks import cut_import_report

        enqueue_on_commit(cut_import_report, job.pk)
    return job


def _read_job_cut(job: CutImportJob) -> Cut:
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
    except OSError as error:
        raise EditorialError(message=f"The uploaded file is no longer readable ({error.strerror or error}).") from None
    cut = read_cut(data, filename=job.original_name, fps=Decimal(job.fps), pattern=job.pattern or None)
    return replace(cut, omit_only_in_its_sequences=job.omit_only_in_its_sequences)


def cut_import_job_build_report(*, job_id: int) -> CutImportJob | None:
    """Read a large upload and store its dry-run report. Does nothing unless the job waits for it (idempotent)."""
    job = CutImportJob.objects.select_related("show").filter(pk=job_id).first()
    if job is None or job.state != CutImportState.UPLOADED:
        return job
    try:
        cut = _read_job_cut(job)
    except EditorialError as error:
        _job_failed(job_id, from_states=[CutImportState.UPLOADED], message=error.message, line=error.line)
    else:
        report = cut_report(show=job.show, cut=cut).as_json()
        CutImportJob.objects.filter(pk=job_id, state=CutImportState.UPLOADED).update(
            state=CutImportState.REPORTED, report=report, updated_at=timezone.now()
        )
    job.refresh_from_db()
    return job


@transaction.atomic
def cut_import_job_request_apply(*, actor: Person, job: CutImportJob) -> CutImportJob:
    """Ask a worker to apply a job's cut. Refused (ValidationError) when it was applied or cannot be."""
    locked = CutImportJob.objects.select_for_update(of=("self",)).select_related("show", "applied_by").get(pk=job.pk)
    require_cut_importer(actor, locked.show)
    if locked.state == CutImportState.APPLIED:
        when = timezone.localtime(locked.applied_at).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(
            f"This cut was already applied by {locked.applied_by or 'someone'} on {when}. To import it again, "
            "upload the file again: its report will compare it with the shots as they are now."
        )
    if locked.state == CutImportState.APPLYING:
        raise ValidationError("This cut is being applied already.")
    if locked.state == CutImportState.UPLOADED:
        raise ValidationError("The report is not ready yet: apply it once you have read it.")
    if not locked.report:
        raise ValidationError("This file could not be read, so there is nothing to apply: upload a corrected file.")
    counts = locked.report["counts"]
    if counts["errors"]:
        raise ValidationError("The report has errors: correct the file and upload it again.")
    if not (counts["new"] or counts["changed"] or counts["to_omit"]):
        raise ValidationError(
            "This cut changes nothing. If the shots have changed since, upload it again to compare it with them."
        )
    locked.state = CutImportState.APPLYING
    locked.applied_by = actor
    locked.progress_done = locked.progress_total = 0
    locked.error_message, locked.error_line = "", None
    locked.save()
    from .tasks import cut_import_run

    enqueue_on_commit(cut_import_run, locked.pk)
    return locked


def cut_import_job_run(*, job_id: int) -> CutImportJob | None:
    """Apply the cut of a job in state "applying" (the `cut_import_run` task). Idempotent and safe to retry.

    Applying is all or nothing (cut_import_apply) and takes the show's lock; the job is checked again under that
    lock, so a second delivery of the task, or a sweep re-running a job whose worker died, waits for the first
    one and then finds the job applied. The job becomes "applied" in the same transaction as the shots.
    """
    progress = _JobProgress(job_id)
    job = None
    try:
        with transaction.atomic():
            job = CutImportJob.objects.select_related("show", "applied_by").filter(pk=job_id).first()
            if job is None or job.state != CutImportState.APPLYING:
                return job
            Show.objects.select_for_update().filter(pk=job.show_id).exists()  # wait for any apply to this show
            job.refresh_from_db(fields=["state"])
            if job.state != CutImportState.APPLYING:
                return job
            cut = _read_job_cut(job)
            applied = cut_import_apply(actor=job.applied_by, show=job.show, report_or_entries=cut, on_progress=progress)
            total = len(applied.new) + len(applied.changed) + len(applied.to_omit)
            job.state = CutImportState.APPLIED
            job.result = applied.as_json()
            job.applied_at = timezone.now()
            job.progress_done = job.progress_total = total
            job.save(update_fields=["state", "result", "applied_at", "progress_done", "progress_total", "updated_at"])
            return job
    except EditorialError as error:
        return _job_failed(job_id, message=error.message, line=error.line)
    except PermissionDenied:
        who = job.applied_by if job is not None and job.applied_by else "The person who applied it"
        return _job_failed(job_id, message=f"{who} may no longer change the shots of {job.show.code}.")
    except ValidationError as error:
        return _job_failed(job_id, message="The cut no longer applies to the shots: " + " ".join(error.messages))
    except Exception:
        _job_failed(job_id, message="Applying stopped on an unexpected error; nothing was written. Try again.")
        raise
    finally:
        progress.close()


def _job_failed(job_id: int, *, message: str, line: int | None = None, from_states=None) -> CutImportJob | None:
    states = from_states or [CutImportState.APPLYING]
    CutImportJob.objects.filter(pk=job_id, state__in=states).update(
        state=CutImportState.FAILED, error_message=message, error_line=line, updated_at=timezone.now()
    )
    return CutImportJob.objects.filter(pk=job_id).first()


@transaction.atomic
def stalled_cut_imports_claim(*, now=None) -> list[tuple[int, str]]:
    """(id, state) of the jobs that have waited for a worker for a while: their message was lost (the broker was
    down when they were enqueued) or their worker died. Each is marked as just sent again, so the next sweep
    gives the new message time."""
    now = now or timezone.now()
    stalled = list(
        CutImportJob.objects.select_for_update(skip_locked=True)
        .filter(state__in=[CutImportState.UPLOADED, CutImportState.APPLYING], updated_at__lt=now - STALLED_AFTER)
        .order_by("pk")
        .values_list("pk", "state")
    )
    CutImportJob.objects.filter(pk__in=[pk for pk, _ in stalled]).update(updated_at=now)
    return stalled


class _JobProgress:
    """Writes a job's progress where the page can read it while the apply's transaction is still open.

    Everything cut_import_apply writes becomes visible at once, when it commits; progress written in the same
    transaction would too. So progress goes through a second connection, in autocommit mode. Best effort: a
    failed write never stops an import. SQLite has one writer at a time, so there progress shows at the end.
    """

    def __init__(self, job_id: int):
        self.job_id = job_id
        self._connection = None
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int, total: int) -> None:
        if self._connection is None:
            return
        quote = self._connection.ops.quote_name
        sql = (
            f"UPDATE {quote(CutImportJob._meta.db_table)} SET {quote('progress_done')} = %s, "
            f"{quote('progress_total')} = %s, {quote('updated_at')} = %s WHERE {quote('id')} = %s AND "
            f"{quote('state')} = %s"
        )
        try:
            with self._connection.cursor() as cursor:
                cursor.execute(sql, [done, total, timezone.now(), self.job_id, CutImportState.APPLYING.value])
        except DatabaseError:
            logger.warning("Could not record the progress of cut import %s.", self.job_id, exc_info=True)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
