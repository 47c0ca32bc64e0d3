"""Reading cuts (EDL, .otio, CSV), the change report, applying it, and the shot CSV round trip."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import opentimelineio as otio
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from opentimelineio.opentime import RationalTime, TimeRange

from shots.cut_import import cut_import_apply, cut_report, shots_csv_export
from shots.editorial import (
    UNSORTED_SEQUENCE,
    CutEntry,
    EditorialError,
    read_cut,
    read_cut_file,
    read_shots_csv,
    sequence_code_for,
)
from shots.models import Activity, BreakdownStatus, Sequence, Shot, Task, TaskTemplateItem
from studio.models import Person, Role
from tests.shots.factories import SequenceFactory, ShotFactory, TaskTypeFactory
from tests.studio.factories import MembershipFactory, PersonFactory, ShowFactory

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# CI clones the repository with shared/ beside it; a missing folder must fail the suite, not skip it.
SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples" / "edl"

FPS24, FPS25 = Decimal("24"), Decimal("25")


def frames(cut) -> list[tuple[str, int]]:
    return [(entry.code, entry.frame_count) for entry in cut.entries]


def shot_rows(show) -> dict[str, tuple]:
    return {
        shot.code: (shot.sequence.code, shot.cut_in, shot.cut_out, shot.head_in, shot.tail_out, shot.status)
        for shot in Shot.objects.filter(show=show).select_related("sequence")
    }


# --- Every sample EDL, with what it must give -------------------------------------------------------------
#
# Frame counts are the RECORD durations, worked out by hand from the record timecodes (the last two columns);
# source timecodes, whatever their offset, play no part. e.g. 25fps.edl event 001: record 00:00:00:00 ->
# 00:00:06:11 at 25 fps = 6 x 25 + 11 = 161 frames.

SAMPLE_EXPECTATIONS = {
    # 25 fps (the name says so, and frame 24 appears in its timecodes). Clip names carry the codes.
    # 06:11 -> 14:11 = 8 x 25 = 200; 14:11 -> 17:22 = 447 - 361 = 86; 17:22 -> 19:21 = 496 - 447 = 49.
    "25fps.edl": {
        "fps": FPS25,
        "clips": 4,
        "frames": [("sq001_s001", 161), ("sq001_s002", 200), ("sq001_s003", 86), ("sq001_s004", 49)],
        "lines": [4, 7, 10, 13],
        "record_in": [0, 161, 361, 447],
        "unmatched": [],
        "warnings": [],
    },
    # 24 fps. Clip names are take_1/take_2; the code comes from the media path (* FROM CLIP: ...ZZ100_501...),
    # never from the reel ZZ100_50. Record 00:59:53:11 -> 00:59:54:18 = 1314 - 1283 = 31; -> 00:59:56:20 = 50.
    "avid_example.edl": {
        "fps": FPS24,
        "clips": 2,
        "frames": [("ZZ100_501", 31), ("ZZ100_502A", 50)],
        "lines": [2, 5],
        "record_in": [86243, 86274],  # 00:59:53:11 = 3593 x 24 + 11
        "unmatched": [],
        "warnings": [],
    },
    "nucoda_example.edl": {  # the same cut with * FROM FILE:
        "fps": FPS24,
        "clips": 2,
        "frames": [("ZZ100_501", 31), ("ZZ100_502A", 50)],
        "lines": [2, 5],
        "record_in": [86243, 86274],
        "unmatched": [],
        "warnings": [],
    },
    "premiere_example.edl": {  # reel AX; the clip names are file names
        "fps": FPS24,
        "clips": 2,
        "frames": [("ZZ100_501", 31), ("ZZ100_502A", 50)],
        "lines": [2, 4],
        "record_in": [86243, 86274],
        "unmatched": [],
        "warnings": [],
    },
    # 24 fps, blank lines and LOC markers (not codes: "ANIM FIX NEEDED"); the clip names give the codes.
    # 00:59:56:20 -> 00:59:58:00 = 28; 00:59:58:00 -> 01:00:02:19 = 4 s + 19 = 115; ... 01:00:26:11 -> 01:00:37:04
    # = 10 s + 17 = 257.
    "screening_example.edl": {
        "fps": FPS24,
        "clips": 9,
        "frames": [
            ("ZZ100_501", 31),
            ("ZZ100_502A", 50),
            ("ZZ100_503A", 28),
            ("ZZ100_504C", 115),
            ("ZZ100_504B", 101),
            ("ZZ100_507C", 161),
            ("ZZ100_508", 170),
            ("ZZ100_510", 136),
            ("ZZ100_510B", 257),
        ],
        "lines": [4, 9, 12, 15, 20, 23, 26, 31, 36],
        "record_in": [86243, 86274, 86324, 86352, 86467, 86568, 86729, 86899, 87035],
        "unmatched": [],
        "warnings": [],
    },
    # 24 fps, speed effects: the record duration counts, not the source's. Z682_156 is a 1-frame freeze held
    # 17 frames (01:08:30:00 -> 01:08:30:17); Z682_157 is used twice (a 1-frame freeze, then 18 frames: 19 in
    # total); Z686_5A runs at 47.6 fps over 01:11:31:16 -> 01:11:33:04 = 36 frames. Gaps between are no clips.
    "speed_effects_small.edl": {
        "fps": FPS24,
        "clips": 5,
        "frames": [("Z677_4C", 126), ("Z682_156", 17), ("Z682_157", 19), ("Z686_5A", 36)],
        "lines": [3, 5, 9, 15],
        "record_in": [86400, 98640, 98657, 103000],
        "unmatched": [],
        "warnings": [
            "line 5: Z682_156 has a freeze frame: its cut length is the record duration, 17 frames.",
            "line 9: Z682_157 is used 2 times (line 9, line 13): 1 + 18 = 19 frames in total.",
            "line 15: Z686_5A has a speed effect: its cut length is the record duration, 36 frames.",
        ],
    },
    # 25 fps; source and record durations disagree (that is the point of the file): the record side wins,
    # e.g. event 004 record 00:00:17:22 -> 00:00:19:19 = 47 (its source says 49), event 005 19:21 -> 22:02 = 56
    # (source 31). Event 014's clip name is sq001_s0020 (its comment says s0014), so sq001_s0020 is used twice:
    # 119 + 63 = 182 frames, at the place of its first use.
    "timecode_mismatch.edl": {
        "fps": FPS25,
        "clips": 20,
        "frames": [
            ("sq001_s001", 161),
            ("sq001_s002", 200),
            ("sq001_s003", 86),
            ("sq001_s004", 47),
            ("sq001_s005", 56),
            ("sq001_s006", 26),
            ("sq001_s007", 69),
            ("sq001_s008", 54),
            ("sq001_s009", 55),
            ("sq001_s0010", 91),
            ("sq001_s0011", 74),
            ("sq001_s0012", 221),
            ("sq001_s0013", 50),
            ("sq001_s0020", 182),
            ("sq001_s0015", 210),
            ("sq001_s0016", 15),
            ("sq001_s0017", 11),
            ("sq001_s0018", 14),
            ("sq001_s0019", 165),
        ],
        "lines": [4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46, 49, 52, 55, 58],
        "record_in": None,
        "unmatched": [],
        "warnings": ["line 43: sq001_s0020 is used 2 times (line 43, line 61): 119 + 63 = 182 frames in total."],
    },
    # 24 fps; no clip names, reels ABC0100. (no "_": the default pattern finds no code, and says so per clip).
    # Event 003 is a zero-length cut followed by a 26-frame dissolve to ABC0300: the clip is the dissolve line.
    "transition_duration.edl": {
        "fps": FPS24,
        "clips": 4,
        "frames": [],
        "lines": [],
        "record_in": [],
        "unmatched": [(3, "ABC0100."), (4, "ABC0200."), (6, "ABC0300."), (8, "ABC0400.")],
        "warnings": [],
    },
    # 24 fps; names shot1..shot3 (no "_") and gaps between the record timecodes; source at 23:00:00:00.
    "gap_test.edl": {
        "fps": FPS24,
        "clips": 3,
        "frames": [],
        "lines": [],
        "record_in": [],
        "unmatched": [(3, "shot1"), (5, "shot2"), (7, "shot3")],
        "warnings": [],
    },
}

# The same two files with a pattern that finds their codes.
PATTERN_EXPECTATIONS = {
    # 01:00:48:20 -> 01:00:53:06 = 106; -> 01:00:56:08 = 74; dissolve line 01:00:56:08 -> 01:00:59:09 = 73;
    # 01:00:59:09 -> 01:01:05:20 = 155. The dissolve's frames belong to the incoming clip, as the EDL writes it.
    "transition_duration.edl": (
        r"(?P<code>ABC\d{4})",
        [("ABC0100", 106), ("ABC0200", 74), ("ABC0300", 73), ("ABC0400", 155)],
        [3, 4, 6, 8],
        [UNSORTED_SEQUENCE] * 4,
    ),
    # 24 frames each (00:00:00:00 -> 00:00:01:00, 00:00:01:16 -> 00:00:02:16, 00:00:04:06 -> 00:00:05:06).
    "gap_test.edl": (
        r"(?i)(?P<code>shot\d+)",
        [("shot1", 24), ("shot2", 24), ("shot3", 24)],
        [3, 5, 7],
        [UNSORTED_SEQUENCE] * 3,
    ),
}


def test_the_sample_folder_holds_exactly_the_expected_files():
    assert SAMPLES.is_dir(), f"{SAMPLES} is missing: clone the shared folder beside the repository"
    assert sorted(path.name for path in SAMPLES.glob("*.edl")) == sorted(SAMPLE_EXPECTATIONS)


@pytest.mark.parametrize("name", sorted(SAMPLE_EXPECTATIONS))
def test_every_sample_edl_reads_with_exact_lengths(name):
    expected = SAMPLE_EXPECTATIONS[name]
    cut = read_cut_file(SAMPLES / name, fps=expected["fps"])
    assert cut.kind == "edl"
    assert cut.clip_count == expected["clips"]
    assert frames(cut) == expected["frames"]
    assert [entry.line for entry in cut.entries] == expected["lines"]
    if expected["record_in"] is not None:
        assert [entry.record_in for entry in cut.entries] == expected["record_in"]
    assert [(clip.line, clip.clip_name or clip.reel) for clip in cut.unmatched] == expected["unmatched"]
    assert [str(warning) for warning in cut.warnings] == expected["warnings"]
    for entry in cut.entries:
        assert entry.record_out - entry.record_in == entry.frame_count or entry.uses == 2


@pytest.mark.parametrize("name", sorted(PATTERN_EXPECTATIONS))
def test_samples_without_underscored_codes_read_with_a_pattern(name):
    pattern, expected_frames, lines, sequences = PATTERN_EXPECTATIONS[name]
    cut = read_cut_file(SAMPLES / name, fps=FPS24, pattern=pattern)
    assert frames(cut) == expected_frames
    assert [entry.line for entry in cut.entries] == lines
    assert [entry.sequence_code for entry in cut.entries] == sequences
    assert cut.unmatched == ()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SAMPLE_EXPECTATIONS))
def test_every_sample_edl_gives_a_dry_run_report(name):
    expected = SAMPLE_EXPECTATIONS[name]
    show = ShowFactory(fps=expected["fps"])
    report = cut_report(show=show, cut=read_cut_file(SAMPLES / name, fps=show.fps))
    assert [item.code for item in report.new] == [code for code, _ in expected["frames"]]
    assert [item.values.frame_count for item in report.new] == [count for _, count in expected["frames"]]
    assert report.changed == report.to_omit == report.unchanged == ()
    if expected["frames"]:
        assert report.errors == ()
    else:  # nothing found: the report refuses rather than omit every shot of the show
        assert [str(error) for error in report.errors] == [
            f"no shot code found in any of the {expected['clips']} clips: check the shot code pattern; "
            "nothing would be imported."
        ]
    assert Shot.objects.count() == 0


def test_source_offsets_do_not_change_lengths():
    """Kitsu's bug: a timecode offset gave every shot frame 0. Same record side, any source offset."""
    base = "001  R1 V     C        {src_in} {src_out} 00:00:10:00 00:00:12:00\n* FROM CLIP NAME:  SQ010_SH0010\n"
    for src_in, src_out in [
        ("01:00:00:00", "01:00:02:00"),
        ("00:59:53:11", "00:59:55:11"),
        ("23:00:00:00", "23:00:02:00"),
    ]:
        cut = read_cut(base.format(src_in=src_in, src_out=src_out), filename="x.edl", fps=FPS24)
        assert frames(cut) == [("SQ010_SH0010", 48)]
        assert cut.entries[0].record_in == 240


def test_the_show_fps_is_the_timecode_rate():
    text = "001  R1 V     C        01:00:00:00 01:00:02:00 01:00:00:00 01:00:02:00\n* FROM CLIP NAME:  SQ010_SH0010\n"
    assert frames(read_cut(text, filename="x.edl", fps=Decimal("24"))) == [("SQ010_SH0010", 48)]
    assert frames(read_cut(text, filename="x.edl", fps=Decimal("25"))) == [("SQ010_SH0010", 50)]
    assert frames(read_cut(text, filename="x.edl", fps=Decimal("23.976"))) == [("SQ010_SH0010", 48)]
    with pytest.raises(EditorialError) as error:
        read_cut(SAMPLES.joinpath("25fps.edl").read_bytes(), filename="25fps.edl", fps=FPS24)
    assert error.value.line == 13
    assert str(error.value).startswith("line 13: source out 01:00:01:24 is not a timecode at 24 fps")


def test_codes_from_loc_markers_and_comments():
    cut = read_cut_file(FIXTURES / "loc_markers.edl", fps=FPS24)
    # Camera clip names (A001C003_220614_R1AB) hold no code; the LOC marker, then a comment, do.
    assert frames(cut) == [("SQ040_SH0010", 48), ("SQ040_SH0020", 84), ("SQ040_SH0030", 24)]
    assert [entry.sequence_code for entry in cut.entries] == ["SQ040"] * 3
    assert [(clip.line, clip.clip_name) for clip in cut.unmatched] == [(12, "A002C004_220615_R2CD")]


def test_a_pattern_with_a_sequence_group():
    text = (
        "001  R1 V     C        01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n* FROM CLIP NAME:  ep01-sc012-0040\n"
    )
    cut = read_cut(text, filename="x.edl", fps=FPS24, pattern=r"ep\d+-(?P<sequence>sc\d+)-(?P<code>\d+)")
    assert [(entry.code, entry.sequence_code, entry.frame_count) for entry in cut.entries] == [("0040", "sc012", 24)]
    assert sequence_code_for("SQ010_SH0040") == "SQ010"
    assert sequence_code_for("0040") == UNSORTED_SEQUENCE
    with pytest.raises(EditorialError, match="not a valid regular expression"):
        read_cut(text, filename="x.edl", fps=FPS24, pattern="(?P<code>[")


# --- Malformed input: the line, and nothing else read ------------------------------------------------------

GOOD_EVENT = "001  R1 V     C        01:00:00:00 01:00:02:00 01:00:00:00 01:00:02:00\n* FROM CLIP NAME:  SQ010_SH0010\n"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "TITLE: X\n" + GOOD_EVENT + "002  R2 V     C        01:00:02:00 01:00:04:00 01:00:02:00\n",
            4,
            "an event line has 8 fields",
        ),
        ("TITLE: X\nthis is not an edit decision list\n" + GOOD_EVENT, 2, "this is not an EDL line"),
        (
            GOOD_EVENT + "002  R2 V     C        01:00:02:00 01:00:04:00 01:00:04:00 01:00:02:00\n",
            3,
            "record out 01:00:02:00 is before record in 01:00:04:00.",
        ),
        (GOOD_EVENT + "002  R2 V     C        01:00:02:00 01:00:04:00 01:00:02:00 01:0X:04:00\n", 3, "not a timecode"),
        (GOOD_EVENT + "002  R2 V     X        01:00:02:00 01:00:04:00 01:00:02:00 01:00:04:00\n", 3, "edit type 'X'"),
        (
            GOOD_EVENT + "001  R2 V     C        01:00:02:00 01:00:04:00 01:00:02:00 01:00:04:00\n",
            3,
            "event 001 repeats without a transition",
        ),
        ("", None, "The EDL has no events."),
    ],
)
def test_malformed_edls_name_the_line(text, line, message):
    with pytest.raises(EditorialError) as error:
        read_cut(text.encode(), filename="cut.edl", fps=FPS24)
    assert error.value.line == line
    assert message in error.value.message


def test_malformed_fixture_and_non_utf8_file():
    with pytest.raises(EditorialError) as error:
        read_cut_file(FIXTURES / "malformed.edl", fps=FPS24)
    assert error.value.line == 5
    assert str(error.value).startswith("line 5: an event line has 8 fields")

    latin1 = ("TITLE: X\n" + GOOD_EVENT + "* Caf\u00e9 plate\n").encode("latin-1")
    with pytest.raises(EditorialError) as error:
        read_cut(latin1, filename="cut.edl", fps=FPS24)
    assert error.value.line == 4
    assert str(error.value) == "line 4: the file is not UTF-8 text (byte 0xE9); save or export it as UTF-8."


def test_unknown_file_kind():
    with pytest.raises(EditorialError, match="use .edl, .otio or .csv"):
        read_cut(b"", filename="cut.xml", fps=FPS24)


# --- OpenTimelineIO ---------------------------------------------------------------------------------------


def build_otio(rate: float = 24) -> str:
    """A small timeline built with otio itself: clips named like shots, a gap, a marker, a clip with no code."""

    def clip(name, start, duration, marker=None):
        item = otio.schema.Clip(
            name=name, source_range=TimeRange(RationalTime(start, rate), RationalTime(duration, rate))
        )
        if marker:
            item.markers.append(otio.schema.Marker(name=marker, marked_range=TimeRange(RationalTime(start, rate))))
        return item

    timeline = otio.schema.Timeline(name="RBT reel 2")
    timeline.global_start_time = RationalTime(86400 * rate / 24, rate)  # 01:00:00:00
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    track.append(clip("SQ050_SH0010_comp_v004", 1001, 48))
    track.append(otio.schema.Gap(source_range=TimeRange(RationalTime(0, rate), RationalTime(12, rate))))
    track.append(clip("A003C010_230101", 90000, 30, marker="SQ050_SH0020"))
    track.append(clip("slate", 0, 24))
    audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    audio.append(clip("SQ050_SH0099_audio", 0, 500))
    timeline.tracks.append(audio)
    return otio.adapters.write_to_string(timeline, "otio_json")


def test_otio_timeline_reads_clips_markers_and_record_positions():
    cut = read_cut(build_otio().encode(), filename="reel2.otio", fps=FPS24)
    assert cut.kind == "otio"
    assert cut.title == "RBT reel 2"
    assert cut.clip_count == 3  # the audio track is not the cut
    assert frames(cut) == [("SQ050_SH0010", 48), ("SQ050_SH0020", 30)]
    assert [(entry.record_in, entry.record_out) for entry in cut.entries] == [(86400, 86448), (86460, 86490)]
    assert [(entry.source_in, entry.source_out) for entry in cut.entries] == [(1001, 1049), (90000, 90030)]
    assert [(clip.where, clip.clip_name) for clip in cut.unmatched] == [("clip 3", "slate")]
    assert cut.warnings == ()


def test_otio_at_another_rate_is_converted_to_the_show_fps():
    cut = read_cut(build_otio(rate=48).encode(), filename="reel2.otio", fps=FPS24)
    assert frames(cut) == [("SQ050_SH0010", 24), ("SQ050_SH0020", 15)]
    assert [str(warning) for warning in cut.warnings] == [
        "the file is at 48 fps, the show at 24 fps: lengths converted."
    ]


def test_malformed_otio_names_the_line():
    text = build_otio()
    broken = text.replace('"name": "RBT reel 2"', '"name": "RBT reel 2",,', 1)
    line = broken[: broken.index(",,")].count("\n") + 1
    with pytest.raises(EditorialError) as error:
        read_cut(broken, filename="reel2.otio", fps=FPS24)
    assert error.value.line == line
    assert error.value.message.startswith("not valid JSON")
    for text, kind in [
        ('{"OTIO_SCHEMA": "Clip.1"}', "Clip"),
        ('{"a": 1}', "plain JSON value"),
        ("[]", "plain JSON value"),
    ]:
        with pytest.raises(EditorialError) as error:
            read_cut(text, filename="x.otio", fps=FPS24)
        assert str(error.value) == f"not an OpenTimelineIO timeline: the file holds a {kind}."


# --- CSV reading ------------------------------------------------------------------------------------------


def test_csv_keeps_codes_as_strings():
    cut = read_cut_file(FIXTURES / "shots.csv", fps=FPS24)
    assert cut.kind == "csv" and cut.omits_missing is False
    assert [(entry.sequence_code, entry.code, entry.line) for entry in cut.entries] == [
        ("SQ010", "SQ010_SH0040", 2),
        ("010", "0010", 3),
        ("010", "0020", 4),
    ]
    first, second, third = cut.entries
    assert (first.cut_in, first.cut_out, first.head_in, first.tail_out, first.frame_count) == (
        1009,
        1056,
        1001,
        1064,
        48,
    )
    assert (first.status, first.description) == ("active", "Hero lands, dust")
    assert (second.status, second.description) == ("on_hold", "")
    assert (third.cut_in, third.cut_out, third.frame_count, third.status) == (None, None, 36, None)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("sequence,cut_in\nSQ010,1001\n", 1, "the CSV needs a 'shot' column."),
        ("shot,cut_in\nSQ010_SH0010,10.5\n", 2, "cut_in '10.5' is not a whole frame number."),
        ("shot,frame_count\nSQ010_SH0010,24\nSQ010_SH0020,12\nSQ010_SH0010,30\n", 4, "is already on line 2"),
        ("shot,cut_in,cut_out\nSQ010_SH0010,1010,1001\n", 2, "cut_out 1001 is before cut_in 1010."),
        ("shot,cut_in,cut_out,frame_count\nSQ010_SH0010,1001,1024,30\n", 2, "does not match"),
        ("shot\n", None, "The CSV file has no shots."),
    ],
)
def test_malformed_csv_names_the_line(text, line, message):
    with pytest.raises(EditorialError) as error:
        read_shots_csv(text)
    assert error.value.line == line
    assert message in error.value.message


def test_columns_the_importer_does_not_use_are_set_aside_with_a_warning():
    cut = read_shots_csv("shot,cutin,Animation status\nSQ010_SH0010,1001,WIP\n")
    assert [entry.code for entry in cut.entries] == ["SQ010_SH0010"]
    assert [str(warning) for warning in cut.warnings] == ["line 1: columns not imported: cutin, Animation status."]


def test_the_shot_grids_headers_read_as_the_importers_columns():
    text = (
        "Shot,Sequence,Status,Cut in,Cut out,Frames,Latest version,Description\n"
        "SQ010_0040,SQ010,On hold,1009,1056,48,v003,Dust\n"
    )
    (entry,) = read_shots_csv(text).entries
    assert (entry.code, entry.sequence_code, entry.status) == ("SQ010_0040", "SQ010", "on_hold")
    assert (entry.cut_in, entry.cut_out, entry.frame_count, entry.description) == (1009, 1056, 48, "Dust")


# --- The change report and applying it ---------------------------------------------------------------------


@pytest.fixture
def show():
    return ShowFactory(fps=FPS24)


def editor_of(show, role=Role.COORDINATOR) -> Person:
    return MembershipFactory(show=show, person=PersonFactory(role=role)).person


@pytest.fixture
def coordinator(show):
    return editor_of(show)


@pytest.fixture
def cut_v1_applied(show, coordinator):
    cut_import_apply(actor=coordinator, show=show, report_or_entries=read_cut_file(FIXTURES / "cut_v1.edl", fps=FPS24))


@pytest.mark.django_db
def test_applying_a_first_cut_creates_sequences_and_shots(show, coordinator):
    report = cut_import_apply(
        actor=coordinator, show=show, report_or_entries=read_cut_file(FIXTURES / "cut_v1.edl", fps=FPS24)
    )
    assert report.applied
    assert report.new_sequences == ("SQ010", "SQ020")
    # cut in = head in 1001 + 8 handles = 1009; cut out = 1009 + frames - 1; 8 frames of handles each side.
    assert shot_rows(show) == {
        "SQ010_SH0010": ("SQ010", 1009, 1056, 1001, 1064, "active"),
        "SQ010_SH0020": ("SQ010", 1009, 1068, 1001, 1076, "active"),
        "SQ010_SH0030": ("SQ010", 1009, 1044, 1001, 1052, "active"),
        "SQ020_SH0010": ("SQ020", 1009, 1032, 1001, 1040, "active"),
    }
    assert list(Shot.objects.filter(show=show).order_by("order").values_list("code", "order")) == [
        ("SQ010_SH0010", 1),
        ("SQ010_SH0020", 2),
        ("SQ010_SH0030", 3),
        ("SQ020_SH0010", 4),
    ]
    assert show.summary.is_stale


@pytest.mark.django_db
def test_report_of_a_recut_on_a_show_with_shots(show, coordinator, cut_v1_applied):
    # A shot omitted long ago is not "missing" again; a shot with its own handles keeps them.
    ShotFactory(sequence=SequenceFactory(show=show, code="SQ099"), code="SQ099_SH0990", status=BreakdownStatus.OMITTED)
    Shot.objects.filter(show=show, code="SQ010_SH0020").update(head_in=997, tail_out=1073)  # 12 and 5 handles

    report = cut_report(show=show, cut=read_cut_file(FIXTURES / "cut_v2.edl", fps=FPS24))

    assert [item.code for item in report.new] == ["SQ020_SH0020", "SQ030_SH0010"]
    assert [item.values.frame_count for item in report.new] == [40, 12]
    assert report.new_sequences == ("SQ030",)
    assert [(item.code, item.old.frame_count, item.new.frame_count) for item in report.changed] == [
        ("SQ010_SH0020", 60, 52),
        ("SQ020_SH0010", 24, 30),
    ]
    change = report.changed[0]
    assert (change.old.cut_in, change.old.cut_out, change.new.cut_in, change.new.cut_out) == (1009, 1068, 1009, 1060)
    assert (change.new.head_in, change.new.tail_out) == (997, 1065)
    assert report.missing == report.to_omit
    assert [item.code for item in report.to_omit] == ["SQ010_SH0030"]
    assert report.unchanged == ("SQ010_SH0010",)
    assert report.errors == ()
    assert report.lines() == [
        "New shots: 2",
        "Missing from the cut (to omit): 1",
        "Cut length changes: 2",
        "Unchanged: 1",
        "New sequences: 1 (SQ030)",
        "  + SQ020_SH0020  40 frames",
        "  + SQ030_SH0010  12 frames",
        "  ~ SQ010_SH0020  60 -> 52 frames",
        "  ~ SQ020_SH0010  24 -> 30 frames",
        "  - SQ010_SH0030  (omit)",
    ]


@pytest.mark.django_db
def test_applying_a_recut_creates_updates_and_omits_exactly(show, coordinator, cut_v1_applied):
    Shot.objects.filter(show=show, code="SQ010_SH0020").update(head_in=997, tail_out=1073)
    ids_before = dict(Shot.objects.filter(show=show).values_list("code", "id"))
    calls = []

    cut_import_apply(
        actor=coordinator,
        show=show,
        report_or_entries=read_cut_file(FIXTURES / "cut_v2.edl", fps=FPS24),
        on_progress=lambda done, total: calls.append((done, total)),
    )

    assert shot_rows(show) == {
        "SQ010_SH0010": ("SQ010", 1009, 1056, 1001, 1064, "active"),
        "SQ010_SH0020": ("SQ010", 1009, 1060, 997, 1065, "active"),  # cut in and its own handles kept
        "SQ010_SH0030": ("SQ010", 1009, 1044, 1001, 1052, "omitted"),  # omitted, never deleted
        "SQ020_SH0010": ("SQ020", 1009, 1038, 1001, 1046, "active"),
        "SQ020_SH0020": ("SQ020", 1009, 1048, 1001, 1056, "active"),
        "SQ030_SH0010": ("SQ030", 1009, 1020, 1001, 1028, "active"),
    }
    ids_after = dict(Shot.objects.filter(show=show).values_list("code", "id"))
    assert {code: ids_after[code] for code in ids_before} == ids_before
    assert calls == [(0, 5), (2, 5), (4, 5), (5, 5)]


@pytest.mark.django_db
def test_applying_the_same_cut_twice_changes_nothing(show, coordinator, cut_v1_applied):
    cut = read_cut_file(FIXTURES / "cut_v2.edl", fps=FPS24)
    cut_import_apply(actor=coordinator, show=show, report_or_entries=cut)
    rows = shot_rows(show)
    stamps = dict(Shot.objects.filter(show=show).values_list("code", "updated_at"))

    second = cut_import_apply(actor=coordinator, show=show, report_or_entries=cut_report(show=show, cut=cut))

    assert (second.new, second.changed, second.to_omit, second.new_sequences) == ((), (), (), ())
    assert second.unchanged == ("SQ010_SH0010", "SQ010_SH0020", "SQ020_SH0010", "SQ020_SH0020", "SQ030_SH0010")
    assert shot_rows(show) == rows
    assert dict(Shot.objects.filter(show=show).values_list("code", "updated_at")) == stamps


@pytest.mark.django_db
def test_a_shot_the_cut_omits_takes_its_tasks_out_and_restore_brings_them_back(show, coordinator, cut_v1_applied):
    from shots.services import shot_restore
    from tests.shots.factories import TaskFactory

    shot = Shot.objects.get(show=show, code="SQ010_SH0030")  # v2 leaves it out
    wip = TaskFactory(shot=shot, task_type=TaskTypeFactory(name="Animation"), status="wip")
    final = TaskFactory(shot=shot, task_type=TaskTypeFactory(name="Layout"), status="final")
    kept = TaskFactory(shot=Shot.objects.get(show=show, code="SQ010_SH0010"), status="wip")

    cut_import_apply(actor=coordinator, show=show, report_or_entries=read_cut_file(FIXTURES / "cut_v2.edl", fps=FPS24))

    statuses = dict(Task.objects.filter(pk__in=[wip.pk, final.pk, kept.pk]).values_list("pk", "status"))
    assert statuses == {wip.pk: "omitted", final.pk: "omitted", kept.pk: "wip"}
    assert Task.objects.get(pk=wip.pk).row_version == 2
    history = Activity.objects.filter(task=wip).values_list("verb", "changes")
    assert list(history) == [("imported", {"status": ["WIP", "Omitted"]})]

    restored_shot, restored = shot_restore(actor=coordinator, shot=shot)
    assert (restored_shot.status, restored) == ("active", 2)
    statuses = dict(Task.objects.filter(pk__in=[wip.pk, final.pk]).values_list("pk", "status"))
    assert statuses == {wip.pk: "wip", final.pk: "final"}


@pytest.mark.django_db
def test_an_omitted_shot_back_in_the_cut_is_active_again(show, coordinator, cut_v1_applied):
    Shot.objects.filter(show=show, code="SQ010_SH0030").update(status=BreakdownStatus.OMITTED)
    report = cut_report(show=show, cut=read_cut_file(FIXTURES / "cut_v1.edl", fps=FPS24))
    assert [item.describe() for item in report.changed] == ["  ~ SQ010_SH0030  status omitted -> active"]
    cut_import_apply(actor=coordinator, show=show, report_or_entries=report)
    assert Shot.objects.get(show=show, code="SQ010_SH0030").status == BreakdownStatus.ACTIVE


@pytest.mark.django_db
def test_a_report_with_errors_writes_nothing(show, coordinator):
    text = "shot,frame_count\nSQ010_SH0010,24\nSQ010 SH0020,24\n"
    report = cut_report(show=show, cut=read_cut(text, filename="x.csv", fps=FPS24))
    assert [str(error) for error in report.errors] == [
        "line 3: SQ010 SH0020: shot code 'SQ010 SH0020': "
        "Use letters, digits, '_', '-' or '.', starting with a letter or digit."
    ]
    with pytest.raises(ValidationError):
        cut_import_apply(actor=coordinator, show=show, report_or_entries=report)
    assert (Sequence.objects.filter(show=show).count(), Shot.objects.filter(show=show).count()) == (0, 0)


@pytest.mark.django_db
def test_a_failure_half_way_leaves_nothing_written(show, coordinator, cut_v1_applied):
    rows = shot_rows(show)

    def fail_after_the_first_writes(done, total):
        if done:
            raise RuntimeError("worker lost")

    with pytest.raises(RuntimeError):
        cut_import_apply(
            actor=coordinator,
            show=show,
            report_or_entries=read_cut_file(FIXTURES / "cut_v2.edl", fps=FPS24),
            on_progress=fail_after_the_first_writes,
        )
    assert shot_rows(show) == rows
    assert not Sequence.objects.filter(show=show, code="SQ030").exists()


@pytest.mark.django_db
def test_an_empty_cut_never_omits_the_show(show, coordinator, cut_v1_applied):
    cut = read_cut_file(SAMPLES / "gap_test.edl", fps=FPS24)
    with pytest.raises(ValidationError):
        cut_import_apply(actor=coordinator, show=show, report_or_entries=cut)
    assert Shot.objects.filter(show=show, status=BreakdownStatus.OMITTED).count() == 0


@pytest.mark.django_db
def test_permission_artist_cannot_apply_coordinator_can(show):
    cut = read_cut_file(FIXTURES / "cut_v1.edl", fps=FPS24)
    artist = editor_of(show, Role.ARTIST)
    supervisor = editor_of(show, Role.SUPERVISOR)
    outsider = PersonFactory(role=Role.COORDINATOR)  # a coordinator, but not on this show
    for person in (artist, supervisor, outsider):
        with pytest.raises(PermissionDenied):
            cut_import_apply(actor=person, show=show, report_or_entries=cut)
    assert Shot.objects.filter(show=show).count() == 0
    cut_import_apply(actor=editor_of(show, Role.COORDINATOR), show=show, report_or_entries=cut)
    assert Shot.objects.filter(show=show).count() == 4


def _entries(count: int) -> list[CutEntry]:
    return [
        CutEntry(code=f"SQ{n % 5:03d}0_SH{n:04d}", sequence_code=f"SQ{n % 5:03d}0", frame_count=20 + n, position=n)
        for n in range(1, count + 1)
    ]


@pytest.mark.django_db
def test_applying_takes_the_same_number_of_queries_for_5_or_50_shots():
    counts = []
    for size in (5, 50):
        show = ShowFactory()
        actor = Person.objects.get(pk=editor_of(show).pk)
        # the existing shots: some change length, the rest are missing from the cut
        first = cut_import_apply(actor=actor, show=show, report_or_entries=_entries(size * 2))
        assert len(first.new) == size * 2
        recut = [
            CutEntry(code=e.code, sequence_code=e.sequence_code, frame_count=e.frame_count + 1) for e in _entries(size)
        ]
        recut += [CutEntry(code=f"SQ9990_SH{n:04d}", sequence_code="SQ9990", frame_count=12) for n in range(size)]
        actor = Person.objects.get(pk=actor.pk)
        with CaptureQueriesContext(connection) as queries:
            report = cut_import_apply(actor=actor, show=show, report_or_entries=recut)
        assert (len(report.new), len(report.changed), len(report.to_omit)) == (size, size, size)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # savepoint x2, roles, show lock, shots, sequences, task template, sequence and shot inserts, shot update,
    # omit, the omitted shots' open tasks (none here, so no task update), activity insert, summary, earned value
    assert counts[0] == 15


# --- CSV round trip ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_round_trip_keeps_leading_zeros_and_never_duplicates(show, coordinator):
    seq = SequenceFactory(show=show, code="010")
    ShotFactory(sequence=seq, code="0010", cut_in=1001, cut_out=1024, head_in=991, tail_out=1034)
    ShotFactory(sequence=seq, code="0020", status=BreakdownStatus.OMITTED, description='Crowd, "wide"\nsecond line')
    ShotFactory(sequence=SequenceFactory(show=show, code="SQ010"), code="SQ010_SH0040", status=BreakdownStatus.ON_HOLD)
    exported = shots_csv_export(show=show)
    assert exported.splitlines()[:2] == [
        "sequence,shot,cut_in,cut_out,head_in,tail_out,frame_count,status,description",
        "010,0010,1001,1024,991,1034,24,active,",
    ]

    other = ShowFactory()
    other_coordinator = editor_of(other)
    cut = read_cut(exported.encode(), filename="shots.csv", fps=other.fps)
    report = cut_import_apply(actor=other_coordinator, show=other, report_or_entries=cut)
    assert (len(report.new), report.to_omit) == (3, ())

    def full_rows(s):
        return sorted(
            Shot.objects.filter(show=s).values_list(
                "sequence__code", "code", "cut_in", "cut_out", "head_in", "tail_out", "status", "description"
            )
        )

    assert full_rows(other) == full_rows(show)
    assert ("010", "0010") in [(row[0], row[1]) for row in full_rows(other)]

    # Re-importing the same file: all unchanged, no duplicates.
    again = cut_import_apply(actor=other_coordinator, show=other, report_or_entries=cut)
    assert (again.new, again.changed, len(again.unchanged)) == ((), (), 3)
    assert Shot.objects.filter(show=other).count() == 3

    # An edited spreadsheet updates by code; shots it does not list are left alone (a CSV never omits).
    edited = "shot,cut_out,status\n0010,1030,final\nSQ010_SH0040,,active\n"
    report = cut_import_apply(
        actor=other_coordinator, show=other, report_or_entries=read_cut(edited, filename="e.csv", fps=other.fps)
    )
    assert [item.describe() for item in report.changed] == [
        "  ~ 0010  24 -> 30 frames, status active -> final",
        "  ~ SQ010_SH0040  status on_hold -> active",
    ]
    assert report.lines()[:3] == ["New shots: 0", "Changed: 2", "Unchanged: 0"]
    assert Shot.objects.filter(show=other).count() == 3
    assert Shot.objects.get(show=other, code="0010").tail_out == 1040  # its own 10 frames of handles kept
    assert Shot.objects.get(show=other, code="0020").status == BreakdownStatus.OMITTED


@pytest.mark.django_db
def test_csv_fixture_into_an_empty_show(show, coordinator):
    cut_import_apply(actor=coordinator, show=show, report_or_entries=read_cut_file(FIXTURES / "shots.csv", fps=FPS24))
    assert shot_rows(show) == {
        "SQ010_SH0040": ("SQ010", 1009, 1056, 1001, 1064, "active"),
        "0010": ("010", 1001, 1024, 991, 1034, "on_hold"),
        "0020": ("010", 1009, 1044, 1001, 1052, "active"),
    }
    assert Shot.objects.get(show=show, code="SQ010_SH0040").description == "Hero lands, dust"


@pytest.mark.django_db
def test_applying_records_an_imported_activity_per_shot_written(show, coordinator):
    seq = SequenceFactory(show=show, code="010")
    ShotFactory(sequence=seq, code="0010", cut_in=1001, cut_out=1024, head_in=991, tail_out=1034)
    ShotFactory(sequence=seq, code="0020", cut_in=1001, cut_out=1024, head_in=991, tail_out=1034)
    edited = "shot,cut_out,status,description\n0010,1030,final,\n0020,,,\n0030,,,\n"
    with pytest.raises(ValidationError):  # 0030 is new and has no length: nothing is written, no history either
        cut_import_apply(actor=coordinator, show=show, report_or_entries=read_cut(edited, filename="e.csv", fps=FPS24))
    assert Activity.objects.count() == 0

    edited = "shot,cut_out,status,frame_count\n0010,1030,final,\n0020,,,\n0030,,,12\n"
    cut_import_apply(actor=coordinator, show=show, report_or_entries=read_cut(edited, filename="e.csv", fps=FPS24))

    # 0020 is unchanged: no row. Values are shown as people read them (status labels).
    assert sorted(Activity.objects.values_list("shot__code", "actor", "verb", "changes", "task")) == [
        (
            "0010",
            coordinator.pk,
            "imported",
            {"cut_out": ["1024", "1030"], "tail_out": ["1034", "1040"], "status": ["Active", "Final"]},
            None,
        ),
        ("0030", coordinator.pk, "imported", {}, None),
    ]


@pytest.mark.django_db
def test_new_shots_get_the_shows_task_template(show, coordinator):
    animation = TaskTypeFactory(name="Animation")
    lighting = TaskTypeFactory(name="Lighting")
    TaskTemplateItem.objects.create(show=show, task_type=animation, default_bid_days=Decimal("4.5"))
    TaskTemplateItem.objects.create(show=show, task_type=lighting, default_bid_days=Decimal("2"))
    ShotFactory(sequence=SequenceFactory(show=show, code="SQ010"), code="SQ010_SH0010")  # exists: gets nothing

    cut_import_apply(actor=coordinator, show=show, report_or_entries=read_cut_file(FIXTURES / "cut_v1.edl", fps=FPS24))

    assert sorted(
        Task.objects.filter(shot__show=show).values_list("shot__code", "task_type__name", "bid_days", "updated_by")
    ) == [
        ("SQ010_SH0020", "Animation", Decimal("4.50"), coordinator.pk),
        ("SQ010_SH0020", "Lighting", Decimal("2.00"), coordinator.pk),
        ("SQ010_SH0030", "Animation", Decimal("4.50"), coordinator.pk),
        ("SQ010_SH0030", "Lighting", Decimal("2.00"), coordinator.pk),
        ("SQ020_SH0010", "Animation", Decimal("4.50"), coordinator.pk),
        ("SQ020_SH0010", "Lighting", Decimal("2.00"), coordinator.pk),
    ]


@pytest.mark.django_db
def test_csv_export_never_hands_a_spreadsheet_a_formula_and_the_import_reads_the_text_back(show, coordinator):
    seq = SequenceFactory(show=show, code="SQ010")
    texts = {"SQ010_SH0010": '=HYPERLINK("http://x")', "SQ010_SH0020": "-wide, then push in", "SQ010_SH0030": "'quoted"}
    for code, text in texts.items():
        ShotFactory(sequence=seq, code=code, description=text)
    exported = shots_csv_export(show=show)
    assert [row[-1] for row in csv.reader(io.StringIO(exported))][1:] == [
        '\'=HYPERLINK("http://x")',
        "'-wide, then push in",
        "'quoted",  # no formula: left as it is
    ]
    other = ShowFactory()
    cut_import_apply(
        actor=editor_of(other), show=other, report_or_entries=read_cut(exported, filename="s.csv", fps=other.fps)
    )
    assert dict(Shot.objects.filter(show=other).values_list("code", "description")) == texts
