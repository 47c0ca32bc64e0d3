"""Earned value per task, a page at a time: what /api/v1/shows/<code>/variance/tasks/ serves.

schedules.earned_value.task_figures computes every task of the show; a page of 100 out of 40,000 should not. On
PostgreSQL this runs the earned-value engine's own statement (its `plan` and `figures` CTEs, so the definitions
cannot drift) with the scope filters, the cursor and the limit applied inside it, and sums the hours of the page's
tasks only. Elsewhere (the SQLite demo) it filters task_figures' list. Both give the same rows (tested).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from . import earned_value
from .earned_value import ShowRules, TaskFigures
from .models import TimeLog


def task_figures_page(
    rules: ShowRules,
    as_of: dt.date,
    *,
    department_id: int | None = None,
    sequence_id: int | None = None,
    after_task_id: int | None = None,
    limit: int,
    in_python: bool | None = None,
) -> list[TaskFigures]:
    """Up to `limit` tasks' figures in task id order, after `after_task_id`, in the department and sequence."""
    if connection.vendor != "postgresql" if in_python is None else in_python:
        rows = [
            row
            for row in earned_value.task_figures(rules.show, as_of, rules=rules, in_python=True)
            if (department_id is None or row.department_id == department_id)
            and (sequence_id is None or row.sequence_id == sequence_id)
            and (after_task_id is None or row.task_id > after_task_id)
        ]
        return rows[:limit]
    # The filters are integers we hold (never text from the request), written into the statement because the
    # engine's _execute builds its own parameters.
    conditions = ["TRUE"]
    for column, value in (("department_id", department_id), ("sequence_id", sequence_id)):
        if value is not None:
            conditions.append(f"f.{column} = {int(value)}")
    if after_task_id is not None:
        conditions.append(f"f.task_id > {int(after_task_id)}")
    sql = (
        earned_value._figures_sql(rules)
        + f"""
        , page AS (
            SELECT f.task_id, f.department_id, f.sequence_id, f.b, f.pv, f.ev
            FROM figures f
            WHERE {" AND ".join(conditions)}
            ORDER BY f.task_id
            LIMIT {int(limit)}
        ),
        hours AS (
            SELECT tl.task_id, SUM(tl.hours) AS h
            FROM {TimeLog._meta.db_table} tl JOIN page p ON p.task_id = tl.task_id
            WHERE tl.date <= %(as_of)s
            GROUP BY tl.task_id
        )
        SELECT p.task_id, p.department_id, p.sequence_id, p.b, p.pv, p.ev, COALESCE(h.h, 0)
        FROM page p LEFT JOIN hours h ON h.task_id = p.task_id
        ORDER BY p.task_id
    """
    )
    return [
        TaskFigures(
            task_id=task_id,
            department_id=department,
            sequence_id=sequence,
            bid_days=earned_value.exact(bid),
            pv=earned_value.exact(pv),
            ev=earned_value.exact(ev),
            ac_days=earned_value.rounded_ratio(hours, rules.hours_per_day),
        )
        for task_id, department, sequence, bid, pv, ev, hours in earned_value._execute(sql, rules, as_of)
    ]
