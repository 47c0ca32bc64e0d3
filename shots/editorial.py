"""Reading editorial cuts: CMX 3600 EDLs, OpenTimelineIO files and Slate's shot CSV, into a list of CutEntry.

Pure: no database, no Django. `read_cut(data, filename=..., fps=...)` is the one entry point (a Celery task
passes the bytes of an upload, the `import_cut` command a path's bytes); `cut_import.py` compares the result
with a show and applies it.

How a cut becomes shots
- The cut length of a clip is its RECORD duration in frames at the show's fps, out exclusive
  (record out - record in). Source timecodes, and so any source offset (01:00:00:00, 00:59:53:11, 23:00:00:00),
  never matter: a speed effect or a freeze frame still takes its record duration.
- The shot code is found by a regular expression (`DEFAULT_CODE_PATTERN`, or the caller's) searched, in this
  order, in: the clip name (`* FROM CLIP NAME:`), the `* LOC:` markers, the other comments, the media path
  (`* FROM CLIP:` / `* FROM FILE:`), then the reel name. The named group `code` is the shot code (the whole
  match when the pattern has no such group).
- The default pattern takes letters+digits, "_", optional letters + digits and an optional letter (SQ010_SH0040,
  ZZ100_502A, sq001_s0010, Z677_4C) not glued to other letters or digits, so a camera clip name such as
  A001C003_220614_R1AB is not mistaken for a shot code and the LOC marker or comment is read instead.
- The sequence code is the named group `sequence` when the pattern has one; else the part of the shot code
  before its first "_" (SQ010_SH0040 -> SQ010); else `UNSORTED_SEQUENCE`.
- A clip without a shot code is kept in `Cut.unmatched` with its line, never silently dropped.
- A shot used more than once in a cut (cut away and back, a freeze frame next to the moving shot) becomes one
  entry whose length is the total of its record durations, at the position of its first use, and a warning
  names every line it comes from: an editor counts every frame of the shot that is on screen.
- Black and bars (reels BL, BLACK, BARS), audio-only events and events of zero record duration are not shots:
  the first two are skipped, the last with a warning.
- A dissolve belongs to the incoming clip, as the EDL writes it (its record in/out): the outgoing shot keeps
  its own record duration and the frames under the dissolve are not added to it.
- Gaps between record timecodes are simply not clips.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

DEFAULT_CODE_PATTERN = r"(?<![A-Za-z0-9])(?P<code>[A-Za-z]+\d+_[A-Za-z]*\d+[A-Za-z]?)(?![A-Za-z0-9])"
UNSORTED_SEQUENCE = "SQ_UNSORTED"
# The shot grid's CSV export headers, read as the importer's columns.
CSV_HEADER_ALIASES = {"code": "shot", "frames": "frame_count", "head": "head_in", "tail": "tail_out"}
CSV_COLUMNS = ("sequence", "shot", "cut_in", "cut_out", "head_in", "tail_out", "frame_count", "status", "description")
NOT_SHOTS = frozenset({"BL", "BLACK", "BARS"})  # CMX "special source identifiers": generated black and bars
# A spreadsheet runs a cell starting with one of these as a formula: the export writes such text behind a "'",
# which the import takes off again.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_TIMECODE = re.compile(r"^\d{2}:\d{2}:\d{2}[:;]\d{2}$")
_FRAMES = re.compile(r"^\d+$")
_WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")


class EditorialError(Exception):
    """A file that cannot be read as a cut. `line` is the 1-based line of the problem when there is one."""

    def __init__(self, *, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class CutEntry:
    """One shot of a cut. Frame numbers are integers at the show's fps; record and source outs are exclusive.

    An edit (EDL, .otio) gives `frame_count` and the record/source timecodes; a CSV row may also give the
    shot's frame range, status and description (None: not given, keep what the shot has).
    """

    code: str
    sequence_code: str
    frame_count: int | None
    line: int | None = None
    position: int = 0  # 1-based place of the clip among all the clips read (EDL events, .otio clips, CSV rows)
    clip_name: str = ""
    record_in: int | None = None
    record_out: int | None = None
    source_in: int | None = None
    source_out: int | None = None
    cut_in: int | None = None
    cut_out: int | None = None
    head_in: int | None = None
    tail_out: int | None = None
    status: str | None = None
    description: str | None = None
    uses: int = 1  # how many times the cut uses the shot (its clips are merged into this entry)

    @property
    def where(self) -> str:
        return f"line {self.line}" if self.line else f"clip {self.position}"


@dataclass(frozen=True)
class UnmatchedClip:
    """A clip in which the shot code pattern found nothing."""

    line: int | None
    position: int
    clip_name: str
    reel: str = ""

    @property
    def where(self) -> str:
        return f"line {self.line}" if self.line else f"clip {self.position}"


@dataclass(frozen=True)
class CutWarning:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class Cut:
    """What a file says. `omits_missing`: an edit is the whole show, so shots it lacks are to be omitted;
    a CSV may be a partial list, so it only creates and updates."""

    kind: str  # "edl", "otio" or "csv"
    entries: tuple[CutEntry, ...]
    fps: Decimal | None = None
    title: str = ""
    clip_count: int = 0
    unmatched: tuple[UnmatchedClip, ...] = ()
    warnings: tuple[CutWarning, ...] = ()
    omits_missing: bool = True
    # A reel or sequence EDL is not the whole show: then only shots of the sequences it contains are omitted.
    omit_only_in_its_sequences: bool = False

    @property
    def sequence_codes(self) -> list[str]:
        """The sequences the cut's shots belong to, in cut order."""
        return list(dict.fromkeys(entry.sequence_code for entry in self.entries))

    @property
    def kind_label(self) -> str:
        return {"edl": "CMX 3600 EDL", "otio": "OpenTimelineIO", "csv": "CSV"}[self.kind]


# --- Entry point ------------------------------------------------------------------------------------------


def read_cut(data: bytes | str, *, filename: str, fps: Decimal, pattern: str | None = None) -> Cut:
    """Read an .edl, .otio or .csv (by the file name's extension) into a Cut. Raises EditorialError."""
    suffix = Path(filename).suffix.lower()
    readers: dict[str, Callable[..., Cut]] = {".edl": read_edl, ".otio": read_otio, ".csv": read_shots_csv}
    if suffix not in readers:
        raise EditorialError(message=f"'{Path(filename).name}' is not a cut Slate reads: use .edl, .otio or .csv.")
    text = decode_text(data)
    if suffix == ".csv":
        return read_shots_csv(text)
    return readers[suffix](text, fps=fps, pattern=pattern)


def read_cut_file(path: str | Path, *, fps: Decimal, pattern: str | None = None) -> Cut:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise EditorialError(message=f"Cannot read {path}: {error.strerror or error}.") from None
    return read_cut(data, filename=path.name, fps=fps, pattern=pattern)


def decode_text(data: bytes | str) -> str:
    """UTF-8 (with or without a byte order mark); anything else is refused at the line of the first bad byte."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start : error.start + 1].hex().upper()
        raise EditorialError(
            line=line, message=f"the file is not UTF-8 text (byte 0x{byte}); save or export it as UTF-8."
        ) from None


# --- Shot codes -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeFinder:
    """The configurable shot code pattern, and where its sequence code comes from."""

    regex: re.Pattern

    @classmethod
    def compile(cls, pattern: str | None) -> CodeFinder:
        try:
            return cls(re.compile(pattern or DEFAULT_CODE_PATTERN))
        except re.error as error:
            raise EditorialError(message=f"The shot code pattern is not a valid regular expression: {error}.") from None

    def find(self, *texts: str) -> tuple[str, str] | None:
        """(shot code, sequence code) from the first text the pattern matches, or None."""
        groups = self.regex.groupindex
        for text in texts:
            match = self.regex.search(text or "")
            if not match:
                continue
            code = (match.group("code") if "code" in groups else match.group(0)) or ""
            if not code.strip():
                continue
            sequence = match.group("sequence") if "sequence" in groups else None
            return code.strip(), (sequence or "").strip() or sequence_code_for(code.strip())
        return None


def sequence_code_for(code: str) -> str:
    """SQ010_SH0040 -> SQ010; a code without '_' goes to UNSORTED_SEQUENCE."""
    head, sep, _ = code.partition("_")
    return head if sep and head else UNSORTED_SEQUENCE


def timecode_rate(fps: Decimal) -> float:
    """The show's fps as the rate OpenTimelineIO reads timecode at (23.976 -> 24000/1001)."""
    from opentimelineio.opentime import RationalTime

    rate = float(fps)
    nearest = RationalTime.nearest_valid_timecode_rate(rate)
    if abs(nearest - rate) > 0.01:
        raise EditorialError(message=f"Timecode cannot be read at {format_fps(fps)} fps (the show's fps).")
    return nearest


def format_fps(fps: Decimal | None) -> str:
    return "?" if fps is None else f"{Decimal(fps).normalize():f}"


# --- CMX 3600 EDL -----------------------------------------------------------------------------------------


@dataclass
class _Event:
    """One event as the otio adapter groups it, by the line that defines its clip: the dissolve line when
    the event has one, since the adapter takes the clip's reel and timecodes from it."""

    number: str
    line: int
    fields: tuple[str, ...]

    @property
    def reel(self) -> str:
        return self.fields[1]

    @property
    def channel(self) -> str:
        return self.fields[2]

    @property
    def timecodes(self) -> tuple[str, str, str, str]:
        return self.fields[-4], self.fields[-3], self.fields[-2], self.fields[-1]


def read_edl(text: str, *, fps: Decimal, pattern: str | None = None) -> Cut:
    """Read a CMX 3600 EDL with opentimelineio's cmx_3600 adapter at the show's fps.

    The adapter keeps neither line numbers nor record timecodes, so the lines are first walked the way the
    adapter walks them: that checks every event line (and says which line is wrong) and pairs each clip the
    adapter returns with its line and its record in/out.
    """
    import opentimelineio as otio

    rate = timecode_rate(fps)
    finder = CodeFinder.compile(pattern)
    title, events = _scan_edl(text)
    if not events:
        raise EditorialError(message="The EDL has no events.")
    frames = {}
    for event in events:
        frames[event.line] = _event_frames(event, rate, fps)
    try:
        timeline = otio.adapters.read_from_string(
            text, adapter_name="cmx_3600", rate=rate, ignore_timecode_mismatch=True
        )
    except Exception as error:  # noqa: BLE001 - the adapter fails in many ways; the scan above caught most
        raise EditorialError(line=_line_named_in(str(error), text), message=f"cannot read the EDL: {error}") from None

    clips_by_track = {
        track.name: iter([item for item in track if isinstance(item, otio.schema.Clip)])
        for track in timeline.tracks
        if track.kind == otio.schema.TrackKind.Video
    }
    entries, unmatched, warnings = [], [], []
    for position, event in enumerate(events, start=1):
        video_tracks = [name for name in _track_names(event.channel) if name in clips_by_track]
        if not video_tracks:
            continue  # audio only
        clip = next(clips_by_track[video_tracks[0]], None)
        if clip is None:
            raise EditorialError(line=event.line, message="the EDL reader returned no clip for this event.")
        for other in video_tracks[1:]:
            next(clips_by_track[other], None)
        if event.reel.upper() in NOT_SHOTS:
            continue
        source_in, source_out, record_in, record_out = frames[event.line]
        if record_out == record_in:
            warnings.append(
                CutWarning(event.line, f"event {event.number} has no duration on the record side; skipped.")
            )
            continue
        clip_name = "" if clip.name == event.fields[0] else clip.name
        found = finder.find(
            clip_name,
            *_marker_texts(clip),
            *clip.metadata.get("cmx_3600", {}).get("comments", []),
            _media_path(clip),
            event.reel,
        )
        if found is None:
            unmatched.append(UnmatchedClip(event.line, position, clip_name, event.reel))
            continue
        code, sequence_code = found
        if clip.effects:
            kind = (
                "a freeze frame" if any(fx.schema_name() == "FreezeFrame" for fx in clip.effects) else "a speed effect"
            )
            warnings.append(
                CutWarning(
                    event.line,
                    f"{code} has {kind}: its cut length is the record duration, {record_out - record_in} frames.",
                )
            )
        entries.append(
            CutEntry(
                code=code,
                sequence_code=sequence_code,
                frame_count=record_out - record_in,
                line=event.line,
                position=position,
                clip_name=clip_name,
                record_in=record_in,
                record_out=record_out,
                source_in=source_in,
                source_out=source_out,
            )
        )
    merged, duplicate_warnings = merge_duplicates(entries)
    return Cut(
        kind="edl",
        entries=merged,
        fps=fps,
        title=title or timeline.name or "",
        clip_count=len(events),
        unmatched=tuple(unmatched),
        warnings=_by_line([*warnings, *duplicate_warnings]),
    )


def _by_line(warnings: list[CutWarning]) -> tuple[CutWarning, ...]:
    return tuple(sorted(warnings, key=lambda warning: (warning.line is not None, warning.line or 0)))


def _scan_edl(text: str) -> tuple[str, list[_Event]]:
    """Walk the lines as the adapter does (blank lines skipped, lines stripped), checking each event line."""
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    title, events, index = "", [], 0
    while index < len(lines):
        number, line = lines[index]
        index += 1
        if line.startswith("TITLE:"):
            title = line.removeprefix("TITLE:").strip()
        elif line.startswith("FCM"):
            continue
        elif line.startswith("SPLIT"):
            pair = lines[index : index + 2]
            if len(pair) < 2 or not all(content[:1].isdigit() for _, content in pair):
                raise EditorialError(line=number, message="SPLIT must be followed by two event lines.")
            index += 2
            while index < len(lines) and not lines[index][1][:1].isdigit():
                index += 1  # comments shared by the pair
            events += [_parse_event_line(pair_number, pair_line) for pair_number, pair_line in pair]
        elif line[:1].isdigit():
            event = _parse_event_line(number, line)
            event_id = int(event.number)
            has_transition = False
            while index < len(lines):
                next_number, next_line = lines[index]
                match = re.match(r"^\d+", next_line)
                if match and int(match.group(0)) != event_id:
                    break  # the next event
                index += 1
                if not match:
                    continue  # a comment line: the adapter reads it into the clip
                # The same event number again: a transition, whose line defines the clip.
                if has_transition:
                    raise EditorialError(line=next_number, message=f"event {event.number} has a second transition.")
                has_transition = True
                event = _parse_event_line(next_number, next_line)
                if len(event.fields) != 9:
                    raise EditorialError(
                        line=next_number, message=f"event {event.number} repeats without a transition (D or W)."
                    )
            events.append(event)
        else:
            raise EditorialError(line=number, message=f"this is not an EDL line: '{_clip(line)}'.")
    return title, events


def _parse_event_line(number: int, line: str) -> _Event:
    fields = tuple(line.split())
    if len(fields) not in (8, 9):
        raise EditorialError(
            line=number,
            message=f"an event line has 8 fields (event, reel, channel, C, source in, source out, record in, "
            f"record out) or 9 with a transition; this one has {len(fields)}: '{_clip(line)}'.",
        )
    if not fields[0].isdigit():
        raise EditorialError(line=number, message=f"'{fields[0]}' is not an event number.")
    edit = fields[3]
    if len(fields) == 8 and edit != "C":
        raise EditorialError(line=number, message=f"edit type '{edit}' needs a duration; a cut is 'C'.")
    if len(fields) == 9:
        if not (edit == "D" or re.fullmatch(r"W\d{3}", edit)):
            raise EditorialError(line=number, message=f"transition '{edit}' is not one Slate reads (D or W###).")
        if not fields[4].isdigit():
            raise EditorialError(line=number, message=f"transition duration '{fields[4]}' is not a frame count.")
    for value in fields[-4:]:
        if not (_TIMECODE.match(value) or _FRAMES.match(value)):
            raise EditorialError(line=number, message=f"'{value}' is not a timecode (HH:MM:SS:FF).")
    return _Event(number=fields[0], line=number, fields=fields)


def _event_frames(event: _Event, rate: float, fps: Decimal) -> tuple[int, int, int, int]:
    from opentimelineio import opentime

    values = []
    for name, value in zip(("source in", "source out", "record in", "record out"), event.timecodes, strict=True):
        if _FRAMES.match(value):
            values.append(int(value))
            continue
        try:
            values.append(opentime.from_timecode(value, rate).to_frames())
        except ValueError as error:
            raise EditorialError(
                line=event.line, message=f"{name} {value} is not a timecode at {format_fps(fps)} fps ({error})."
            ) from None
    source_in, source_out, record_in, record_out = values
    if record_out < record_in:
        raise EditorialError(
            line=event.line,
            message=f"record out {event.timecodes[3]} is before record in {event.timecodes[2]}.",
        )
    if source_out < source_in:
        raise EditorialError(
            line=event.line,
            message=f"source out {event.timecodes[1]} is before source in {event.timecodes[0]}.",
        )
    return source_in, source_out, record_in, record_out


def _track_names(channel: str) -> list[str]:
    """The adapter's tracks for a channel code (B is V + A1...)."""
    from otio_cmx3600_adapter.cmx_3600 import channel_map

    return list(channel_map.get(channel, [channel]))


def _line_named_in(message: str, text: str) -> int | None:
    """The adapter's messages quote the offending line, never its number: find it."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and line.strip() in message:
            return number
    return None


def _marker_texts(item) -> list[str]:
    texts = []
    for marker in item.markers:
        texts.append(marker.name or "")
        texts.append(getattr(marker, "comment", "") or "")
    return texts


def _media_path(item) -> str:
    reference = item.media_reference
    url = getattr(reference, "target_url", None) or getattr(reference, "target_url_base", None) or ""
    prefix = getattr(reference, "name_prefix", "") or ""
    return f"{url}{prefix}".replace("\\", "/")


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- OpenTimelineIO ---------------------------------------------------------------------------------------


def read_otio(text: str, *, fps: Decimal, pattern: str | None = None) -> Cut:
    """Read an .otio (JSON) timeline: every clip of the enabled video tracks, in track order.

    The record in of a clip is its place on the track (plus the timeline's global start time); lengths are
    converted to the show's fps when the file is at another rate, with a warning.
    """
    import opentimelineio as otio

    rate = float(fps)
    finder = CodeFinder.compile(pattern)
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        raise EditorialError(
            line=error.lineno, message=f"not valid JSON: {error.msg} (column {error.colno})."
        ) from None
    try:
        timeline = otio.adapters.read_from_string(text, adapter_name="otio_json")
    except Exception as error:  # noqa: BLE001 - otio raises many kinds for a file of the wrong shape
        raise EditorialError(message=f"not an OpenTimelineIO file: {error}") from None
    if not isinstance(timeline, otio.schema.Timeline):
        kind = timeline.schema_name() if hasattr(timeline, "schema_name") else "plain JSON value"
        raise EditorialError(message=f"not an OpenTimelineIO timeline: the file holds a {kind}.")

    start = timeline.global_start_time
    entries, unmatched, warnings, other_rates = [], [], [], set()
    position = 0
    for track in timeline.video_tracks():
        if not track.enabled:
            continue
        ranges = track.range_of_all_children()
        for item in track:
            if not isinstance(item, otio.schema.Clip) or not item.enabled:
                continue
            position += 1
            placed = ranges[item]
            record_start = placed.start_time + start if start is not None else placed.start_time
            if abs(placed.duration.rate - rate) > 0.01:
                other_rates.add(placed.duration.rate)
            record_in = round(record_start.rescaled_to(rate).value)
            frame_count = round(placed.duration.rescaled_to(rate).value)
            found = finder.find(
                item.name,
                *_marker_texts(item),
                *item.metadata.get("cmx_3600", {}).get("comments", []),
                _media_path(item),
                item.metadata.get("cmx_3600", {}).get("reel", ""),
            )
            if found is None:
                unmatched.append(UnmatchedClip(None, position, item.name))
                continue
            if frame_count < 1:
                warnings.append(CutWarning(None, f"clip {position} ({found[0]}) has no duration; skipped."))
                continue
            source = item.source_range
            entries.append(
                CutEntry(
                    code=found[0],
                    sequence_code=found[1],
                    frame_count=frame_count,
                    position=position,
                    clip_name=item.name,
                    record_in=record_in,
                    record_out=record_in + frame_count,
                    source_in=round(source.start_time.rescaled_to(rate).value) if source else None,
                    source_out=round(source.end_time_exclusive().rescaled_to(rate).value) if source else None,
                )
            )
    if position == 0:
        raise EditorialError(message="The timeline has no clips on its video tracks.")
    for other in sorted(other_rates):
        warnings.insert(
            0, CutWarning(None, f"the file is at {other:g} fps, the show at {format_fps(fps)} fps: lengths converted.")
        )
    merged, duplicate_warnings = merge_duplicates(entries)
    return Cut(
        kind="otio",
        entries=merged,
        fps=fps,
        title=timeline.name or "",
        clip_count=position,
        unmatched=tuple(unmatched),
        warnings=_by_line([*warnings, *duplicate_warnings]),
    )


def merge_duplicates(entries: list[CutEntry]) -> tuple[tuple[CutEntry, ...], tuple[CutWarning, ...]]:
    """One entry per shot code: a shot used twice is one shot whose length is the total of its uses."""
    by_code: dict[str, list[CutEntry]] = {}
    for entry in entries:
        by_code.setdefault(entry.code, []).append(entry)
    merged, warnings = [], []
    for code, uses in by_code.items():
        first = uses[0]
        if len(uses) == 1:
            merged.append(first)
            continue
        total = sum(use.frame_count or 0 for use in uses)
        places = ", ".join(use.where for use in uses)
        warnings.append(
            CutWarning(
                first.line,
                f"{code} is used {len(uses)} times ({places}): "
                f"{' + '.join(str(use.frame_count) for use in uses)} = {total} frames in total.",
            )
        )
        merged.append(replace(first, frame_count=total, uses=len(uses)))
    return tuple(merged), tuple(warnings)


# --- Slate's shot CSV -------------------------------------------------------------------------------------


def read_shots_csv(text: str) -> Cut:
    """Read the shot CSV Slate exports (CSV_COLUMNS; `shot` required, the others optional).

    Every value is read as a string, so codes keep their leading zeros ("0010" stays "0010"). A blank number
    means "not given": a new shot gets the show's defaults, an existing one keeps its value. A CSV lists
    shots to create or update; shots it does not list are left alone (never omitted).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise EditorialError(message="The CSV file is empty.") from None
    except csv.Error as error:
        raise EditorialError(line=1, message=f"not a valid CSV line: {error}.") from None
    # The shot grid's export says "Cut in", "Frames" and adds task columns: read its names as ours, and set the
    # columns this importer does not use aside (shown as a warning, so a misspelt column is not silent).
    named = [CSV_HEADER_ALIASES.get(key, key) for key in (_csv_key(name) for name in header)]
    ignored = [
        original.strip() for original, name in zip(header, named, strict=True) if name and name not in CSV_COLUMNS
    ]
    columns = [name if name in CSV_COLUMNS else "" for name in named]
    if "shot" not in columns:
        raise EditorialError(line=1, message="the CSV needs a 'shot' column.")
    if len(set(filter(None, columns))) != len([name for name in columns if name]):
        raise EditorialError(line=1, message="a column appears twice in the header.")

    entries: list[CutEntry] = []
    seen: dict[str, int] = {}
    position = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise EditorialError(line=reader.line_num, message=f"not a valid CSV line: {error}.") from None
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            raise EditorialError(line=line, message=f"{len(row)} values for {len(columns)} columns.")
        values = {name: row[i] for i, name in enumerate(columns) if name and i < len(row)}
        position += 1
        entries.append(_csv_entry(values, line, position, seen))
    if not entries:
        raise EditorialError(message="The CSV file has no shots.")
    warnings = (CutWarning(1, f"columns not imported: {', '.join(ignored)}."),) if ignored else ()
    return Cut(kind="csv", entries=tuple(entries), clip_count=position, omits_missing=False, warnings=warnings)


def _csv_key(name: str) -> str:
    return "_".join(name.strip().lower().split())


def csv_cell(text: str) -> str:
    """Free text as a spreadsheet will show it and not run it (see CSV_FORMULA_STARTS)."""
    return f"'{text}" if text.startswith(CSV_FORMULA_STARTS) else text


def _csv_text(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(CSV_FORMULA_STARTS) else cell


def _csv_entry(values: dict[str, str], line: int, position: int, seen: dict[str, int]) -> CutEntry:
    code = values.get("shot", "").strip()
    if not code:
        raise EditorialError(line=line, message="the shot code is empty.")
    if code in seen:
        raise EditorialError(line=line, message=f"shot {code} is already on line {seen[code]}.")
    seen[code] = line
    numbers = {}
    for name in ("cut_in", "cut_out", "head_in", "tail_out", "frame_count"):
        raw = values.get(name, "").strip()
        if not raw:
            numbers[name] = None
        elif _WHOLE_NUMBER.match(raw):
            numbers[name] = int(raw)
        else:
            raise EditorialError(line=line, message=f"{name} '{raw}' is not a whole frame number.")
    cut_in, cut_out, frame_count = numbers["cut_in"], numbers["cut_out"], numbers["frame_count"]
    if cut_in is not None and cut_out is not None:
        if cut_out < cut_in:
            raise EditorialError(line=line, message=f"cut_out {cut_out} is before cut_in {cut_in}.")
        if frame_count is not None and frame_count != cut_out - cut_in + 1:
            raise EditorialError(
                line=line,
                message=f"frame_count {frame_count} does not match cut_in {cut_in} - cut_out {cut_out} "
                f"({cut_out - cut_in + 1} frames).",
            )
        frame_count = cut_out - cut_in + 1
    if frame_count is not None and frame_count < 1:
        raise EditorialError(line=line, message="frame_count must be at least 1.")
    status = values.get("status", "").strip().lower().replace(" ", "_") or None
    sequence_code = values.get("sequence", "").strip() or sequence_code_for(code)
    return CutEntry(
        code=code,
        sequence_code=sequence_code,
        frame_count=frame_count,
        line=line,
        position=position,
        cut_in=cut_in,
        cut_out=cut_out,
        head_in=numbers["head_in"],
        tail_out=numbers["tail_out"],
        status=status,
        description=_csv_text(values["description"]) if "description" in values else None,
    )
