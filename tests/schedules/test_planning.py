"""Planning: milestones, holidays, status weights, days off and part time — services, then pages."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from schedules import planning
from schedules.models import DayOff, EarnedValueState, Holiday, Milestone, PartTime, StatusWeight
from studio.models import Role
from tests.concurrency import concurrently
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db

D = dt.date
ROLES = ("artist", "supervisor", "coordinator", "production_manager", "producer", "client")
PLANNER_ROLES = ("production_manager", "producer")


@pytest.fixture
def cast():
    """One person per role on RBT, a planner on OTH only, an admin, and a department."""
    show = ShowFactory(code="RBT", name="Robot Holiday")
    other = ShowFactory(code="OTH", name="Other Show")
    animation = DepartmentFactory(name="Animation", code="ANM")
    people = {}
    for role in ROLES:
        people[role] = PersonFactory(username=role, role=role, department=animation)
        MembershipFactory(person=people[role], show=show)
    people["other_pm"] = PersonFactory(username="other_pm", role=Role.PRODUCTION_MANAGER)
    MembershipFactory(person=people["other_pm"], show=other)
    people["other_artist"] = PersonFactory(username="other_artist", role=Role.ARTIST)
    MembershipFactory(person=people["other_artist"], show=other)
    people["admin"] = PersonFactory(username="admin", role=Role.ADMIN, is_superuser=True, is_staff=True)
    return show, other, animation, people


def ev_generation(show) -> int:
    state = EarnedValueState.objects.filter(show=show).first()
    return state.generation if state else 0


def field_errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- Milestones ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "other_pm"])
def test_only_the_shows_planners_create_milestones(cast, role):
    show, _, _, people = cast
    if role in PLANNER_ROLES:
        milestone = planning.milestone_create(actor=people[role], show=show, name=" Anim lock ", date=D(2026, 12, 18))
        assert (milestone.show, milestone.name, milestone.date, milestone.department) == (
            show,
            "Anim lock",
            D(2026, 12, 18),
            None,
        )
    else:
        with pytest.raises(PermissionDenied):
            planning.milestone_create(actor=people[role], show=show, name="Anim lock", date=D(2026, 12, 18))
        assert not Milestone.objects.exists()


def test_admin_creates_a_department_milestone(cast):
    show, _, animation, people = cast
    milestone = planning.milestone_create(
        actor=people["admin"], show=show, name="Animation final", date=D(2027, 1, 8), department=animation
    )
    assert Milestone.objects.get().department == animation
    assert str(milestone) == "Animation final (2027-01-08)"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  ", "date": D(2026, 12, 18)}, "name", "Give a name."),
        ({"name": "x" * 121, "date": D(2026, 12, 18)}, "name", "At most 120 characters."),
        ({"name": "Lock", "date": "2026-12-18"}, "date", "Give a date, like 2026-11-02."),
        ({"name": "Lock", "date": None}, "date", "Give a date, like 2026-11-02."),
        ({"name": "Lock", "date": D(9999, 12, 31)}, "date", "Give a date between 1970 and 2999."),
        ({"name": "Lock", "date": D(1969, 12, 31)}, "date", "Give a date between 1970 and 2999."),
        (
            {"name": "Lock", "date": D(2026, 12, 18), "department": "ANM"},
            "department",
            "Choose a department, or none for the whole show.",
        ),
    ],
)
def test_milestone_bad_input_names_the_field(cast, fields, field, message):
    show, _, _, people = cast
    with pytest.raises(ValidationError) as excinfo:
        planning.milestone_create(actor=people["production_manager"], show=show, **fields)
    assert field_errors(excinfo) == {field: [message]}
    assert not Milestone.objects.exists()


def test_milestone_update_and_delete(cast):
    show, _, animation, people = cast
    pm = people["production_manager"]
    milestone = planning.milestone_create(actor=pm, show=show, name="Lock", date=D(2026, 12, 18))
    updated = planning.milestone_update(
        actor=people["producer"], milestone=milestone, name="Anim lock", date=D(2026, 12, 19), department=animation
    )
    assert Milestone.objects.values_list("name", "date", "department").get() == (
        "Anim lock",
        D(2026, 12, 19),
        animation.pk,
    )
    assert updated.department == animation
    planning.milestone_update(actor=pm, milestone=milestone, department=None)
    assert Milestone.objects.get().department is None
    with pytest.raises(ValidationError) as excinfo:
        planning.milestone_update(actor=pm, milestone=milestone, show=ShowFactory())
    assert field_errors(excinfo) == {"show": ["This field cannot be changed here."]}
    with pytest.raises(ValidationError) as excinfo:
        planning.milestone_update(actor=pm, milestone=milestone, name="", date=D(2027, 1, 1))
    assert field_errors(excinfo) == {"name": ["Give a name."]}
    assert Milestone.objects.get().date == D(2026, 12, 19)  # nothing half-written
    for role in ("coordinator", "artist", "other_pm"):
        with pytest.raises(PermissionDenied):
            planning.milestone_update(actor=people[role], milestone=milestone, name="Mine")
        with pytest.raises(PermissionDenied):
            planning.milestone_delete(actor=people[role], milestone=milestone)
    planning.milestone_delete(actor=pm, milestone=milestone)
    assert not Milestone.objects.exists()
    planning.milestone_delete(actor=pm, milestone=milestone)  # twice: no error


def test_milestones_do_not_mark_earned_value_stale(cast):
    show, _, _, people = cast
    planning.milestone_create(actor=people["producer"], show=show, name="Lock", date=D(2026, 12, 18))
    assert ev_generation(show) == 0


# --- Holidays -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "other_pm"])
def test_only_planners_add_holidays(cast, role):
    show, _, _, people = cast
    if role in PLANNER_ROLES:
        holiday = planning.holiday_add(actor=people[role], show=show, date=D(2026, 12, 24), name=" Xmas eve ")
        assert (holiday.show, holiday.date, holiday.name) == (show, D(2026, 12, 24), "Xmas eve")
    else:
        with pytest.raises(PermissionDenied):
            planning.holiday_add(actor=people[role], show=show, date=D(2026, 12, 24))
        assert not Holiday.objects.exists()


def test_holidays_mark_earned_value_stale_and_refuse_duplicates(cast, django_capture_on_commit_callbacks):
    show, other, _, people = cast
    pm = people["production_manager"]
    holiday = planning.holiday_add(actor=pm, show=show, date=D(2026, 12, 24))
    assert ev_generation(show) == 1
    assert EarnedValueState.objects.get(show=show).is_stale
    with pytest.raises(ValidationError) as excinfo:
        planning.holiday_add(actor=pm, show=show, date=D(2026, 12, 24), name="Again")
    assert field_errors(excinfo) == {"date": ["Thu 24 Dec 2026 is already a holiday on RBT."]}
    with pytest.raises(ValidationError) as excinfo:
        planning.holiday_add(actor=pm, show=show, date="24/12")
    assert field_errors(excinfo) == {"date": ["Give a date, like 2026-11-02."]}
    with pytest.raises(ValidationError) as excinfo:
        planning.holiday_add(actor=pm, show=show, date=D(9999, 12, 31))
    assert field_errors(excinfo) == {"date": ["Give a date between 1970 and 2999."]}
    assert ev_generation(show) == 1
    with pytest.raises(PermissionDenied):
        planning.holiday_remove(actor=people["other_pm"], holiday=holiday)
    with pytest.raises(PermissionDenied):
        planning.holiday_remove(actor=people["coordinator"], holiday=holiday)
    planning.holiday_remove(actor=people["producer"], holiday=holiday)
    assert not Holiday.objects.exists()
    assert ev_generation(show) == 2
    assert ev_generation(other) == 0


# --- Status weights -----------------------------------------------------------------------------------------------


def test_status_weights_store_only_what_differs_from_the_defaults(cast):
    show, _, _, people = cast
    pm = people["production_manager"]
    planning.status_weight_set(actor=pm, show=show, weights={"wip": Decimal("0.4"), "retake": "0.5", "ready": 0})
    assert dict(StatusWeight.objects.values_list("status", "weight")) == {"wip": Decimal("0.400")}
    assert ev_generation(show) == 1
    table = {row["status"]: row for row in planning.status_weight_table(show)}
    assert list(table) == ["waiting", "ready", "wip", "pending_review", "retake", "approved", "final", "on_hold"]
    assert (table["wip"]["weight"], table["wip"]["default"], table["wip"]["is_custom"]) == (
        Decimal("0.400"),
        Decimal("0.25"),
        True,
    )
    # Same values again: nothing changes, the figures stay fresh.
    planning.status_weight_set(actor=pm, show=show, weights={"wip": Decimal("0.400")})
    assert ev_generation(show) == 1
    # Back to the default: the row goes.
    planning.status_weight_set(actor=pm, show=show, weights={"wip": Decimal("0.25"), "on_hold": Decimal("0.1")})
    assert dict(StatusWeight.objects.values_list("status", "weight")) == {"on_hold": Decimal("0.100")}
    assert ev_generation(show) == 2


@pytest.mark.parametrize(
    ("weights", "errors"),
    [
        ({"wip": "1.5"}, {"wip": ["A weight is from 0 (no credit) to 1 (the whole bid)."]}),
        ({"wip": "-0.1"}, {"wip": ["A weight is from 0 (no credit) to 1 (the whole bid)."]}),
        ({"wip": "lots"}, {"wip": ["Give the weight as a number from 0 to 1, like 0.25."]}),
        ({"wip": "NaN"}, {"wip": ["A weight is from 0 (no credit) to 1 (the whole bid)."]}),
        ({"wip": ""}, {"wip": ["Give a weight from 0 to 1, like 0.25."]}),
        ({"wip": "0.3333"}, {"wip": ["At most three decimals, like 0.333."]}),
        ({"omitted": "0"}, {"omitted": ["Omitted tasks are left out of every figure: they have no weight."]}),
        ({"done": "1", "wip": "0.3"}, {"done": ["Not a task status."]}),
    ],
)
def test_status_weight_bad_input_names_the_status_and_writes_nothing(cast, weights, errors):
    show, _, _, people = cast
    with pytest.raises(ValidationError) as excinfo:
        planning.status_weight_set(actor=people["producer"], show=show, weights=weights)
    assert field_errors(excinfo) == errors
    assert not StatusWeight.objects.exists()
    assert ev_generation(show) == 0


@pytest.mark.parametrize("role", ["artist", "supervisor", "coordinator", "client", "other_pm"])
def test_status_weights_are_the_planners(cast, role):
    show, _, _, people = cast
    with pytest.raises(PermissionDenied):
        planning.status_weight_set(actor=people[role], show=show, weights={"wip": Decimal("0.5")})


# --- Days off -----------------------------------------------------------------------------------------------------


def test_anyone_records_their_own_days_off_and_planners_anyones_on_their_show(cast):
    show, _, _, people = cast
    artist = people["artist"]
    own = planning.day_off_create(
        actor=artist, person=artist, start_date=D(2026, 12, 21), end_date=D(2026, 12, 24), kind="vacation"
    )
    assert (own.person, own.kind, own.note) == (artist, "vacation", "")
    by_pm = planning.day_off_create(
        actor=people["production_manager"],
        person=people["supervisor"],
        start_date=D(2026, 12, 1),
        end_date=D(2026, 12, 1),
        kind="training",
        note=" Nuke course ",
    )
    assert by_pm.note == "Nuke course"
    for role, person in [("coordinator", "artist"), ("artist", "supervisor"), ("other_pm", "artist")]:
        with pytest.raises(PermissionDenied):
            planning.day_off_create(
                actor=people[role], person=people[person], start_date=D(2027, 1, 4), end_date=D(2027, 1, 4), kind="sick"
            )
    # The other show's planner plans their own people only.
    planning.day_off_create(
        actor=people["other_pm"],
        person=people["other_artist"],
        start_date=D(2027, 1, 4),
        end_date=D(2027, 1, 5),
        kind="sick",
    )
    with pytest.raises(PermissionDenied):
        planning.day_off_delete(actor=people["other_pm"], day_off=own)
    with pytest.raises(PermissionDenied):
        planning.day_off_delete(actor=people["supervisor"], day_off=own)
    planning.day_off_delete(actor=artist, day_off=own)
    planning.day_off_delete(actor=people["producer"], day_off=by_pm)
    assert list(DayOff.objects.values_list("person__username", flat=True)) == ["other_artist"]
    assert ev_generation(show) == 0


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"start_date": D(2026, 12, 4), "end_date": D(2026, 12, 3)},
            {"end_date": ["The last day off must not be before the first."]},
        ),
        ({"start_date": "soon", "end_date": D(2026, 12, 3)}, {"start_date": ["Give a date, like 2026-11-02."]}),
        ({"start_date": D(2026, 12, 3), "end_date": None}, {"end_date": ["Give a date, like 2026-11-02."]}),
        ({"kind": "party"}, {"kind": ["Choose one of: Vacation, Sick leave, Training, Other."]}),
        ({"note": "n" * 256}, {"note": ["At most 255 characters."]}),
        (
            {"start_date": D(2026, 12, 11), "end_date": D(2026, 12, 14)},
            {
                "start_date": [
                    "artist is already off from Mon 07 Dec 2026 to Fri 11 Dec 2026: remove that period first or "
                    "choose other days."
                ]
            },
        ),
    ],
)
def test_day_off_bad_input_names_the_field(cast, fields, errors):
    _, _, _, people = cast
    artist = people["artist"]
    artist.first_name, artist.last_name = "", ""
    artist.save()
    planning.day_off_create(
        actor=artist, person=artist, start_date=D(2026, 12, 7), end_date=D(2026, 12, 11), kind="vacation"
    )
    values = {"start_date": D(2026, 12, 14), "end_date": D(2026, 12, 15), "kind": "vacation", **fields}
    with pytest.raises(ValidationError) as excinfo:
        planning.day_off_create(actor=artist, person=artist, **values)
    assert field_errors(excinfo) == errors
    assert DayOff.objects.count() == 1


# --- Part time ----------------------------------------------------------------------------------------------------


def test_part_time_is_set_by_planners_only(cast):
    _, _, _, people = cast
    artist = people["artist"]
    for role in ("artist", "coordinator", "supervisor", "other_pm", "client"):
        with pytest.raises(PermissionDenied):
            planning.part_time_set(actor=people[role], person=artist, fraction="0.6", effective_from=D(2026, 12, 1))
    part_time = planning.part_time_set(
        actor=people["production_manager"], person=artist, fraction="0.6", effective_from=D(2026, 12, 1)
    )
    assert (part_time.fraction, part_time.effective_to) == (Decimal("0.60"), None)
    # The same start replaces the period.
    again = planning.part_time_set(
        actor=people["producer"],
        person=artist,
        fraction=Decimal("0.8"),
        effective_from=D(2026, 12, 1),
        effective_to=D(2027, 3, 31),
    )
    assert again.pk == part_time.pk
    assert PartTime.objects.values_list("fraction", "effective_to").get() == (Decimal("0.80"), D(2027, 3, 31))
    # A later period after the first one ends is fine.
    planning.part_time_set(actor=people["producer"], person=artist, fraction="0.5", effective_from=D(2027, 4, 1))
    with pytest.raises(PermissionDenied):
        planning.part_time_delete(actor=artist, part_time=part_time)
    planning.part_time_delete(actor=people["production_manager"], part_time=part_time)
    assert list(PartTime.objects.values_list("effective_from", flat=True)) == [D(2027, 4, 1)]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"fraction": "0"}, {"fraction": ["A share of a full day is from 0.05 to 1 (full time)."]}),
        ({"fraction": "1.2"}, {"fraction": ["A share of a full day is from 0.05 to 1 (full time)."]}),
        ({"fraction": "half"}, {"fraction": ["Give the share of a full day as a number, like 0.6."]}),
        ({"fraction": "0.333"}, {"fraction": ["At most two decimals, like 0.6 or 0.75."]}),
        ({"fraction": None}, {"fraction": ["Give the share of a full day, like 0.6."]}),
        ({"effective_from": "monday"}, {"effective_from": ["Give a date, like 2026-11-02."]}),
        (
            {"effective_to": D(2027, 1, 1)},
            {"effective_to": ["The end of the period must not be before its start."]},
        ),
        (
            {"effective_from": D(2026, 11, 1)},  # open-ended: runs into the existing period
            {
                "effective_from": [
                    "artist already works part time from Tue 01 Dec 2026 to Thu 31 Dec 2026 (at 0.50): end that "
                    "period first or choose other dates."
                ]
            },
        ),
        (
            {"effective_from": D(2026, 12, 31), "effective_to": None},
            {
                "effective_from": [
                    "artist already works part time from Tue 01 Dec 2026 to Thu 31 Dec 2026 (at 0.50): end that "
                    "period first or choose other dates."
                ]
            },
        ),
    ],
)
def test_part_time_bad_input_names_the_field(cast, fields, errors):
    _, _, _, people = cast
    artist = people["artist"]
    artist.first_name, artist.last_name = "", ""
    artist.save()
    pm = people["production_manager"]
    planning.part_time_set(
        actor=pm, person=artist, fraction="0.5", effective_from=D(2026, 12, 1), effective_to=D(2026, 12, 31)
    )
    values = {"fraction": "0.6", "effective_from": D(2027, 2, 1), **fields}
    with pytest.raises(ValidationError) as excinfo:
        planning.part_time_set(actor=pm, person=artist, **values)
    assert field_errors(excinfo) == errors
    assert PartTime.objects.count() == 1


def test_part_time_before_an_open_ended_period_must_end_before_it(cast):
    _, _, _, people = cast
    artist, pm = people["artist"], people["production_manager"]
    planning.part_time_set(actor=pm, person=artist, fraction="0.5", effective_from=D(2027, 1, 1))
    planning.part_time_set(
        actor=pm, person=artist, fraction="0.8", effective_from=D(2026, 10, 1), effective_to=D(2026, 12, 31)
    )
    with pytest.raises(ValidationError) as excinfo:
        planning.part_time_set(
            actor=pm, person=artist, fraction="0.8", effective_from=D(2026, 6, 1), effective_to=D(2027, 1, 1)
        )
    assert list(field_errors(excinfo)) == ["effective_from"]
    assert PartTime.objects.count() == 2


# --- Demo data ----------------------------------------------------------------------------------------------------


def test_seed_planning_demo_is_idempotent(cast):
    show, _, _, people = cast
    demo_people = {
        "artist": people["artist"],
        "artist2": PersonFactory(),
        "artist3": PersonFactory(),
        "artist5": PersonFactory(),
    }
    today = D(2026, 11, 4)
    planning.seed_planning_demo(show, demo_people, today)
    planning.seed_planning_demo(show, demo_people, today)
    assert DayOff.objects.count() == 3  # light.sup is not in the dict: skipped
    assert PartTime.objects.get().fraction == Decimal("0.60")
    assert sorted(DayOff.objects.values_list("person__username", "start_date", "end_date")) == sorted(
        [
            (people["artist"].username, D(2026, 11, 16), D(2026, 11, 20)),
            (demo_people["artist2"].username, D(2026, 11, 5), D(2026, 11, 5)),
            (demo_people["artist3"].username, D(2026, 11, 23), D(2026, 11, 24)),
        ]
    )
    assert not Holiday.objects.exists()


# === Pages ========================================================================================================

HTMX = {"HX-Request": "true"}
TODAY = D(2026, 11, 4)  # a Wednesday


@pytest.fixture
def frozen_today(monkeypatch):
    from shots import selectors

    monkeypatch.setattr("schedules.views.planning.person_today", lambda person: TODAY)
    monkeypatch.setattr(selectors, "person_today", lambda person: TODAY)
    return TODAY


def client_as(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def body(response) -> str:
    return response.content.decode()


def count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


# --- Milestones page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "form"),
    [
        ("artist", 200, False),
        ("supervisor", 200, False),
        ("coordinator", 200, False),
        ("production_manager", 200, True),
        ("producer", 200, True),
        ("admin", 200, True),
        ("client", 404, False),
        ("other_pm", 404, False),
    ],
)
def test_milestone_page_per_role(cast, frozen_today, role, status, form):
    show, _, animation, people = cast
    Milestone.objects.create(show=show, name="Animation lock", date=D(2026, 12, 18), department=animation)
    response = client_as(people[role]).get("/shows/RBT/milestones/")
    assert response.status_code == status
    if status == 200:
        assert "Animation lock" in body(response)
        assert ("Add milestone" in body(response)) is form
        assert ("/milestones/1/edit/" in body(response) or 'aria-label="Edit Animation lock"' in body(response)) is form


def test_milestones_upcoming_first_then_past_greyed(cast, frozen_today):
    show, _, _, people = cast
    for name, date in [("Kickoff", D(2026, 10, 1)), ("Final", D(2027, 3, 1)), ("Lock", D(2026, 12, 18))]:
        Milestone.objects.create(show=show, name=name, date=date)
    Milestone.objects.create(show=ShowFactory(code="XYZ"), name="Elsewhere", date=D(2026, 12, 1))
    response = client_as(people["artist"]).get("/shows/RBT/milestones/")
    assert [m.name for m in response.context["upcoming"]] == ["Lock", "Final"]
    assert [m.name for m in response.context["past"]] == ["Kickoff"]
    html = body(response)
    assert html.index("Lock") < html.index("Final") < html.index("Kickoff")
    kickoff = Milestone.objects.get(name="Kickoff")
    assert f'<tr id="milestone-{kickoff.pk}" class="past">' in html
    assert "Elsewhere" not in html


def test_adding_a_milestone_with_and_without_htmx(cast, frozen_today):
    show, _, animation, people = cast
    client = client_as(people["production_manager"])
    response = client.post("/shows/RBT/milestones/", {"name": "Anim lock", "date": "2026-12-18", "department": ""})
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/milestones/")
    response = client.post(
        "/shows/RBT/milestones/",
        {"name": "Anim final", "date": "2027-01-08", "department": animation.pk},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = body(response)
    assert html.startswith('\n<section id="milestone-section"') or html.lstrip().startswith(
        '<section id="milestone-section"'
    )
    assert "Anim lock" in html and "Anim final" in html and "<html" not in html
    assert sorted(Milestone.objects.values_list("name", "department__name")) == [
        ("Anim final", "Animation"),
        ("Anim lock", None),
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "date": "2026-12-18"}, "name", "This field is required."),
        ({"name": "Lock", "date": "2026-02-30"}, "date", "Enter a valid date."),
        ({"name": "Lock", "date": "9999-12-31"}, "date", "Give a date between 1970 and 2999."),
        ({"name": "Lock", "date": "2026-12-18", "department": "999999"}, "department", "Select a valid choice."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_milestone_form_bad_input_is_a_400_naming_the_field(cast, frozen_today, data, field, message, headers):
    _, _, _, people = cast
    response = client_as(people["producer"]).post("/shows/RBT/milestones/", data, headers=headers)
    assert response.status_code == 400
    assert message in body(response)
    assert f'href="#id_{field}"' in body(response)
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("artist", 403), ("coordinator", 403), ("client", 404), ("other_pm", 404)]
)
def test_milestone_writes_refused_per_role(cast, role, status):
    show, _, _, people = cast
    milestone = Milestone.objects.create(show=show, name="Lock", date=D(2026, 12, 18))
    client = client_as(people[role])
    assert client.post("/shows/RBT/milestones/", {"name": "Mine", "date": "2026-12-01"}).status_code == status
    edit = f"/shows/RBT/milestones/{milestone.pk}/edit/"
    assert client.post(edit, {"name": "Mine", "date": "2026-12-01"}).status_code == status
    assert client.post(f"/shows/RBT/milestones/{milestone.pk}/delete/").status_code == status
    assert list(Milestone.objects.values_list("name", flat=True)) == ["Lock"]


def test_editing_and_deleting_a_milestone(cast, frozen_today):
    show, _, animation, people = cast
    milestone = Milestone.objects.create(show=show, name="Lock", date=D(2026, 12, 18))
    client = client_as(people["production_manager"])
    edit = f"/shows/RBT/milestones/{milestone.pk}/edit/"
    response = client.get(edit)
    assert response.status_code == 200
    assert 'value="2026-12-18"' in body(response)
    response = client.post(edit, {"name": "Lock", "date": "later"})
    assert response.status_code == 400
    assert "Enter a valid date." in body(response)
    response = client.post(edit, {"name": "Anim lock", "date": "2026-12-19", "department": animation.pk})
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/milestones/")
    assert Milestone.objects.values_list("name", "date", "department").get() == (
        "Anim lock",
        D(2026, 12, 19),
        animation.pk,
    )
    response = client.post(f"/shows/RBT/milestones/{milestone.pk}/delete/", headers=HTMX)
    assert response.status_code == 200
    assert "No milestones yet." in body(response)
    assert not Milestone.objects.exists()
    # Another show's milestone through this show's URL: not found.
    elsewhere = Milestone.objects.create(show=ShowFactory(code="XYZ"), name="Elsewhere", date=D(2026, 12, 1))
    assert client.get(f"/shows/RBT/milestones/{elsewhere.pk}/edit/").status_code == 404


def test_editing_a_milestone_in_place_with_htmx(cast, frozen_today):
    show, _, animation, people = cast
    milestone = Milestone.objects.create(show=show, name="Lock", date=D(2026, 12, 18))
    client = client_as(people["producer"])
    edit = f"/shows/RBT/milestones/{milestone.pk}/edit/"
    response = client.get(edit, headers=HTMX)
    html = body(response)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="milestone-{milestone.pk}" class="editing">')
    assert f'id="milestone-{milestone.pk}-name"' in html and "<html" not in html
    response = client.post(edit, {"name": "Lock", "date": "2026-02-30"}, headers=HTMX)
    assert response.status_code == 400
    assert f'href="#milestone-{milestone.pk}-date"' in body(response) and "Enter a valid date." in body(response)
    response = client.post(edit, {"name": "Anim lock", "date": "2026-12-21", "department": animation.pk}, headers=HTMX)
    assert response.status_code == 200
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#milestone-section", "outerHTML")
    assert body(response).lstrip().startswith('<section id="milestone-section"')
    assert "Anim lock" in body(response)
    assert Milestone.objects.values_list("name", "date").get() == ("Anim lock", D(2026, 12, 21))


# --- Working days page -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "editable"),
    [
        ("artist", 200, False),
        ("coordinator", 200, False),
        ("production_manager", 200, True),
        ("producer", 200, True),
        ("client", 404, False),
        ("other_pm", 404, False),
    ],
)
def test_working_days_page_per_role(cast, frozen_today, role, status, editable):
    show, _, _, people = cast
    Holiday.objects.create(show=show, date=D(2026, 12, 25), name="Christmas")
    StatusWeight.objects.create(show=show, status="wip", weight=Decimal("0.4"))
    response = client_as(people[role]).get("/shows/RBT/working-days/")
    assert response.status_code == status
    if status == 200:
        html = body(response)
        assert "Christmas" in html and "Fri 25 Dec 2026" in html
        assert ("Add holiday" in html) is editable
        assert ("Save weights" in html) is editable
        if editable:
            assert 'name="wip" value="0.4"' in html
        else:
            assert '0.4 <span class="hint">(this show)</span>' in html


def test_holidays_added_and_removed_from_the_page(cast, frozen_today):
    show, _, _, people = cast
    client = client_as(people["production_manager"])
    response = client.post(
        "/shows/RBT/working-days/holidays/", {"date": "2026-12-24", "name": "Xmas eve"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Xmas eve" in body(response) and "<html" not in body(response)
    assert ev_generation(show) == 1
    response = client.post("/shows/RBT/working-days/holidays/", {"date": "2026-12-24"}, headers=HTMX)
    assert response.status_code == 400
    assert "Thu 24 Dec 2026 is already a holiday on RBT." in body(response)
    response = client.post("/shows/RBT/working-days/holidays/", {"date": "someday"})
    assert response.status_code == 400
    assert "Enter a valid date." in body(response) and "<html" in body(response)
    response = client.post("/shows/RBT/working-days/holidays/", {"date": "9999-12-31"})
    assert response.status_code == 400
    assert "Give a date between 1970 and 2999." in body(response) and 'href="#id_date"' in body(response)
    holiday = Holiday.objects.get()
    response = client.post(f"/shows/RBT/working-days/holidays/{holiday.pk}/remove/")
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/working-days/")
    assert not Holiday.objects.exists()
    assert ev_generation(show) == 2
    for role, status in [("artist", 403), ("coordinator", 403), ("client", 404), ("other_pm", 404)]:
        assert (
            client_as(people[role]).post("/shows/RBT/working-days/holidays/", {"date": "2026-12-31"}).status_code
            == status
        )
    assert not Holiday.objects.exists()


def test_status_weights_from_the_page(cast, frozen_today):
    show, _, _, people = cast
    client = client_as(people["producer"])
    table = {row["status"]: f"{row['default']}" for row in planning.status_weight_table(show)}
    response = client.post("/shows/RBT/working-days/weights/", {**table, "wip": "0.3", "retake": "2"}, headers=HTMX)
    assert response.status_code == 400
    assert "A weight is from 0 (no credit) to 1 (the whole bid)." in body(response)
    assert 'href="#id_retake"' in body(response)
    assert not StatusWeight.objects.exists()
    response = client.post("/shows/RBT/working-days/weights/", {**table, "wip": "0.3"}, headers=HTMX)
    assert response.status_code == 200
    assert "Status weights saved" in body(response)
    assert dict(StatusWeight.objects.values_list("status", "weight")) == {"wip": Decimal("0.300")}
    assert ev_generation(show) == 1
    response = client.post("/shows/RBT/working-days/weights/", {**table, "wip": "0.35"})
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/working-days/")
    response = client_as(people["artist"]).post("/shows/RBT/working-days/weights/", {**table, "wip": "1"})
    assert response.status_code == 403
    assert StatusWeight.objects.get().weight == Decimal("0.350")


# --- Availability pages --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("artist", 403),
        ("supervisor", 403),
        ("coordinator", 403),
        ("production_manager", 200),
        ("producer", 200),
        ("admin", 200),
        ("client", 404),
        ("other_pm", 404),
    ],
)
def test_availability_page_is_the_planners(cast, frozen_today, role, status):
    show, _, _, people = cast
    DayOff.objects.create(person=people["artist"], start_date=D(2026, 11, 9), end_date=D(2026, 11, 13), note="Ski")
    DayOff.objects.create(person=people["artist"], start_date=D(2026, 10, 1), end_date=D(2026, 10, 2), note="Past")
    PartTime.objects.create(person=people["supervisor"], fraction=Decimal("0.6"), effective_from=D(2026, 1, 1))
    response = client_as(people[role]).get("/shows/RBT/availability/")
    assert response.status_code == status
    if status == 200:
        rows = {str(row["person"]): row for row in response.context["rows"]}
        assert set(rows) == {
            str(people[r]) for r in ("artist", "supervisor", "coordinator", "production_manager", "producer")
        }
        assert [d.note for d in rows[str(people["artist"])]["days_off"]] == ["Ski"]
        assert rows[str(people["supervisor"])]["part_time"].fraction == Decimal("0.60")
        assert rows[str(people["producer"])]["part_time"] is None
        assert rows[str(people["production_manager"])]["role"] == "Production manager"
        html = body(response)
        assert "Mon 9 Nov – Fri 13 Nov" in html and "Past" not in html


def test_planners_record_days_off_and_part_time_for_the_shows_people(cast, frozen_today):
    show, _, _, people = cast
    client = client_as(people["production_manager"])
    artist = people["artist"]
    data = {"person": artist.pk, "start_date": "2026-11-16", "end_date": "", "kind": "training", "note": "Course"}
    response = client.post("/shows/RBT/availability/days-off/", data, headers=HTMX)
    assert response.status_code == 200
    assert "Course" in body(response) and "<html" not in body(response)
    assert DayOff.objects.values_list("start_date", "end_date").get() == (D(2026, 11, 16), D(2026, 11, 16))
    response = client.post("/shows/RBT/availability/days-off/", {**data, "end_date": "2026-11-17"}, headers=HTMX)
    assert response.status_code == 400
    assert f"{artist} is already off on Mon 16 Nov 2026" in body(response)
    # Someone not on the show: not a choice.
    response = client.post("/shows/RBT/availability/days-off/", {**data, "person": people["other_artist"].pk})
    assert response.status_code == 400
    assert "Select a valid choice." in body(response)
    part = {"person": artist.pk, "fraction": "0.6", "effective_from": "2026-11-01", "effective_to": ""}
    response = client.post("/shows/RBT/availability/part-time/", part)
    assert (response.status_code, response["Location"]) == (302, "/shows/RBT/availability/")
    response = client.post("/shows/RBT/availability/part-time/", {**part, "effective_from": "2026-12-01"}, headers=HTMX)
    assert response.status_code == 400
    assert "already works part time from Sun 01 Nov 2026 on (at 0.60)" in body(response)
    assert 'href="#part-time-effective_from"' in body(response)
    response = client.post("/shows/RBT/availability/part-time/", {**part, "fraction": "2"}, headers=HTMX)
    assert response.status_code == 400
    assert "A share of a full day is from 0.05 to 1 (full time)." in body(response)
    part_time = PartTime.objects.get()
    day_off = DayOff.objects.get()
    assert client.post(f"/shows/RBT/availability/part-time/{part_time.pk}/remove/", headers=HTMX).status_code == 200
    assert client.post(f"/shows/RBT/availability/days-off/{day_off.pk}/remove/").status_code == 302
    assert not PartTime.objects.exists() and not DayOff.objects.exists()


def test_availability_writes_refused_to_others(cast):
    show, _, _, people = cast
    day_off = DayOff.objects.create(person=people["artist"], start_date=D(2026, 11, 9), end_date=D(2026, 11, 9))
    other_day_off = DayOff.objects.create(
        person=people["other_artist"], start_date=D(2026, 11, 9), end_date=D(2026, 11, 9)
    )
    data = {"person": people["artist"].pk, "start_date": "2026-11-20", "kind": "vacation"}
    for role, status in [("artist", 403), ("coordinator", 403), ("client", 404), ("other_pm", 404)]:
        client = client_as(people[role])
        assert client.post("/shows/RBT/availability/days-off/", data).status_code == status
        assert client.post(f"/shows/RBT/availability/days-off/{day_off.pk}/remove/").status_code == status
        assert client.post("/shows/RBT/availability/part-time/", {**data, "fraction": "0.5"}).status_code == status
    # A planner of RBT cannot reach another show's person through RBT's URLs.
    client = client_as(people["production_manager"])
    assert client.post(f"/shows/RBT/availability/days-off/{other_day_off.pk}/remove/").status_code == 404
    assert DayOff.objects.count() == 2 and not PartTime.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("artist", 200), ("producer", 200), ("admin", 200), ("client", 404)])
def test_my_availability_per_role(cast, frozen_today, role, status):
    _, _, _, people = cast
    assert client_as(people[role]).get("/my/availability/").status_code == status


def test_my_availability_records_and_removes_my_own_days_off(cast, frozen_today):
    _, _, _, people = cast
    artist = people["artist"]
    PartTime.objects.create(person=artist, fraction=Decimal("0.8"), effective_from=D(2026, 6, 1))
    theirs = DayOff.objects.create(
        person=people["supervisor"], start_date=D(2026, 11, 9), end_date=D(2026, 11, 9), note="Not mine"
    )
    client = client_as(artist)
    response = client.get("/my/availability/")
    assert "You work <strong>0.8</strong> of each working day." in body(response)
    assert "Not mine" not in body(response)
    data = {"start_date": "2026-12-21", "end_date": "2026-12-24", "kind": "vacation", "note": "Home"}
    response = client.post("/my/availability/days-off/", data, headers=HTMX)
    assert response.status_code == 200
    assert "Home" in body(response) and "Mon 21 Dec – Thu 24 Dec" in body(response)
    response = client.post("/my/availability/days-off/", {**data, "end_date": "2026-12-20"})
    assert response.status_code == 400
    assert "The last day off must not be before the first." in body(response)
    assert 'href="#id_end_date"' in body(response)
    mine = DayOff.objects.get(person=artist)
    assert client.post(f"/my/availability/days-off/{theirs.pk}/remove/").status_code == 404
    response = client.post(f"/my/availability/days-off/{mine.pk}/remove/")
    assert (response.status_code, response["Location"]) == (302, "/my/availability/")
    assert list(DayOff.objects.values_list("note", flat=True)) == ["Not mine"]
    assert client_as(people["client"]).post("/my/availability/days-off/", data).status_code == 404


# --- Query counts at two sizes ------------------------------------------------------------------------------------


def _grow(show, people, animation, start: int, stop: int) -> None:
    for i in range(start, stop):
        Milestone.objects.create(
            show=show,
            name=f"M{i}",
            date=D(2026, 10, 1) + dt.timedelta(days=7 * i),
            department=animation if i % 2 else None,
        )
        Holiday.objects.create(show=show, date=D(2026, 10, 1) + dt.timedelta(days=7 * i), name=f"H{i}")
        person = PersonFactory(department=animation)
        MembershipFactory(person=person, show=show)
        DayOff.objects.create(person=person, start_date=D(2026, 11, 9) + dt.timedelta(days=i), end_date=D(2026, 11, 20))
        DayOff.objects.create(
            person=people["artist"],
            start_date=D(2027, 1, 1) + dt.timedelta(days=i),
            end_date=D(2027, 1, 1) + dt.timedelta(days=i),
        )
        PartTime.objects.create(person=person, fraction=Decimal("0.5"), effective_from=D(2026, 1, 1))


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("artist", "/shows/RBT/milestones/"),
        ("production_manager", "/shows/RBT/milestones/"),
        ("artist", "/shows/RBT/working-days/"),
        ("producer", "/shows/RBT/working-days/"),
        ("production_manager", "/shows/RBT/availability/"),
        ("artist", "/my/availability/"),
    ],
)
def test_list_pages_make_the_same_queries_at_two_sizes(cast, frozen_today, role, path):
    show, _, animation, people = cast
    _grow(show, people, animation, 0, 2)
    client = client_as(people[role])
    small = count_queries(client, path)
    _grow(show, people, animation, 2, 12)
    assert count_queries(client, path) == small


@pytest.mark.parametrize(
    "path",
    [
        "/shows/RBT/milestones/",
        "/shows/RBT/milestones/{pk}/edit/",
        "/shows/RBT/working-days/",
        "/shows/RBT/availability/",
        "/my/availability/",
    ],
)
def test_planning_pages_need_no_inline_code_and_have_unique_ids(cast, frozen_today, path):
    from tests.studio.test_csp import inspect

    show, _, _, people = cast
    milestone = Milestone.objects.create(show=show, name="Lock", date=D(2026, 12, 18))
    Holiday.objects.create(show=show, date=D(2026, 12, 25))
    DayOff.objects.create(person=people["artist"], start_date=D(2026, 11, 9), end_date=D(2026, 11, 9))
    PartTime.objects.create(person=people["artist"], fraction=Decimal("0.5"), effective_from=D(2026, 1, 1))
    response = client_as(people["production_manager"]).get(path.format(pk=milestone.pk))
    assert response.status_code == 200
    assert inspect(response).problems == []
    ids = re.findall(r'\sid="([^"]+)"', body(response))
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


# --- Identical requests at once (each race forced: tests.concurrency) -------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_same_holiday_posted_twice_at_once_is_one_holiday_and_a_400_naming_date(cast, frozen_today):
    show, _, _, people = cast

    def first(wait_for_the_test):
        planning.holiday_add(actor=people["producer"], show=show, date=D(2026, 12, 24), name="Xmas eve")
        wait_for_the_test()  # written, not committed: the page's check cannot see it

    with concurrently(first) as race:
        response = client_as(people["producer"]).post(
            "/shows/RBT/working-days/holidays/", {"date": "2026-12-24", "name": "Again"}, headers=HTMX
        )
    assert race.waited
    assert response.status_code == 400
    assert "Thu 24 Dec 2026 is already a holiday on RBT." in body(response)
    assert list(Holiday.objects.values_list("date", "name")) == [(D(2026, 12, 24), "Xmas eve")]
    assert ev_generation(show) == 1  # the refused one marked nothing


@pytest.mark.django_db(transaction=True)
def test_status_weights_set_at_once_take_turns_and_the_last_one_wins(cast):
    show, _, _, people = cast

    def first(wait_for_the_test):
        planning.status_weight_set(actor=people["producer"], show=show, weights={"wip": Decimal("0.4")})
        wait_for_the_test()

    with concurrently(first) as race:
        planning.status_weight_set(actor=people["production_manager"], show=show, weights={"wip": Decimal("0.3")})
    assert race.waited
    assert dict(StatusWeight.objects.values_list("status", "weight")) == {"wip": Decimal("0.300")}
    assert ev_generation(show) == 2
