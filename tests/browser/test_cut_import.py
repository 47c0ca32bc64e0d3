"""A coordinator imports a cut in a real browser: uploads an EDL, reads the report, applies it, watches the progress
bar that htmx polls, and sees the result once the worker is done; a malformed EDL is refused naming its line."""

from pathlib import Path

import pytest

from shots import tasks
from shots.models import CutImportJob, CutImportState, Shot
from studio.models import Role
from tests.browser.test_homes import assert_htmx_loaded, log_in
from tests.studio.factories import MembershipFactory, PersonFactory, ShowFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parents[1] / "shots" / "fixtures"


@pytest.fixture
def show():
    show = ShowFactory(code="RBT", name="Robot Holiday")
    MembershipFactory(show=show, person=PersonFactory(username="cora", role=Role.COORDINATOR, first_name="Cora"))
    return show


@pytest.fixture
def busy_worker(monkeypatch):
    """The cut_import_run messages the pages send, kept for the test to run when it wants (as a worker would)."""
    sent = []
    monkeypatch.setattr(tasks.cut_import_run, "apply_async", lambda args=(), **options: sent.append(args[0]))
    return sent


def test_coordinator_uploads_reviews_and_applies_a_cut(tab, live_server, show, busy_worker):
    log_in(tab, live_server, "cora", "/dailies/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/RBT/cuts/")
    assert page.title() == "Cuts · RBT · Slate"
    assert page.locator("#cut-import-table tbody td.empty").inner_text() == "No cut has been imported into RBT yet."
    page.screenshot(path="/tmp/cut-list.png", full_page=True)

    page.set_input_files("#id_file", str(FIXTURES / "cut_v1.edl"))
    page.click("#cut-upload button[type=submit]")
    page.wait_for_url(f"{live_server.url}/shows/RBT/cuts/*/")
    job = CutImportJob.objects.get()
    assert page.url == f"{live_server.url}/shows/RBT/cuts/{job.pk}/"
    assert page.locator("#cut-counts .value").all_inner_texts() == ["4", "0", "0", "0"]
    assert page.locator("#cut-new tbody th").all_inner_texts() == [
        "SQ010_SH0010",
        "SQ010_SH0020",
        "SQ010_SH0030",
        "SQ020_SH0010",
    ]
    assert Shot.objects.count() == 0
    assert_htmx_loaded(tab)
    page.screenshot(path="/tmp/cut-report.png", full_page=True)

    page.click("form.cut-apply button[type=submit]")
    page.wait_for_selector("#job-progress[hx-trigger='every 1s']")
    assert busy_worker == [job.pk]
    assert page.locator(".page-head .chip").inner_text() == "Applying"
    assert page.locator("#job-progress p").first.inner_text().startswith("Applying… Waiting for a worker.")

    # The worker is half-way: the next poll shows it.
    CutImportJob.objects.filter(pk=job.pk).update(progress_done=2, progress_total=4)
    page.wait_for_selector("#cut-progress[value='2'][max='4']")
    assert page.locator("#job-progress p").first.inner_text().startswith("Applying… 2 of 4 shots written.")
    page.screenshot(path="/tmp/cut-applying.png", full_page=True)

    tasks.cut_import_run(job.pk)  # the worker finishes; the next poll reloads the page

    page.wait_for_selector("#job-progress:not([hx-trigger]) .cut-done")
    assert page.locator(".page-head .chip").inner_text() == "Applied"
    assert page.locator("#job-progress .cut-done").inner_text().endswith("4 shots created, 0 updated, 0 omitted.")
    assert page.locator("#cut-progress").get_attribute("value") == "4"
    assert page.locator("h2#cut-summary").inner_text() == "What was applied"
    assert page.locator("form.cut-apply").count() == 0
    page.screenshot(path="/tmp/cut-applied.png", full_page=True)
    assert CutImportJob.objects.get().state == CutImportState.APPLIED
    assert sorted(Shot.objects.filter(show=show).values_list("code", "cut_in", "cut_out")) == [
        ("SQ010_SH0010", 1009, 1056),
        ("SQ010_SH0020", 1009, 1068),
        ("SQ010_SH0030", 1009, 1044),
        ("SQ020_SH0010", 1009, 1032),
    ]

    page.click(".breadcrumbs a:text('Cuts')")
    page.wait_for_url(f"{live_server.url}/shows/RBT/cuts/")
    assert page.locator("#cut-import-table tbody tr td .chip").all_inner_texts() == ["Applied"]
    tab.assert_clean()


def test_a_malformed_edl_is_refused_with_its_line(tab, live_server, show):
    log_in(tab, live_server, "cora", "/dailies/")
    page = tab.page
    page.goto(f"{live_server.url}/shows/RBT/cuts/")
    page.set_input_files("#id_file", str(FIXTURES / "malformed.edl"))
    page.click("#cut-upload button[type=submit]")
    page.wait_for_selector("#cut-upload .errorlist")
    assert page.url == f"{live_server.url}/shows/RBT/cuts/"
    assert page.locator("#cut-upload .errorlist").inner_text().startswith("Line 5: an event line has 8 fields")
    page.screenshot(path="/tmp/cut-malformed.png", full_page=True)
    assert (CutImportJob.objects.count(), Shot.objects.count()) == (0, 0)
    tab.assert_clean()
