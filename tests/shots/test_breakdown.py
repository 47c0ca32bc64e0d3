"""Breakdown editing: the show's breakdown page, creating and editing sequences and shots, omitting and restoring
shots (with their tasks), and the per-show task template that new shots get."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shots import services
from shots.models import Activity, BreakdownStatus, Sequence, Shot, Task, TaskTemplateItem
from shots.workflow import TaskStatus
from studio.models import Role, ShowSummary
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory
from tests.studio.test_csp import EXPECTED_POLICY, inspect, policy
from tests.studio.test_views import body_rows, parse

pytestmark = pytest.mark.django_db


def member(show, role, **fields):
    person = PersonFactory(role=role, **fields)
    MembershipFactory(person=person, show=show)
    return person


@pytest.fixture
def show():
    return ShowFactory(code="RBT", name="Robot Holiday", default_head_in=1001, default_handles=8)


@pytest.fixture
def people(show):
    return {
        role: member(show, role, username=role, first_name=role.title(), last_name="Person")
        for role in (
            Role.ARTIST,
            Role.SUPERVISOR,
            Role.COORDINATOR,
            Role.PRODUCTION_MANAGER,
            Role.PRODUCER,
            Role.CLIENT,
        )
    }


@pytest.fixture
def types():
    animation = DepartmentFactory(name="Animation", code="ANI", order=4)
    lighting = DepartmentFactory(name="Lighting", code="LGT", order=6)
    layout = DepartmentFactory(name="Layout", code="LAY", order=2)
    return {
        "layout": TaskTypeFactory(name="Layout", department=layout, order=2),
        "animation": TaskTypeFactory(name="Animation", department=animation, order=4),
        "lighting": TaskTypeFactory(name="Lighting", department=lighting, order=6),
    }


@pytest.fixture
def coordinator(client, people):
    client.force_login(people[Role.COORDINATOR])
    return people[Role.COORDINATOR]


def form_errors(response) -> dict[str, list[str]]:
    """{field name: messages} as the page shows them, '__all__' for form-wide ones; {} when there are none."""
    form = response.context["form"]
    return {name: list(messages) for name, messages in form.errors.items()}


def summary_lines(response) -> list[str]:
    return [li.text for li in parse(response).find("div", id="error-summary").find_all("li")]


# --- The breakdown page ----------------------------------------------------------------------------------------


@pytest.fixture
def breakdown(show, types):
    sq010 = SequenceFactory(show=show, code="SQ010", name="Opening", order=1)
    sq020 = SequenceFactory(show=show, code="SQ020", name="Chase", order=2)
    SequenceFactory(show=show, code="SQ030", name="Cut scene", order=3, status=BreakdownStatus.OMITTED)
    sh40 = ShotFactory(sequence=sq010, code="SQ010_SH0040", cut_in=1009, cut_out=1056, description="Robot waves")
    ShotFactory(sequence=sq010, code="SQ010_SH0010", cut_in=1009, cut_out=1108)
    ShotFactory(sequence=sq010, code="SQ010_SH0090", cut_in=1009, cut_out=1020, status=BreakdownStatus.OMITTED)
    ShotFactory(sequence=sq020, code="SQ020_SH0010", cut_in=1009, cut_out=1032)
    TaskFactory(shot=sh40, task_type=types["animation"], status=TaskStatus.APPROVED)
    TaskFactory(shot=sh40, task_type=types["lighting"], status=TaskStatus.WIP)
    TaskFactory(shot=sh40, task_type=types["layout"], status=TaskStatus.OMITTED)
    return {"SQ010": sq010, "SQ020": sq020}


def test_breakdown_lists_sequences_with_counts_and_the_first_sequences_shots(client, coordinator, breakdown):
    response = client.get("/shows/RBT/breakdown/")
    assert response.status_code == 200
    page = parse(response)
    assert page.find("h1").text == "RBT breakdown"
    assert body_rows(page.find("table", id="sequence-table")) == [
        ["SQ010", "Opening", "Active", "2", "1", "148", "Edit · Add shot"],
        ["SQ020", "Chase", "Active", "1", "0", "24", "Edit · Add shot"],
        ["SQ030", "Cut scene", "Omitted", "0", "0", "0", "Edit · Add shot"],
    ]
    first_row_actions = page.find("table", id="sequence-table").find_all("td", cls="row-actions")[0].find_all("a")
    assert [(a.attrs["aria-label"], a.attrs["href"]) for a in first_row_actions] == [
        ("Edit SQ010", "/shows/RBT/breakdown/sequences/SQ010/edit/"),
        ("Add a shot to SQ010", "/shows/RBT/breakdown/shots/new/?sequence=SQ010"),
    ]
    assert page.find("h2").text == "Shots in SQ010 Opening"
    shots = page.find("table", id="shot-table")
    assert body_rows(shots) == [
        ["SQ010_SH0010", "1009–1108", "100", "Active", "0 / 0", ""],
        ["SQ010_SH0040", "1009–1056", "48", "Active", "1 / 2", "Robot waves"],
        ["SQ010_SH0090", "1009–1020", "12", "Omitted", "0 / 0", ""],
    ]
    assert [a.attrs["href"] for a in shots.find_all("a")] == [
        "/shows/RBT/shot/SQ010_SH0010/",
        "/shows/RBT/shot/SQ010_SH0040/",
        "/shows/RBT/shot/SQ010_SH0090/",
    ]
    assert [a.attrs["href"] for a in page.find("div", cls="actions").find_all("a")] == [
        "/shows/RBT/breakdown/sequences/new/",
        "/shows/RBT/breakdown/shots/new/?sequence=SQ010",
        "/shows/RBT/task-template/",
    ]


def test_choosing_a_sequence_shows_its_shots_and_htmx_gets_only_the_breakdown(client, coordinator, breakdown):
    page = parse(client.get("/shows/RBT/breakdown/?sequence=SQ020"))
    assert body_rows(page.find("table", id="shot-table")) == [
        ["SQ020_SH0010", "1009–1032", "24", "Active", "0 / 0", ""]
    ]
    link = page.find("a", id="seq-SQ020")
    assert (link.attrs["href"], link.attrs["hx-get"], link.attrs["hx-target"], link.attrs["aria-current"]) == (
        "?sequence=SQ020",
        "?sequence=SQ020",
        "#breakdown",
        "true",
    )

    partial = client.get("/shows/RBT/breakdown/?sequence=SQ020", headers={"HX-Request": "true"})
    html = partial.content.decode().strip()
    assert html.startswith('<div id="breakdown">') and html.endswith("</div>")
    for full_page_marker in ("<html", "<nav", "<h1"):
        assert full_page_marker not in html
    assert partial["Vary"] == "HX-Request, Cookie"


def test_a_long_sequence_lists_its_first_shots_and_says_so(client, coordinator, breakdown, monkeypatch):
    from shots import selectors

    monkeypatch.setattr(selectors, "BREAKDOWN_SHOT_LIMIT", 2)
    page = parse(client.get("/shows/RBT/breakdown/"))
    assert [row[0] for row in body_rows(page.find("table", id="shot-table"))] == ["SQ010_SH0010", "SQ010_SH0040"]
    assert page.find("section", id="sequence-shots").find("p", cls="hint").text == "Showing the first 2 shots of SQ010."


def test_an_unknown_sequence_falls_back_to_the_first(client, coordinator, breakdown):
    page = parse(client.get("/shows/RBT/breakdown/?sequence=NOPE"))
    assert page.find("h2").text == "Shots in SQ010 Opening"


def test_an_empty_show_offers_to_create_the_first_sequence(client, coordinator):
    page = parse(client.get("/shows/RBT/breakdown/"))
    assert body_rows(page.find("table", id="sequence-table")) == [["No sequences yet. Create the first one."]]
    assert page.find_all("table", id="shot-table") == []


@pytest.mark.parametrize("role", [Role.ARTIST, Role.SUPERVISOR])
def test_staff_who_cannot_edit_see_the_breakdown_without_edit_links(client, people, breakdown, role):
    client.force_login(people[role])
    page = parse(client.get("/shows/RBT/breakdown/"))
    assert body_rows(page.find("table", id="sequence-table"))[0] == ["SQ010", "Opening", "Active", "2", "1", "148"]
    assert [a.text for a in page.find("div", cls="actions").find_all("a")] == ["Task template"]
    hrefs = [a.attrs["href"] for a in page.find("main").find_all("a")]
    assert [href for href in hrefs if "/edit/" in href or "/new/" in href] == []
    assert "/shows/RBT/shot/SQ010_SH0040/" in hrefs


def test_breakdown_pages_need_no_inline_code(client, coordinator, breakdown, types):
    services.task_template_set(actor=coordinator, show=breakdown["SQ010"].show, items={types["animation"]: 1})
    for path in (
        "/shows/RBT/breakdown/",
        "/shows/RBT/breakdown/sequences/new/",
        "/shows/RBT/breakdown/sequences/SQ010/edit/",
        "/shows/RBT/breakdown/shots/new/",
        "/shows/RBT/shot/SQ010_SH0040/edit/",
        "/shows/RBT/task-template/",
    ):
        response = client.get(path)
        assert (response.status_code, policy(response), inspect(response).problems) == (200, EXPECTED_POLICY, []), path


def count_queries(client, path: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == 200
    return len(captured.captured_queries)


def grow_breakdown(show, n: int) -> None:
    sequence = SequenceFactory(show=show)
    first = Sequence.objects.filter(show=show).order_by("order", "code").first()
    for _ in range(n):
        TaskFactory(shot=ShotFactory(sequence=sequence))
        TaskFactory(shot=ShotFactory(sequence=first))


# session, user, memberships, show, sequences with counts, the selected sequence's shots with task counts
# (+ the header's unread count on a full page)
@pytest.mark.parametrize(("headers", "expected"), [({}, 7), ({"HX-Request": "true"}, 6)], ids=["page", "partial"])
def test_breakdown_makes_a_fixed_number_of_queries(client, coordinator, show, headers, expected):
    SequenceFactory(show=show, code="SQ001")
    grow_breakdown(show, 2)
    small = count_queries(client, "/shows/RBT/breakdown/", **headers)
    grow_breakdown(show, 20)
    large = count_queries(client, "/shows/RBT/breakdown/", **headers)
    assert (small, large) == (expected, expected)


# --- Sequences ------------------------------------------------------------------------------------------------


def test_creating_a_sequence_goes_back_to_the_breakdown_with_it_open(client, coordinator, show):
    response = client.post("/shows/RBT/breakdown/sequences/new/", {"code": " SQ010 ", "name": "Opening"})
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/breakdown/?sequence=SQ010")
    assert list(Sequence.objects.filter(show=show).values_list("code", "name", "status")) == [
        ("SQ010", "Opening", "active")
    ]
    page = parse(client.get(response["Location"]))
    assert [li.text for li in page.find("ul", cls="messages").find_all("li")] == ["Sequence SQ010 created."]


def test_a_taken_sequence_code_is_named_and_nothing_is_written(client, coordinator, show):
    SequenceFactory(show=show, code="SQ010")
    response = client.post("/shows/RBT/breakdown/sequences/new/", {"code": "SQ010", "name": "Again"})
    assert response.status_code == 200
    assert form_errors(response) == {"code": ["The show already has a sequence SQ010."]}
    assert summary_lines(response) == ["Code: The show already has a sequence SQ010."]
    assert Sequence.objects.filter(show=show).count() == 1


def test_a_bad_sequence_code_is_refused_with_the_rule(client, coordinator, show):
    response = client.post("/shows/RBT/breakdown/sequences/new/", {"code": "SQ 010/x", "name": ""})
    assert form_errors(response) == {"code": ["Use letters, digits, '_', '-' or '.', starting with a letter or digit."]}
    assert Sequence.objects.count() == 0
    page = parse(response)
    code_input = page.find("input", id="id_code")
    assert (code_input.attrs["value"], code_input.attrs["aria-invalid"]) == ("SQ 010/x", "true")


def test_editing_a_sequence_renames_and_omits_it(client, coordinator, show):
    sequence = SequenceFactory(show=show, code="SQ010", name="Opening")
    ShotFactory(sequence=sequence, code="SQ010_SH0010")
    page = parse(client.get("/shows/RBT/breakdown/sequences/SQ010/edit/"))
    assert page.find("input", id="id_code").attrs["value"] == "SQ010"
    assert page.find("select", id="id_status").find_all("option")[0].attrs == {"value": "active", "selected": ""}

    response = client.post(
        "/shows/RBT/breakdown/sequences/SQ010/edit/", {"code": "SQ015", "name": "New opening", "status": "omitted"}
    )
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/breakdown/?sequence=SQ015")
    sequence.refresh_from_db()
    assert (sequence.code, sequence.name, sequence.status) == ("SQ015", "New opening", "omitted")
    assert Shot.objects.get(code="SQ010_SH0010").status == "active"  # documented: shots are omitted one by one


def test_editing_a_sequence_to_a_taken_code_is_refused(client, coordinator, show):
    SequenceFactory(show=show, code="SQ010")
    SequenceFactory(show=show, code="SQ020")
    response = client.post(
        "/shows/RBT/breakdown/sequences/SQ020/edit/", {"code": "SQ010", "name": "", "status": "active"}
    )
    assert form_errors(response) == {"code": ["The show already has a sequence SQ010."]}
    assert sorted(Sequence.objects.values_list("code", flat=True)) == ["SQ010", "SQ020"]


def test_a_sequence_of_another_show_is_not_found(client, coordinator):
    SequenceFactory(show=ShowFactory(code="OTH"), code="SQ090")
    assert client.get("/shows/RBT/breakdown/sequences/SQ090/edit/").status_code == 404


# --- Creating shots ---------------------------------------------------------------------------------------------


@pytest.fixture
def sq010(show):
    return SequenceFactory(show=show, code="SQ010", name="Opening")


def shot_post(**fields):
    data = {
        "sequence": "SQ010",
        "code": "SQ010_SH0040",
        "cut_in": "",
        "cut_out": "",
        "frame_count": "48",
        "head_handles": "8",
        "tail_handles": "8",
        "description": "",
        "with_template": "on",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def test_the_new_shot_form_starts_from_the_chosen_sequence_and_the_shows_defaults(client, coordinator, sq010):
    SequenceFactory(show=sq010.show, code="SQ020")
    SequenceFactory(show=sq010.show, code="SQ030", status=BreakdownStatus.OMITTED)  # takes no new shots
    page = parse(client.get("/shows/RBT/breakdown/shots/new/?sequence=SQ020"))
    options = page.find("select", id="id_sequence").find_all("option")
    assert [(o.attrs["value"], o.text, "selected" in o.attrs) for o in options] == [
        ("", "Choose a sequence", False),
        ("SQ010", "SQ010 — Opening", False),
        ("SQ020", "SQ020", True),
    ]
    assert page.find("input", id="id_head_handles").attrs["value"] == "8"
    assert page.find("input", id="id_tail_handles").attrs["value"] == "8"
    assert "checked" in page.find("input", id="id_with_template").attrs
    assert page.find("small", id="id_cut_in_helptext").text == "Empty: head in 1001 + the head handles (1009 with 8)."
    assert page.find_all("select", id="id_status") == []


def test_creating_a_shot_from_a_frame_count_applies_the_defaults_and_the_template(client, coordinator, sq010, types):
    services.task_template_set(
        actor=coordinator, show=sq010.show, items={types["animation"]: Decimal("4.5"), types["layout"]: Decimal("1")}
    )
    response = client.post("/shows/RBT/breakdown/shots/new/", shot_post(code="SQ010_SH0040", description="Waves"))
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/shot/SQ010_SH0040/")
    shot = Shot.objects.get(code="SQ010_SH0040")
    assert (shot.sequence, shot.cut_in, shot.cut_out, shot.head_in, shot.tail_out, shot.description) == (
        sq010,
        1009,
        1056,
        1001,
        1064,
        "Waves",
    )
    assert [(t.task_type.name, t.bid_days, t.status) for t in shot.tasks.order_by("task_type__order")] == [
        ("Layout", Decimal("1.00"), "waiting"),
        ("Animation", Decimal("4.50"), "waiting"),
    ]
    page = parse(client.get(response["Location"]))
    assert [li.text for li in page.find("ul", cls="messages").find_all("li")] == [
        "Shot SQ010_SH0040 created with 2 tasks."
    ]


def test_creating_a_shot_without_the_template_adds_no_tasks(client, coordinator, sq010, types):
    TaskTemplateItem.objects.create(show=sq010.show, task_type=types["animation"])
    post = shot_post(with_template=None)  # an unticked checkbox sends nothing
    assert client.post("/shows/RBT/breakdown/shots/new/", post).status_code == 302
    assert Task.objects.filter(shot__code="SQ010_SH0040").count() == 0


def test_a_shot_takes_cut_in_cut_out_and_its_own_handles(client, coordinator, sq010):
    post = shot_post(code="0040", cut_in="101", cut_out="148", frame_count="", head_handles="0", tail_handles="12")
    assert client.post("/shows/RBT/breakdown/shots/new/", post).status_code == 302
    shot = Shot.objects.get(code="0040")  # the leading zero is kept
    assert (shot.cut_in, shot.cut_out, shot.head_in, shot.tail_out) == (101, 148, 101, 160)


def test_an_empty_cut_in_follows_the_shows_head_in_and_the_given_handles(client, coordinator, sq010):
    post = shot_post(head_handles="12", tail_handles="4", frame_count="10")
    assert client.post("/shows/RBT/breakdown/shots/new/", post).status_code == 302
    shot = Shot.objects.get(code="SQ010_SH0040")
    assert (shot.head_in, shot.cut_in, shot.cut_out, shot.tail_out) == (1001, 1013, 1022, 1026)


def test_cut_out_and_a_matching_frame_count_are_accepted_together(client, coordinator, sq010):
    post = shot_post(cut_in="1009", cut_out="1056", frame_count="48")
    assert client.post("/shows/RBT/breakdown/shots/new/", post).status_code == 302


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"frame_count": ""}, {"cut_out": ["Give cut out or a frame count."]}),
        (
            {"cut_in": "1009", "cut_out": "1056", "frame_count": "50"},
            {
                "frame_count": [
                    "50 frames does not match cut in 1009 to cut out 1056 (48 frames): "
                    "give cut out or a frame count, not both."
                ]
            },
        ),
        (
            {"cut_in": "1009", "cut_out": "1000", "frame_count": ""},
            {"cut_out": ["Cut out must not be before cut in (1009)."]},
        ),
        (
            {"cut_out": "1000", "frame_count": "50"},
            {"cut_out": ["Cut out must not be before cut in (1009)."]},
        ),
        ({"sequence": ""}, {"sequence": ["This field is required."]}),
        ({"frame_count": "0"}, {"frame_count": ["Ensure this value is greater than or equal to 1."]}),
        ({"frame_count": "lots"}, {"frame_count": ["Enter a whole number."]}),
        ({"cut_in": "99999999999"}, {"cut_in": ["Ensure this value is less than or equal to 9999999."]}),
        ({"head_handles": "-1"}, {"head_handles": ["Ensure this value is greater than or equal to 0."]}),
        ({"code": ""}, {"code": ["This field is required."]}),
        (
            {"code": "SQ010 SH0040"},
            {"code": ["Use letters, digits, '_', '-' or '.', starting with a letter or digit."]},
        ),
        (
            {"sequence": "SQ999"},
            {"sequence": ["Select a valid choice. That choice is not one of the available choices."]},
        ),
    ],
    ids=[
        "no-length",
        "length-mismatch",
        "out-before-in",
        "out-before-default-in",
        "no-sequence",
        "zero-frames",
        "not-a-number",
        "frame-out-of-range",
        "negative-handles",
        "no-code",
        "bad-code",
        "unknown-sequence",
    ],
)
def test_bad_shot_input_is_named_and_nothing_is_written(client, coordinator, sq010, fields, errors):
    response = client.post("/shows/RBT/breakdown/shots/new/", shot_post(**fields))
    assert response.status_code == 200
    assert form_errors(response) == errors
    assert Shot.objects.count() == 0
    assert Activity.objects.count() == 0
    assert inspect(response).problems == []


def test_a_taken_shot_code_is_named_by_the_service_and_nothing_is_written(client, coordinator, sq010, types):
    ShotFactory(sequence=sq010, code="SQ010_SH0040")
    TaskTemplateItem.objects.create(show=sq010.show, task_type=types["animation"])
    response = client.post("/shows/RBT/breakdown/shots/new/", shot_post())
    assert form_errors(response) == {"code": ["The show already has a shot SQ010_SH0040."]}
    assert summary_lines(response) == ["Code: The show already has a shot SQ010_SH0040."]
    page = parse(response)
    assert page.find("div", id="error-summary").find("a").attrs["href"] == "#id_code"
    assert (Shot.objects.count(), Task.objects.count()) == (1, 0)


def test_a_sequence_of_another_show_cannot_be_chosen(client, coordinator, sq010):
    SequenceFactory(show=ShowFactory(code="OTH"), code="SQ090")
    response = client.post("/shows/RBT/breakdown/shots/new/", shot_post(sequence="SQ090"))
    assert list(form_errors(response)) == ["sequence"]
    assert Shot.objects.count() == 0


@pytest.mark.parametrize("role", [Role.ARTIST, Role.SUPERVISOR])
def test_staff_who_cannot_edit_the_breakdown_are_refused(client, people, sq010, role):
    ShotFactory(sequence=sq010, code="SQ010_SH0010")
    client.force_login(people[role])
    for path, post in [
        ("/shows/RBT/breakdown/shots/new/", shot_post()),
        ("/shows/RBT/breakdown/sequences/new/", {"code": "SQ020"}),
        ("/shows/RBT/breakdown/sequences/SQ010/edit/", {"code": "SQ011", "status": "active"}),
        ("/shows/RBT/shot/SQ010_SH0010/edit/", shot_post(code="SQ010_SH0011", status="active")),
        ("/shows/RBT/shot/SQ010_SH0010/omit/", {}),
        ("/shows/RBT/shot/SQ010_SH0010/restore/", {}),
        ("/shows/RBT/task-template/", {}),
    ]:
        assert client.post(path, post).status_code == 403, path
    assert list(Shot.objects.values_list("code", "status")) == [("SQ010_SH0010", "active")]
    assert list(Sequence.objects.values_list("code", flat=True)) == ["SQ010"]


def test_clients_get_a_404_on_every_breakdown_page(client, people, sq010):
    ShotFactory(sequence=sq010, code="SQ010_SH0010")
    client.force_login(people[Role.CLIENT])
    assert client.post("/shows/RBT/breakdown/shots/new/", shot_post()).status_code == 404
    assert client.post("/shows/RBT/shot/SQ010_SH0010/omit/").status_code == 404
    assert Shot.objects.get().status == "active"


# --- Editing shots ------------------------------------------------------------------------------------------------


@pytest.fixture
def sh40(coordinator, sq010):
    return services.shot_create(actor=coordinator, sequence=sq010, code="SQ010_SH0040", frame_count=48)


def test_the_edit_form_starts_from_the_shot(client, coordinator, sh40):
    page = parse(client.get("/shows/RBT/shot/SQ010_SH0040/edit/"))
    values = {
        name: page.find("input", id=f"id_{name}").attrs.get("value")
        for name in ("code", "cut_in", "cut_out", "frame_count", "head_handles", "tail_handles")
    }
    assert values == {
        "code": "SQ010_SH0040",
        "cut_in": "1009",
        "cut_out": "1056",
        "frame_count": None,
        "head_handles": "8",
        "tail_handles": "8",
    }
    statuses = page.find("select", id="id_status").find_all("option")
    assert [o.attrs["value"] for o in statuses] == ["active", "on_hold", "final"]  # omit has its own button
    assert page.find_all("input", id="id_with_template") == []


def test_editing_a_shot_changes_its_range_handles_sequence_and_records_it(client, coordinator, sh40, show):
    SequenceFactory(show=show, code="SQ020")
    post = shot_post(
        sequence="SQ020",
        code="SQ020_SH0040",
        cut_in="1009",
        cut_out="1060",
        frame_count="",
        head_handles="8",
        tail_handles="10",
        description="Now longer",
        status="on_hold",
    )
    response = client.post("/shows/RBT/shot/SQ010_SH0040/edit/", post)
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/shot/SQ020_SH0040/")
    sh40.refresh_from_db()
    assert (sh40.sequence.code, sh40.code, sh40.cut_in, sh40.cut_out, sh40.head_in, sh40.tail_out, sh40.status) == (
        "SQ020",
        "SQ020_SH0040",
        1009,
        1060,
        1001,
        1070,
        "on_hold",
    )
    page = parse(client.get(response["Location"]))
    assert [li.text.rsplit(" · ", 1)[0] for li in page.find("ol", id="activity-list").find_all("li")] == [
        "Coordinator Person changed the shot: code SQ010_SH0040 → SQ020_SH0040, cut out 1056 → 1060, "
        "description — → Now longer, status Active → On hold, tail out 1064 → 1070",
        "Coordinator Person changed the shot: sequence SQ010 → SQ020",
        "Coordinator Person created the shot",
    ]


def test_a_frame_count_can_replace_cut_out_on_edit(client, coordinator, sh40):
    post = shot_post(cut_in="1009", cut_out="", frame_count="24", status="active")
    assert client.post("/shows/RBT/shot/SQ010_SH0040/edit/", post).status_code == 302
    sh40.refresh_from_db()
    assert (sh40.cut_out, sh40.tail_out) == (1032, 1040)


def test_saving_an_unchanged_shot_records_nothing(client, coordinator, sh40):
    post = shot_post(cut_in="1009", cut_out="1056", frame_count="", status="active")
    assert client.post("/shows/RBT/shot/SQ010_SH0040/edit/", post).status_code == 302
    assert list(Activity.objects.filter(shot=sh40).values_list("verb", flat=True)) == ["created"]


def test_a_bad_edit_is_named_and_leaves_the_shot_as_it_was(client, coordinator, sh40, show):
    SequenceFactory(show=show, code="SQ020")
    ShotFactory(sequence=sh40.sequence, code="SQ010_SH0050")
    post = shot_post(
        sequence="SQ020", code="SQ010_SH0050", cut_in="1009", cut_out="1070", frame_count="", status="final"
    )
    response = client.post("/shows/RBT/shot/SQ010_SH0040/edit/", post)
    assert form_errors(response) == {"code": ["The show already has a shot SQ010_SH0050."]}
    sh40.refresh_from_db()
    assert (sh40.sequence.code, sh40.code, sh40.cut_out, sh40.status) == ("SQ010", "SQ010_SH0040", 1056, "active")
    assert list(Activity.objects.filter(shot=sh40).values_list("verb", flat=True)) == ["created"]  # move rolled back


def test_cut_in_is_required_on_edit(client, coordinator, sh40):
    response = client.post("/shows/RBT/shot/SQ010_SH0040/edit/", shot_post(cut_in="", status="active"))
    assert form_errors(response) == {"cut_in": ["This field is required."]}


# --- Omitting and restoring shots ------------------------------------------------------------------------------------


@pytest.fixture
def busy_shot(coordinator, sh40, types):
    """SQ010_SH0040 with an approved, a WIP and an already omitted task."""
    for name, status in [("layout", "approved"), ("animation", "wip"), ("lighting", "omitted")]:
        TaskFactory(shot=sh40, task_type=types[name], status=status)
    return sh40


def task_statuses(shot) -> list[tuple[str, str]]:
    return list(shot.tasks.order_by("task_type__order").values_list("task_type__name", "status"))


def test_omitting_a_shot_omits_its_tasks_and_restoring_puts_them_back(
    client, coordinator, busy_shot, show, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the summary refresh runs after commit
        response = client.post("/shows/RBT/shot/SQ010_SH0040/omit/")
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/shot/SQ010_SH0040/")
    busy_shot.refresh_from_db()
    assert busy_shot.status == "omitted"
    assert task_statuses(busy_shot) == [("Layout", "omitted"), ("Animation", "omitted"), ("Lighting", "omitted")]
    assert ShowSummary.objects.get(show=show).task_count == 0  # omitted tasks are out of every figure
    page = parse(client.get(response["Location"]))
    assert [li.text for li in page.find("ul", cls="messages").find_all("li")] == [
        "Shot SQ010_SH0040 omitted, with 2 tasks."
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/shows/RBT/shot/SQ010_SH0040/restore/")
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/shot/SQ010_SH0040/")
    busy_shot.refresh_from_db()
    assert busy_shot.status == "active"
    # The lighting task was omitted on its own before: it stays omitted.
    assert task_statuses(busy_shot) == [("Layout", "approved"), ("Animation", "wip"), ("Lighting", "omitted")]
    assert ShowSummary.objects.get(show=show).task_count == 2
    page = parse(client.get(response["Location"]))
    assert [li.text for li in page.find("ul", cls="messages").find_all("li")] == [
        "Shot SQ010_SH0040 restored; 2 tasks back to their earlier status."
    ]
    assert [li.text.rsplit(" · ", 1)[0] for li in page.find("ol", id="activity-list").find_all("li")][:6] == [
        "Coordinator Person changed Animation: status Omitted → WIP",
        "Coordinator Person changed Layout: status Omitted → Approved",
        "Coordinator Person changed the shot: status Omitted → Active",
        "Coordinator Person changed Animation: status WIP → Omitted",
        "Coordinator Person changed Layout: status Approved → Omitted",
        "Coordinator Person changed the shot: status Active → Omitted",
    ]


def test_restore_brings_back_the_shots_own_earlier_status(coordinator, busy_shot):
    services.shot_update(actor=coordinator, shot=busy_shot, status=BreakdownStatus.ON_HOLD)
    services.shot_omit(actor=coordinator, shot=busy_shot)
    shot, restored = services.shot_restore(actor=coordinator, shot=busy_shot)
    assert (shot.status, restored) == ("on_hold", 2)


def test_a_task_changed_while_the_shot_was_omitted_keeps_its_new_status(coordinator, busy_shot):
    services.shot_omit(actor=coordinator, shot=busy_shot)
    animation = busy_shot.tasks.get(task_type__name="Animation")
    services.task_update(actor=coordinator, task=animation, status=TaskStatus.READY)
    _, restored = services.shot_restore(actor=coordinator, shot=busy_shot)
    assert restored == 1
    assert task_statuses(busy_shot) == [("Layout", "approved"), ("Animation", "ready"), ("Lighting", "omitted")]


def test_omitting_twice_and_restoring_an_active_shot_change_nothing(client, coordinator, busy_shot):
    services.shot_omit(actor=coordinator, shot=busy_shot)
    before = Activity.objects.count()
    assert services.shot_omit(actor=coordinator, shot=busy_shot)[1] == 0
    assert Activity.objects.count() == before
    services.shot_restore(actor=coordinator, shot=busy_shot)
    before = Activity.objects.count()
    assert services.shot_restore(actor=coordinator, shot=busy_shot)[1] == 0
    assert Activity.objects.count() == before


def test_a_shot_omitted_elsewhere_without_its_tasks_restores_only_itself(coordinator, busy_shot):
    services.shot_update(actor=coordinator, shot=busy_shot, status=BreakdownStatus.OMITTED)  # e.g. a grid bulk edit
    shot, restored = services.shot_restore(actor=coordinator, shot=busy_shot)
    assert (shot.status, restored) == ("active", 0)
    assert task_statuses(busy_shot) == [("Layout", "approved"), ("Animation", "wip"), ("Lighting", "omitted")]


def test_omit_and_restore_are_post_only(client, coordinator, sh40):
    assert client.get("/shows/RBT/shot/SQ010_SH0040/omit/").status_code == 405
    assert client.get("/shows/RBT/shot/SQ010_SH0040/restore/").status_code == 405
    sh40.refresh_from_db()
    assert sh40.status == "active"


def test_an_omitted_shots_edit_form_has_no_status(client, coordinator, sh40):
    services.shot_omit(actor=coordinator, shot=sh40)
    page = parse(client.get("/shows/RBT/shot/SQ010_SH0040/edit/"))
    assert page.find_all("select", id="id_status") == []
    post = shot_post(cut_in="1009", cut_out="1050", frame_count="")
    assert client.post("/shows/RBT/shot/SQ010_SH0040/edit/", post).status_code == 302
    sh40.refresh_from_db()
    assert (sh40.status, sh40.cut_out) == ("omitted", 1050)


# --- The task template ------------------------------------------------------------------------------------------------


def test_editors_set_the_template_that_new_shots_get(client, coordinator, show, types, sq010):
    page = parse(client.get("/shows/RBT/task-template/"))
    assert body_rows(page.find("table", id="template-table")) == [
        ["", "Layout", "Layout", ""],
        ["", "Animation", "Animation", ""],
        ["", "Lighting", "Lighting", ""],
    ]
    animation, lighting = types["animation"].pk, types["lighting"].pk
    post = {f"include_{animation}": "on", f"bid_{animation}": "4.5", f"include_{lighting}": "on", f"bid_{lighting}": ""}
    response = client.post("/shows/RBT/task-template/", post)
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/task-template/")
    assert list(
        TaskTemplateItem.objects.filter(show=show)
        .order_by("task_type__order")
        .values_list("task_type__name", "default_bid_days")
    ) == [("Animation", Decimal("4.50")), ("Lighting", Decimal("0.00"))]
    page = parse(client.get("/shows/RBT/task-template/"))
    assert [li.text for li in page.find("ul", cls="messages").find_all("li")] == [
        "Task template saved: 2 task types for new shots."
    ]
    checked = [box.attrs["name"] for box in page.find_all("input") if "checked" in box.attrs]
    assert checked == [f"include_{animation}", f"include_{lighting}"]

    assert client.post("/shows/RBT/breakdown/shots/new/", shot_post()).status_code == 302
    assert task_statuses(Shot.objects.get(code="SQ010_SH0040")) == [("Animation", "waiting"), ("Lighting", "waiting")]

    # Taking a type out of the template leaves existing shots alone.
    assert client.post("/shows/RBT/task-template/", {f"include_{lighting}": "on"}).status_code == 302
    assert list(TaskTemplateItem.objects.filter(show=show).values_list("task_type__name", flat=True)) == ["Lighting"]
    assert Task.objects.filter(shot__code="SQ010_SH0040").count() == 2


def test_a_bad_bid_is_named_and_the_template_is_unchanged(client, coordinator, show, types):
    TaskTemplateItem.objects.create(show=show, task_type=types["layout"], default_bid_days=Decimal("1"))
    animation = types["animation"].pk
    response = client.post("/shows/RBT/task-template/", {f"include_{animation}": "on", f"bid_{animation}": "-2"})
    assert response.status_code == 200
    assert form_errors(response) == {f"bid_{animation}": ["Ensure this value is greater than or equal to 0."]}
    assert summary_lines(response) == ["Animation default bid (days): Ensure this value is greater than or equal to 0."]
    assert list(TaskTemplateItem.objects.values_list("task_type__name", flat=True)) == ["Layout"]


@pytest.mark.parametrize("role", [Role.ARTIST, Role.SUPERVISOR])
def test_other_staff_read_the_template_without_a_form(client, people, show, types, role):
    TaskTemplateItem.objects.create(show=show, task_type=types["animation"], default_bid_days=Decimal("4.5"))
    client.force_login(people[role])
    page = parse(client.get("/shows/RBT/task-template/"))
    assert body_rows(page.find("table", id="template-table")) == [["Animation", "Animation", "4.50"]]
    assert [form.attrs["action"] for form in page.find_all("form")] == ["/logout/"]


def test_an_empty_template_says_so(client, people, show):
    client.force_login(people[Role.ARTIST])
    page = parse(client.get("/shows/RBT/task-template/"))
    assert body_rows(page.find("table", id="template-table")) == [
        ["The template is empty: new shots start without tasks."]
    ]


def test_the_template_page_makes_a_fixed_number_of_queries(client, coordinator, show):
    department = DepartmentFactory()
    for n in range(2):
        TaskTemplateItem.objects.create(show=show, task_type=TaskTypeFactory(department=department, order=n))
    small = count_queries(client, "/shows/RBT/task-template/")
    for n in range(20):
        TaskTemplateItem.objects.create(show=show, task_type=TaskTypeFactory(department=department, order=n))
    large = count_queries(client, "/shows/RBT/task-template/")
    # session, user, memberships, show, template items, task types with their departments, the header's unread count
    assert (small, large) == (7, 7)


def test_task_template_set_replaces_the_items(coordinator, show, types):
    services.task_template_set(actor=coordinator, show=show, items={types["layout"]: Decimal("1")})
    items = services.task_template_set(
        actor=coordinator, show=show, items={types["animation"]: Decimal("2"), types["layout"]: Decimal("1.5")}
    )
    assert sorted((item.task_type.name, item.default_bid_days) for item in items) == [
        ("Animation", Decimal("2.00")),
        ("Layout", Decimal("1.50")),
    ]


def test_dates_are_not_part_of_the_template(coordinator, show, types, sq010):
    services.task_template_set(actor=coordinator, show=show, items={types["layout"]: Decimal("1")})
    shot = services.shot_create(actor=coordinator, sequence=sq010, code="SQ010_SH0010", frame_count=10)
    task = shot.tasks.get()
    assert (task.start_date, task.due_date, task.assignees.count()) == (None, None, 0)
