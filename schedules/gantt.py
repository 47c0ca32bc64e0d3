"""Gantt charts: which tasks a chart shows (selectors) and where everything is drawn (SVG geometry, in Python).

A chart covers a date window [start, end] (both inclusive) at PX_PER_DAY pixels a day: a day d is drawn from
x = (d - start).days x PX_PER_DAY, and a task's bar from its start date to its due date (inclusive) is
(due - start + 1) x PX_PER_DAY wide, clipped to the window. Each row's SVG draws only its own bar and baseline
mark; what every row of a show shares (its weekends and holidays, today, its milestones) is drawn once per show
as a <g> in <defs> that each row's SVG <use>s.

Whatever the size of the show, a chart asks the database a fixed number of times: the rows (one page of at most
ROW_CAP tasks, with their active baseline's dates as subqueries), their assignees, the count, the holidays and
the milestones of the shows concerned.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from shots.models import Sequence, Task
from shots.workflow import TaskStatus
from studio import permissions
from studio.models import Person, Show

from .calendar import ShowCalendar
from .models import BaselineTask, Holiday, Milestone

PX_PER_DAY = 14
ROW_HEIGHT = 28
BAR_Y = 5
BAR_HEIGHT = 14
BASELINE_Y = 22
BASELINE_HEIGHT = 3
HANDLE_WIDTH = 6
DEFAULT_WEEKS = 12
DEFAULT_LOOKBACK_DAYS = 7
MAX_WINDOW_DAYS = 366
ROW_CAP = 400
# The scale above the rows: a band of months, a band of Mondays, then the milestone labels in lanes.
MONTH_BAND = 18
WEEK_BAND = 18
LANE_HEIGHT = 16
LABEL_CHAR_PX = 7  # a label's width, estimated: the scale is drawn by the server, which measures no text
LABEL_PADDING = 10


# --- The window and its geometry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """Where a [start, end] run of days is drawn: x and width in px, and whether the window cut either end."""

    x: int
    width: int
    cut_start: bool = False
    cut_end: bool = False


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date  # inclusive
    px_per_day: int = PX_PER_DAY

    @classmethod
    def default(cls, today: dt.date) -> Window:
        start = today - dt.timedelta(days=DEFAULT_LOOKBACK_DAYS)
        return cls(start, start + dt.timedelta(weeks=DEFAULT_WEEKS, days=-1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def width(self) -> int:
        return self.days * self.px_per_day

    def x(self, day: dt.date) -> int:
        """The left edge of `day` (may fall outside [0, width] for a day outside the window)."""
        return (day - self.start).days * self.px_per_day

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def span(self, start: dt.date | None, end: dt.date | None) -> Span | None:
        """The days [start, end] (one missing: the other alone) within the window; None when none is in it."""
        start, end = start or end, end or start
        if start is None or end < start or end < self.start or start > self.end:
            return None
        first, last = max(start, self.start), min(end, self.end)
        return Span(
            x=self.x(first),
            width=((last - first).days + 1) * self.px_per_day,
            cut_start=start < self.start,
            cut_end=end > self.end,
        )

    def days_iter(self):
        for n in range(self.days):
            yield self.start + dt.timedelta(days=n)


# --- What the scale and the shared background show -----------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    x: int
    width: int
    label: str


@dataclass(frozen=True)
class MilestoneMark:
    milestone: Milestone
    x: int  # the middle of its day
    lane: int
    label: str
    label_before: bool = False  # too near the window's end: the label is drawn to the left of the line

    @property
    def is_department(self) -> bool:
        return self.milestone.department_id is not None

    @property
    def label_x(self) -> int:
        return self.x - 3 if self.label_before else self.x + 3

    @property
    def label_anchor(self) -> str:
        return "end" if self.label_before else "start"

    @property
    def label_y(self) -> int:
        """The baseline of its label on the scale: in its lane, below the months and the weeks."""
        return MONTH_BAND + WEEK_BAND + self.lane * LANE_HEIGHT + 12


@dataclass
class Background:
    """What every row of one show draws behind its bar: non-working days, today, the show's milestones."""

    show: Show
    closed: list[Span]  # runs of weekend days and holidays
    milestones: list[MilestoneMark]

    @property
    def element_id(self) -> str:
        return f"gantt-bg-{self.show.pk}"


def month_ticks(window: Window) -> list[Tick]:
    """One tick per month the window touches; never a step past the window's end (it may end on date.max)."""
    ticks = []
    day = window.start
    while day <= window.end:
        last = min(window.end, day.replace(day=monthrange(day.year, day.month)[1]))
        span = window.span(day, last)
        ticks.append(Tick(span.x, span.width, day.strftime("%b %Y")))
        if last == window.end:
            break
        day = last + dt.timedelta(days=1)
    return ticks


def week_ticks(window: Window) -> list[Tick]:
    """Each Monday in the window, labelled with its day of the month."""
    to_monday = (7 - window.start.weekday()) % 7
    if to_monday > (window.end - window.start).days:
        return []  # no Monday in it (and none may exist after it: the window may end on date.max)
    first = window.start + dt.timedelta(days=to_monday)
    return [
        Tick(window.x(day), 7 * window.px_per_day, f"{day.day} {day:%b}")
        for day in (first + dt.timedelta(weeks=n) for n in range(0, (window.end - first).days // 7 + 1))
        if day <= window.end
    ]


def closed_runs(window: Window, calendar: ShowCalendar) -> list[Span]:
    """Runs of consecutive non-working days (weekends, the show's weekday holidays), one span per run."""
    runs: list[Span] = []
    run_start = None
    for day in window.days_iter():
        if not calendar.is_working_day(day):
            run_start = run_start or day
        elif run_start is not None:
            runs.append(window.span(run_start, day - dt.timedelta(days=1)))
            run_start = None
    if run_start is not None:
        runs.append(window.span(run_start, window.end))
    return runs


def milestone_marks(window: Window, milestones: list[Milestone], *, with_show: bool = False) -> list[MilestoneMark]:
    """Milestones in the window, each labelled and given the first lane where its label overlaps no other.

    A label runs right of its line, or left of it when it would run past the window's end.
    """
    lanes: list[list[tuple[int, int]]] = []  # per lane, the [left, right] px its labels take
    marks = []
    for milestone in sorted(milestones, key=lambda m: (m.date, m.name, m.pk)):
        if not window.contains(milestone.date):
            continue
        label = milestone.name
        if milestone.department_id is not None:
            label += f" ({milestone.department.code})"
        if with_show:
            label = f"{milestone.show.code}: {label}"
        x = window.x(milestone.date) + window.px_per_day // 2
        width = LABEL_PADDING + len(label) * LABEL_CHAR_PX
        before = x + width > window.width and x - width >= 0
        left, right = (x - width, x) if before else (x, x + width)
        lane = next(
            (n for n, taken in enumerate(lanes) if all(right < a or left > b for a, b in taken)),
            len(lanes),
        )
        if lane == len(lanes):
            lanes.append([])
        lanes[lane].append((left, right))
        marks.append(MilestoneMark(milestone, x, lane, label, before))
    return marks


# --- Rows --------------------------------------------------------------------------------------------------


@dataclass
class GanttRow:
    task: Task
    bar: Span | None
    baseline: Span | None
    editable: bool
    baseline_start: dt.date | None = None
    baseline_due: dt.date | None = None
    message: str = ""  # why the last change was refused (the row is drawn as it is in the database)
    open_form: bool = False
    dates_url: str = ""  # filled in by the view, with the row's HTML
    html: str = ""

    @property
    def show(self) -> Show:
        return self.task.shot.show

    @property
    def bar_start(self) -> dt.date | None:
        return self.task.start_date or self.task.due_date

    @property
    def bar_due(self) -> dt.date | None:
        return self.task.due_date or self.task.start_date

    @property
    def background_id(self) -> str:
        return f"gantt-bg-{self.task.shot.show_id}"

    @property
    def handle_due_x(self) -> int:
        return self.bar.x + self.bar.width - HANDLE_WIDTH


@dataclass
class GanttGroup:
    label: str  # "SQ010", or "RBT · SQ010" on charts across shows
    rows: list[GanttRow] = field(default_factory=list)


@dataclass
class Gantt:
    window: Window
    today: dt.date
    groups: list[GanttGroup]
    backgrounds: list[Background]
    total: int  # rows matching, on every page
    page: int
    first_row: int  # 1-based number of the first row of this page (0 when there is none)
    across_shows: bool = False  # My Gantt: rows grouped by show and sequence, milestones named with their show

    row_height: int = ROW_HEIGHT
    bar_y: int = BAR_Y
    bar_height: int = BAR_HEIGHT
    baseline_y: int = BASELINE_Y
    baseline_height: int = BASELINE_HEIGHT
    handle_width: int = HANDLE_WIDTH

    @property
    def rows(self) -> list[GanttRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def any_editable(self) -> bool:
        return any(row.editable for row in self.rows)

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1 if self.rows else 0

    @property
    def has_next(self) -> bool:
        return self.page * ROW_CAP < self.total

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def is_capped(self) -> bool:
        return self.total > ROW_CAP

    @property
    def today_x(self) -> int | None:
        return self.window.x(self.today) + self.window.px_per_day // 2 if self.window.contains(self.today) else None

    @property
    def months(self) -> list[Tick]:
        return month_ticks(self.window)

    @property
    def weeks(self) -> list[Tick]:
        return week_ticks(self.window)

    @property
    def milestones(self) -> list[MilestoneMark]:
        """The labels of the scale: every background's milestones (a chart across shows names the show)."""
        if len(self.backgrounds) == 1 and not self.across_shows:
            return self.backgrounds[0].milestones
        everything = [mark.milestone for background in self.backgrounds for mark in background.milestones]
        return milestone_marks(self.window, everything, with_show=True)

    @property
    def lanes(self) -> int:
        return max((mark.lane + 1 for mark in self.milestones), default=0)

    @property
    def scale_height(self) -> int:
        return MONTH_BAND + WEEK_BAND + self.lanes * LANE_HEIGHT + 4

    @property
    def week_y(self) -> int:
        return MONTH_BAND

    @property
    def lanes_y(self) -> int:
        return MONTH_BAND + WEEK_BAND


# --- Selectors -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GanttFilters:
    sequence_id: int | None = None  # None: every sequence
    department_id: int | None = None
    task_type_id: int | None = None
    assignee_id: int | None = None


def gantt_sequences(person: Person, show: Show, today: dt.date) -> list[Sequence]:
    """The show's sequences in order, each with `has_tasks` (a task that is not omitted) and `has_current_tasks` (one
    that meets the default window around `today`): one query."""
    live_tasks = Task.objects.filter(shot__sequence=OuterRef("pk")).exclude(status=TaskStatus.OMITTED)
    current_tasks = _in_window(Task.objects.filter(shot__sequence=OuterRef("pk")), Window.default(today))
    return list(
        permissions.visible(person, Sequence)
        .filter(show=show)
        .annotate(has_tasks=Exists(live_tasks), has_current_tasks=Exists(current_tasks))
        .order_by("order", "code")
    )


def default_sequence(sequences: list[Sequence]) -> Sequence | None:
    """The first sequence with work around today (on a long show the first sequences finished months ago), else
    the first with any work, else the first."""
    return next(
        (s for s in sequences if s.has_current_tasks),
        next((s for s in sequences if s.has_tasks), sequences[0] if sequences else None),
    )


def _in_window(tasks: QuerySet[Task], window: Window) -> QuerySet[Task]:
    """Tasks whose dates meet the window, and those without dates (they need planning, and a form to get it)."""
    tasks = tasks.annotate(
        span_start=Coalesce("start_date", "due_date"), span_end=Coalesce("due_date", "start_date")
    ).filter(Q(span_start__isnull=True) | Q(span_start__lte=window.end, span_end__gte=window.start))
    return tasks.exclude(status=TaskStatus.OMITTED)


def _with_baseline(tasks: QuerySet[Task]) -> QuerySet[Task]:
    active = BaselineTask.objects.filter(task=OuterRef("pk"), baseline__is_active=True)
    return tasks.annotate(
        baseline_start=Subquery(active.values("start_date")[:1]),
        baseline_due=Subquery(active.values("due_date")[:1]),
    )


def _page(tasks: QuerySet[Task], page: int, order: list[str]) -> tuple[list[Task], int]:
    total = tasks.aggregate(n=Count("pk"))["n"]
    offset = (page - 1) * ROW_CAP
    rows = list(
        _with_baseline(tasks)
        .select_related("shot__sequence", "shot__show", "task_type__department")
        .prefetch_related(Prefetch("assignees", queryset=Person.objects.select_related(None).order_by("username")))
        .order_by(*order)[offset : offset + ROW_CAP]
    )
    return rows, total


SHOW_ORDER = ["shot__sequence__order", "shot__sequence__code", "shot__order", "shot__code", "task_type__order", "pk"]


def _gantt(
    viewer: Person,
    tasks: list[Task],
    *,
    total: int,
    page: int,
    window: Window,
    today: dt.date,
    shows: list[Show],
    department_id: int | None = None,
    group_by_show: bool = False,
) -> Gantt:
    shows_by_id = {show.pk: show for show in shows}
    for task in tasks:
        shows_by_id.setdefault(task.shot.show_id, task.shot.show)
    holidays: dict[int, list[dt.date]] = {show_id: [] for show_id in shows_by_id}
    for show_id, day in (
        permissions.visible(viewer, Holiday).filter(show_id__in=list(shows_by_id)).values_list("show_id", "date")
    ):
        holidays[show_id].append(day)
    milestones = permissions.visible(viewer, Milestone).filter(
        show_id__in=list(shows_by_id), date__gte=window.start, date__lte=window.end
    )
    if department_id is not None:
        milestones = milestones.filter(Q(department__isnull=True) | Q(department_id=department_id))
    by_show: dict[int, list[Milestone]] = {show_id: [] for show_id in shows_by_id}
    for milestone in milestones.select_related("department", "show"):
        by_show[milestone.show_id].append(milestone)
    backgrounds = [
        Background(
            show=show,
            closed=closed_runs(window, ShowCalendar(holidays[show.pk])),
            milestones=milestone_marks(window, by_show[show.pk]),
        )
        for show in sorted(shows_by_id.values(), key=lambda s: s.code)
    ]

    groups: list[GanttGroup] = []
    for task in tasks:
        shot = task.shot
        label = f"{shot.show.code} · {shot.sequence.code}" if group_by_show else shot.sequence.code
        if not groups or groups[-1].label != label:
            groups.append(GanttGroup(label))
        groups[-1].rows.append(gantt_row(viewer, task, window))
    return Gantt(
        window=window,
        today=today,
        groups=groups,
        backgrounds=backgrounds,
        total=total,
        page=page,
        first_row=(page - 1) * ROW_CAP + 1 if tasks else 0,
        across_shows=group_by_show,
    )


def gantt_row(viewer: Person, task: Task, window: Window) -> GanttRow:
    """One task's row. `task` has its shot (and show), task type and assignees loaded, and the baseline_start and
    baseline_due annotations (task_for_row loads one so)."""
    baseline_start = getattr(task, "baseline_start", None)
    baseline_due = getattr(task, "baseline_due", None)
    return GanttRow(
        task=task,
        bar=window.span(task.start_date, task.due_date),
        baseline=window.span(baseline_start, baseline_due),
        editable=permissions.can_change_task_dates(viewer, task),
        baseline_start=baseline_start,
        baseline_due=baseline_due,
    )


def task_for_row(viewer: Person, pk: int) -> Task:
    """A task as a row draws it (raises Task.DoesNotExist when the viewer may not see it)."""
    return (
        _with_baseline(permissions.visible(viewer, Task))
        .select_related("shot__sequence", "shot__show", "task_type__department", "updated_by")
        .prefetch_related(Prefetch("assignees", queryset=Person.objects.select_related(None).order_by("username")))
        .get(pk=pk)
    )


def show_gantt(
    viewer: Person, show: Show, filters: GanttFilters, *, window: Window, today: dt.date, page: int = 1
) -> Gantt:
    """A show's chart: its tasks (of one sequence, a department, a task type, an assignee) in the window."""
    tasks = permissions.visible(viewer, Task).filter(shot__show=show)
    if filters.sequence_id is not None:
        tasks = tasks.filter(shot__sequence_id=filters.sequence_id)
    if filters.department_id is not None:
        tasks = tasks.filter(task_type__department_id=filters.department_id)
    if filters.task_type_id is not None:
        tasks = tasks.filter(task_type_id=filters.task_type_id)
    if filters.assignee_id is not None:
        tasks = tasks.filter(assignees=filters.assignee_id)
    rows, total = _page(_in_window(tasks, window), page, SHOW_ORDER)
    return _gantt(
        viewer,
        rows,
        total=total,
        page=page,
        window=window,
        today=today,
        shows=[show],
        department_id=filters.department_id,
    )


def person_gantt(viewer: Person, show: Show, person: Person, *, window: Window, today: dt.date, page: int = 1) -> Gantt:
    """A person's tasks on one show, with the show's milestones."""
    tasks = permissions.visible(viewer, Task).filter(shot__show=show, assignees=person)
    rows, total = _page(_in_window(tasks, window), page, SHOW_ORDER)
    return _gantt(viewer, rows, total=total, page=page, window=window, today=today, shows=[show])


def my_gantt(person: Person, *, window: Window, today: dt.date, page: int = 1) -> Gantt:
    """The person's tasks on every show they work on as staff, with the milestones of the shows of the rows."""
    staff_shows = permissions.visible_shows(person, roles=permissions.ALL_STAFF)
    tasks = permissions.visible(person, Task).filter(assignees=person, shot__show__in=staff_shows)
    rows, total = _page(_in_window(tasks, window), page, ["shot__show__code", *SHOW_ORDER])
    return _gantt(
        viewer=person, tasks=rows, total=total, page=page, window=window, today=today, shows=[], group_by_show=True
    )
