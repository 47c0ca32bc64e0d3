"""Planning: milestones, holidays, status weights, days off and part time — services, then pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from schedules import planning
from schedules.models import DayOff, EarnedValueState, Holiday, Milestone, PartTime, StatusWeight
from studio.models import Role
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
    assert sorted(Holiday.objects.values_list("date", flat=True)) == [D(2026, 11, 12), D(2026, 12, 10)]
