"""`manage.py import_cut SHOW_CODE FILE [--dry-run] [--pattern REGEX] [--as USERNAME]`."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections

from shots.models import Sequence, Shot
from studio.models import Role
from tests.studio.factories import MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples" / "edl"


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("import_cut", *args, stdout=out)
    return out.getvalue().splitlines()


def state(show) -> list[tuple]:
    return sorted(
        Shot.objects.filter(show=show).values_list("sequence__code", "code", "cut_in", "cut_out", "tail_out", "status")
    )


@pytest.fixture
def show():
    return ShowFactory(code="RBT", fps=Decimal("24"))


@pytest.fixture
def coordinator(show):
    return MembershipFactory(show=show, person=PersonFactory(username="coord", role=Role.COORDINATOR)).person


@pytest.fixture
def v1(show, coordinator):
    run("RBT", str(FIXTURES / "cut_v1.edl"), "--as", "coord")


def test_dry_run_prints_the_report_and_writes_nothing(show, coordinator, v1):
    before = state(show)
    path = str(FIXTURES / "cut_v2.edl")
    assert run("RBT", path, "--dry-run") == [
        "Show: RBT",
        f"File: {path} (CMX 3600 EDL, 5 clips)",
        "Fps: 24",
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
        "Dry run: nothing was written.",
    ]
    assert state(show) == before
    assert not Sequence.objects.filter(show=show, code="SQ030").exists()


def test_apply_then_apply_again(show, coordinator, v1):
    path = str(FIXTURES / "cut_v2.edl")
    lines = run("RBT", path, "--as", "coord")
    assert lines[-1] == "Applied by coord: 2 shots created, 2 updated, 1 omitted."
    assert state(show) == [
        ("SQ010", "SQ010_SH0010", 1009, 1056, 1064, "active"),
        ("SQ010", "SQ010_SH0020", 1009, 1060, 1068, "active"),
        ("SQ010", "SQ010_SH0030", 1009, 1044, 1052, "omitted"),
        ("SQ020", "SQ020_SH0010", 1009, 1038, 1046, "active"),
        ("SQ020", "SQ020_SH0020", 1009, 1048, 1056, "active"),
        ("SQ030", "SQ030_SH0010", 1009, 1020, 1028, "active"),
    ]
    assert run("RBT", path, "--as", "coord")[3:] == [
        "New shots: 0",
        "Missing from the cut (to omit): 0",
        "Cut length changes: 0",
        "Unchanged: 5",
        "Applied by coord: nothing to change.",
    ]


def test_applies_as_the_first_superuser_without_as(show):
    PersonFactory(username="root", is_superuser=True, is_staff=True)
    assert run("RBT", str(FIXTURES / "cut_v1.edl"))[-1] == "Applied by root: 4 shots created, 0 updated, 0 omitted."
    assert Shot.objects.filter(show=show).count() == 4


def test_no_superuser_and_no_as_is_refused(show):
    with pytest.raises(CommandError, match="give --as USERNAME"):
        run("RBT", str(FIXTURES / "cut_v1.edl"))


def test_malformed_file_names_the_line_and_writes_nothing(show, coordinator, v1):
    before = state(show)
    path = str(FIXTURES / "malformed.edl")
    with pytest.raises(CommandError) as error:
        run("RBT", path, "--as", "coord")
    assert str(error.value).startswith(f"{path}: line 5: an event line has 8 fields")
    assert state(show) == before


def test_errors_exit_non_zero_on_the_command_line(show, coordinator, capsys, monkeypatch):
    # run_from_argv closes the database connections when it ends; the test's transaction still needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = str(FIXTURES / "malformed.edl")
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_cut", "RBT", path, "--as", "coord"]).execute()
    assert exit_info.value.code == 1
    assert f"CommandError: {path}: line 5: an event line has 8 fields" in capsys.readouterr().err
    assert Shot.objects.filter(show=show).count() == 0


def test_non_utf8_file(show, coordinator, tmp_path):
    path = tmp_path / "latin1.edl"
    path.write_bytes(b"TITLE: X\n001  R1 V     C        01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n* Caf\xe9\n")
    with pytest.raises(CommandError) as error:
        run("RBT", str(path), "--as", "coord")
    assert str(error.value) == f"{path}: line 3: the file is not UTF-8 text (byte 0xE9); save or export it as UTF-8."
    assert Shot.objects.filter(show=show).count() == 0


def test_an_artist_cannot_apply(show):
    MembershipFactory(show=show, person=PersonFactory(username="artie", role=Role.ARTIST))
    with pytest.raises(CommandError, match="artie may not change the shots of RBT"):
        run("RBT", str(FIXTURES / "cut_v1.edl"), "--as", "artie")
    assert Shot.objects.filter(show=show).count() == 0


def test_unknown_show_and_missing_file(show, coordinator):
    with pytest.raises(CommandError, match="No show with code 'NOPE'"):
        run("NOPE", str(FIXTURES / "cut_v1.edl"), "--dry-run")
    with pytest.raises(CommandError, match="cannot read the file"):
        run("RBT", str(FIXTURES / "no_such.edl"), "--dry-run")


def test_loc_markers_unmatched_clips_and_warnings_are_listed(show):
    path = str(FIXTURES / "loc_markers.edl")
    assert run("RBT", path, "--dry-run")[3:] == [
        "New shots: 3",
        "Missing from the cut (to omit): 0",
        "Cut length changes: 0",
        "Unchanged: 0",
        "New sequences: 1 (SQ040)",
        "  + SQ040_SH0010  48 frames",
        "  + SQ040_SH0020  84 frames",
        "  + SQ040_SH0030  24 frames",
        "Clips without a shot code: 1",
        "  ? line 12  A002C004_220615_R2CD",
        "Dry run: nothing was written.",
    ]


def test_sample_with_speed_effects_and_a_shot_used_twice(show):
    assert run("RBT", str(SAMPLES / "speed_effects_small.edl"), "--dry-run")[3:] == [
        "New shots: 4",
        "Missing from the cut (to omit): 0",
        "Cut length changes: 0",
        "Unchanged: 0",
        "New sequences: 3 (Z677, Z682, Z686)",
        "  + Z677_4C  126 frames",
        "  + Z682_156  17 frames",
        "  + Z682_157  19 frames",
        "  + Z686_5A  36 frames",
        "Warnings: 3",
        "  ! line 5: Z682_156 has a freeze frame: its cut length is the record duration, 17 frames.",
        "  ! line 9: Z682_157 is used 2 times (line 9, line 13): 1 + 18 = 19 frames in total.",
        "  ! line 15: Z686_5A has a speed effect: its cut length is the record duration, 36 frames.",
        "Dry run: nothing was written.",
    ]


def test_a_cut_without_any_code_is_refused(show):
    path = str(SAMPLES / "gap_test.edl")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_cut", "RBT", path, "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[3:] == [
        "New shots: 0",
        "Missing from the cut (to omit): 0",
        "Cut length changes: 0",
        "Unchanged: 0",
        "Clips without a shot code: 3",
        "  ? line 3  shot1",
        "  ? line 5  shot2",
        "  ? line 7  shot3",
        "Errors: 1",
        "  x no shot code found in any of the 3 clips: check the shot code pattern; nothing would be imported.",
    ]


# Every sample EDL through the command: (show fps, --pattern or None, expected "New shots" count).
SAMPLE_RUNS = {
    "25fps.edl": ("25", None, 4),
    "avid_example.edl": ("24", None, 2),
    "gap_test.edl": ("24", r"(?i)(?P<code>shot\d+)", 3),
    "nucoda_example.edl": ("24", None, 2),
    "premiere_example.edl": ("24", None, 2),
    "screening_example.edl": ("24", None, 9),
    "speed_effects_small.edl": ("24", None, 4),
    "timecode_mismatch.edl": ("25", None, 19),
    "transition_duration.edl": ("24", r"(?P<code>ABC\d{4})", 4),
}


def test_every_sample_has_a_command_run():
    assert sorted(path.name for path in SAMPLES.glob("*.edl")) == sorted(SAMPLE_RUNS)


@pytest.mark.parametrize("name", sorted(SAMPLE_RUNS))
def test_every_sample_edl_imports(name):
    fps, pattern, new = SAMPLE_RUNS[name]
    show = ShowFactory(code="SMP", fps=Decimal(fps))
    MembershipFactory(show=show, person=PersonFactory(username="coord", role=Role.COORDINATOR))
    args = ["SMP", str(SAMPLES / name), *(["--pattern", pattern] if pattern else [])]
    dry = run(*args, "--dry-run")
    assert dry[2:4] == [f"Fps: {fps}", f"New shots: {new}"]
    assert Shot.objects.filter(show=show).count() == 0
    assert run(*args, "--as", "coord")[-1] == f"Applied by coord: {new} shots created, 0 updated, 0 omitted."
    assert Shot.objects.filter(show=show).count() == new
    assert run(*args, "--as", "coord")[-1] == "Applied by coord: nothing to change."


def test_csv_through_the_command(show, coordinator):
    path = str(FIXTURES / "shots.csv")
    assert run("RBT", path, "--as", "coord") == [
        "Show: RBT",
        f"File: {path} (CSV, 3 rows)",
        "Fps: 24",
        "New shots: 3",
        "Changed: 0",
        "Unchanged: 0",
        "New sequences: 2 (SQ010, 010)",
        "  + SQ010_SH0040  48 frames",
        "  + 0010  24 frames",
        "  + 0020  36 frames",
        "Applied by coord: 3 shots created, 0 updated, 0 omitted.",
    ]
    assert sorted(Shot.objects.filter(show=show).values_list("sequence__code", "code")) == [
        ("010", "0010"),
        ("010", "0020"),
        ("SQ010", "SQ010_SH0040"),
    ]
    assert run("RBT", path, "--as", "coord")[-1] == "Applied by coord: nothing to change."
    assert Shot.objects.filter(show=show).count() == 3


def test_a_reel_of_one_sequence_omits_only_in_that_sequence(show, coordinator, v1, tmp_path):
    """v1 has SQ010 (three shots) and SQ020; a re-cut of SQ010 alone must leave SQ020 alone."""
    reel = tmp_path / "sq010_reel.edl"
    reel.write_text(
        "TITLE: SQ010 ONLY\nFCM: NON-DROP FRAME\n\n"
        "001  A001C003 V     C        13:22:10:05 13:22:12:05 01:00:00:00 01:00:02:00\n"
        "* FROM CLIP NAME:  SQ010_SH0010_plate_v001\n"
        "002  A001C007 V     C        13:40:00:00 13:40:02:12 01:00:02:00 01:00:04:12\n"
        "* FROM CLIP NAME:  SQ010_SH0020_plate_v001\n"
    )
    whole_show = run("RBT", str(reel), "--dry-run")
    assert "Missing from the cut (to omit): 2" in whole_show
    assert "  - SQ020_SH0010  (omit)" in whole_show

    lines = run("RBT", str(reel), "--only-its-sequences", "--as", "coord")
    assert lines[3] == "Omits only in the cut's sequences: SQ010"
    assert "Missing from the cut (to omit): 1" in lines
    assert "  - SQ010_SH0030  (omit)" in lines
    assert [(code, status) for _seq, code, *_frames, status in state(show)] == [
        ("SQ010_SH0010", "active"),
        ("SQ010_SH0020", "active"),
        ("SQ010_SH0030", "omitted"),
        ("SQ020_SH0010", "active"),
    ]
