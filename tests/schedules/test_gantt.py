"""Gantt charts: the geometry (exact pixels), which tasks a chart shows, who reads it and who may move a task's
dates, refusals (400 naming the field, 403, 404, 409 on a stale row), and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from schedules import gantt
from schedules.calendar import ShowCalendar
from schedules.gantt import GanttFilters, Span, Tick, Window
from schedules.models import BaselineTask, EarnedValueState, Holiday
from shots.models import Task
from shots.selectors import person_today
from shots.workflow import TaskStatus
from studio.models import Person, Role
from tests.schedules.factories import BaselineFactory, MilestoneFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory
from tests.studio.test_csp import inspect

pytestmark = pytest.mark.django_db

MARCH = Window(dt.date(2026, 3, 2), dt.date(2026, 3, 29))  # four weeks, Monday to Sunday
WINDOW_QUERY = "from=2026-03-02&to=2026-03-29"
URL = "/shows/RBT/gantt/"
HTMX = {"HTTP_HX_REQUEST": "true"}


# --- Geometry -------------------------------------------------------------------------------------------------


def test_the_default_window_starts_a_week_ago_and_lasts_twelve_weeks():
    window = Window.default(dt.date(2026, 12, 5))
    assert (window.start, window.end, window.days, window.width) == (
        dt.date(2026, 11, 28),
        dt.date(2027, 2, 19),
        84,
        84 * 14,
    )


def test_a_day_is_drawn_at_its_days_since_the_window_start_times_the_pixels_a_day():
    assert MARCH.days == 28
    assert MARCH.width == 392
    assert MARCH.x(dt.date(2026, 3, 2)) == 0
    assert MARCH.x(dt.date(2026, 3, 4)) == 28
    assert MARCH.x(dt.date(2026, 2, 28)) == -28


def test_spans_are_inclusive_and_clipped_to_the_window():
    d = dt.date
    assert MARCH.span(d(2026, 3, 4), d(2026, 3, 10)) == Span(x=28, width=98)
    assert MARCH.span(d(2026, 3, 4), d(2026, 3, 4)) == Span(x=28, width=14)
    assert MARCH.span(d(2026, 2, 23), d(2026, 3, 3)) == Span(x=0, width=28, cut_start=True)
    assert MARCH.span(d(2026, 3, 25), d(2026, 4, 3)) == Span(x=322, width=70, cut_end=True)
    assert MARCH.span(d(2026, 2, 1), d(2026, 5, 1)) == Span(x=0, width=392, cut_start=True, cut_end=True)
    # One date alone is a one-day bar; none, or none in the window, draws nothing.
    assert MARCH.span(None, d(2026, 3, 6)) == Span(x=56, width=14)
    assert MARCH.span(d(2026, 3, 6), None) == Span(x=56, width=14)
    assert MARCH.span(None, None) is None
    assert MARCH.span(d(2026, 4, 1), d(2026, 4, 3)) is None
    assert MARCH.span(d(2026, 2, 1), d(2026, 3, 1)) is None


def test_weekends_and_weekday_holidays_are_shaded_in_runs():
    calendar = ShowCalendar([dt.date(2026, 3, 17), dt.date(2026, 3, 7), dt.date(2026, 3, 13)])
    assert gantt.closed_runs(MARCH, calendar) == [
        Span(x=70, width=28),  # Sat 7 and Sun 8 (the Saturday holiday changes nothing)
        Span(x=154, width=42),  # Fri 13 (a holiday), Sat 14, Sun 15
        Span(x=210, width=14),  # Tue 17
        Span(x=266, width=28),
        Span(x=364, width=28),  # Sat 28 and Sun 29, the window's last days
    ]


def test_the_scale_has_months_and_mondays():
    window = Window(dt.date(2026, 3, 25), dt.date(2026, 4, 12))
    assert gantt.month_ticks(window) == [Tick(0, 98, "Mar 2026"), Tick(98, 168, "Apr 2026")]
    assert gantt.week_ticks(window) == [Tick(70, 98, "30 Mar"), Tick(168, 98, "6 Apr")]


def test_the_scale_of_a_window_ending_on_the_last_day_of_the_calendar_steps_no_further():
    window = Window(dt.date(9999, 11, 29), dt.date.max)  # Mondays 29 Nov ... 27 Dec; Friday 31 Dec 9999
    assert gantt.month_ticks(window) == [Tick(0, 28, "Nov 9999"), Tick(28, 434, "Dec 9999")]
    assert [tick.label for tick in gantt.week_ticks(window)] == ["29 Nov", "6 Dec", "13 Dec", "20 Dec", "27 Dec"]
    assert gantt.week_ticks(Window(dt.date(9999, 12, 28), dt.date.max)) == []  # no Monday in it, nor after it


def test_milestone_labels_take_the_first_lane_where_they_overlap_no_other():
    show = ShowFactory()
    animation = DepartmentFactory(name="Animation", code="ANM")
    lock = MilestoneFactory(show=show, department=animation, name="Anim lock", date=dt.date(2026, 3, 20))
    delivery = MilestoneFactory(show=show, name="Delivery", date=dt.date(2026, 3, 20))
    later = MilestoneFactory(show=show, name="Comp", date=dt.date(2026, 3, 27))
    far = MilestoneFactory(show=show, name="Far", date=dt.date(2026, 4, 27))
    marks = gantt.milestone_marks(MARCH, [far, later, delivery, lock])
    assert [(m.milestone, m.x, m.lane, m.label, m.label_x, m.label_anchor, m.label_y) for m in marks] == [
        (lock, 259, 0, "Anim lock (ANM)", 262, "start", 48),  # its label takes [259, 259 + 10 + 15 x 7 = 374]
        (delivery, 259, 1, "Delivery", 262, "start", 64),  # [259, 325]
        # 27 Mar is at 357: "Comp" would end at 395, past the window's 392, so it runs left, over [319, 357],
        # which both lanes already take.
        (later, 357, 2, "Comp", 354, "end", 80),
    ]


# --- A studio ---------------------------------------------------------------------------------------------------


@dataclass
class Studio:
    show: object
    people: dict[str, Person]
    types: dict[str, object]
    tasks: dict[str, Task]
    sequences: dict[str, object]

    def client(self, username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(self.people[username])
        return client

    def task(self, key: str) -> Task:
        return Task.objects.get(pk=self.tasks[key].pk)


def _studio() -> Studio:
    show = ShowFactory(code="RBT", name="Robot Holiday")
    other = ShowFactory(code="OTH", name="Other Picture")
    layout = DepartmentFactory(name="Layout", code="LAY", order=1)
    animation = DepartmentFactory(name="Animation", code="ANM", order=2)
    lighting = DepartmentFactory(name="Lighting", code="LGT", order=3)
    types = {
        "Layout": TaskTypeFactory(name="Layout", department=layout, order=1),
        "Animation": TaskTypeFactory(name="Animation", department=animation, order=2),
        "Lighting": TaskTypeFactory(name="Lighting", department=lighting, order=3),
    }
    people = {}
    for username, role, first, last, department in [
        ("pia", Role.PRODUCTION_MANAGER, "Pia", "Planner", None),
        ("cora", Role.COORDINATOR, "Cora", "Cole", None),
        ("sam", Role.SUPERVISOR, "Sam", "Sutter", animation),
        ("lena", Role.SUPERVISOR, "Lena", "Luxford", lighting),
        ("ana", Role.ARTIST, "Ana", "Arden", animation),
        ("ben", Role.ARTIST, "Ben", "Brook", animation),
        ("cleo", Role.CLIENT, "Cleo", "Clarke", None),
    ]:
        people[username] = PersonFactory(
            username=username, role=role, first_name=first, last_name=last, department=department
        )
        MembershipFactory(person=people[username], show=show)
    people["oscar"] = PersonFactory(username="oscar", role=Role.PRODUCER, first_name="Oscar", last_name="Oakes")
    MembershipFactory(person=people["oscar"], show=other)
    people["root"] = PersonFactory(username="root", role=Role.ADMIN, first_name="Adam", last_name="Root")

    d = dt.date
    sq005 = SequenceFactory(show=show, code="SQ005", order=0)  # only an omitted task: not the default sequence
    sq010 = SequenceFactory(show=show, code="SQ010", order=1)
    sq020 = SequenceFactory(show=show, code="SQ020", order=2)
    shots = {
        "SQ005_SH0010": ShotFactory(sequence=sq005, code="SQ005_SH0010", order=1),
        "SQ010_SH0010": ShotFactory(sequence=sq010, code="SQ010_SH0010", order=1),
        "SQ010_SH0020": ShotFactory(sequence=sq010, code="SQ010_SH0020", order=2),
        "SQ010_SH0030": ShotFactory(sequence=sq010, code="SQ010_SH0030", order=3),
        "SQ020_SH0010": ShotFactory(sequence=sq020, code="SQ020_SH0010", order=1),
    }
    plan = {
        # key: (shot, type, status, start, due, assignees)
        "omitted": ("SQ005_SH0010", "Animation", TaskStatus.OMITTED, d(2026, 3, 4), d(2026, 3, 5), []),
        "layout": ("SQ010_SH0010", "Layout", TaskStatus.FINAL, d(2026, 2, 23), d(2026, 3, 3), []),
        "anim": ("SQ010_SH0010", "Animation", TaskStatus.WIP, d(2026, 3, 4), d(2026, 3, 10), ["ana"]),
        "light": ("SQ010_SH0010", "Lighting", TaskStatus.READY, d(2026, 3, 25), d(2026, 4, 3), []),
        "undated": ("SQ010_SH0020", "Animation", TaskStatus.READY, None, None, ["ben"]),
        "later": ("SQ010_SH0030", "Animation", TaskStatus.READY, d(2026, 5, 1), d(2026, 5, 5), ["ana"]),
        "sq020": ("SQ020_SH0010", "Animation", TaskStatus.WIP, d(2026, 3, 9), d(2026, 3, 13), ["ana", "ben"]),
    }
    tasks = {
        key: TaskFactory(
            shot=shots[shot],
            task_type=types[type_name],
            status=status,
            start_date=start,
            due_date=due,
            assignees=[people[name] for name in assignees],
        )
        for key, (shot, type_name, status, start, due, assignees) in plan.items()
    }
    baseline = BaselineFactory(show=show, name="Bid v1", is_active=True)
    BaselineTask.objects.create(
        baseline=baseline, task=tasks["anim"], bid_days=2, start_date=d(2026, 3, 2), due_date=d(2026, 3, 6)
    )
    old = BaselineFactory(show=show, name="Old plan", is_active=False)
    BaselineTask.objects.create(
        baseline=old, task=tasks["layout"], bid_days=2, start_date=d(2026, 3, 9), due_date=d(2026, 3, 13)
    )
    Holiday.objects.create(show=show, date=d(2026, 3, 17), name="Studio day")
    MilestoneFactory(show=show, department=animation, name="Anim lock", date=d(2026, 3, 20))
    MilestoneFactory(show=show, name="Delivery", date=d(2026, 3, 20))
    MilestoneFactory(show=show, department=lighting, name="Light lock", date=d(2026, 3, 27))
    MilestoneFactory(show=other, name="Other delivery", date=d(2026, 3, 11))
    return Studio(show, people, types, tasks, {"SQ005": sq005, "SQ010": sq010, "SQ020": sq020})


@pytest.fixture
def studio() -> Studio:
    return _studio()


def keys(studio: Studio, chart) -> list[str]:
    names = {task.pk: key for key, task in studio.tasks.items()}
    return [names[row.task.pk] for row in chart.rows]


# --- Selection --------------------------------------------------------------------------------------------------


def test_the_chart_opens_on_the_first_sequence_with_work_around_today(studio):
    """On a long show the first sequences finished months ago: the chart opens where work is going on."""
    Task.objects.filter(shot__sequence=studio.sequences["SQ010"]).update(
        start_date=dt.date(2025, 6, 2), due_date=dt.date(2025, 6, 6)
    )
    today = dt.date(2026, 3, 12)
    sequences = gantt.gantt_sequences(studio.people["pia"], studio.show, today)
    assert [(s.code, s.has_tasks, s.has_current_tasks) for s in sequences] == [
        ("SQ005", False, False),
        ("SQ010", True, False),
        ("SQ020", True, True),
    ]
    assert gantt.default_sequence(sequences).code == "SQ020"
    # Nothing around today anywhere: the first sequence with work, as before.
    assert (
        gantt.default_sequence(gantt.gantt_sequences(studio.people["pia"], studio.show, dt.date(2030, 1, 7))).code
        == "SQ010"
    )


def test_the_show_chart_of_a_sequence_in_order_with_its_geometry(studio):
    sequences = gantt.gantt_sequences(studio.people["pia"], studio.show, dt.date(2026, 3, 12))
    assert [(s.code, s.has_tasks) for s in sequences] == [("SQ005", False), ("SQ010", True), ("SQ020", True)]
    assert gantt.default_sequence(sequences).code == "SQ010"

    chart = gantt.show_gantt(
        studio.people["pia"],
        studio.show,
        GanttFilters(sequence_id=studio.sequences["SQ010"].pk),
        window=MARCH,
        today=dt.date(2026, 3, 12),
    )
    # Outside the window ("later") and omitted tasks are left out; a task without dates is listed, without a bar.
    assert keys(studio, chart) == ["layout", "anim", "light", "undated"]
    assert [group.label for group in chart.groups] == ["SQ010"]
    assert (chart.total, chart.page, chart.first_row, chart.last_row, chart.has_next) == (4, 1, 1, 4, False)
    layout, anim, light, undated = chart.rows
    assert (layout.bar, layout.baseline) == (Span(0, 28, cut_start=True), None)  # the old baseline is not active
    assert (anim.bar, anim.baseline) == (Span(28, 98), Span(0, 70))
    assert (anim.baseline_start, anim.baseline_due) == (dt.date(2026, 3, 2), dt.date(2026, 3, 6))
    assert light.bar == Span(322, 70, cut_end=True)
    assert (undated.bar, undated.baseline) == (None, None)
    assert [row.editable for row in chart.rows] == [True, True, True, True]
    assert chart.today_x == 10 * 14 + 7
    [background] = chart.backgrounds
    assert background.element_id == f"gantt-bg-{studio.show.pk}"
    assert background.closed == [Span(70, 28), Span(168, 28), Span(210, 14), Span(266, 28), Span(364, 28)]
    assert [(m.label, m.x, m.lane) for m in chart.milestones] == [
        ("Anim lock (ANM)", 259, 0),
        ("Delivery", 259, 1),
        ("Light lock (LGT)", 357, 2),
    ]
    assert (chart.lanes, chart.scale_height) == (3, 18 + 18 + 48 + 4)


def test_filters_by_department_task_type_and_assignee_and_all_sequences(studio):
    pia = studio.people["pia"]

    def chart(**filters):
        return keys(
            studio, gantt.show_gantt(pia, studio.show, GanttFilters(**filters), window=MARCH, today=MARCH.start)
        )

    animation = studio.types["Animation"]
    assert chart() == ["layout", "anim", "light", "undated", "sq020"]
    assert chart(department_id=animation.department_id) == ["anim", "undated", "sq020"]
    assert chart(task_type_id=studio.types["Layout"].pk) == ["layout"]
    assert chart(assignee_id=studio.people["ben"].pk) == ["undated", "sq020"]
    assert chart(sequence_id=studio.sequences["SQ020"].pk, assignee_id=studio.people["ana"].pk) == ["sq020"]
    # A department's chart shows the show-wide milestones and that department's only.
    lighting = gantt.show_gantt(
        pia,
        studio.show,
        GanttFilters(department_id=studio.types["Lighting"].department_id),
        window=MARCH,
        today=MARCH.start,
    )
    assert [m.label for m in lighting.milestones] == ["Delivery", "Light lock (LGT)"]


def test_a_huge_sequence_comes_in_pages_of_the_row_cap(studio, monkeypatch):
    monkeypatch.setattr(gantt, "ROW_CAP", 3)
    pia = studio.people["pia"]
    first = gantt.show_gantt(pia, studio.show, GanttFilters(), window=MARCH, today=MARCH.start)
    second = gantt.show_gantt(pia, studio.show, GanttFilters(), window=MARCH, today=MARCH.start, page=2)
    assert keys(studio, first) == ["layout", "anim", "light"]
    assert (first.total, first.first_row, first.last_row, first.has_next, first.is_capped) == (5, 1, 3, True, True)
    assert keys(studio, second) == ["undated", "sq020"]
    assert (second.first_row, second.last_row, second.has_next, second.has_previous) == (4, 5, False, True)
    assert [group.label for group in second.groups] == ["SQ010", "SQ020"]


def test_a_persons_chart_and_my_chart(studio):
    ana, ben = studio.people["ana"], studio.people["ben"]
    chart = gantt.person_gantt(studio.people["pia"], studio.show, ana, window=MARCH, today=MARCH.start)
    assert keys(studio, chart) == ["anim", "sq020"]
    assert [group.label for group in chart.groups] == ["SQ010", "SQ020"]
    assert [m.label for m in chart.milestones] == ["Anim lock (ANM)", "Delivery", "Light lock (LGT)"]

    # Ben is on a second show too: my chart groups by show and sequence, with each show's milestones.
    other = studio.people["oscar"].memberships.get().show
    MembershipFactory(person=ben, show=other)
    other_task = TaskFactory(
        shot=ShotFactory(sequence=SequenceFactory(show=other, code="OT010"), code="OT010_SH0010"),
        task_type=studio.types["Animation"],
        start_date=dt.date(2026, 3, 16),
        due_date=dt.date(2026, 3, 18),
        assignees=[ben],
    )
    mine = gantt.my_gantt(Person.objects.get(pk=ben.pk), window=MARCH, today=MARCH.start)
    assert [row.task.pk for row in mine.rows] == [other_task.pk, studio.tasks["undated"].pk, studio.tasks["sq020"].pk]
    assert [group.label for group in mine.groups] == ["OTH · OT010", "RBT · SQ010", "RBT · SQ020"]
    assert [m.label for m in mine.milestones] == [
        "OTH: Other delivery",
        "RBT: Anim lock (ANM)",
        "RBT: Delivery",
        "RBT: Light lock (LGT)",
    ]
    assert len(mine.backgrounds) == 2
    # Artists change only the status of their tasks: their own bars are not draggable.
    assert [row.editable for row in mine.rows] == [False, False, False]


# --- The pages ---------------------------------------------------------------------------------------------------


def row_html(body: str, task: Task) -> str:
    return re.search(rf'<tr id="gantt-task-{task.pk}".*?</tr>', body, re.S).group(0)


def test_the_page_draws_the_rows_bars_and_background(studio):
    response = studio.client("pia").get(f"{URL}?{WINDOW_QUERY}")
    assert response.status_code == 200
    body = response.content.decode()
    assert inspect(response).problems == []
    assert response.context["chart"].total == 4  # SQ010, the first sequence with tasks
    sq010 = studio.sequences["SQ010"].pk
    assert f'<option value="{sq010}" selected>SQ010</option>' in body  # the select names the sequence charted
    anim = row_html(body, studio.tasks["anim"])
    assert '<a class="code" href="/shows/RBT/shot/SQ010_SH0010/">SQ010_SH0010</a> Animation' in anim
    assert '<a href="/shows/RBT/gantt/people/ana/" title="Ana Arden">AA</a>' in anim
    assert '<span class="gantt-dates" data-dates>4 Mar – 10 Mar 2026</span>' in anim
    assert f'<use href="#gantt-bg-{studio.show.pk}"/>' in anim
    assert '<rect class="bar bar-wip" x="28" y="5" width="98" height="14" rx="3"/>' in anim
    assert '<rect class="baseline" x="0" y="22" width="70" height="3">' in anim
    pk = studio.tasks["anim"].pk
    assert anim.startswith(
        f'<tr id="gantt-task-{pk}" class="gantt-row" data-url="/shows/RBT/gantt/tasks/{pk}/dates/" '
        'data-row-version="1" data-start="2026-03-04" data-due="2026-03-10" data-name="SQ010_SH0010 Animation">'
    )
    assert (
        '<g class="gantt-bar editable" tabindex="0" role="button" '
        'aria-label="SQ010_SH0010 Animation, WIP: starts 4 Mar 2026, due 10 Mar 2026. Enter edits the dates">'
    ) in anim
    assert '<rect class="handle handle-start" x="28" y="5" width="6" height="14"/>' in anim
    assert '<rect class="handle handle-due" x="120" y="5" width="6" height="14"/>' in anim
    assert (
        f'<a class="gantt-edit-link" href="/shows/RBT/gantt/tasks/{pk}/dates/'
        '?next=%2Fshows%2FRBT%2Fgantt%2F%3Ffrom%3D2026-03-02%26to%3D2026-03-29" data-gantt-edit>Edit dates</a>'
    ) in anim
    # The one date form of the chart (a dialog) posts back the window, so the row comes back drawn in it.
    assert body.count('<form method="post" action="" data-gantt-editor>') == 1
    assert '<input type="hidden" name="window_start" value="2026-03-02">' in body
    # A bar cut by the window has no handle at the cut end.
    layout = row_html(body, studio.tasks["layout"])
    assert "handle-start" not in layout and "handle-due" in layout
    assert "No dates" in row_html(body, studio.tasks["undated"])
    # The shared background: the runs of non-working days and the milestones, once.
    assert body.count('<rect class="gantt-closed"') == 5
    assert '<rect class="gantt-closed" x="210" y="0" width="14" height="28"/>' in body
    assert '<line class="gantt-milestone department" x1="259" x2="259" y1="0" y2="28"/>' in body
    assert '<text class="milestone-label" x="262" y="64" text-anchor="start">Delivery</text>' in body
    assert "Other delivery" not in body
    assert 'data-window-start="2026-03-02" data-window-end="2026-03-29" data-px-per-day="14"' in body


@pytest.mark.parametrize(
    ("username", "status", "editable"),
    [
        ("pia", 200, True),
        ("cora", 200, True),
        ("sam", 200, True),
        ("root", 200, True),
        ("lena", 200, False),  # another department's supervisor reads it
        ("ana", 200, False),  # the assignee: an artist reads her bar, the production plans it
        ("ben", 200, False),
        ("cleo", 404, None),
        ("oscar", 404, None),
    ],
)
def test_who_reads_the_chart_and_who_gets_a_draggable_bar(studio, username, status, editable):
    response = studio.client(username).get(f"{URL}?{WINDOW_QUERY}")
    assert response.status_code == status
    if status == 200:
        anim = row_html(response.content.decode(), studio.tasks["anim"])
        assert ('tabindex="0" role="button"' in anim) is editable
        assert ("Edit dates" in anim) is editable
        # Lena may move her department's (Lighting) task, so her chart has the date form; artists' charts do not.
        assert ("data-gantt-editor" in response.content.decode()) is (username not in ("ana", "ben"))
        assert ('role="img"' in anim) is not editable


def test_anonymous_people_are_sent_to_log_in(studio):
    response = Client().get(URL)
    assert (response.status_code, response["Location"]) == (302, f"/login/?next={URL}")


def test_the_people_chart_is_for_the_shows_staff_about_its_staff(studio):
    assert studio.client("lena").get("/shows/RBT/gantt/people/ana/").status_code == 200
    assert studio.client("cleo").get("/shows/RBT/gantt/people/ana/").status_code == 404
    assert studio.client("oscar").get("/shows/RBT/gantt/people/ana/").status_code == 404
    assert studio.client("pia").get("/shows/RBT/gantt/people/oscar/").status_code == 404  # not on the show
    assert studio.client("pia").get("/shows/RBT/gantt/people/cleo/").status_code == 404  # a client: no tasks
    assert studio.client("pia").get("/shows/RBT/gantt/people/nobody/").status_code == 404
    response = studio.client("pia").get(f"/shows/RBT/gantt/people/ana/?{WINDOW_QUERY}")
    body = response.content.decode()
    assert [row.task.pk for row in response.context["chart"].rows] == [
        studio.tasks["anim"].pk,
        studio.tasks["sq020"].pk,
    ]
    assert "Ana Arden’s tasks" in body
    assert "Anim lock (ANM)" in body


def test_my_chart_is_for_staff(studio):
    response = studio.client("ana").get(f"/my/gantt/?{WINDOW_QUERY}")
    assert response.status_code == 200
    assert [row.task.pk for row in response.context["chart"].rows] == [
        studio.tasks["anim"].pk,
        studio.tasks["sq020"].pk,
    ]
    assert "RBT: Delivery" in response.content.decode()
    assert studio.client("cleo").get("/my/gantt/").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-03-10&to=2026-03-01", "To: The end of the window must not be before its start."),
        ("from=2026-01-01&to=2027-06-01", "To: Show at most 366 days at a time."),
        ("from=yesterday", "From: Enter a valid date."),
        ("from=9999-12-30", "From: Give a date between 1970 and 2999."),
        ("sequence=999", "Sequence: Select a valid choice. 999 is not one of the available choices."),
        ("page=0", "Page: Ensure this value is greater than or equal to 1."),
        ("assignee=me-not", "Assignee: Select a valid choice. me-not is not one of the available choices."),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(studio, query, message):
    response = studio.client("pia").get(f"{URL}?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("url", [URL, "/my/gantt/", "/shows/RBT/gantt/people/ana/"])
@pytest.mark.parametrize(
    ("query", "messages"),
    [
        (
            "from=9999-12-01&to=9999-12-31",
            ["From: Give a date between 1970 and 2999.", "To: Give a date between 1970 and 2999."],
        ),
        ("to=9999-12-31", ["To: Give a date between 1970 and 2999."]),
        ("from=1969-12-31", ["From: Give a date between 1970 and 2999."]),
        ("to=0001-01-01", ["To: Give a date between 1970 and 2999."]),
    ],
)
def test_a_window_outside_1970_to_2999_is_a_400_naming_the_field(studio, url, query, messages):
    response = studio.client("pia").get(f"{url}?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert [message for message in messages if message in body] == messages


@pytest.mark.parametrize("url", [URL, "/my/gantt/", "/shows/RBT/gantt/people/ana/"])
@pytest.mark.parametrize(
    ("query", "window"),
    [
        ("to=1970-01-01", ("1969-10-10", "1970-01-01")),  # the default length, ending on the first planning day
        ("from=2999-12-01&to=2999-12-31", ("2999-12-01", "2999-12-31")),
    ],
)
def test_the_first_and_last_planning_days_are_charted(studio, url, query, window):
    response = studio.client("pia").get(f"{url}?{query}")
    assert response.status_code == 200
    chart = response.context["chart"]
    assert (chart.window.start.isoformat(), chart.window.end.isoformat()) == window


def test_the_filter_form_asks_for_the_chart_only(studio):
    response = studio.client("pia").get(f"{URL}?{WINDOW_QUERY}&sequence=all", **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="gantt-chart"')
    assert "<html" not in body
    assert "5 tasks" in body


def test_the_capped_page_says_so_and_links_the_next_rows(studio, monkeypatch):
    monkeypatch.setattr(gantt, "ROW_CAP", 3)
    body = studio.client("pia").get(f"{URL}?{WINDOW_QUERY}&sequence=all").content.decode()
    assert "rows 1–3 of 5 tasks (at most 400 a page)" in body
    assert f'<a href="{URL}?from=2026-03-02&amp;to=2026-03-29&amp;sequence=all&amp;page=2" rel="next">' in body


# --- Changing dates ---------------------------------------------------------------------------------------------------


def dates_url(task: Task) -> str:
    return f"/shows/RBT/gantt/tasks/{task.pk}/dates/"


def post_dates(studio, username, task, start, due, *, row_version=None, htmx=True, **extra):
    data = {
        "start_date": start,
        "due_date": due,
        "row_version": task.row_version if row_version is None else row_version,
        "window_start": "2026-03-02",
        "window_end": "2026-03-29",
        "next": f"{URL}?{WINDOW_QUERY}",
        **extra,
    }
    return studio.client(username).post(dates_url(task), data, **(HTMX if htmx else {}))


def test_a_drop_saves_both_dates_and_answers_with_the_row_redrawn(studio):
    task = studio.task("anim")
    response = post_dates(studio, "pia", task, "2026-03-06", "2026-03-12", via="drag")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="gantt-task-{task.pk}"')
    assert '<rect class="bar bar-wip" x="56" y="5" width="98" height="14" rx="3"/>' in body
    assert '<span class="gantt-dates" data-dates>6 Mar – 12 Mar 2026</span>' in body
    assert 'data-row-version="2"' in body
    saved = studio.task("anim")
    assert (saved.start_date, saved.due_date, saved.row_version, saved.updated_by.username) == (
        dt.date(2026, 3, 6),
        dt.date(2026, 3, 12),
        2,
        "pia",
    )
    assert EarnedValueState.objects.get(show=studio.show).is_stale  # through shots.services.task_update


@pytest.mark.parametrize(
    ("username", "task_key", "status"),
    [
        ("cora", "anim", 200),
        ("sam", "anim", 200),  # the Animation supervisor, on an Animation task
        ("root", "anim", 200),
        ("sam", "light", 403),  # ... not on a Lighting one
        ("lena", "anim", 403),  # another department's supervisor
        ("ana", "anim", 403),  # her own task: artists change only the status
        ("ben", "anim", 403),  # someone else's
        ("cleo", "anim", 404),
        ("oscar", "anim", 404),
    ],
)
def test_who_may_move_a_tasks_dates(studio, username, task_key, status):
    task = studio.task(task_key)
    response = post_dates(studio, username, task, "2026-03-05", "2026-03-11")
    assert response.status_code == status
    saved = studio.task(task_key)
    if status == 200:
        assert (saved.start_date, saved.due_date) == (dt.date(2026, 3, 5), dt.date(2026, 3, 11))
    else:
        assert (saved.start_date, saved.due_date, saved.row_version) == (task.start_date, task.due_date, 1)
    if status == 403:
        body = response.content.decode()
        assert "You cannot change this task’s dates." in body or "You cannot change this task&#x27;s dates." in body
        # The row comes back as it is: the bar snaps back.
        assert f'<tr id="gantt-task-{task.pk}" class="gantt-row refused">' in body


def test_the_dates_page_and_endpoint_are_404_on_another_shows_path(studio):
    task = studio.task("anim")
    client = studio.client("root")
    assert client.get(f"/shows/OTH/gantt/tasks/{task.pk}/dates/").status_code == 404
    assert client.post(f"/shows/OTH/gantt/tasks/{task.pk}/dates/", {"row_version": 1}).status_code == 404
    assert client.get("/shows/RBT/gantt/tasks/99999999/dates/").status_code == 404
    assert Client().post(dates_url(task), {"row_version": 1}).status_code == 302


@pytest.mark.parametrize(
    ("start", "due", "row_version", "message"),
    [
        ("2026-03-12", "2026-03-06", None, "Due date: The due date must not be before the start date."),
        ("never", "2026-03-06", None, "Start date: Enter a valid date."),
        ("2026-03-06", "2026-02-30", None, "Due date: Enter a valid date."),
        ("2026-03-06", "2026-03-08", "x", "Row version: Enter a whole number."),
        ("2026-03-06", "2026-03-08", "", "Row version: Reload the chart."),
        # A bar due on the calendar's last day would be drawn, and listed in feeds, past date.max.
        ("2026-03-06", "9999-12-31", None, "Due date: Give a date between 1970 and 2999."),
        ("1969-12-31", "2026-03-06", None, "Start date: Give a date between 1970 and 2999."),
    ],
)
def test_bad_dates_are_a_400_naming_the_field_and_nothing_changes(studio, start, due, row_version, message):
    task = studio.task("anim")
    response = post_dates(studio, "pia", task, start, due, row_version=row_version)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'<p class="notice error gantt-message" role="alert">{message}</p>' in body
    assert "data-reopen" in body  # typed in the form: the form opens again, with what was typed
    assert '<rect class="bar bar-wip" x="28" y="5" width="98" height="14" rx="3"/>' in body  # drawn as saved
    assert studio.task("anim").row_version == 1


def test_a_refused_drag_leaves_the_form_closed(studio):
    response = post_dates(studio, "pia", studio.task("anim"), "2026-03-12", "2026-03-06", via="drag")
    assert response.status_code == 400
    assert "data-reopen" not in response.content.decode()


def test_a_stale_row_version_is_a_409_and_the_row_shows_the_current_dates(studio):
    task = studio.task("anim")
    assert post_dates(studio, "cora", task, "2026-03-05", "2026-03-11").status_code == 200
    response = post_dates(studio, "pia", task, "2026-03-09", "2026-03-13", row_version=1, via="drag")
    assert response.status_code == 409
    body = response.content.decode()
    assert re.search(r"This task was changed by Cora Cole at \d{4}-\d\d-\d\d \d\d:\d\d — reload", body)
    assert '<span class="gantt-dates" data-dates>5 Mar – 11 Mar 2026</span>' in body
    assert '<rect class="bar bar-wip" x="42" y="5" width="98" height="14" rx="3"/>' in body
    assert 'data-row-version="2"' in body
    saved = studio.task("anim")
    assert (saved.start_date, saved.row_version) == (dt.date(2026, 3, 5), 2)


def test_without_javascript_the_form_posts_and_redirects_back_to_the_chart(studio):
    task = studio.task("anim")
    response = post_dates(studio, "pia", task, "2026-03-05", "2026-03-09", htmx=False)
    assert (response.status_code, response["Location"]) == (302, f"{URL}?{WINDOW_QUERY}")
    assert studio.task("anim").due_date == dt.date(2026, 3, 9)
    # A refusal re-renders the plain page with the message naming the field.
    response = post_dates(studio, "pia", studio.task("anim"), "2026-03-12", "2026-03-06", htmx=False)
    assert response.status_code == 400
    assert "Due date: The due date must not be before the start date." in response.content.decode()
    # An unsafe next is not followed.
    response = post_dates(
        studio, "pia", studio.task("anim"), "2026-03-05", "2026-03-10", htmx=False, next="https://evil.example/"
    )
    assert response["Location"] == "/shows/RBT/gantt/"


def test_the_plain_dates_page(studio):
    task = studio.task("anim")
    response = studio.client("pia").get(dates_url(task))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<input type="date" name="start_date" value="2026-03-04"' in body
    assert inspect(response).problems == []
    response = studio.client("ana").get(dates_url(task))
    assert response.status_code == 403
    assert '<form class="gantt-task-form"' not in response.content.decode()
    # A stale save keeps the typed dates, shows the current ones and takes the current row version.
    assert post_dates(studio, "cora", task, "2026-03-05", "2026-03-11").status_code == 200
    response = post_dates(studio, "pia", task, "2026-03-09", "2026-03-13", row_version=1, htmx=False)
    assert response.status_code == 409
    body = response.content.decode()
    assert '<dd id="current-start">5 Mar 2026</dd>' in body
    assert '<input type="date" name="start_date" value="2026-03-09"' in body
    assert '<input type="hidden" name="row_version" value="2"' in body


# --- Queries ----------------------------------------------------------------------------------------------------------


def _grow(studio: Studio, shots: int) -> None:
    """`shots` more shots in SQ010, each with an assigned Animation task in March and a baseline row."""
    baseline = studio.show.baselines.get(is_active=True)
    first = studio.show.shots.count()
    for n in range(first, first + shots):
        shot = ShotFactory(sequence=studio.sequences["SQ010"], code=f"SQ010_SH{500 + n:04d}", order=100 + n)
        task = TaskFactory(
            shot=shot,
            task_type=studio.types["Animation"],
            start_date=dt.date(2026, 3, 2 + n % 20),
            due_date=dt.date(2026, 3, 5 + n % 20),
            assignees=[studio.people["ana"], studio.people["ben"]],
        )
        BaselineTask.objects.create(baseline=baseline, task=task, bid_days=1, start_date=task.start_date)
        MilestoneFactory(show=studio.show, name=f"Extra {n}", date=dt.date(2026, 3, 2 + n % 20))
        Holiday.objects.create(show=studio.show, date=dt.date(2026, 6, 1) + dt.timedelta(days=n), name=f"H{n}")


def _queries(studio: Studio, username: str, url: str) -> int:
    client = studio.client(username)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [f"{URL}?{WINDOW_QUERY}", f"{URL}?{WINDOW_QUERY}&sequence=all", f"/shows/RBT/gantt/people/ana/?{WINDOW_QUERY}"],
)
@pytest.mark.parametrize("username", ["pia", "sam", "ana"])
def test_a_chart_asks_the_database_the_same_number_of_times_at_two_sizes(url, username):
    small = _studio()
    _grow(small, 2)
    few = _queries(small, username, url)
    _grow(small, 10)
    many = _queries(small, username, url)
    assert few == many


def test_my_chart_asks_the_database_the_same_number_of_times_at_two_sizes():
    studio = _studio()
    _grow(studio, 2)
    few = _queries(studio, "ana", f"/my/gantt/?{WINDOW_QUERY}")
    _grow(studio, 10)
    many = _queries(studio, "ana", f"/my/gantt/?{WINDOW_QUERY}")
    assert few == many


def test_a_saved_drop_asks_the_database_a_fixed_number_of_times(studio):
    _grow(studio, 2)
    task = studio.task("anim")
    with CaptureQueriesContext(connection) as few:
        post_dates(studio, "pia", task, "2026-03-05", "2026-03-11")
    _grow(studio, 10)
    task = studio.task("anim")
    with CaptureQueriesContext(connection) as many:
        post_dates(studio, "pia", task, "2026-03-06", "2026-03-12")
    assert len(few) == len(many)


def test_the_date_fields_show_the_window_and_links_move_it_by_its_length(studio):
    response = studio.client("pia").get(f"{URL}?sequence=all&{WINDOW_QUERY}&page=1")
    body = response.content.decode()
    assert '<input type="date" name="from" value="2026-03-02"' in body
    assert '<input type="date" name="to" value="2026-03-29"' in body
    assert f'<a href="{URL}?sequence=all&amp;from=2026-02-02&amp;to=2026-03-01" rel="prev">← Earlier</a>' in body
    assert f'<a href="{URL}?sequence=all&amp;from=2026-03-30&amp;to=2026-04-26">Later →</a>' in body
    # Without dates: the default window (from a week ago, twelve weeks) is written in the fields.
    today = person_today(studio.people["pia"])
    body = studio.client("pia").get(URL).content.decode()
    assert f'<input type="date" name="from" value="{(today - dt.timedelta(days=7)).isoformat()}"' in body
    assert f'<input type="date" name="to" value="{(today + dt.timedelta(days=76)).isoformat()}"' in body
