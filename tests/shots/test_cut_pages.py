"""The cut import pages: upload, the dry-run report, apply through the Celery task with its progress, the
malformed file, the shot CSV, who may do what, and a fixed number of queries."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shots import cut_import, tasks
from shots.cut_import import cut_import_apply
from shots.editorial import read_cut_file
from shots.models import Activity, ActivityVerb, BreakdownStatus, CutImportJob, CutImportState, Shot
from studio.models import Role, ShowMembership
from tests.shots.factories import SequenceFactory, ShotFactory
from tests.shots.test_editorial import build_otio
from tests.studio.factories import MembershipFactory, PersonFactory, ShowFactory
from tests.studio.test_csp import EXPECTED_POLICY, inspect, policy
from tests.studio.test_views import body_rows, parse

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples" / "edl"


@pytest.fixture
def show():
    return ShowFactory(code="RBT", name="Robot Holiday")


def member(show, role=Role.COORDINATOR, **fields):
    return MembershipFactory(show=show, person=PersonFactory(role=role, **fields)).person


@pytest.fixture
def coordinator(show):
    return member(show, first_name="Cora", last_name="Cole")


@pytest.fixture
def http(client, coordinator):
    client.force_login(coordinator)
    return client


def upload(http, show, path: Path, *, pattern: str = "", name: str | None = None):
    file = SimpleUploadedFile(name or path.name, path.read_bytes())
    return http.post(reverse("shots:cut_list", args=[show.code]), {"file": file, "pattern": pattern})


def detail_url(job) -> str:
    return reverse("shots:cut_detail", args=[job.show.code, job.pk])


def apply_url(job) -> str:
    return reverse("shots:cut_apply", args=[job.show.code, job.pk])


def counts_on(page) -> dict[str, str]:
    cards = parse(page).find(id="cut-counts").find_all(cls="stat")
    return {card.find(cls="label").text: card.find(cls="value").text for card in cards}


def shot_rows(show) -> dict[str, tuple]:
    return {
        shot.code: (shot.sequence.code, shot.cut_in, shot.cut_out, shot.head_in, shot.tail_out, shot.status)
        for shot in Shot.objects.filter(show=show).select_related("sequence")
    }


def apply_v1(show, coordinator):
    cut_import_apply(
        actor=coordinator, show=show, report_or_entries=read_cut_file(FIXTURES / "cut_v1.edl", fps=show.fps)
    )


# --- Upload and the dry-run report --------------------------------------------------------------------------


def test_first_cut_report_lists_four_new_shots_and_writes_nothing(http, show, coordinator):
    response = upload(http, show, FIXTURES / "cut_v1.edl")

    job = CutImportJob.objects.get()
    assert (response.status_code, response["Location"]) == (302, detail_url(job))
    assert (job.state, job.kind, job.original_name, job.uploaded_by, job.pattern) == (
        CutImportState.REPORTED,
        "edl",
        "cut_v1.edl",
        coordinator,
        "",
    )
    assert job.file.name.startswith("cuts/RBT/cut_v1")
    assert Shot.objects.filter(show=show).count() == 0

    page = http.get(detail_url(job))
    assert page.status_code == 200
    assert counts_on(page) == {
        "New shots": "4",
        "Missing from the cut (to omit)": "0",
        "Cut length changes": "0",
        "Unchanged": "0",
    }
    tree = parse(page)
    # cut in = head in 1001 + 8 handles; 48, 60, 36 and 24 frames at 24 fps
    assert body_rows(tree.find(id="cut-new")) == [
        ["SQ010_SH0010", "SQ010", "48", "1009–1056", "Line 4"],
        ["SQ010_SH0020", "SQ010", "60", "1009–1068", "Line 6"],
        ["SQ010_SH0030", "SQ010", "36", "1009–1044", "Line 8"],
        ["SQ020_SH0010", "SQ020", "24", "1009–1032", "Line 10"],
    ]
    assert tree.find(id="cut-new-sequences").text == "New sequences: SQ010, SQ020"
    assert tree.find("form", cls="cut-apply").attrs["action"] == apply_url(job)
    assert tree.find(id="cut-facts").text == (
        f"CMX 3600 EDL “RBT_REEL1_V1” · 4 clips · 24 fps · uploaded by Cora Cole on "
        f"{page.context['job'].created_at:%-d %b %Y %H:%M}"
    )
    assert "hx-trigger" not in page.content.decode()  # nothing to wait for: no polling


def test_recut_report_groups_new_omitted_changed_and_unchanged(http, show, coordinator):
    apply_v1(show, coordinator)
    upload(http, show, FIXTURES / "cut_v2.edl")
    job = CutImportJob.objects.get()

    page = http.get(detail_url(job))

    assert counts_on(page) == {
        "New shots": "2",
        "Missing from the cut (to omit)": "1",
        "Cut length changes": "2",
        "Unchanged": "1",
    }
    tree = parse(page)
    assert body_rows(tree.find(id="cut-new")) == [
        ["SQ020_SH0020", "SQ020", "40", "1009–1048", "Line 10"],
        ["SQ030_SH0010", "SQ030", "12", "1009–1020", "Line 12"],
    ]
    assert body_rows(tree.find(id="cut-omit")) == [["SQ010_SH0030", "36"]]
    assert body_rows(tree.find(id="cut-changed")) == [
        ["SQ010_SH0020", "60 → 52", "—", "Line 6"],
        ["SQ020_SH0010", "24 → 30", "—", "Line 8"],
    ]
    assert tree.find(id="cut-unchanged").text == "Unchanged (1) SQ010_SH0010"
    assert tree.find("form", cls="cut-apply").find("p").text == (
        "Applying creates 2 shots, updates 2 and omits 1. "
        "The report is checked again against the shots as they are when you apply it."
    )


def test_a_shot_back_in_the_cut_shows_what_else_changes(http, show, coordinator):
    apply_v1(show, coordinator)
    Shot.objects.filter(code="SQ010_SH0010").update(status=BreakdownStatus.OMITTED)
    Shot.objects.filter(code="SQ010_SH0020").update(head_in=997, tail_out=1073)  # its own handles: kept
    Shot.objects.filter(code="SQ010_SH0030").update(cut_in=1001, cut_out=1036)  # same length, other frames
    upload(http, show, FIXTURES / "cut_v1.edl")
    tree = parse(http.get(detail_url(CutImportJob.objects.get())))
    assert body_rows(tree.find(id="cut-changed")) == [["SQ010_SH0010", "48", "status omitted → active", "Line 4"]]
    assert tree.find(id="cut-unchanged").text == "Unchanged (3) SQ010_SH0020, SQ010_SH0030, SQ020_SH0010"


def test_a_cut_that_matches_the_shots_has_nothing_to_apply(http, show, coordinator, django_capture_on_commit_callbacks):
    apply_v1(show, coordinator)
    upload(http, show, FIXTURES / "cut_v1.edl")
    job = CutImportJob.objects.get()
    tree = parse(http.get(detail_url(job)))
    assert tree.find("h1").text == "cut_v1.edl Nothing to change"
    assert tree.find(id="job-progress").text == "Nothing to apply: the cut matches the shots of RBT."
    assert tree.find_all("form", cls="cut-apply") == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = http.post(apply_url(job), follow=True)  # no button, and a POST is refused too
    assert [str(m) for m in response.context["messages"]] == [
        "This cut changes nothing. If the shots have changed since, upload it again to compare it with them."
    ]
    assert (callbacks, CutImportJob.objects.get().state) == ([], CutImportState.REPORTED)


def test_unmatched_clips_and_warnings_are_listed_with_their_lines(http, show):
    upload(http, show, SAMPLES / "speed_effects_small.edl")
    job = CutImportJob.objects.get()
    tree = parse(http.get(detail_url(job)))
    assert [item.text for item in tree.find(id="cut-warnings").find_all("li")] == [
        "Line 5: Z682_156 has a freeze frame: its cut length is the record duration, 17 frames.",
        "Line 9: Z682_157 is used 2 times (line 9, line 13): 1 + 18 = 19 frames in total.",
        "Line 15: Z686_5A has a speed effect: its cut length is the record duration, 36 frames.",
    ]
    assert [row[:3] for row in body_rows(tree.find(id="cut-new"))] == [
        ["Z677_4C", "Z677", "126"],
        ["Z682_156", "Z682", "17"],
        ["Z682_157", "Z682", "19"],
        ["Z686_5A", "Z686", "36"],
    ]


def test_a_cut_without_codes_cannot_be_applied_until_a_pattern_finds_them(http, show):
    upload(http, show, SAMPLES / "transition_duration.edl")
    job = CutImportJob.objects.get()
    page = http.get(detail_url(job))
    tree = parse(page)
    assert body_rows(tree.find(id="cut-unmatched")) == [
        ["Line 3", "ABC0100."],
        ["Line 4", "ABC0200."],
        ["Line 6", "ABC0300."],
        ["Line 8", "ABC0400."],
    ]
    assert [item.text for item in tree.find(id="cut-errors").find_all("li")] == [
        "no shot code found in any of the 4 clips: check the shot code pattern; nothing would be imported."
    ]
    assert tree.find_all("form", cls="cut-apply") == []
    assert tree.find("h1").text == "transition_duration.edl Has errors"
    response = http.post(apply_url(job), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The report has errors: correct the file and upload it again."
    ]
    assert CutImportJob.objects.get().state == CutImportState.REPORTED

    upload(http, show, SAMPLES / "transition_duration.edl", pattern=r"(?P<code>ABC\d{4})")
    job = CutImportJob.objects.order_by("pk").last()
    assert job.pattern == r"(?P<code>ABC\d{4})"
    page = http.get(detail_url(job))
    assert counts_on(page)["New shots"] == "4"
    assert [row[:3] for row in body_rows(parse(page).find(id="cut-new"))] == [
        ["ABC0100", "SQ_UNSORTED", "106"],
        ["ABC0200", "SQ_UNSORTED", "74"],
        ["ABC0300", "SQ_UNSORTED", "73"],
        ["ABC0400", "SQ_UNSORTED", "155"],
    ]


def test_an_otio_timeline_reports_its_clips_by_position(http, show):
    file = SimpleUploadedFile("reel2.otio", build_otio().encode())
    http.post(reverse("shots:cut_list", args=[show.code]), {"file": file})
    job = CutImportJob.objects.get()
    tree = parse(http.get(detail_url(job)))
    assert job.kind == "otio"
    assert body_rows(tree.find(id="cut-new")) == [
        ["SQ050_SH0010", "SQ050", "48", "1009–1056", "Clip 1"],
        ["SQ050_SH0020", "SQ050", "30", "1009–1038", "Clip 2"],
    ]
    assert body_rows(tree.find(id="cut-unmatched")) == [["Clip 3", "slate"]]


@pytest.mark.parametrize(
    ("path", "clips"),
    [
        (FIXTURES / "cut_v2.edl", 5),
        (SAMPLES / "transition_duration.edl", 5),  # a dissolve is two event lines: rough, as it says
        (FIXTURES / "shots.csv", 3),
        (None, 4),  # build_otio(): 3 video clips and an audio one
        (FIXTURES / "loc_markers.edl", 4),
    ],
)
def test_rough_clip_count_decides_where_the_report_is_built(path, clips):
    data, name = (path.read_bytes(), path.name) if path else (build_otio().encode(), "reel2.otio")
    assert cut_import.rough_clip_count(data, name) == clips


# --- Bad input: the form again, the line named, nothing written -----------------------------------------------


def test_a_malformed_edl_names_the_line_and_stores_nothing(http, show, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # an empty media folder of its own, to see that no file is kept
    response = upload(http, show, FIXTURES / "malformed.edl")

    assert response.status_code == 200
    tree = parse(response)
    assert tree.find(cls="form-errors").text == "Nothing was imported: correct what is marked below."
    assert [item.text for item in tree.find(id="cut-upload").find_all("ul", cls="errorlist")] == [
        "Line 5: an event line has 8 fields (event, reel, channel, C, source in, source out, record in, "
        "record out) or 9 with a transition; this one has 7: '002 A001C007 V C 01:00:02:00 01:00:04:12 "
        "01:00:…'."
    ]
    assert (CutImportJob.objects.count(), Shot.objects.count()) == (0, 0)
    assert not (Path(settings.MEDIA_ROOT) / "cuts").exists()


def test_a_malformed_csv_names_the_line(http, show):
    file = SimpleUploadedFile("shots.csv", b"shot,cut_in,cut_out\nSQ010_SH0010,1009,1056\nSQ010_SH0020,1009,abc\n")
    response = http.post(reverse("shots:cut_list", args=[show.code]), {"file": file})
    assert [item.text for item in parse(response).find(id="cut-upload").find_all("ul", cls="errorlist")] == [
        "Line 3: cut_out 'abc' is not a whole frame number."
    ]
    assert (CutImportJob.objects.count(), Shot.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("name", "content", "pattern", "field", "message"),
    [
        ("cut.xml", b"<xml/>", "", "file", "'cut.xml' is not a cut Slate reads: use .edl, .otio or .csv."),
        ("cut.edl", b"", "", "file", "The submitted file is empty."),
        (
            "cut_v1.edl",
            (FIXTURES / "cut_v1.edl").read_bytes(),
            "(?P<code>SQ",
            "pattern",
            "The shot code pattern is not a valid regular expression: missing ), unterminated subpattern at "
            "position 0.",
        ),
    ],
)
def test_bad_uploads_are_refused_on_their_field(http, show, name, content, pattern, field, message):
    response = http.post(
        reverse("shots:cut_list", args=[show.code]), {"file": SimpleUploadedFile(name, content), "pattern": pattern}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert CutImportJob.objects.count() == 0


# --- Large files: the report is built by a worker -------------------------------------------------------------


def test_a_large_cut_is_read_by_the_report_task(http, show, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(cut_import, "SYNC_REPORT_MAX_CLIPS", 3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(http, show, FIXTURES / "cut_v1.edl")
    job = CutImportJob.objects.get()
    assert (job.state, job.report, len(callbacks)) == (CutImportState.UPLOADED, {}, 1)

    page = http.get(detail_url(job))
    section = parse(page).find(id="job-progress")
    assert (section.attrs["hx-get"], section.attrs["hx-trigger"]) == (detail_url(job), "every 1s")
    assert section.find("progress").attrs == {"id": "cut-progress", "aria-label": "Reading the cut"}
    assert parse(page).find_all(id="cut-counts") == []

    callbacks[0]()  # the worker: cut_import_report(job.pk), eager

    job.refresh_from_db()
    assert (job.state, job.report["counts"]["new"]) == (CutImportState.REPORTED, 4)
    poll = http.get(detail_url(job), headers={"HX-Request": "true"})
    assert (poll.status_code, poll["HX-Refresh"]) == (200, "true")  # done: the page reloads to show the report
    assert counts_on(http.get(detail_url(job)))["New shots"] == "4"

    tasks.cut_import_report(job.pk)  # a second delivery changes nothing
    assert CutImportJob.objects.get().report == job.report


def test_a_large_malformed_cut_fails_with_the_line(http, show, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(cut_import, "SYNC_REPORT_MAX_CLIPS", 1)
    with django_capture_on_commit_callbacks(execute=True):
        upload(http, show, FIXTURES / "malformed.edl")
    job = CutImportJob.objects.get()
    assert (job.state, job.error_line) == (CutImportState.FAILED, 5)
    tree = parse(http.get(detail_url(job)))
    assert tree.find(cls="cut-error").text.startswith("Line 5: an event line has 8 fields")
    assert tree.find_all("form", cls="cut-apply") == []
    assert Shot.objects.count() == 0


# --- Applying --------------------------------------------------------------------------------------------------


def test_apply_moves_the_job_through_applying_to_applied(http, show, coordinator, django_capture_on_commit_callbacks):
    upload(http, show, FIXTURES / "cut_v1.edl")
    job = CutImportJob.objects.get()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = http.post(apply_url(job))
    assert (response.status_code, response["Location"]) == (302, detail_url(job))
    job.refresh_from_db()
    assert (job.state, job.applied_by, job.progress_done, job.progress_total) == (
        CutImportState.APPLYING,
        coordinator,
        0,
        0,
    )
    assert len(callbacks) == 1
    assert Shot.objects.count() == 0  # queued, not applied

    page = http.get(detail_url(job))
    section = parse(page).find(id="job-progress")
    assert (section.attrs["hx-get"], section.attrs["hx-trigger"], section.attrs["hx-swap"]) == (
        detail_url(job),
        "every 1s",
        "outerHTML",
    )
    assert section.text.startswith("Applying… Waiting for a worker.")
    assert section.find_all("form") == []  # no second Apply while it runs

    # A worker has written 2 of 4 shots: the poll gets the partial alone, with the progress bar.
    CutImportJob.objects.filter(pk=job.pk).update(progress_done=2, progress_total=4)
    poll = http.get(detail_url(job), headers={"HX-Request": "true"})
    assert poll.content.decode().lstrip().startswith('<section id="job-progress"')
    progress = parse(poll).find("progress")
    assert (progress.attrs["value"], progress.attrs["max"]) == ("2", "4")
    assert parse(poll).find(id="job-progress").text.startswith("Applying… 2 of 4 shots written.")

    callbacks[0]()  # the worker: cut_import_run(job.pk), eager

    job.refresh_from_db()
    assert (job.state, job.progress_done, job.progress_total) == (CutImportState.APPLIED, 4, 4)
    assert job.applied_at is not None
    assert shot_rows(show) == {
        "SQ010_SH0010": ("SQ010", 1009, 1056, 1001, 1064, "active"),
        "SQ010_SH0020": ("SQ010", 1009, 1068, 1001, 1076, "active"),
        "SQ010_SH0030": ("SQ010", 1009, 1044, 1001, 1052, "active"),
        "SQ020_SH0010": ("SQ020", 1009, 1032, 1001, 1040, "active"),
    }
    assert sorted(Activity.objects.filter(verb=ActivityVerb.IMPORTED).values_list("shot__code", "actor")) == [
        ("SQ010_SH0010", coordinator.pk),
        ("SQ010_SH0020", coordinator.pk),
        ("SQ010_SH0030", coordinator.pk),
        ("SQ020_SH0010", coordinator.pk),
    ]

    poll = http.get(detail_url(job), headers={"HX-Request": "true"})
    assert poll["HX-Refresh"] == "true"
    page = http.get(detail_url(job))
    tree = parse(page)
    assert "hx-trigger" not in page.content.decode()
    assert tree.find(id="job-progress").find("p").text == (
        f"Applied by Cora Cole on {job.applied_at:%-d %b %Y %H:%M}: 4 shots created, 0 updated, 0 omitted."
    )
    assert tree.find("h2", id="cut-summary").text == "What was applied"
    assert tree.find_all("form", cls="cut-apply") == []


def test_an_applied_cut_is_never_applied_again(http, show, django_capture_on_commit_callbacks):
    upload(http, show, FIXTURES / "cut_v1.edl")
    job = CutImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        http.post(apply_url(job))
    job.refresh_from_db()
    shots_before = shot_rows(show)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = http.post(apply_url(job), follow=True)

    assert callbacks == []
    assert [str(m) for m in response.context["messages"]] == [
        f"This cut was already applied by Cora Cole on {job.applied_at:%Y-%m-%d %H:%M}. To import it again, "
        "upload the file again: its report will compare it with the shots as they are now."
    ]
    assert shot_rows(show) == shots_before
    assert Activity.objects.filter(verb=ActivityVerb.IMPORTED).count() == 4
    tasks.cut_import_run(job.pk)  # a late duplicate of the task does nothing either
    assert Activity.objects.filter(verb=ActivityVerb.IMPORTED).count() == 4


def test_a_stale_report_is_compared_again_when_applied(http, show, coordinator, django_capture_on_commit_callbacks):
    """Two coordinators upload the same recut; the second apply finds the first one's shots and changes nothing."""
    apply_v1(show, coordinator)
    upload(http, show, FIXTURES / "cut_v2.edl")
    upload(http, show, FIXTURES / "cut_v2.edl")
    first, second = CutImportJob.objects.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        http.post(apply_url(first))
    expected = {
        "SQ010_SH0010": ("SQ010", 1009, 1056, 1001, 1064, "active"),
        "SQ010_SH0020": ("SQ010", 1009, 1060, 1001, 1068, "active"),
        "SQ010_SH0030": ("SQ010", 1009, 1044, 1001, 1052, "omitted"),
        "SQ020_SH0010": ("SQ020", 1009, 1038, 1001, 1046, "active"),
        "SQ020_SH0020": ("SQ020", 1009, 1048, 1001, 1056, "active"),
        "SQ030_SH0010": ("SQ030", 1009, 1020, 1001, 1028, "active"),
    }
    assert shot_rows(show) == expected
    assert second.report["counts"] == first.report["counts"]  # its dry run still says 2 new, 1 to omit...

    with django_capture_on_commit_callbacks(execute=True):
        http.post(apply_url(second))

    second.refresh_from_db()
    assert second.state == CutImportState.APPLIED
    assert {key: second.result["counts"][key] for key in ("new", "to_omit", "changed", "unchanged")} == {
        "new": 0,
        "to_omit": 0,
        "changed": 0,
        "unchanged": 5,
    }
    assert shot_rows(show) == expected
    page = http.get(detail_url(second))
    assert parse(page).find(id="job-progress").find("p").text.endswith("0 shots created, 0 updated, 0 omitted.")


def test_imported_activity_says_what_changed(http, show, coordinator, django_capture_on_commit_callbacks):
    apply_v1(show, coordinator)
    Activity.objects.all().delete()
    upload(http, show, FIXTURES / "cut_v2.edl")
    with django_capture_on_commit_callbacks(execute=True):
        http.post(apply_url(CutImportJob.objects.get()))
    rows = Activity.objects.filter(verb=ActivityVerb.IMPORTED).values_list("shot__code", "actor", "changes")
    assert sorted(rows) == [
        ("SQ010_SH0020", coordinator.pk, {"cut_out": ["1068", "1060"], "tail_out": ["1076", "1068"]}),
        ("SQ010_SH0030", coordinator.pk, {"status": ["Active", "Omitted"]}),
        ("SQ020_SH0010", coordinator.pk, {"cut_out": ["1032", "1038"], "tail_out": ["1040", "1046"]}),
        ("SQ020_SH0020", coordinator.pk, {}),
        ("SQ030_SH0010", coordinator.pk, {}),
    ]


def test_a_failed_apply_writes_nothing_and_can_be_tried_again(
    http, show, coordinator, django_capture_on_commit_callbacks
):
    upload(http, show, FIXTURES / "cut_v1.edl")
    job = CutImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        http.post(apply_url(job))
    # Before a worker picks it up, the coordinator leaves the show.
    ShowMembership.objects.filter(person=coordinator, show=show).update(role=Role.ARTIST)
    callbacks[0]()

    job.refresh_from_db()
    assert (job.state, job.error_message) == (
        CutImportState.FAILED,
        "Cora Cole may no longer change the shots of RBT.",
    )
    assert Shot.objects.count() == 0

    producer = member(show, Role.PRODUCER)
    http.force_login(producer)
    tree = parse(http.get(detail_url(job)))
    assert tree.find(cls="cut-error").text == "Cora Cole may no longer change the shots of RBT. Nothing was written."
    assert tree.find("form", cls="cut-apply").find("button").text == "Try again"
    with django_capture_on_commit_callbacks(execute=True):
        http.post(apply_url(job))
    job.refresh_from_db()
    assert (job.state, job.applied_by, job.error_message) == (CutImportState.APPLIED, producer, "")
    assert Shot.objects.count() == 4


def test_a_job_left_applying_by_a_dead_worker_is_applied_once_when_retried(show, coordinator):
    job = cut_import.cut_import_job_create(
        actor=coordinator, show=show, data=(FIXTURES / "cut_v1.edl").read_bytes(), filename="cut_v1.edl"
    )
    CutImportJob.objects.filter(pk=job.pk).update(state=CutImportState.APPLYING, applied_by=coordinator)

    tasks.cut_import_run(job.pk)
    tasks.cut_import_run(job.pk)  # redelivered after the worker was lost

    job.refresh_from_db()
    assert (job.state, job.result["counts"]["new"]) == (CutImportState.APPLIED, 4)
    assert Shot.objects.count() == 4
    assert Activity.objects.filter(verb=ActivityVerb.IMPORTED).count() == 4


def test_the_sweep_sends_stalled_jobs_again(show, coordinator, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.cut_import_run, "delay", lambda job_id: sent.append(("run", job_id)))
    monkeypatch.setattr(tasks.cut_import_report, "delay", lambda job_id: sent.append(("report", job_id)))
    data = (FIXTURES / "cut_v1.edl").read_bytes()
    jobs = [
        cut_import.cut_import_job_create(actor=coordinator, show=show, data=data, filename="cut_v1.edl")
        for _ in range(4)
    ]
    long_ago = jobs[0].created_at - cut_import.STALLED_AFTER * 2
    CutImportJob.objects.filter(pk=jobs[0].pk).update(state=CutImportState.APPLYING, updated_at=long_ago)
    CutImportJob.objects.filter(pk=jobs[1].pk).update(state=CutImportState.UPLOADED, updated_at=long_ago)
    CutImportJob.objects.filter(pk=jobs[2].pk).update(state=CutImportState.APPLYING)  # just sent: leave it
    CutImportJob.objects.filter(pk=jobs[3].pk).update(updated_at=long_ago)  # reported: waits for a person

    assert tasks.resume_stalled_cut_imports() == 2
    assert sent == [("run", jobs[0].pk), ("report", jobs[1].pk)]
    assert tasks.resume_stalled_cut_imports() == 0  # given time before being sent once more


# --- CSV -------------------------------------------------------------------------------------------------------


def test_a_csv_creates_and_updates_and_never_omits(http, show, django_capture_on_commit_callbacks):
    ShotFactory(sequence=SequenceFactory(show=show, code="SQ090"), code="SQ090_SH0010")
    upload(http, show, FIXTURES / "shots.csv")
    job = CutImportJob.objects.get()
    page = http.get(detail_url(job))
    assert counts_on(page) == {"New shots": "3", "Changed": "0", "Unchanged": "0"}
    assert [row[:4] for row in body_rows(parse(page).find(id="cut-new"))] == [
        ["SQ010_SH0040", "SQ010", "48", "1009–1056"],
        ["0010", "010", "24", "1001–1024"],
        ["0020", "010", "36", "1009–1044"],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        http.post(apply_url(job))
    assert Shot.objects.get(show=show, code="SQ090_SH0010").status == BreakdownStatus.ACTIVE
    assert sorted(Shot.objects.filter(show=show).values_list("code", flat=True)) == [
        "0010",
        "0020",
        "SQ010_SH0040",
        "SQ090_SH0010",
    ]


def test_shots_export_as_the_csv_the_import_reads(http, show):
    ShotFactory(
        sequence=SequenceFactory(show=show, code="010"),
        code="0010",
        cut_in=1001,
        cut_out=1024,
        head_in=991,
        tail_out=1034,
    )
    page = http.get(reverse("shots:cut_list", args=[show.code]))
    link = parse(page).find("a", cls="button")
    assert (link.text, link.attrs["href"]) == ("Export shots as CSV", "/shows/RBT/cuts/shots.csv")

    response = http.get(link.attrs["href"])
    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "text/csv; charset=utf-8",
        'attachment; filename="RBT_shots.csv"',
    )
    assert response.content.decode().splitlines() == [
        "sequence,shot,cut_in,cut_out,head_in,tail_out,frame_count,status,description",
        "010,0010,1001,1024,991,1034,24,active,",
    ]


# --- The list of past imports ----------------------------------------------------------------------------------


def test_the_list_shows_past_imports_newest_first(http, show, coordinator, django_capture_on_commit_callbacks):
    upload(http, show, FIXTURES / "cut_v1.edl")
    with django_capture_on_commit_callbacks(execute=True):
        http.post(apply_url(CutImportJob.objects.get()))
    upload(http, show, FIXTURES / "cut_v2.edl")
    upload(http, show, FIXTURES / "shots.csv")
    first, second, third = CutImportJob.objects.order_by("pk")
    page = http.get(reverse("shots:cut_list", args=[show.code]))
    rows = body_rows(parse(page).find(id="cut-import-table"))
    stamp = "{:%-d %b %Y %H:%M}".format
    assert rows == [
        [stamp(third.created_at), "shots.csv", "CSV", "Cora Cole", "Ready to apply", "3", "—", "0", "0"],
        [stamp(second.created_at), "cut_v2.edl", "CMX 3600 EDL", "Cora Cole", "Ready to apply", "2", "1", "2", "1"],
        [stamp(first.created_at), "cut_v1.edl", "CMX 3600 EDL", "Cora Cole", "Applied", "4", "0", "0", "0"],
    ]


def test_pages_make_the_same_number_of_queries_whatever_the_size(http, show, coordinator):
    def measure(path):
        with CaptureQueriesContext(connection) as queries:
            assert http.get(path).status_code == 200
        return len(queries)

    data = (FIXTURES / "cut_v1.edl").read_bytes()
    cut_import.cut_import_job_create(actor=coordinator, show=show, data=data, filename="a.edl")
    small_list = measure(reverse("shots:cut_list", args=[show.code]))
    small_detail = measure(detail_url(CutImportJob.objects.get()))
    for _ in range(10):
        cut_import.cut_import_job_create(actor=coordinator, show=show, data=data, filename="b.edl")
    apply_v1(show, coordinator)
    big = cut_import.cut_import_job_create(
        actor=coordinator, show=show, data=(FIXTURES / "cut_v2.edl").read_bytes(), filename="c.edl"
    )
    assert measure(reverse("shots:cut_list", args=[show.code])) == small_list
    assert measure(detail_url(big)) == small_detail


# --- Who may ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ARTIST, 403),
        (Role.SUPERVISOR, 403),
        (Role.CLIENT, 404),
        (Role.COORDINATOR, 200),
        (Role.PRODUCTION_MANAGER, 200),
        (Role.PRODUCER, 200),
    ],
)
def test_only_the_shows_breakdown_editors_import_cuts(client, show, coordinator, role, expected):
    job = cut_import.cut_import_job_create(
        actor=coordinator, show=show, data=(FIXTURES / "cut_v1.edl").read_bytes(), filename="cut_v1.edl"
    )
    client.force_login(member(show, role))
    assert client.get(reverse("shots:cut_list", args=[show.code])).status_code == expected
    assert client.get(detail_url(job)).status_code == expected
    if expected != 200:
        upload(client, show, FIXTURES / "cut_v2.edl")
        assert client.post(apply_url(job)).status_code == expected
        assert CutImportJob.objects.get().state == CutImportState.REPORTED
        assert (CutImportJob.objects.count(), Shot.objects.count()) == (1, 0)


def test_another_shows_coordinator_gets_404(client, show, coordinator):
    job = cut_import.cut_import_job_create(
        actor=coordinator, show=show, data=(FIXTURES / "cut_v1.edl").read_bytes(), filename="cut_v1.edl"
    )
    other = ShowFactory(code="OTH")
    client.force_login(member(other))
    assert client.get(reverse("shots:cut_list", args=[show.code])).status_code == 404
    assert client.get(detail_url(job)).status_code == 404
    assert client.post(apply_url(job)).status_code == 404
    # Their own show's address with this show's job: 404 too.
    assert client.get(reverse("shots:cut_detail", args=["OTH", job.pk])).status_code == 404
    assert CutImportJob.objects.get().state == CutImportState.REPORTED


def test_anonymous_visitors_are_sent_to_log_in(client, show):
    path = reverse("shots:cut_list", args=[show.code])
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (302, f"/login/?next={path}")


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_outside_the_apply_while_its_shots_are_not(show, coordinator, monkeypatch):
    """The apply is one transaction; its progress goes through a second connection, so the page can show it."""
    apply_v1(show, coordinator)
    job = cut_import.cut_import_job_create(
        actor=coordinator, show=show, data=(FIXTURES / "cut_v2.edl").read_bytes(), filename="cut_v2.edl"
    )
    CutImportJob.objects.filter(pk=job.pk).update(state=CutImportState.APPLYING, applied_by=coordinator)
    outside = connections.create_connection(DEFAULT_DB_ALIAS)  # what a polling page reads
    seen = []
    record = cut_import._JobProgress.__call__

    def record_and_look(self, done, total):
        record(self, done, total)
        with outside.cursor() as cursor:
            cursor.execute("SELECT progress_done, progress_total FROM shots_cutimportjob WHERE id = %s", [job.pk])
            progress = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM shots_shot WHERE show_id = %s", [show.pk])
            seen.append((*progress, cursor.fetchone()[0]))

    monkeypatch.setattr(cut_import._JobProgress, "__call__", record_and_look)
    try:
        cut_import.cut_import_job_run(job_id=job.pk)
    finally:
        outside.close()

    # 2 new, 2 changed, 1 omitted; the 2 new shots appear only when everything is written.
    assert seen == [(0, 5, 4), (2, 5, 4), (4, 5, 4), (5, 5, 4)]
    job.refresh_from_db()
    assert (job.state, job.progress_done, job.progress_total) == (CutImportState.APPLIED, 5, 5)
    assert Shot.objects.filter(show=show).count() == 6


def test_the_pages_need_no_inline_code(http, show, monkeypatch, django_capture_on_commit_callbacks):
    """The strict CSP (tests/studio/test_csp.py) holds on every state of the pages and on the polled partial."""
    monkeypatch.setattr(cut_import, "SYNC_REPORT_MAX_CLIPS", 3)
    with django_capture_on_commit_callbacks(execute=False):
        upload(http, show, FIXTURES / "cut_v1.edl")
    job = CutImportJob.objects.get()
    responses = [
        http.get(reverse("shots:cut_list", args=[show.code])),
        upload(http, show, FIXTURES / "malformed.edl"),
        http.get(detail_url(job)),
        http.get(detail_url(job), headers={"HX-Request": "true"}),
    ]
    CutImportJob.objects.filter(pk=job.pk).update(state=CutImportState.APPLYING, progress_done=1, progress_total=4)
    responses.append(http.get(detail_url(job), headers={"HX-Request": "true"}))
    for response in responses:
        assert response.status_code == 200
        assert policy(response) == EXPECTED_POLICY
        assert inspect(response).problems == []


def test_a_reel_upload_can_omit_only_in_its_sequences(http, show, coordinator):
    apply_v1(show, coordinator)
    reel = (FIXTURES / "cut_v1.edl").read_bytes().split(b"004  B001C011")[0]  # SQ010's three shots only
    file = SimpleUploadedFile("sq010_reel.edl", reel)
    response = http.post(reverse("shots:cut_list", args=[show.code]), {"file": file, "only_its_sequences": "on"})

    job = CutImportJob.objects.get(original_name="sq010_reel.edl")
    assert response.status_code == 302
    assert job.omit_only_in_its_sequences is True
    assert job.report["counts"]["to_omit"] == 0  # SQ020_SH0010 is in another sequence: left alone
    page = http.get(detail_url(job)).content.decode()
    assert "Missing from the cut (to omit, only in SQ010)" in page
