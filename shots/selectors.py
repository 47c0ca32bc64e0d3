"""Reads of the breakdown that cross relations, shaped for one page or endpoint each."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, DecimalField, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from dailies.models import Note, NoteRecipient, Version, VersionStatus
from schedules.models import TimeLog
from studio import permissions
from studio.models import Person, Role, Show

from .models import Activity, BreakdownStatus, Sequence, Shot, Task, TaskTemplateItem, TaskType
from .workflow import DONE_STATUSES, TaskStatus

# Roles that review every department's versions on their shows (supervisors review their own department's).
DEPARTMENT_WIDE_REVIEWERS = (Role.COORDINATOR, Role.PRODUCTION_MANAGER, Role.PRODUCER)


def my_tasks_queryset(person: Person) -> QuerySet[Task]:
    """The tasks assigned to the person on their shows, shaped for a My tasks row: show, shot and task type
    joined, assignees prefetched, and two sums from the same query: `my_hours` (the hours the person logged on
    the task) and `last_version` (the highest version number, or None)."""
    my_hours = (
        TimeLog.objects.filter(task=OuterRef("pk"), person=person)
        .order_by()
        .values("task")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    last_version = (
        Version.objects.filter(task=OuterRef("pk")).order_by().values("task").annotate(n=Max("number")).values("n")
    )
    return (
        permissions.visible(person, Task)
        .filter(assignees=person)
        .select_related("shot__show", "task_type", "updated_by")
        .prefetch_related(
            Prefetch("assignees", queryset=Person.objects.select_related(None).only("id", "username", "first_name"))
        )
        .annotate(
            my_hours=Coalesce(Subquery(my_hours), Decimal("0"), output_field=DecimalField()),
            last_version=Subquery(last_version),
        )
    )


def my_open_tasks(person: Person, *, limit: int = 200) -> QuerySet[Task]:
    """The person's tasks that still need work, across shows, soonest due first (no due date last)."""
    return (
        my_tasks_queryset(person)
        .exclude(status__in=[*DONE_STATUSES, TaskStatus.OMITTED])
        .order_by(F("due_date").asc(nulls_last=True), "shot__show__code", "shot__code", "task_type__order")[:limit]
    )


def pending_review_versions(person: Person, *, limit: int = 200) -> QuerySet[Version]:
    """Versions waiting for review that the person reviews, oldest first: on shows where they supervise, those of
    their department; on shows where they coordinate, manage or produce, all; admins everything. Nothing for
    artists and clients."""
    access = permissions.access_for(person)
    versions = permissions.visible(person, Version).filter(
        status=VersionStatus.PENDING_REVIEW, task__status=TaskStatus.PENDING_REVIEW
    )
    if not access.is_admin:
        reviews = Q(task__shot__show_id__in=access.shows(DEPARTMENT_WIDE_REVIEWERS))
        if person.department_id:
            reviews |= Q(
                task__shot__show_id__in=access.shows([Role.SUPERVISOR]),
                task__task_type__department_id=person.department_id,
            )
        versions = versions.filter(reviews)
    versions = versions.select_related("task__shot__show", "task__task_type", "author")
    return versions.order_by("created_at", "id")[:limit]


def person_today(person: Person) -> date:
    """Today where the person is (Person.timezone): what "due today" and "log hours today" mean for them."""
    return timezone.localdate(timezone=person_zone(person))


def person_zone(person: Person) -> ZoneInfo:
    try:
        return ZoneInfo(person.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# --- The shot page and the breakdown (shots/views/shot_page.py) ------------------------------------------

# The shot page lists at most this many versions, notes and activity rows, newest first, and says when there
# are older ones: a busy shot's history must not make its page slow.
SHOT_PAGE_LIMIT = 200
# The breakdown lists at most this many shots of the selected sequence (the shot grid pages through more).
BREAKDOWN_SHOT_LIMIT = 500


@dataclass
class ShotPage:
    """Everything the shot page shows, read in a fixed number of queries."""

    shot: Shot
    tasks: list[Task]
    versions: list[Version]
    notes: list[Note]
    activities: list[Activity]
    more_versions: bool = False
    more_notes: bool = False
    more_activities: bool = False


def _first(queryset: QuerySet, limit: int) -> tuple[list, bool]:
    """The first `limit` rows, and whether there were more (one query: fetch one row extra)."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def _people_names() -> QuerySet[Person]:
    # Assignees and recipients print as names only: skip the department join of the default manager.
    return Person.objects.select_related(None).only("id", "username", "first_name", "last_name")


def shot_page(person: Person, show: Show, code: str, *, limit: int | None = None) -> ShotPage | None:
    """The shot `code` of `show` with its tasks, versions, the notes the person may read, and its history.

    Seven queries whatever the shot holds: the shot, its tasks, their assignees, its versions, the notes, their
    recipients, the activity. Notes go through permissions.visible, so held client notes stay hidden from
    artists, and each note lists only the recipient rows the person may see.
    """
    limit = limit or SHOT_PAGE_LIMIT
    shot = permissions.visible(person, Shot).filter(show=show, code=code).select_related("show", "sequence").first()
    if shot is None:
        return None
    tasks = list(
        permissions.visible(person, Task)
        .filter(shot=shot)
        .select_related("task_type")
        .prefetch_related(Prefetch("assignees", queryset=_people_names()))
        .order_by("task_type__order", "task_type__name")
    )
    versions, more_versions = _first(
        permissions.visible(person, Version)
        .filter(task__shot=shot)
        .select_related("author", "task__task_type")
        .order_by("-created_at", "-id"),
        limit,
    )
    recipients = (
        permissions.visible(person, NoteRecipient)
        .select_related("person")
        .order_by("-kind", "person__first_name", "person__last_name", "person__username")
    )
    notes, more_notes = _first(
        permissions.visible(person, Note)
        .filter(version__task__shot=shot)
        .select_related("author", "session", "version__task__task_type")
        .prefetch_related(Prefetch("recipient_rows", queryset=recipients, to_attr="shown_recipients"))
        .order_by("-created_at", "-id"),
        limit,
    )
    activities, more_activities = _first(
        permissions.visible(person, Activity)
        .filter(shot=shot)
        .select_related("actor", "task__task_type")
        .order_by("-created_at", "-id"),
        limit,
    )
    return ShotPage(
        shot=shot,
        tasks=tasks,
        versions=versions,
        notes=notes,
        activities=activities,
        more_versions=more_versions,
        more_notes=more_notes,
        more_activities=more_activities,
    )


def breakdown_sequences(person: Person, show: Show) -> QuerySet[Sequence]:
    """The show's sequences in order, each with its live shots (not omitted), omitted shots and live frames."""
    live = ~Q(shots__status=BreakdownStatus.OMITTED)
    return (
        permissions.visible(person, Sequence)
        .filter(show=show)
        .annotate(
            shot_count=Count("shots", filter=live),
            omitted_count=Count("shots", filter=Q(shots__status=BreakdownStatus.OMITTED)),
            frame_total=Sum(F("shots__cut_out") - F("shots__cut_in") + 1, filter=live),
        )
        .order_by("order", "code")
    )


def sequence_shots(person: Person, sequence: Sequence, *, limit: int | None = None) -> tuple[list[Shot], bool]:
    """The sequence's shots in order, each with its task count and done task count (omitted tasks left out)."""
    limit = limit or BREAKDOWN_SHOT_LIMIT
    counted = ~Q(tasks__status=TaskStatus.OMITTED)
    shots = (
        permissions.visible(person, Shot)
        .filter(sequence=sequence)
        .annotate(
            task_count=Count("tasks", filter=counted),
            done_task_count=Count("tasks", filter=Q(tasks__status__in=DONE_STATUSES)),
        )
        .order_by("order", "code")
    )
    return _first(shots, limit)


def task_template_rows(person: Person, show: Show) -> list[tuple[TaskType, TaskTemplateItem | None]]:
    """Every task type the person may see, in pipeline order, with the show's template item for it (or None)."""
    items = {item.task_type_id: item for item in permissions.visible(person, TaskTemplateItem).filter(show=show)}
    task_types = permissions.visible(person, TaskType).select_related("department").order_by("order", "name")
    return [(task_type, items.get(task_type.pk)) for task_type in task_types]


# --- The shot grid ------------------------------------------------------------------------------------
# One page of a show's shots with a column per task type. A page costs a fixed number of queries: the
# columns, the shots (keyset-paged), their tasks, the tasks' assignees, and the latest version of each shot.

from dataclasses import field  # noqa: E402

from django.core import signing  # noqa: E402
from django.db.models import Case, Exists, IntegerField, Value, When, Window  # noqa: E402
from django.db.models.functions import RowNumber  # noqa: E402

from studio.models import ShowMembership  # noqa: E402

GRID_SORTS: dict[str, str] = {
    "order": "Sequence order",
    "-order": "Sequence order, reversed",
    "code": "Shot code, A to Z",
    "-code": "Shot code, Z to A",
    "length": "Cut length, shortest first",
    "-length": "Cut length, longest first",
    "status": "Shot status",
    "-status": "Shot status, reversed",
}
_STORY_ORDER = (
    ("k_seq_order", F("sequence__order"), int),
    ("k_seq_code", F("sequence__code"), str),
    ("k_order", F("order"), int),
    ("k_code", F("code"), str),
)
_SHOT_STATUS_RANK = Case(
    *[When(status=value, then=Value(rank)) for rank, value in enumerate(BreakdownStatus.values)],
    output_field=IntegerField(),
)
# Each sort orders on annotated columns and ends with the shot id, so the key is unique and the keyset pager can
# resume exactly after the last row of a page: (name, expression or None for a real column, Python type).
_GRID_SORT_KEYS: dict[str, tuple[tuple[str, object, type], ...]] = {
    "order": (*_STORY_ORDER, ("id", None, int)),
    "code": (("k_code", F("code"), str), ("id", None, int)),
    "length": (("k_length", F("cut_out") - F("cut_in") + 1, int), *_STORY_ORDER, ("id", None, int)),
    "status": (("k_status", _SHOT_STATUS_RANK, int), *_STORY_ORDER, ("id", None, int)),
}
_GRID_CURSOR_SALT = "shots.grid.cursor"
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp")


class BadGridCursor(ValueError):
    """A page link that was not made by this grid (edited, truncated, or for another sort)."""


def grid_cursor_encode(sort: str, after: tuple) -> str:
    return signing.dumps([sort, *after], salt=_GRID_CURSOR_SALT, compress=True)


def grid_cursor_decode(cursor: str, sort: str) -> tuple:
    """The sort key a cursor resumes after; BadGridCursor if it is not one of ours or belongs to another sort."""
    try:
        payload = signing.loads(cursor, salt=_GRID_CURSOR_SALT)
    except (signing.BadSignature, ValueError, UnicodeError):
        raise BadGridCursor("This page link is not valid; reload the grid.") from None
    keys = _GRID_SORT_KEYS[sort.removeprefix("-")]
    if not isinstance(payload, list) or len(payload) != len(keys) + 1 or payload[0] != sort:
        raise BadGridCursor("This page link belongs to another sort order; reload the grid.")
    values = tuple(payload[1:])
    if any(type(value) is not kind for value, (_, _, kind) in zip(values, keys, strict=True)):
        raise BadGridCursor("This page link is not valid; reload the grid.")
    return values


@dataclass(frozen=True)
class GridFilters:
    """What the grid shows. The task filters (type, status, assignee, department) apply to one and the same
    task: "Animation, retake, Ada" finds the shots whose Animation task is in retake and assigned to Ada."""

    text: str = ""
    sequence_id: int | None = None
    shot_status: str = ""
    task_type_id: int | None = None
    task_status: str = ""
    assignee_id: int | None = None
    department_id: int | None = None
    sort: str = "order"

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


@dataclass
class GridCell:
    task_type: TaskType
    task: Task | None
    editable: bool = False
    html: str = ""  # drawn by the view


@dataclass
class GridRow:
    shot: Shot
    cells: list[GridCell]
    version: Version | None
    # What the row's checkbox sends to the bulk edit: "shot id:task id.row_version,...", so a bulk edit can refuse
    # to overwrite a task someone changed after the row was drawn.
    selection_token: str

    @property
    def image_url(self) -> str:
        """The latest version's uploaded image, for the thumbnail; '' for movies, EXRs and studio paths."""
        media = self.version.media if self.version else None
        if media and media.name.lower().endswith(IMAGE_EXTENSIONS):
            return media.url
        return ""


@dataclass
class GridPage:
    columns: list[TaskType]
    rows: list[GridRow]
    next_after: tuple | None = None  # the sort key of the last row when more rows follow
    total: int | None = None  # how many shots match the filters (asked for on the first page only)
    filters: GridFilters = field(default_factory=GridFilters)

    @property
    def next_cursor(self) -> str:
        return grid_cursor_encode(self.filters.sort, self.next_after) if self.next_after else ""


def shot_grid_columns(person: Person, show: Show) -> list[TaskType]:
    """The task types of the show's grid, in pipeline order: its task template's and any that has a task on it."""
    templated = TaskTemplateItem.objects.filter(show=show, task_type=OuterRef("pk"))
    used = Task.objects.filter(shot__show=show, task_type=OuterRef("pk"))
    return list(
        permissions.visible(person, TaskType)
        .filter(Q(Exists(templated)) | Q(Exists(used)))
        .select_related("department")
        .order_by("order", "name")
    )


def shot_grid_people(person: Person, show: Show) -> list[Person]:
    """The show's active staff by name (its clients left out): whom a grid filters on and assigns tasks to."""
    staff = (
        ShowMembership.objects.filter(show=show, person__is_active=True)
        .exclude(role=Role.CLIENT)
        .exclude(role="", person__role=Role.CLIENT)
    )
    return list(
        permissions.visible(person, Person)
        .filter(pk__in=staff.values("person_id"))
        .select_related(None)
        .order_by("first_name", "last_name", "username")
    )


def shot_grid_sequences(person: Person, show: Show) -> list[Sequence]:
    return list(permissions.visible(person, Sequence).filter(show=show).order_by("order", "code"))


def shot_selection_token(shot: Shot) -> str:
    """A row's selection token (see GridRow) read afresh, after one of its tasks changed."""
    versions = Task.objects.filter(shot=shot).order_by("pk").values_list("pk", "row_version")
    return _selection_token(shot.pk, versions)


def _selection_token(shot_id: int, task_versions) -> str:
    return f"{shot_id}:" + ",".join(f"{task_id}.{row_version}" for task_id, row_version in task_versions)


def shot_grid_filtered(person: Person, show: Show, filters: GridFilters) -> QuerySet[Shot]:
    """The show's shots that match the filters (unordered)."""
    shots = permissions.visible(person, Shot).filter(show=show)
    if filters.text:
        shots = shots.filter(Q(code__icontains=filters.text) | Q(description__icontains=filters.text))
    if filters.sequence_id:
        shots = shots.filter(sequence_id=filters.sequence_id)
    if filters.shot_status:
        shots = shots.filter(status=filters.shot_status)
    task_match = {}
    if filters.task_type_id:
        task_match["task_type_id"] = filters.task_type_id
    if filters.task_status:
        task_match["status"] = filters.task_status
    if filters.department_id:
        task_match["task_type__department_id"] = filters.department_id
    if filters.assignee_id:
        task_match["assignees"] = filters.assignee_id
    if task_match:
        # One task must match them all; an exists-subquery so a shot never comes back twice.
        shots = shots.filter(Exists(Task.objects.filter(shot=OuterRef("pk"), **task_match)))
    return shots


def shot_grid_ordered(person: Person, show: Show, filters: GridFilters) -> QuerySet[Shot]:
    """The matching shots in the filters' sort order, annotated with the sort key the pager compares."""
    keys = _GRID_SORT_KEYS[filters.sort.removeprefix("-")]
    shots = shot_grid_filtered(person, show, filters).annotate(
        **{name: expression for name, expression, _ in keys if expression is not None}
    )
    return shots.order_by(*[F(name).desc() if filters.descending else F(name).asc() for name, _, _ in keys])


def _keyset_after(keys, after: tuple, descending: bool) -> Q:
    """Rows strictly after `after` in the key order: (k1 > a1) or (k1 = a1 and k2 > a2) or ..."""
    op = "lt" if descending else "gt"
    names = [name for name, _, _ in keys]
    condition = Q()
    for i, name in enumerate(names):
        step = Q(**{f"{name}__{op}": after[i]}, **{names[j]: after[j] for j in range(i)})
        condition = step if i == 0 else condition | step
    return condition


def shot_grid_page(
    person: Person,
    show: Show,
    filters: GridFilters,
    *,
    after: tuple | None = None,
    limit: int = 100,
    columns: list[TaskType] | None = None,
    with_total: bool = False,
) -> GridPage:
    """One page of the grid: up to `limit` shots after the sort key `after`, with their cells."""
    columns = shot_grid_columns(person, show) if columns is None else columns
    shots = shot_grid_ordered(person, show, filters).select_related("sequence")
    if after is not None:
        keys = _GRID_SORT_KEYS[filters.sort.removeprefix("-")]
        shots = shots.filter(_keyset_after(keys, after, filters.descending))
    page = list(shots[: limit + 1])
    next_after = None
    if len(page) > limit:
        page = page[:limit]
        keys = _GRID_SORT_KEYS[filters.sort.removeprefix("-")]
        next_after = tuple(getattr(page[-1], name) for name, _, _ in keys)
    total = shot_grid_filtered(person, show, filters).count() if with_total else None
    return GridPage(
        columns=_grid_visible_columns(columns, filters),
        rows=shot_grid_rows(person, page, columns, filters=filters),
        next_after=next_after,
        total=total,
        filters=filters,
    )


def _grid_visible_columns(columns: list[TaskType], filters: GridFilters) -> list[TaskType]:
    """Filtering on a department narrows the columns to its task types (a department lead's view)."""
    if filters.department_id:
        return [task_type for task_type in columns if task_type.department_id == filters.department_id]
    return columns


def shot_grid_rows(
    person: Person, shots: list[Shot], columns: list[TaskType], *, filters: GridFilters | None = None
) -> list[GridRow]:
    """The rows of these shots (loaded with their sequence): three queries, whatever the number of shots."""
    if not shots:
        return []
    by_id = {shot.pk: shot for shot in shots}
    types_by_id = {task_type.pk: task_type for task_type in columns}
    tasks = permissions.visible(person, Task).filter(shot_id__in=list(by_id)).order_by("shot_id", "id")
    assignees = _assignees_of(tasks)
    tasks_by_shot: dict[int, dict[int, Task]] = {pk: {} for pk in by_id}
    for task in tasks:
        # Hand the task its shot, type and assignees: the permission check and the cell read them without a query.
        task.shot = by_id[task.shot_id]
        if task.task_type_id in types_by_id:
            task.task_type = types_by_id[task.task_type_id]
        # What prefetch_related("assignees") would leave, without building a queryset per task (1,400 a page).
        task._prefetched_objects_cache = {"assignees": assignees.get(task.pk, [])}
        tasks_by_shot[task.shot_id][task.task_type_id] = task
    latest = {version.shot_ref: version for version in _latest_versions(person, list(by_id))}
    visible_columns = _grid_visible_columns(columns, filters or GridFilters())
    rows = []
    for shot in shots:
        shot_tasks = tasks_by_shot[shot.pk]
        cells = []
        for task_type in visible_columns:
            task = shot_tasks.get(task_type.pk)
            cells.append(GridCell(task_type, task, task is not None and permissions.can_change(person, task)))
        versions = sorted((task.pk, task.row_version) for task in shot_tasks.values())
        token = _selection_token(shot.pk, versions)
        rows.append(GridRow(shot=shot, cells=cells, version=latest.get(shot.pk), selection_token=token))
    return rows


def _assignees_of(tasks: QuerySet[Task]) -> dict[int, list[Person]]:
    """Task id -> its assignees (names only), by name, in one query; one Person object per person."""
    rows = (
        Task.assignees.through.objects.filter(task_id__in=tasks.values("pk"))
        .values_list("task_id", "person_id", "person__username", "person__first_name", "person__last_name")
        .order_by("person__first_name", "person__last_name", "person__username")
    )
    people: dict[int, Person] = {}
    by_task: dict[int, list[Person]] = {}
    for task_id, person_id, username, first_name, last_name in rows:
        if person_id not in people:
            people[person_id] = Person(id=person_id, username=username, first_name=first_name, last_name=last_name)
        by_task.setdefault(task_id, []).append(people[person_id])
    return by_task


def _latest_versions(person: Person, shot_ids) -> QuerySet[Version]:
    """The newest version of each shot (any task), in one query: a window numbers each shot's versions."""
    return (
        permissions.visible(person, Version)
        .filter(task__shot_id__in=shot_ids)
        .annotate(
            shot_ref=F("task__shot_id"),
            recency=Window(
                RowNumber(), partition_by=[F("task__shot_id")], order_by=[F("created_at").desc(), F("id").desc()]
            ),
        )
        .filter(recency=1)
        .defer("comment")
        .order_by()
    )


@dataclass
class GridExport:
    """Everything the CSV export writes, read in a fixed number of queries however many shots match."""

    columns: list[TaskType]
    shots: list[dict]
    tasks: dict[tuple[int, int], dict]  # (shot id, task type id) -> task values, with "assignees": [names]
    latest_versions: dict[int, str]  # shot id -> version code


def shot_grid_export(
    person: Person, show: Show, filters: GridFilters, *, columns: list[TaskType] | None = None
) -> GridExport:
    """Every shot that matches the filters, in their sort order, with the cells of the grid's columns."""
    columns = _grid_visible_columns(shot_grid_columns(person, show) if columns is None else columns, filters)
    shots = list(
        shot_grid_ordered(person, show, filters).values(
            "id", "code", "sequence__code", "status", "cut_in", "cut_out", "description"
        )
    )
    matching = shot_grid_filtered(person, show, filters).values("pk")
    column_ids = [task_type.pk for task_type in columns]
    tasks = {}
    for task in (
        permissions.visible(person, Task)
        .filter(shot__in=matching, task_type_id__in=column_ids)
        .values("id", "shot_id", "task_type_id", "status", "bid_days", "due_date")
        .order_by()
    ):
        task["assignees"] = []
        tasks[(task["shot_id"], task["task_type_id"])] = task
    by_task_id = {task["id"]: task for task in tasks.values()}
    assignments = (
        Task.assignees.through.objects.filter(
            task_id__in=permissions.visible(person, Task)
            .filter(shot__in=matching, task_type_id__in=column_ids)
            .values("pk")
        )
        .values_list("task_id", "person__first_name", "person__last_name", "person__username")
        .order_by("person__first_name", "person__last_name", "person__username")
    )
    for task_id, first, last, username in assignments:
        if task_id in by_task_id:
            by_task_id[task_id]["assignees"].append(f"{first} {last}".strip() or username)
    latest = {version.shot_ref: version.code for version in _latest_versions(person, matching).only("id", "number")}
    return GridExport(columns=columns, shots=shots, tasks=tasks, latest_versions=latest)
