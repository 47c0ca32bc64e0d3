"""The shot grid: rows and columns, filters, sorting, keyset pages, inline edits with optimistic locking, bulk
edits (all or nothing), the CSV export, and a fixed number of queries whatever the size of the show."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dailies.models import Version
from shots import selectors, services
from shots.models import Activity, BreakdownStatus, Sequence, Shot, Task, TaskTemplateItem
from shots.views import grid as grid_views
from shots.workflow import TaskStatus
from studio.models import Person, Role, ShowSummary
from tests.dailies.factories import VersionFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory
from tests.studio.test_csp import inspect
from tests.studio.test_views import parse

pytestmark = pytest.mark.django_db

URL = "/shows/RBT/shots/"
ROWS_URL = "/shows/RBT/shots/rows/"
CSV_URL = "/shows/RBT/shots/export.csv"
BULK_URL = "/shows/RBT/shots/bulk/"
HTMX = {"HX-Request": "true"}


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


# --- The studio ---------------------------------------------------------------------------------------------


@dataclass
class Studio:
    show: object
    people: dict[str, Person]
    types: dict[str, object]
    shots: dict[str, Shot]
    tasks: dict[tuple[str, str], Task]

    def task(self, shot: str, task_type: str) -> Task:
        return Task.objects.get(pk=self.tasks[(shot, task_type)].pk)


def member(show, username: str, role: str, first: str, last: str, department=None) -> Person:
    person = PersonFactory(username=username, first_name=first, last_name=last, role=role, department=department)
    MembershipFactory(person=person, show=show)
    return person


@pytest.fixture
def studio() -> Studio:
    """RBT: three sequences (story order SQ020, SQ010, SQ005 — not their code order), five shots, the task template
    Layout + Animation, and a Lighting task on one shot. KTL, another show, has a shot and its own task type."""
    layout_dept = DepartmentFactory(name="Layout", code="LAY", order=1)
    animation = DepartmentFactory(name="Animation", code="ANM", order=2)
    lighting = DepartmentFactory(name="Lighting", code="LGT", order=3)
    show = ShowFactory(code="RBT", name="Robot Holiday")
    people = {
        "cora": member(show, "cora", Role.COORDINATOR, "Cora", "Cole"),
        "ada": member(show, "ada", Role.ARTIST, "Ada", "Arden", animation),
        "bea": member(show, "bea", Role.ARTIST, "Bea", "Brook", animation),
        "lou": member(show, "lou", Role.ARTIST, "Lou", "Lumen", lighting),
        "sam": member(show, "sam", Role.SUPERVISOR, "Sam", "Sutter", animation),
        "cleo": member(show, "cleo", Role.CLIENT, "Cleo", "Clarke"),
    }
    types = {
        "Layout": TaskTypeFactory(name="Layout", short_name="LAY", department=layout_dept, order=10),
        "Animation": TaskTypeFactory(name="Animation", short_name="ANM", department=animation, order=20),
        "Lighting": TaskTypeFactory(name="Lighting", short_name="LGT", department=lighting, order=30),
        "Unused": TaskTypeFactory(name="Unused", department=lighting, order=40),
    }
    TaskTemplateItem.objects.create(show=show, task_type=types["Layout"], default_bid_days=Decimal("1"))
    TaskTemplateItem.objects.create(show=show, task_type=types["Animation"], default_bid_days=Decimal("4.5"))
    sq010 = SequenceFactory(show=show, code="SQ010", order=2)
    sq020 = SequenceFactory(show=show, code="SQ020", order=1)
    sq005 = SequenceFactory(show=show, code="SQ005", order=3)
    shots = {}
    for code, sequence, order, frames, status, description in [
        ("SQ010_SH0010", sq010, 10, 48, BreakdownStatus.ACTIVE, "Robot wakes up"),
        ("SQ010_SH0020", sq010, 20, 24, BreakdownStatus.ACTIVE, "Close on the dial"),
        ("SQ020_SH0010", sq020, 10, 100, BreakdownStatus.ON_HOLD, "Wide of the beach"),
        ("SQ020_SH0005", sq020, 20, 24, BreakdownStatus.FINAL, "Gull lands on the robot"),
        ("SQ005_SH0010", sq005, 10, 12, BreakdownStatus.ACTIVE, ""),
    ]:
        shots[code] = ShotFactory(
            sequence=sequence,
            code=code,
            order=order,
            cut_in=1009,
            cut_out=1009 + frames - 1,
            status=status,
            description=description,
        )
    tasks = {}
    for shot, task_type, status, assignees, due in [
        ("SQ010_SH0010", "Layout", TaskStatus.FINAL, [], None),
        ("SQ010_SH0010", "Animation", TaskStatus.RETAKE, ["ada"], dt.date(2026, 11, 4)),
        ("SQ010_SH0010", "Lighting", TaskStatus.WIP, ["lou"], None),
        ("SQ010_SH0020", "Animation", TaskStatus.WIP, ["bea", "ada"], dt.date(2026, 11, 12)),
        ("SQ020_SH0010", "Layout", TaskStatus.WAITING, [], None),
        ("SQ020_SH0010", "Animation", TaskStatus.RETAKE, ["bea"], None),
        ("SQ020_SH0005", "Animation", TaskStatus.APPROVED, ["ada"], None),
    ]:
        tasks[(shot, task_type)] = TaskFactory(
            shot=shots[shot],
            task_type=types[task_type],
            status=status,
            due_date=due,
            assignees=[people[name] for name in assignees],
        )
    # Another show, to prove nothing of it shows here.
    other = ShowFactory(code="KTL", name="Kettle")
    other_shot = ShotFactory(sequence=SequenceFactory(show=other, code="SQ010"), code="SQ010_SH0010")
    TaskFactory(shot=other_shot, task_type=TaskTypeFactory(name="Other step", department=animation))
    return Studio(show=show, people=people, types=types, shots=shots, tasks=tasks)


def login(client, studio: Studio, username: str) -> Person:
    person = studio.people[username]
    client.force_login(person)
    return person


def grid_rows(response) -> list[list[str]]:
    table = parse(response).find("table", id="shot-grid")
    rows = []
    for tr in table.find("tbody").find_all("tr"):
        if "grid-more" in tr.attrs.get("class", ""):
            continue
        rows.append([cell.text for cell in tr.find_all() if cell.tag in ("td", "th")])
    return rows


def codes(response) -> list[str]:
    table = parse(response).find("table", id="shot-grid") if b'id="shot-grid"' in response.content else parse(response)
    return [th.text.split(" ")[0] for th in table.find_all("th") if th.attrs.get("scope") == "row"]


def header(response) -> list[str]:
    return [th.text for th in parse(response).find("table", id="shot-grid").find("thead").find_all("th")]


# --- The page ---------------------------------------------------------------------------------------------


def test_a_row_per_shot_in_story_order_and_a_column_per_task_type(client, studio):
    login(client, studio, "cora")
    response = client.get(URL)

    assert response.status_code == 200
    assert header(response) == [
        "",
        "Shot",
        "Sequence",
        "Latest",
        "Cut length",
        "Status",
        "Layout",
        "Animation",
        "Lighting",
    ]
    assert grid_rows(response) == [
        ["", "SQ020_SH0010 Wide of the beach", "SQ020", "—", "100", "On hold", "Waiting", "Retake BB", "—"],
        ["", "SQ020_SH0005 Gull lands on the robot", "SQ020", "—", "24", "Final", "—", "Approved AA", "—"],
        ["", "SQ010_SH0010 Robot wakes up", "SQ010", "—", "48", "Active", "Final", "Retake AA 4 Nov", "WIP LL"],
        ["", "SQ010_SH0020 Close on the dial", "SQ010", "—", "24", "Active", "—", "WIP AA BB 12 Nov", "—"],
        ["", "SQ005_SH0010", "SQ005", "—", "12", "Active", "—", "—", "—"],
    ]
    page = parse(response)
    assert page.find("title").text == "RBT shots · Slate"
    assert page.find("span", id="grid-total").text == "5 shots"
    # Initials name their person; a shot links to its page; other shows' shots and task types are not there.
    assert [a.attrs["title"] for a in page.find_all("abbr")][:2] == ["Bea Brook", "Ada Arden"]
    assert page.find_all("a", cls="code")[0].attrs["href"] == "/shows/RBT/shot/SQ020_SH0010/"
    assert b"Kettle" not in response.content  # (its "Other step" type is only offered by the bulk bar's add)


def test_the_column_set_is_the_task_template_plus_the_types_with_tasks(client, studio):
    TaskTemplateItem.objects.filter(show=studio.show, task_type=studio.types["Layout"]).delete()
    Task.objects.filter(task_type=studio.types["Layout"]).delete()
    login(client, studio, "cora")
    assert header(client.get(URL))[6:] == ["Animation", "Lighting"]


def test_the_latest_version_of_the_shot_shows_its_code_and_an_image_when_it_is_one(client, studio):
    ada = studio.people["ada"]
    animation = studio.task("SQ010_SH0010", "Animation")
    lighting = studio.task("SQ010_SH0010", "Lighting")
    for task, number, when, media in [
        (animation, 1, at(2, 10), ""),
        (animation, 2, at(3, 10), ""),
        (lighting, 7, at(2, 12), ""),
        (studio.task("SQ010_SH0020", "Animation"), 3, at(5, 9), "still.png"),
    ]:
        version = VersionFactory(task=task, number=number, author=ada)
        if media:
            version.media.save(media, ContentFile(b"\x89PNG"), save=True)
        Version.objects.filter(pk=version.pk).update(created_at=when)
    login(client, studio, "cora")
    response = client.get(URL)

    rows = {row[1].split(" ")[0]: row[3] for row in grid_rows(response)}
    assert rows == {
        "SQ020_SH0010": "—",
        "SQ020_SH0005": "—",
        "SQ010_SH0010": "v002",  # the newest of the shot's versions, whatever its task or number
        "SQ010_SH0020": "v003",
        "SQ005_SH0010": "—",
    }
    images = parse(response).find_all("img")
    assert [(img.attrs["loading"], img.attrs["src"].endswith("/still.png")) for img in images] == [("lazy", True)]


def test_codes_keep_their_leading_zeros(client, studio):
    sequence = SequenceFactory(show=studio.show, code="010", order=9)
    ShotFactory(sequence=sequence, code="010_0040", order=1)
    login(client, studio, "cora")
    assert grid_rows(client.get(URL, {"sequence": sequence.pk})) == [
        ["", "010_0040", "010", "—", "48", "Active", "—", "—", "—"]
    ]


# --- Filters ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "sh0010"}, ["SQ020_SH0010", "SQ010_SH0010", "SQ005_SH0010"]),
        ({"q": "ROBOT"}, ["SQ020_SH0005", "SQ010_SH0010"]),  # the description, any case
        ({"shot_status": "on_hold"}, ["SQ020_SH0010"]),
        ({"task_status": "retake"}, ["SQ020_SH0010", "SQ010_SH0010"]),
        ({"task_type": "Lighting"}, ["SQ010_SH0010"]),
        # One and the same task: SQ010_SH0010 has a WIP task (Lighting), but its Animation is in retake.
        ({"task_type": "Animation", "task_status": "wip"}, ["SQ010_SH0020"]),
        ({"assignee": "bea"}, ["SQ020_SH0010", "SQ010_SH0020"]),
        ({"assignee": "ada", "task_status": "approved"}, ["SQ020_SH0005"]),
        ({"department": "Lighting"}, ["SQ010_SH0010"]),
        ({"q": "nothing like it"}, []),
    ],
)
def test_filters(client, studio, params, expected):
    login(client, studio, "cora")
    ids = {
        "task_type": lambda name: studio.types[name].pk,
        "assignee": lambda name: studio.people[name].pk,
        "department": lambda name: studio.types[name].department_id,
    }
    query = {name: ids[name](value) if name in ids else value for name, value in params.items()}
    response = client.get(URL, query)
    assert response.status_code == 200
    assert codes(response) == expected


def test_assignee_me_is_whoever_looks(client, studio):
    login(client, studio, "ada")
    assert codes(client.get(URL, {"assignee": "me"})) == ["SQ020_SH0005", "SQ010_SH0010", "SQ010_SH0020"]


def test_a_department_shows_its_own_columns_only(client, studio):
    login(client, studio, "cora")
    response = client.get(URL, {"department": studio.types["Animation"].department_id})
    assert header(response)[6:] == ["Animation"]
    assert [row[6] for row in grid_rows(response)] == [
        "Retake BB",
        "Approved AA",
        "Retake AA 4 Nov",
        "WIP AA BB 12 Nov",
    ]


def test_nothing_matches_says_so(client, studio):
    login(client, studio, "cora")
    response = client.get(URL, {"q": "nothing like it"})
    assert grid_rows(response) == [["No shot matches these filters."]]
    assert parse(response).find("span", id="grid-total").text == "0 shots match"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sequence": "abc"}, "Sequence: Select a valid choice. abc is not one of the available choices."),
        ({"sequence": "999999"}, "Sequence: Select a valid choice. 999999 is not one of the available choices."),
        ({"task_status": "done"}, "Task status: Select a valid choice. done is not one of the available choices."),
        ({"assignee": "-1"}, "Assignee: Select a valid choice. -1 is not one of the available choices."),
        ({"sort": "colour"}, "Sort: Select a valid choice. colour is not one of the available choices."),
        ({"cursor": "not-a-cursor"}, "Page link: This page link is not valid; reload the grid."),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(client, studio, params, message):
    login(client, studio, "cora")
    response = client.get(URL, params)
    assert response.status_code == 400
    assert [li.text for li in parse(response).find("div", cls="notice").find_all("li")] == [message]
    assert parse(response).find_all("table", id="shot-grid") == []


def test_another_shows_sequence_is_not_a_choice(client, studio):
    other_sequence = Sequence.objects.get(show__code="KTL")
    login(client, studio, "cora")
    assert client.get(URL, {"sequence": other_sequence.pk}).status_code == 400


# --- Sorting and keyset pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("order", ["SQ020_SH0010", "SQ020_SH0005", "SQ010_SH0010", "SQ010_SH0020", "SQ005_SH0010"]),
        ("-order", ["SQ005_SH0010", "SQ010_SH0020", "SQ010_SH0010", "SQ020_SH0005", "SQ020_SH0010"]),
        ("code", ["SQ005_SH0010", "SQ010_SH0010", "SQ010_SH0020", "SQ020_SH0005", "SQ020_SH0010"]),
        ("-code", ["SQ020_SH0010", "SQ020_SH0005", "SQ010_SH0020", "SQ010_SH0010", "SQ005_SH0010"]),
        # Equal lengths (24 frames) keep the story order.
        ("length", ["SQ005_SH0010", "SQ020_SH0005", "SQ010_SH0020", "SQ010_SH0010", "SQ020_SH0010"]),
        ("-length", ["SQ020_SH0010", "SQ010_SH0010", "SQ010_SH0020", "SQ020_SH0005", "SQ005_SH0010"]),
        # Active, On hold, Final, Omitted: the workflow's order, not the alphabet's.
        ("status", ["SQ010_SH0010", "SQ010_SH0020", "SQ005_SH0010", "SQ020_SH0010", "SQ020_SH0005"]),
    ],
)
def test_sorts(client, studio, sort, expected):
    login(client, studio, "cora")
    assert codes(client.get(URL, {"sort": sort})) == expected


@pytest.mark.parametrize("sort", list(selectors.GRID_SORTS))
@pytest.mark.parametrize("page_size", [1, 2])
def test_keyset_pages_walk_every_shot_once_in_order(client, studio, monkeypatch, sort, page_size):
    login(client, studio, "cora")
    monkeypatch.setattr(grid_views, "PAGE_SIZE", 5)
    everything = codes(client.get(URL, {"sort": sort, "q": "SQ"}))  # one page of five: the reference
    assert len(everything) == 5

    monkeypatch.setattr(grid_views, "PAGE_SIZE", page_size)
    response = client.get(URL, {"sort": sort, "q": "SQ"})
    walked = codes(response)
    more = parse(response).find("tr", id="grid-more")
    pages = 1
    while more is not None:
        rows = client.get(more.attrs["hx-get"], headers=HTMX)
        assert rows.status_code == 200
        assert rows.content.decode().lstrip().startswith("<tr")  # rows only: they follow the table's last row
        walked += codes(rows)
        found = parse(rows).find_all("tr", id="grid-more")
        more = found[0] if found else None
        pages += 1
    assert walked == everything
    assert pages == -(-5 // page_size)


def test_the_next_page_link_keeps_the_filters_and_works_without_javascript(client, studio, monkeypatch):
    monkeypatch.setattr(grid_views, "PAGE_SIZE", 2)
    login(client, studio, "cora")
    response = client.get(URL, {"q": "SQ0", "sort": "code"})
    link = parse(response).find("tr", id="grid-more").find("a")
    assert link.attrs["href"].startswith("/shows/RBT/shots/?q=SQ0&sort=code&cursor=")
    assert link.attrs["hx-get"].startswith("/shows/RBT/shots/rows/?q=SQ0&sort=code&cursor=")
    second = client.get(link.attrs["href"])  # a full page: the second page's rows
    assert second.status_code == 200
    assert codes(second) == ["SQ010_SH0020", "SQ020_SH0005"]
    summary_links = parse(second).find("p", cls="grid-summary").find_all("a")
    assert [a.attrs["href"] for a in summary_links] == [
        "/shows/RBT/shots/?q=SQ0&sort=code",  # back to the first page
        "/shows/RBT/shots/export.csv?q=SQ0&sort=code",
    ]


def test_a_cursor_of_another_sort_is_refused(client, studio, monkeypatch):
    monkeypatch.setattr(grid_views, "PAGE_SIZE", 2)
    login(client, studio, "cora")
    next_rows = parse(client.get(URL, {"sort": "code"})).find("tr", id="grid-more").attrs["hx-get"]
    cursor = parse_qs(urlsplit(next_rows).query)["cursor"][0]
    response = client.get(ROWS_URL, {"sort": "length", "cursor": cursor}, headers=HTMX)
    assert response.status_code == 400
    assert parse(response).find("td").text == (
        "Page link: This page link belongs to another sort order; reload the grid. Reload the grid"
    )


def test_a_tampered_cursor_is_refused():
    good = selectors.grid_cursor_encode("code", ("SQ010_SH0010", 12))
    assert selectors.grid_cursor_decode(good, "code") == ("SQ010_SH0010", 12)
    for bad in [good[:-1] + ("A" if good[-1] != "A" else "B"), "", ":", "a:b:c", "é:é", good + "x"]:
        with pytest.raises(selectors.BadGridCursor):
            selectors.grid_cursor_decode(bad, "code")
    wrong_types = selectors.grid_cursor_encode("code", (12, "SQ010_SH0010"))
    with pytest.raises(selectors.BadGridCursor):
        selectors.grid_cursor_decode(wrong_types, "code")


# --- htmx fragments ---------------------------------------------------------------------------------------


def test_the_filter_form_gets_the_results_only(client, studio):
    login(client, studio, "cora")
    response = client.get(URL, {"task_status": "retake"}, headers=HTMX)
    html = response.content.decode().strip()
    assert html.startswith('<section id="grid-results"')
    assert html.endswith("</section>")
    for marker in ("<html", "<nav", 'id="grid-filters"', 'id="grid-bulk"'):
        assert marker not in html
    assert codes(response) == ["SQ020_SH0010", "SQ010_SH0010"]
    assert response["Vary"] == "HX-Request, Cookie"
    # The history gets the filters without the empty fields (and without the default sort).
    assert response["HX-Push-Url"] == "/shows/RBT/shots/?task_status=retake"
    response = client.get(URL, {"q": "SH", "sequence": "", "sort": "order", "task_status": ""}, headers=HTMX)
    assert response["HX-Push-Url"] == "/shows/RBT/shots/?q=SH"


def test_the_page_needs_no_inline_code(client, studio):
    login(client, studio, "cora")
    task = studio.task("SQ010_SH0010", "Animation")
    for response in [
        client.get(URL),
        client.get(URL, headers=HTMX),
        client.get(f"/tasks/{task.pk}/cell/?edit=1", headers=HTMX),
        client.get(f"/tasks/{task.pk}/cell/?edit=1"),
    ]:
        assert response.status_code == 200
        assert inspect(response).problems == []


# --- Who sees and edits what -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["cleo", "stranger"])
def test_clients_and_strangers_get_a_404(client, studio, who):
    person = studio.people.get(who) or PersonFactory(role=Role.COORDINATOR)
    client.force_login(person)
    for path in [URL, ROWS_URL, CSV_URL, f"/tasks/{studio.tasks[('SQ010_SH0010', 'Animation')].pk}/cell/"]:
        assert client.get(path).status_code == 404, path


def edit_links(response) -> list[str]:
    return [a.attrs["href"] for a in parse(response).find_all("a", cls="cell-link")]


def test_an_artist_reads_the_grid_and_may_open_only_their_own_tasks(client, studio):
    login(client, studio, "ada")
    response = client.get(URL)
    mine = [studio.tasks[key].pk for key in [("SQ020_SH0005", "Animation"), ("SQ010_SH0010", "Animation")]]
    mine.append(studio.tasks[("SQ010_SH0020", "Animation")].pk)
    assert edit_links(response) == [f"/tasks/{pk}/cell/?edit=1" for pk in mine]
    page = parse(response)
    assert page.find_all("form", id="grid-bulk") == []
    assert page.find_all("input", id="grid-select-all") == []
    assert len(grid_rows(response)) == 5


def test_a_coordinator_may_open_every_task_and_has_the_bulk_bar(client, studio):
    login(client, studio, "cora")
    response = client.get(URL)
    assert len(edit_links(response)) == 7
    assert parse(response).find("form", id="grid-bulk").attrs["action"] == BULK_URL


def test_a_supervisor_may_open_their_departments_tasks(client, studio):
    login(client, studio, "sam")
    animation_tasks = [t for (shot, tt), t in studio.tasks.items() if tt == "Animation"]
    assert sorted(edit_links(client.get(URL))) == sorted(f"/tasks/{t.pk}/cell/?edit=1" for t in animation_tasks)


# --- Inline edit of a cell ------------------------------------------------------------------------------------


def cell_url(task) -> str:
    return f"/tasks/{task.pk}/cell/"


def test_the_editor_offers_status_bid_due_and_assignees_to_a_coordinator(client, studio):
    login(client, studio, "cora")
    task = studio.task("SQ010_SH0010", "Animation")
    response = client.get(cell_url(task), {"edit": "1"}, headers=HTMX)
    assert response.status_code == 200
    form = parse(response).find("form")
    assert (form.attrs["hx-post"], form.attrs["hx-include"]) == (cell_url(task), f"#select-{task.shot_id}")
    assert form.find("input", id=f"task-{task.pk}-row_version").attrs["value"] == "1"
    status = form.find("select", id=f"task-{task.pk}-status")
    assert [o.attrs["value"] for o in status.find_all("option")] == TaskStatus.values
    assert [o.attrs["value"] for o in status.find_all("option") if "selected" in o.attrs] == ["retake"]
    assert form.find("input", id=f"task-{task.pk}-bid_days").attrs["value"] == "2.50"
    assert form.find("input", id=f"task-{task.pk}-due_date").attrs["value"] == "2026-11-04"
    # The task's department first, then everyone else on the show (no client), by name.
    boxes = [label.text for label in form.find("fieldset").find_all("label")]
    assert boxes == ["Ada Arden", "Bea Brook", "Sam Sutter", "Cora Cole", "Lou Lumen"]
    assert [b.attrs["value"] for b in form.find("fieldset").find_all("input") if "checked" in b.attrs] == [
        str(studio.people["ada"].pk)
    ]


def test_an_artist_edits_only_the_status_of_their_own_task_among_artist_statuses(client, studio):
    login(client, studio, "ada")
    task = studio.task("SQ010_SH0010", "Animation")
    form = parse(client.get(cell_url(task), {"edit": "1"}, headers=HTMX)).find("form")
    assert "hx-include" not in form.attrs  # an artist's row has no selection box to refresh
    options = [o.attrs["value"] for o in form.find("select").find_all("option")]
    assert options == ["wip", "pending_review", "retake"]  # artist statuses, plus where the task is now
    assert form.find_all("fieldset") == [] and form.find_all("input", id=f"task-{task.pk}-bid_days") == []

    response = client.post(
        cell_url(task), {"row_version": 1, "status": "pending_review", "bid_days": "9"}, headers=HTMX
    )
    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.status, task.bid_days, task.row_version) == ("pending_review", Decimal("2.50"), 2)

    response = client.post(cell_url(task), {"row_version": 2, "status": "approved"}, headers=HTMX)
    assert response.status_code == 422
    assert [p.text for p in parse(response).find("div", cls="notice").find_all("p")] == [
        "Status: Select a valid choice. approved is not one of the available choices."
    ]


def test_an_artist_may_not_open_someone_elses_task(client, studio):
    login(client, studio, "ada")
    task = studio.task("SQ020_SH0010", "Animation")  # Bea's
    response = client.get(cell_url(task), {"edit": "1"}, headers=HTMX)
    assert response.status_code == 403
    assert parse(response).find("p", cls="notice").text == "You cannot change this task: it is not yours to edit."
    response = client.post(cell_url(task), {"row_version": 1, "status": "wip"}, headers=HTMX)
    assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).status == "retake"


def test_a_coordinator_saves_a_cell_and_gets_the_new_cell_back(client, studio):
    cora = login(client, studio, "cora")
    task = studio.task("SQ010_SH0010", "Animation")
    bea = studio.people["bea"]
    response = client.post(
        cell_url(task),
        {"row_version": 1, "status": "wip", "assignees": [bea.pk], "bid_days": "3.25", "due_date": "2026-11-20"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert parse(response).find("a", cls="cell-link").text == "WIP BB 20 Nov"
    task.refresh_from_db()
    assert (task.status, task.bid_days, task.due_date, task.row_version, task.updated_by) == (
        "wip",
        Decimal("3.25"),
        dt.date(2026, 11, 20),
        2,
        cora,
    )
    assert list(task.assignees.all()) == [bea]
    assert Activity.objects.get(task=task).changes == {
        "status": ["Retake", "WIP"],
        "bid_days": ["2.50", "3.25"],
        "due_date": ["2026-11-04", "2026-11-20"],
        "assignees": ["ada", "bea"],
    }


def test_saving_a_cell_refreshes_its_rows_selection_token(client, studio):
    login(client, studio, "cora")
    task = studio.task("SQ010_SH0010", "Animation")
    data = {"row_version": 1, "status": "wip", "bid_days": "2.5", "bulk-shot": "ticked"}
    response = client.post(cell_url(task), data, headers=HTMX)
    box = parse(response).find("input", id=f"select-{task.shot_id}")
    assert box.attrs["hx-swap-oob"] == "true"
    assert "checked" in box.attrs
    assert box.attrs["value"] == selectors.shot_selection_token(task.shot)
    assert f"{task.pk}.2" in box.attrs["value"]
    # On the cell's own page there is no row to refresh.
    response = client.post(
        cell_url(task),
        {"row_version": 2, "status": "wip", "bid_days": "2.5"},
        headers={**HTMX, "HX-Target": "task-cell-page"},
    )
    assert parse(response).find_all("input") == []


def test_a_stale_cell_says_who_changed_it_and_when_and_keeps_the_input(client, studio):
    login(client, studio, "cora")
    task = studio.task("SQ010_SH0010", "Animation")
    services.task_update(actor=studio.people["sam"], task=task, row_version=1, status="approved")
    Task.objects.filter(pk=task.pk).update(updated_at=at(2, 14, 5))

    response = client.post(
        cell_url(task), {"row_version": 1, "status": "wip", "bid_days": "6", "due_date": ""}, headers=HTMX
    )

    assert response.status_code == 409
    form = parse(response).find("form")
    notice = form.find("div", cls="stale")
    assert [p.text for p in notice.find_all("p")] == [
        "This task was changed by Sam Sutter at 2026-11-02 14:05 — reload to see their change.",
        "Now: Approved · Ada Arden · bid 2.50 d · due 4 Nov 2026. Your input is kept below.",
        "Reload",
    ]
    assert notice.find("a").attrs["hx-get"] == f"{cell_url(task)}?edit=1"
    status = form.find("select")
    assert [o.attrs["value"] for o in status.find_all("option") if "selected" in o.attrs] == ["wip"]
    assert form.find("input", id=f"task-{task.pk}-bid_days").attrs["value"] == "6"
    task.refresh_from_db()
    assert (task.status, task.bid_days, task.row_version) == ("approved", Decimal("2.50"), 2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"bid_days": "-1"}, "Bid (days): Ensure this value is greater than or equal to 0."),
        ({"bid_days": "lots"}, "Bid (days): Enter a number."),
        ({"due_date": "31/02/2026"}, "Due: Enter a valid date."),
        ({"due_date": "9999-12-31"}, "Due: Give a date between 1970 and 2999."),
        ({"assignees": ["999999"]}, "Assignees: Select a valid choice. 999999 is not one of the available choices."),
        ({"row_version": "x"}, "Row version: Enter a whole number."),
    ],
)
def test_bad_input_re_renders_the_editor_naming_the_field(client, studio, data, message):
    login(client, studio, "cora")
    task = studio.task("SQ010_SH0010", "Animation")
    response = client.post(cell_url(task), {"row_version": 1, "status": "wip", "bid_days": "2", **data}, headers=HTMX)
    assert response.status_code == 422
    assert [p.text for p in parse(response).find("div", cls="notice").find_all("p")] == [message]
    assert Task.objects.get(pk=task.pk).row_version == 1


def test_a_due_date_before_the_start_is_refused_by_the_service_and_named(client, studio):
    login(client, studio, "cora")
    task = studio.task("SQ010_SH0010", "Animation")
    Task.objects.filter(pk=task.pk).update(start_date=dt.date(2026, 11, 10), due_date=None)
    response = client.post(
        cell_url(task), {"row_version": 1, "status": "wip", "bid_days": "2", "due_date": "2026-11-09"}, headers=HTMX
    )
    assert response.status_code == 422
    assert [p.text for p in parse(response).find("div", cls="notice").find_all("p")] == [
        "Due: The due date must not be before the start date."
    ]
    task.refresh_from_db()
    assert (task.status, task.row_version) == ("retake", 1)


def test_without_javascript_the_cell_is_a_page_and_saving_returns_to_the_grid(client, studio):
    login(client, studio, "cora")
    task = studio.task("SQ010_SH0010", "Animation")
    page = client.get(cell_url(task), {"edit": "1"})
    assert parse(page).find("h1").text == "SQ010_SH0010 Animation"
    response = client.post(cell_url(task), {"row_version": 1, "status": "final", "bid_days": "2.5"})
    assert (response.status_code, response["Location"]) == (302, URL)
    assert [m.message for m in response.wsgi_request._messages] == ["SQ010_SH0010 Animation: saved."]


# --- Bulk edits ------------------------------------------------------------------------------------------------


def tokens(*shots: Shot) -> list[str]:
    return [selectors.shot_selection_token(shot) for shot in shots]


def bulk(client, action: str, shots: list[Shot] | list[str], task_type, **fields):
    data = {
        "bulk-action": action,
        "bulk-shot": [s if isinstance(s, str) else selectors.shot_selection_token(s) for s in shots],
        "bulk-task_type": task_type.pk,
        **{f"bulk-{name}": value for name, value in fields.items()},
    }
    return client.post(BULK_URL, data, headers=HTMX)


def notice(response) -> list[str]:
    return [p.text for p in parse(response).find("div", cls="notice").find_all("p")]


def test_bulk_status_changes_the_selected_shots_tasks_and_redraws_their_rows(client, studio):
    cora = login(client, studio, "cora")
    animation = studio.types["Animation"]
    picked = [studio.shots["SQ010_SH0010"], studio.shots["SQ020_SH0010"], studio.shots["SQ005_SH0010"]]
    # The tokens the grid drew are the ones a browser sends.
    page = parse(client.get(URL))
    sent = [page.find("input", id=f"select-{shot.pk}").attrs["value"] for shot in picked]
    assert sent == tokens(*picked)

    response = bulk(client, "status", sent, animation, status="approved")

    assert response.status_code == 200
    assert notice(response) == ["Set the status of 2 Animation tasks. 1 selected shot has no Animation task."]
    assert [
        (t.shot.code, t.status, t.row_version, t.updated_by)
        for t in Task.objects.filter(task_type=animation, shot__show=studio.show).order_by("shot__code")
    ] == [
        ("SQ010_SH0010", "approved", 2, cora),
        ("SQ010_SH0020", "wip", 1, None),
        ("SQ020_SH0005", "approved", 1, None),
        ("SQ020_SH0010", "approved", 2, cora),
    ]
    assert Activity.objects.filter(actor=cora, verb="changed").count() == 2
    # The selected rows come back out of band (inside <template>, so table rows survive the parse), still ticked,
    # with their new tokens.
    templates = parse(response).find_all("template")
    rows = [t.find("tr") for t in templates]
    assert [(tr.attrs["id"], tr.attrs["hx-swap-oob"]) for tr in rows] == [
        (f"shot-{studio.shots[code].pk}", "true") for code in ["SQ020_SH0010", "SQ010_SH0010", "SQ005_SH0010"]
    ]
    boxes = [tr.find("input") for tr in rows]
    assert all("checked" in box.attrs for box in boxes)
    assert [box.attrs["value"] for box in boxes] == tokens(
        studio.shots["SQ020_SH0010"], studio.shots["SQ010_SH0010"], studio.shots["SQ005_SH0010"]
    )


def test_bulk_refuses_everything_when_a_selected_task_changed_since_it_was_drawn(client, studio):
    login(client, studio, "cora")
    animation = studio.types["Animation"]
    picked = [studio.shots["SQ010_SH0010"], studio.shots["SQ010_SH0020"]]
    sent = tokens(*picked)
    bea_task = studio.task("SQ010_SH0020", "Animation")
    services.task_update(actor=studio.people["bea"], task=bea_task, row_version=1, status="pending_review")
    Task.objects.filter(pk=bea_task.pk).update(updated_at=at(3, 9, 30))

    response = bulk(client, "status", sent, animation, status="approved")

    assert response.status_code == 409
    assert notice(response) == [
        "Nothing was changed: SQ010_SH0020 Animation was changed by Bea Brook at 2026-11-03 09:30 — reload.",
        "These rows now show the current values: check them and apply again.",
        "Reload the grid",
    ]
    assert studio.task("SQ010_SH0010", "Animation").status == "retake"  # the other one untouched too
    assert studio.task("SQ010_SH0020", "Animation").status == "pending_review"
    (row,) = [t.find("tr") for t in parse(response).find_all("template")]
    assert row.attrs["id"] == f"shot-{bea_task.shot_id}"
    assert row.find("input").attrs["value"] == selectors.shot_selection_token(bea_task.shot)


def test_bulk_due_date_is_all_or_nothing_and_names_the_task_that_refused(client, studio):
    login(client, studio, "cora")
    animation = studio.types["Animation"]
    Task.objects.filter(pk=studio.tasks[("SQ010_SH0020", "Animation")].pk).update(
        start_date=dt.date(2026, 12, 1), due_date=None
    )
    picked = [studio.shots["SQ010_SH0010"], studio.shots["SQ010_SH0020"]]

    response = bulk(client, "due_date", picked, animation, due_date="2026-11-30")

    assert response.status_code == 422
    assert notice(response) == [
        "Nothing was changed:",
        "SQ010_SH0020 Animation: Due date: The due date must not be before the start date.",
        "Reload the grid",
    ]
    assert studio.task("SQ010_SH0010", "Animation").due_date == dt.date(2026, 11, 4)


def test_bulk_assignees_replaces_them(client, studio):
    login(client, studio, "cora")
    lou, sam = studio.people["lou"], studio.people["sam"]
    picked = [studio.shots["SQ010_SH0010"], studio.shots["SQ010_SH0020"]]
    response = bulk(client, "assignees", picked, studio.types["Animation"], assignees=[lou.pk, sam.pk])
    assert (response.status_code, notice(response)) == (200, ["Set the assignees of 2 Animation tasks."])
    for shot in ("SQ010_SH0010", "SQ010_SH0020"):
        assert sorted(p.username for p in studio.task(shot, "Animation").assignees.all()) == ["lou", "sam"]


def test_a_supervisor_bulk_outside_their_department_changes_nothing(client, studio):
    login(client, studio, "sam")
    picked = [studio.shots["SQ010_SH0010"], studio.shots["SQ020_SH0010"]]
    response = bulk(client, "status", picked, studio.types["Layout"], status="ready")
    assert response.status_code == 403
    assert notice(response)[0] == (
        "Nothing was changed: you cannot make this change on SQ020_SH0010 Layout, SQ010_SH0010 Layout."
    )
    assert studio.task("SQ010_SH0010", "Layout").status == "final"


def test_artists_and_clients_cannot_bulk_edit(client, studio):
    login(client, studio, "ada")
    response = bulk(client, "status", [studio.shots["SQ010_SH0010"]], studio.types["Animation"], status="wip")
    assert (response.status_code, notice(response)[0]) == (403, "You cannot change several shots at once on this show.")
    login(client, studio, "cleo")
    response = bulk(client, "status", [studio.shots["SQ010_SH0010"]], studio.types["Animation"], status="wip")
    assert response.status_code == 404
    assert studio.task("SQ010_SH0010", "Animation").status == "retake"


@pytest.mark.parametrize(
    ("action", "shots", "fields", "message"),
    [
        ("status", [], {"status": "wip"}, "Selection: Select at least one shot."),
        ("status", ["SQ010_SH0010"], {}, "Status: Choose the status to set."),
        ("due_date", ["SQ010_SH0010"], {"due_date": "soon"}, "Due date: Enter a valid date."),
        (
            "paint",
            ["SQ010_SH0010"],
            {},
            "Action: Select a valid choice. paint is not one of the available choices.",
        ),
        ("status", ["12:x.1"], {"status": "wip"}, "Selection: The selection is not valid any more; reload the grid."),
        ("status", ["KTL"], {"status": "wip"}, "Selection: some selected shots are not on this show."),
    ],
)
def test_bad_bulk_input_is_a_400_naming_the_field(client, studio, action, shots, fields, message):
    login(client, studio, "cora")
    other = Shot.objects.get(show__code="KTL")
    sent = [
        selectors.shot_selection_token(other)
        if code == "KTL"
        else code
        if ":" in code
        else tokens(studio.shots[code])[0]
        for code in shots
    ]
    response = bulk(client, action, sent, studio.types["Animation"], **fields)
    assert response.status_code == 400
    assert notice(response) == [message, "Reload the grid"]
    assert Task.objects.filter(row_version__gt=1).count() == 0


def test_bulk_assignees_needs_someone_to_assign(client, studio):
    login(client, studio, "cora")
    response = bulk(client, "assignees", [studio.shots["SQ010_SH0010"]], studio.types["Animation"])
    assert (response.status_code, notice(response)) == (
        400,
        ["Assignees: Tick at least one person to assign.", "Reload the grid"],
    )
    assert [p.username for p in studio.task("SQ010_SH0010", "Animation").assignees.all()] == ["ada"]


def test_a_bulk_of_too_many_shots_is_refused_with_a_message(client, studio, settings):
    login(client, studio, "cora")
    token = tokens(studio.shots["SQ010_SH0010"])[0]
    response = bulk(client, "status", [token] * 901, studio.types["Animation"], status="wip")
    assert (response.status_code, notice(response)[0]) == (400, "Selection: Select at most 900 shots at a time.")
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50  # beyond what Django parses: still a message, never a 500
    response = bulk(client, "status", [token] * 60, studio.types["Animation"], status="wip")
    assert (response.status_code, notice(response)[0]) == (400, "Selection: Select at most 900 shots at a time.")
    assert studio.task("SQ010_SH0010", "Animation").status == "retake"


def test_bulk_add_task_type_adds_the_missing_tasks_with_the_template_bid(client, studio):
    cora = login(client, studio, "cora")
    picked = [studio.shots["SQ010_SH0010"], studio.shots["SQ010_SH0020"], studio.shots["SQ005_SH0010"]]
    response = bulk(client, "add_task_type", picked, studio.types["Animation"])
    assert response.status_code == 200
    assert notice(response) == ["Added Animation to 1 shot. 2 shots had one already."]
    added = Task.objects.get(shot=studio.shots["SQ005_SH0010"], task_type=studio.types["Animation"])
    assert (added.status, added.bid_days, added.updated_by) == ("waiting", Decimal("4.50"), cora)
    assert list(Activity.objects.filter(task=added).values_list("verb", "actor__username")) == [("created", "cora")]
    assert "HX-Refresh" not in response  # Animation already has a column


def test_bulk_add_of_a_new_task_type_reloads_the_page_for_its_column(client, studio):
    login(client, studio, "cora")
    response = bulk(client, "add_task_type", [studio.shots["SQ005_SH0010"]], studio.types["Unused"])
    assert (response.status_code, response["HX-Refresh"]) == (200, "true")
    assert header(client.get(URL))[6:] == ["Layout", "Animation", "Lighting", "Unused"]


def test_bulk_without_javascript_goes_back_to_the_grid_with_a_message(client, studio):
    login(client, studio, "cora")
    data = {
        "bulk-action": "status",
        "bulk-shot": tokens(studio.shots["SQ010_SH0010"]),
        "bulk-task_type": studio.types["Lighting"].pk,
        "bulk-status": "approved",
        "next": "/shows/RBT/shots/?q=SQ010",
    }
    response = client.post(BULK_URL, data)
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/shots/?q=SQ010")
    assert [m.message for m in response.wsgi_request._messages] == ["Set the status of 1 Lighting task."]
    response = client.post(BULK_URL, {**data, "next": "https://evil.example/"})
    assert response["Location"] == URL  # never off-site


# --- The service behind "add a task type" ---------------------------------------------------------------------


def test_tasks_add_type_is_refused_whole_for_an_artist(studio):
    with pytest.raises(services.PermissionDenied):
        services.tasks_add_type(
            actor=studio.people["ada"], shots=[studio.shots["SQ005_SH0010"]], task_type=studio.types["Animation"]
        )
    assert not Task.objects.filter(shot=studio.shots["SQ005_SH0010"]).exists()


def test_tasks_add_type_creates_only_the_missing_tasks_and_marks_the_summary_stale(studio):
    ShowSummary.objects.update_or_create(show=studio.show, defaults={"is_stale": False})
    shots = [studio.shots["SQ010_SH0010"], studio.shots["SQ005_SH0010"], studio.shots["SQ005_SH0010"]]
    created = services.tasks_add_type(actor=studio.people["sam"], shots=shots, task_type=studio.types["Animation"])
    assert [(t.shot.code, t.task_type.name, t.bid_days) for t in created] == [
        ("SQ005_SH0010", "Animation", Decimal("4.50"))
    ]
    assert Task.objects.filter(shot__show=studio.show, task_type=studio.types["Animation"]).count() == 5
    with pytest.raises(services.PermissionDenied):  # Lighting is not the animation supervisor's department
        services.tasks_add_type(actor=studio.people["sam"], shots=shots, task_type=studio.types["Lighting"])
    assert ShowSummary.objects.get(show=studio.show).is_stale is True
    assert Task.objects.filter(task_type=studio.types["Lighting"]).count() == 1


# --- CSV export ---------------------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_export_is_the_grid_as_filtered_every_page_of_it(client, studio, monkeypatch):
    monkeypatch.setattr(grid_views, "PAGE_SIZE", 1)
    studio.shots["SQ010_SH0010"].description = "=HYPERLINK(evil)"
    studio.shots["SQ010_SH0010"].save()
    VersionFactory(task=studio.task("SQ010_SH0010", "Lighting"), number=4, author=studio.people["lou"])
    login(client, studio, "cora")
    response = client.get(CSV_URL, {"task_type": studio.types["Animation"].pk, "task_status": "retake", "cursor": "x"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="RBT-shots.csv"'
    head = ["Shot", "Sequence", "Status", "Cut in", "Cut out", "Frames", "Latest version", "Description"]
    for name in ["Layout", "Animation", "Lighting"]:
        head += [f"{name} status", f"{name} assignees", f"{name} bid (days)", f"{name} due"]
    assert read_csv(response) == [
        head,
        ["SQ020_SH0010", "SQ020", "On hold", "1009", "1108", "100", "", "Wide of the beach"]
        + ["Waiting", "", "2.50", "", "Retake", "Bea Brook", "2.50", "", "", "", "", ""],
        ["SQ010_SH0010", "SQ010", "Active", "1009", "1056", "48", "v004", "'=HYPERLINK(evil)"]
        + ["Final", "", "2.50", "", "Retake", "Ada Arden", "2.50", "2026-11-04", "WIP", "Lou Lumen", "2.50", ""],
    ]


def test_the_export_follows_the_sort_and_the_department_columns(client, studio):
    login(client, studio, "cora")
    response = client.get(CSV_URL, {"sort": "-length", "department": studio.types["Animation"].department_id})
    rows = read_csv(response)
    assert rows[0][8:] == ["Animation status", "Animation assignees", "Animation bid (days)", "Animation due"]
    assert [(row[0], row[8], row[9]) for row in rows[1:]] == [
        ("SQ020_SH0010", "Retake", "Bea Brook"),
        ("SQ010_SH0010", "Retake", "Ada Arden"),
        ("SQ010_SH0020", "WIP", "Ada Arden; Bea Brook"),
        ("SQ020_SH0005", "Approved", "Ada Arden"),
    ]


def test_a_bad_export_filter_is_a_400_naming_it(client, studio):
    login(client, studio, "cora")
    response = client.get(CSV_URL, {"shot_status": "lost"})
    assert response.status_code == 400
    assert response.content.decode() == (
        "The export could not use these filters:\n"
        "Shot status: Select a valid choice. lost is not one of the available choices.\n"
    )


# --- Queries: fixed, whatever the data size --------------------------------------------------------------------


def grow(studio: Studio, n: int) -> None:
    """n more shots, each with three tasks, two assignees on one of them, and two versions."""
    sequence = SequenceFactory(show=studio.show, order=50)
    ada, bea = studio.people["ada"], studio.people["bea"]
    for _ in range(n):
        shot = ShotFactory(sequence=sequence, description="grown")
        for name in ("Layout", "Animation", "Lighting"):
            task = TaskFactory(
                shot=shot, task_type=studio.types[name], assignees=[ada, bea] if name == "Lighting" else []
            )
        VersionFactory(task=task, author=ada)
        VersionFactory(task=task, author=bea)


def count_queries(client, path: str, params=None, headers=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {}, headers=headers or {})
    assert response.status_code == 200, path
    return len(captured.captured_queries)


# session, user, memberships, the show, then: columns, people, sequences (the filter form's choices),
# [the bulk bar's task types], the shots page, [the count], tasks, assignees, latest versions.
QUERY_CASES = [
    pytest.param("cora", URL, {}, 14, id="coordinator-page"),  # full pages: + the header's unread count
    pytest.param("cora", URL, HTMX, 12, id="coordinator-results"),
    pytest.param("cora", ROWS_URL, HTMX, 11, id="next-rows"),
    pytest.param("ada", URL, {}, 13, id="artist-page"),
    pytest.param("cora", CSV_URL, {}, 11, id="csv"),
]


@pytest.mark.parametrize(("who", "path", "headers", "expected"), QUERY_CASES)
def test_the_grid_makes_a_fixed_number_of_queries(client, studio, who, path, headers, expected):
    login(client, studio, who)
    params = {"q": "", "task_status": ""}
    grow(studio, 3)
    small = count_queries(client, path, params, headers)
    grow(studio, 30)
    large = count_queries(client, path, params, headers)
    assert (small, large) == (expected, expected)


def test_a_filtered_later_page_makes_the_same_number_of_queries(client, studio, monkeypatch):
    monkeypatch.setattr(grid_views, "PAGE_SIZE", 5)
    login(client, studio, "cora")
    grow(studio, 12)
    first = parse(client.get(URL, {"q": "SH", "sort": "-length"}))
    next_rows = first.find("tr", id="grid-more").attrs["hx-get"]
    assert count_queries(client, next_rows, headers=HTMX) == 11


def test_a_cell_and_its_editor_make_a_fixed_number_of_queries(client, studio):
    login(client, studio, "cora")
    task = studio.task("SQ010_SH0010", "Animation")
    # session, user, memberships, the task with its shot, show, sequence, type and department, its assignees;
    # the editor adds the show's people.
    assert count_queries(client, cell_url(task), headers=HTMX) == 5
    assert count_queries(client, cell_url(task), {"edit": "1"}, HTMX) == 6


def test_the_grid_export_imports_back_into_an_empty_show_with_the_same_frame_ranges(client, studio):
    """The CSV export round-trips: read by the cut importer into another show, it gives the same shots."""
    from shots.cut_import import cut_import_apply, cut_report
    from shots.editorial import read_shots_csv
    from tests.studio.factories import ShowFactory

    login(client, studio, "cora")
    response = client.get(CSV_URL)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    exported = body.decode("utf-8-sig")
    target = ShowFactory(code="RBT2")
    MembershipFactory(person=studio.people["cora"], show=target)
    cut = read_shots_csv(exported)
    cut_import_apply(actor=studio.people["cora"], show=target, report_or_entries=cut_report(show=target, cut=cut))

    def ranges(show):
        return sorted(
            Shot.objects.filter(show=show).values_list("code", "sequence__code", "cut_in", "cut_out", "status")
        )

    assert ranges(target) == ranges(studio.show)
    assert len(ranges(target)) == 5


# --- Start dates: inline and in bulk ---------------------------------------------------------------------------


def ev_generation(show) -> int:
    from schedules.models import EarnedValueState

    state = EarnedValueState.objects.filter(show=show).first()
    return state.generation if state else 0


def test_the_editor_edits_the_start_date_and_the_cell_shows_it(client, studio):
    login(client, studio, "cora")
    task = studio.task("SQ010_SH0010", "Animation")
    Task.objects.filter(pk=task.pk).update(start_date=dt.date(2026, 11, 2))
    form = parse(client.get(cell_url(task), {"edit": "1"}, headers=HTMX)).find("form")
    assert form.find("input", id=f"task-{task.pk}-start_date").attrs["value"] == "2026-11-02"
    data = {
        "row_version": 1,
        "status": "retake",
        "bid_days": "2.5",
        "start_date": "2026-11-03",
        "due_date": "2026-11-06",
    }
    response = client.post(cell_url(task), data, headers=HTMX)
    assert response.status_code == 200
    assert '<span class="due" title="Starts 3 Nov 2026">6 Nov</span>' in response.content.decode()
    task.refresh_from_db()
    assert (task.start_date, task.due_date, task.row_version) == (dt.date(2026, 11, 3), dt.date(2026, 11, 6), 2)
    assert ev_generation(studio.show) == 1
    # A start date alone shows in the cell too.
    response = client.post(cell_url(task), {**data, "row_version": 2, "due_date": ""}, headers=HTMX)
    assert '<span class="due">from 3 Nov</span>' in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"start_date": "2026-11-10", "due_date": "2026-11-09"},
            "Due: The due date must not be before the start date.",
        ),
        ({"start_date": "2026-13-01", "due_date": "2026-11-09"}, "Start: Enter a valid date."),
    ],
)
def test_a_due_date_before_the_start_date_in_the_editor_names_the_field(client, studio, data, message):
    login(client, studio, "cora")
    task = studio.task("SQ010_SH0010", "Animation")
    response = client.post(cell_url(task), {"row_version": 1, "status": "wip", "bid_days": "2", **data}, headers=HTMX)
    assert response.status_code == 422
    assert notice(response) == [message]
    task.refresh_from_db()
    assert (task.start_date, task.due_date, task.row_version) == (None, dt.date(2026, 11, 4), 1)


def test_an_editor_that_does_not_send_the_start_date_keeps_it(client, studio):
    login(client, studio, "cora")
    task = studio.task("SQ010_SH0010", "Animation")
    Task.objects.filter(pk=task.pk).update(start_date=dt.date(2026, 11, 2))
    response = client.post(
        cell_url(task), {"row_version": 1, "status": "wip", "bid_days": "2", "due_date": "2026-11-20"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.start_date, task.due_date) == (dt.date(2026, 11, 2), dt.date(2026, 11, 20))


def test_artists_get_no_start_date_field(client, studio):
    login(client, studio, "ada")
    task = studio.task("SQ010_SH0010", "Animation")
    form = parse(client.get(cell_url(task), {"edit": "1"}, headers=HTMX)).find("form")
    assert form.find_all("input", id=f"task-{task.pk}-start_date") == []
    response = client.post(
        cell_url(task), {"row_version": 1, "status": "wip", "start_date": "2026-11-01"}, headers=HTMX
    )
    assert response.status_code == 200
    assert studio.task("SQ010_SH0010", "Animation").start_date is None


def test_bulk_start_date_sets_the_selected_tasks(client, studio):
    login(client, studio, "cora")
    picked = [studio.shots["SQ010_SH0010"], studio.shots["SQ010_SH0020"], studio.shots["SQ020_SH0010"]]
    response = bulk(client, "start_date", picked, studio.types["Animation"], start_date="2026-11-02")
    assert (response.status_code, notice(response)) == (200, ["Set the start date of 3 Animation tasks."])
    for shot in ("SQ010_SH0010", "SQ010_SH0020", "SQ020_SH0010"):
        assert studio.task(shot, "Animation").start_date == dt.date(2026, 11, 2)
    assert ev_generation(studio.show) == 1
    page = parse(client.get(URL))
    buttons = [
        b.text for b in page.find("form", id="grid-bulk").find_all("button") if b.attrs.get("value") == "start_date"
    ]
    assert buttons == ["Set start date"]
    assert page.find("input", id="bulk-start_date").attrs["type"] == "date"


def test_bulk_start_date_after_a_due_date_changes_nothing_and_names_the_start_date(client, studio):
    login(client, studio, "cora")
    picked = [studio.shots["SQ010_SH0010"], studio.shots["SQ010_SH0020"], studio.shots["SQ020_SH0010"]]
    response = bulk(client, "start_date", picked, studio.types["Animation"], start_date="2026-11-10")
    assert response.status_code == 422
    assert notice(response) == [
        "Nothing was changed:",
        "SQ010_SH0010 Animation: Start date: it is due on Wed 4 Nov 2026, before this start date.",
        "Reload the grid",
    ]
    assert [studio.task(s.code, "Animation").start_date for s in picked] == [None, None, None]
    assert ev_generation(studio.show) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [({}, "Start date: Choose the start date to set."), ({"start_date": "soon"}, "Start date: Enter a valid date.")],
)
def test_bulk_start_date_bad_input_names_the_field(client, studio, fields, message):
    login(client, studio, "cora")
    response = bulk(client, "start_date", [studio.shots["SQ010_SH0010"]], studio.types["Animation"], **fields)
    assert response.status_code == 400
    assert notice(response)[0] == message


def test_bulk_bid_sets_the_selected_tasks_bids(client, studio):
    login(client, studio, "cora")
    picked = [studio.shots["SQ010_SH0010"], studio.shots["SQ010_SH0020"]]
    response = bulk(client, "bid_days", picked, studio.types["Animation"], bid_days="3.75")
    assert (response.status_code, notice(response)) == (200, ["Set the bid of 2 Animation tasks."])
    assert [studio.task(s.code, "Animation").bid_days for s in picked] == [Decimal("3.75")] * 2
    assert ev_generation(studio.show) == 1
    response = bulk(client, "bid_days", picked[:1], studio.types["Animation"], bid_days="0")
    assert (response.status_code, studio.task("SQ010_SH0010", "Animation").bid_days) == (200, Decimal("0"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Bid (days): Give the bid to set, in days."),
        ({"bid_days": "-1"}, "Bid (days): Ensure this value is greater than or equal to 0."),
        ({"bid_days": "NaN"}, "Bid (days): Enter a number."),
        ({"bid_days": "1.234"}, "Bid (days): Ensure that there are no more than 2 decimal places."),
    ],
)
def test_bulk_bid_bad_input_names_the_field(client, studio, fields, message):
    login(client, studio, "cora")
    response = bulk(client, "bid_days", [studio.shots["SQ010_SH0010"]], studio.types["Animation"], **fields)
    assert response.status_code == 400
    assert notice(response)[0] == message
    assert studio.task("SQ010_SH0010", "Animation").bid_days == Decimal("2.50")
