"""Reads too big to page, streamed as JSON: a whole show's shots with their tasks, for pipeline tools.

The JSON is an array of shots in breakdown order (sequence order and code, then shot order and code), each with
its tasks in pipeline order (task type order and name), each task with its assignees' usernames:

    [{"id":1,"code":"SQ010_SH0010","sequence":"SQ010","status":"active","cut_in":1009,"cut_out":1056,
      "head_in":1001,"tail_out":1064,"frame_count":48,"tasks":[{"id":7,"task_type":"Animation","status":"wip",
      "assignees":["alex"],"bid_days":"2.50","start_date":"2026-03-02","due_date":"2026-03-06","priority":1,
      "row_version":3}]}]

Memory stays flat whatever the show's size: rows come from server-side cursors a chunk at a time and leave as
they come. On PostgreSQL the database writes the JSON, one text row per shot with its tasks aggregated in (the
fast path: Python only moves bytes). Elsewhere (SQLite) Python writes the same bytes from three streams in the
same order (shots, tasks, assignees), merged by id. Both take the rows from permissions.visible on Shot and
Task, so the stream never shows more than the API's lists do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F, QuerySet

from studio import permissions
from studio.models import Person, Show

from .models import Shot, Task

CHUNK_SHOTS = 250  # shots per chunk sent (about 700 kB at film scale)
FETCH_ROWS = 2000  # rows per fetch of the Python path's cursors

SHOT_ORDER = ("sequence__order", "sequence__code", "order", "code", "id")
TASK_ORDER = (*(f"shot__{name}" for name in SHOT_ORDER), "task_type__order", "task_type__name", "id")
ASSIGNEE_ORDER = (*(f"task__{name}" for name in TASK_ORDER), "person__username")


def shots_with_tasks_json(person: Person, show: Show) -> Iterator[bytes]:
    """The show's shots with their tasks, as chunks of one JSON array (see the module docstring)."""
    chunks = shots_with_tasks_postgresql if connection.vendor == "postgresql" else shots_with_tasks_python
    return json_array(chunks(person, show))


def json_array(chunks: Iterable[list[bytes]]) -> Iterator[bytes]:
    """Join chunks of JSON values into one array, a chunk per yield (the first carries the opening bracket)."""
    opening = b"["
    for chunk in chunks:
        yield opening + b",".join(chunk)
        opening = b","
    yield b"[]" if opening == b"[" else b"]"


def _visible_shots(person: Person, show: Show) -> QuerySet[Shot]:
    return permissions.visible(person, Shot).filter(show=show)


def _visible_tasks(person: Person, show: Show) -> QuerySet[Task]:
    return permissions.visible(person, Task).filter(shot__show=show)


def _visible_tasks_of_visible_shots(person: Person, show: Show) -> QuerySet[Task]:
    """What the SQL path's join from shots to tasks keeps; the Python path's merge needs it spelled out."""
    return _visible_tasks(person, show).filter(shot__in=_visible_shots(person, show))


# --- PostgreSQL: the database writes the JSON -----------------------------------------------------------


def _sql_object(fields: list[tuple[str, str]]) -> str:
    """SQL building one compact JSON object as text, keys in this order. Each expression must be JSON text and
    never NULL: to_json() for strings and dates (it escapes exactly as Python's json module does), ::text for
    numbers."""
    parts = [f"'{'{' if i == 0 else ','}{json.dumps(key)}:' || {expr}" for i, (key, expr) in enumerate(fields)]
    return " || ".join(parts) + " || '}'"


def _nullable(expr: str) -> str:
    return f"COALESCE(to_json({expr})::text, 'null')"


_TASK_JSON = _sql_object(
    [
        ("id", "t.id::text"),
        ("task_type", "to_json(t.type_name)::text"),
        ("status", "to_json(t.status)::text"),
        ("assignees", "'[' || COALESCE(n.names, '') || ']'"),
        ("bid_days", "'\"' || t.bid_days::text || '\"'"),  # numeric(6,2): "2.50", like the API's decimals
        ("start_date", _nullable("t.start_date")),
        ("due_date", _nullable("t.due_date")),
        ("priority", "t.priority::text"),
        ("row_version", "t.row_version::text"),
    ]
)
_SHOT_JSON = _sql_object(
    [
        ("id", "s.id::text"),
        ("code", "to_json(s.code)::text"),
        ("sequence", "to_json(s.sequence_code)::text"),
        ("status", "to_json(s.status)::text"),
        ("cut_in", "s.cut_in::text"),
        ("cut_out", "s.cut_out::text"),
        ("head_in", "s.head_in::text"),
        ("tail_out", "s.tail_out::text"),
        ("frame_count", "(s.cut_out - s.cut_in + 1)::text"),
        ("tasks", "'[' || COALESCE(k.tasks, '') || ']'"),
    ]
)
# Three aggregations, each a hash or sort over the show's rows, never a query per shot or per task. `shot` and
# `task` are the visible() querysets, compiled by the ORM, so the permission rules live in one place. `assignee`
# takes the whole show's assignees (the join to `task` keeps the visible ones): filtering it by `task` would make
# PostgreSQL materialise that CTE, which costs more than the few extra rows.
_POSTGRESQL_SQL = f"""
WITH shot AS (__SHOTS__),
task AS (__TASKS__),
assignee AS (
    SELECT a.task_id, string_agg(to_json(p.username)::text, ',' ORDER BY p.username) AS names
    FROM __ASSIGNEES__ a JOIN __PEOPLE__ p ON p.id = a.person_id
    JOIN __TASK_TABLE__ a_task ON a_task.id = a.task_id JOIN __SHOT_TABLE__ a_shot ON a_shot.id = a_task.shot_id
    WHERE a_shot.show_id = %s
    GROUP BY a.task_id
),
shot_tasks AS (
    SELECT t.shot_id, string_agg({_TASK_JSON}, ',' ORDER BY t.type_order, t.type_name, t.id) AS tasks
    FROM task t LEFT JOIN assignee n ON n.task_id = t.id
    GROUP BY t.shot_id
)
SELECT {_SHOT_JSON}
FROM shot s LEFT JOIN shot_tasks k ON k.shot_id = s.id
ORDER BY s.sequence_order, s.sequence_code, s.shot_order, s.code, s.id
"""
# For this one query: no JIT (its start-up costs more than the whole query, and row estimates through the
# CTEs are high enough to trigger it), plan for all rows rather than the first ones (a cursor's default), and
# sort the task texts in memory.
_POSTGRESQL_SETTINGS = "SET LOCAL jit = off; SET LOCAL cursor_tuple_fraction = 1; SET LOCAL work_mem = '64MB'"


def shots_with_tasks_postgresql(person: Person, show: Show, *, chunk_size: int = CHUNK_SHOTS) -> Iterator[list[bytes]]:
    """The shots' JSON texts, built by PostgreSQL, in chunks from a server-side cursor."""
    shots = _visible_shots(person, show).order_by()
    tasks = _visible_tasks(person, show).order_by()
    try:
        shots_sql, shots_params = shots.values(
            "id",
            "code",
            "status",
            "cut_in",
            "cut_out",
            "head_in",
            "tail_out",
            shot_order=F("order"),
            sequence_code=F("sequence__code"),
            sequence_order=F("sequence__order"),
        ).query.sql_with_params()
        tasks_sql, tasks_params = tasks.values(
            "id",
            "shot_id",
            "status",
            "bid_days",
            "start_date",
            "due_date",
            "priority",
            "row_version",
            type_name=F("task_type__name"),
            type_order=F("task_type__order"),
        ).query.sql_with_params()
    except EmptyResultSet:  # the person may see no shot at all (a client)
        return
    quote = connection.ops.quote_name
    sql = (
        _POSTGRESQL_SQL.replace("__SHOTS__", shots_sql)
        .replace("__TASKS__", tasks_sql)
        .replace("__ASSIGNEES__", quote(Task.assignees.through._meta.db_table))
        .replace("__PEOPLE__", quote(Person._meta.db_table))
        .replace("__TASK_TABLE__", quote(Task._meta.db_table))
        .replace("__SHOT_TABLE__", quote(Shot._meta.db_table))
    )
    # A transaction, so the server-side cursor streams instead of being materialised WITH HOLD at commit.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_POSTGRESQL_SETTINGS)
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, [*shots_params, *tasks_params, show.pk])
            while rows := cursor.fetchmany(chunk_size):
                yield [row[0].encode() for row in rows]


# --- Elsewhere: Python writes the same bytes ------------------------------------------------------------


class _RowsByKey:
    """Rows sorted in the same order as the rows they belong to, handed out by the first column: take(key)
    returns the rows at the head whose first column is `key` (none if the head belongs to a later key)."""

    def __init__(self, rows: Iterable[tuple]):
        self._rows = iter(rows)
        self._head = next(self._rows, None)

    def take(self, key: Any) -> list[tuple]:
        taken = []
        while self._head is not None and self._head[0] == key:
            taken.append(self._head)
            self._head = next(self._rows, None)
        return taken


_dumps: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def shots_with_tasks_python(person: Person, show: Show, *, chunk_size: int = CHUNK_SHOTS) -> Iterator[list[bytes]]:
    """The same JSON texts as shots_with_tasks_postgresql, byte for byte, built in Python: three queries streamed
    in the same order and merged, so memory holds one chunk of shots, never the show."""
    shots = (
        _visible_shots(person, show)
        .order_by(*SHOT_ORDER)
        .values_list("id", "code", "sequence__code", "status", "cut_in", "cut_out", "head_in", "tail_out")
    )
    tasks = (
        _visible_tasks_of_visible_shots(person, show)
        .order_by(*TASK_ORDER)
        .values_list(
            "shot_id",
            "id",
            "task_type__name",
            "status",
            "bid_days",
            "start_date",
            "due_date",
            "priority",
            "row_version",
        )
    )
    assignees = (
        Task.assignees.through.objects.filter(task__in=_visible_tasks_of_visible_shots(person, show))
        .order_by(*ASSIGNEE_ORDER)
        .values_list("task_id", "person__username")
    )
    tasks_by_shot = _RowsByKey(tasks.iterator(chunk_size=FETCH_ROWS))
    names_by_task = _RowsByKey(assignees.iterator(chunk_size=FETCH_ROWS))
    chunk: list[bytes] = []
    for shot_id, code, sequence, status, cut_in, cut_out, head_in, tail_out in shots.iterator(chunk_size=FETCH_ROWS):
        shot_tasks = [
            {
                "id": task_id,
                "task_type": task_type,
                "status": task_status,
                "assignees": [username for _, username in names_by_task.take(task_id)],
                "bid_days": f"{bid_days:.2f}",
                "start_date": start_date.isoformat() if start_date else None,
                "due_date": due_date.isoformat() if due_date else None,
                "priority": priority,
                "row_version": row_version,
            }
            for _, task_id, task_type, task_status, bid_days, start_date, due_date, priority, row_version in (
                tasks_by_shot.take(shot_id)
            )
        ]
        shot = {
            "id": shot_id,
            "code": code,
            "sequence": sequence,
            "status": status,
            "cut_in": cut_in,
            "cut_out": cut_out,
            "head_in": head_in,
            "tail_out": tail_out,
            "frame_count": cut_out - cut_in + 1,
            "tasks": shot_tasks,
        }
        chunk.append(_dumps(shot).encode())
        if len(chunk) == chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
