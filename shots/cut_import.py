"""Cut import: compare a cut with a show's shots (the change report), then apply it; and the shot CSV export.

The report is computed again, under a lock on the show, when it is applied: a report a coordinator looked at
minutes ago may be out of date, and applying the same cut twice must change nothing the second time.

    cut = read_cut_for_show(show=show, data=upload_bytes, filename="reel1_v12.edl")
    report = cut_report(show=show, cut=cut)              # dry run: what would change
    report = cut_import_apply(actor=coordinator, show=show, report_or_entries=report, on_progress=callback)

A Celery task takes the show's and the person's ids and the upload's path, calls `read_cut_for_show` and
`cut_import_apply`, and reports progress through `on_progress(done, total)`.

What applying does
- new shots: created in their sequence (created too when missing); cut in = the show's head in + handles,
  cut out = cut in + frame count - 1, head in / tail out = the show's handles around the cut.
- cut length changes: cut in and the shot's own handles stay; cut out and tail out move.
- shots missing from an edit: status omitted, never deleted (their tasks, versions and notes stay). An omitted
  shot that is back in the cut becomes active again.
- existing shots keep their sequence: codes are unique per show.
- a CSV creates and updates the shots it lists, with the frame range, status and description it gives, and
  never omits.
All or nothing, in a handful of queries whatever the number of shots.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TextIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from studio import permissions
from studio.models import Person, Show
from studio.services import show_summary_mark_stale

from .editorial import CSV_COLUMNS, Cut, CutEntry, format_fps, read_cut
from .models import BreakdownStatus, Sequence, Shot

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
        old, new, changed = self.old, self.new, self.changed_fields
        parts = []
        if self.length_changed:
            parts.append(f"{old.frame_count} -> {new.frame_count} frames")
        elif {"cut_in", "cut_out"} & set(changed):
            parts.append(f"cut {old.cut_in}-{old.cut_out} -> {new.cut_in}-{new.cut_out}")
        if (old.cut_in - old.head_in, old.tail_out - old.cut_out) != (
            new.cut_in - new.head_in,
            new.tail_out - new.cut_out,
        ):
            parts.append(f"handles {old.head_in}-{old.tail_out} -> {new.head_in}-{new.tail_out}")
        if "status" in changed:
            parts.append(f"status {old.status} -> {new.status}")
        if "description" in changed:
            parts.append("description")
        return f"  ~ {self.code}  {', '.join(parts)}"


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


# --- Reading ----------------------------------------------------------------------------------------------


def read_cut_for_show(*, show: Show, data: bytes | str, filename: str, pattern: str | None = None) -> Cut:
    """Read an .edl, .otio or .csv at the show's fps. Raises editorial.EditorialError (with the line)."""
    return read_cut(data, filename=filename, fps=Decimal(show.fps), pattern=pattern)


# --- The change report ------------------------------------------------------------------------------------


@dataclass
class _ShowState:
    shots: dict[str, Shot]
    sequence_ids: dict[str, int]


def _show_state(show: Show) -> _ShowState:
    shots = Shot.objects.filter(show=show).only(
        "id", "code", "cut_in", "cut_out", "head_in", "tail_out", "status", "description"
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
        to_omit = [
            OmittedShot(shot.pk, code, shot.cut_out - shot.cut_in + 1)
            for code, shot in sorted(state.shots.items())
            if code not in in_cut and shot.status != BreakdownStatus.OMITTED
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
    for start in range(0, len(new_shots), BATCH_SIZE):
        batch = new_shots[start : start + BATCH_SIZE]
        Shot.objects.bulk_create(batch)
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

    if report.to_omit:
        Shot.objects.filter(pk__in=[item.shot_id for item in report.to_omit]).update(
            status=BreakdownStatus.OMITTED, updated_at=now
        )
        progress(len(report.to_omit))

    if report.has_changes:
        show_summary_mark_stale(show_id=show.pk)
    return replace(report, applied=True)


def _frame_fields(values: ShotFrames) -> dict:
    return {name: getattr(values, name) for name in ShotFrames.__dataclass_fields__}


# --- Shot CSV export --------------------------------------------------------------------------------------


def write_shots_csv(*, show: Show, out: TextIO) -> int:
    """Write the show's shots (omitted ones too) as the CSV `read_shots_csv` reads back. Returns the row count.

    One query, streamed. Codes are written exactly as they are ("0010" stays "0010").
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
        writer.writerow([sequence, code, cut_in, cut_out, head_in, tail_out, cut_out - cut_in + 1, status, description])
        count += 1
    return count


def shots_csv_export(*, show: Show) -> str:
    out = io.StringIO()
    write_shots_csv(show=show, out=out)
    return out.getvalue()


def cut_report_header(*, show: Show, filename: str, cut: Cut) -> list[str]:
    """The lines above a report: which show, which file, at what fps."""
    return [
        f"Show: {show.code}",
        f"File: {filename} ({cut.kind_label}, {cut.clip_count} {'rows' if cut.kind == 'csv' else 'clips'})",
        f"Fps: {format_fps(show.fps)}",
    ]
