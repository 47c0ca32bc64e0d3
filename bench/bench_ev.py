"""Film scale: the earned-value recompute against the plain SQL aggregate over the same rows, in one run.

1. Drops and recreates a throwaway PostgreSQL database (SLATE_BENCH_EV_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/slate_bench_ev), migrates it and builds PRODUCT.md's film with
   `seed_demo --scale film` (show FLM: 3,000 shots, 40,000 tasks, ~100,000 time logs), then VACUUM ANALYZE.
2. In one Django process (DEBUG off, so no query logging), alternating, after a warm-up, `--repeat` times each:
   - raw: one SELECT summing the bids and the hours logged up to today per department over the show's tasks
     (omitted left out) — the least any earned-value figure has to read. (Of the plain forms tried, the fastest:
     the same with the tasks and the per-task hours in CTEs took about 1.7 x as long.)
   - statement: schedules.earned_value.rollups(FLM, today, ("department", "show")) — PV, EV, AC, B per department
     and for the show in one statement;
   - recompute: schedules.services.ev_recompute(show_id=FLM) — what the Celery task does: the show's rules, the
     statement, the forecasts, and the day's snapshot rows replaced under the state row's lock.
   Prints the medians, and recompute / raw (the target is about 2x or less).
   Once, for comparison: the Python path (what the SQLite demo runs) on the same data.
3. Drops the database.

    python bench/bench_ev.py [--repeat 7]

The last line is machine-readable: `BENCH {"name": "ev", ...}` (bench/run.py collects it).
"""

from __future__ import annotations

import argparse
import json
import os
import time

from bench_shots import manage, throwaway_database, vacuum_analyze  # bench/ is on sys.path when run as a script

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/slate_bench_ev"

# Runs inside `manage.py shell`: prints one JSON line with the timings.
MEASURE = r"""
import json, statistics, time
from django.db import connection
from django.utils import timezone
from schedules import earned_value, services
from schedules.models import EarnedValueSnapshot, TimeLog
from shots.models import Task
from studio.models import Show

show = Show.objects.get(code="FLM")
as_of = timezone.localdate()
RAW = '''
    SELECT tt.department_id, COUNT(*), SUM(t.bid_days), SUM(h.h)
    FROM shots_task t
    JOIN shots_shot sh ON sh.id = t.shot_id
    JOIN shots_tasktype tt ON tt.id = t.task_type_id
    LEFT JOIN (SELECT task_id, SUM(hours) AS h FROM schedules_timelog WHERE date <= %(as_of)s GROUP BY task_id) h
        ON h.task_id = t.id
    WHERE sh.show_id = %(show_id)s AND t.status <> 'omitted'
    GROUP BY tt.department_id
'''


def raw():
    with connection.cursor() as cursor:
        cursor.execute(RAW, {"show_id": show.pk, "as_of": as_of})
        return cursor.fetchall()


def statement():
    return earned_value.rollups(show, as_of, ("department", "show"))


def recompute():
    return services.ev_recompute(show_id=show.pk)


def seconds(call):
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


for call in (raw, statement, recompute, raw, statement, recompute):
    call()
runs = {"raw": [], "statement": [], "recompute": []}
for _ in range(REPEAT):
    for name, call in (("raw", raw), ("statement", statement), ("recompute", recompute)):
        runs[name].append(seconds(call))
python_path = seconds(lambda: earned_value.rollups(show, as_of, ("department", "show"), in_python=True))
assert earned_value.rollups(show, as_of, ("department", "show"), in_python=True) == statement()

raw_rows = raw()
[total] = statement()["show"]
assert total.task_count == sum(row[1] for row in raw_rows)
assert total.bid_days == sum(row[2] for row in raw_rows)
print("RESULT " + json.dumps({
    "tasks": Task.objects.filter(shot__show=show).count(),
    "counted_tasks": total.task_count,
    "time_logs": TimeLog.objects.filter(task__shot__show=show).count(),
    "departments": len(raw_rows),
    "snapshot_rows": EarnedValueSnapshot.objects.filter(show=show, date=as_of).count(),
    "as_of": as_of.isoformat(),
    "show_figures": {
        name: str(getattr(total, name)) for name in ("bid_days", "pv", "ev", "ac_days", "spi", "forecast_finish")
    },
    **{f"{name}_ms": [value * 1000 for value in values] for name, values in runs.items()},
    "python_path_ms": python_path * 1000,
}))
"""


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each (default 7)")
    args = parser.parse_args()
    database_url = os.environ.get("SLATE_BENCH_EV_DATABASE_URL", DEFAULT_DATABASE_URL)
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DATABASE_URL=database_url, DJANGO_DEBUG="1")
    quiet_env = {
        **env,
        "DJANGO_DEBUG": "0",  # no query logging while timing
        "DJANGO_SECRET_KEY": "slate-bench-" + "e" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    started = time.monotonic()
    with throwaway_database(database_url):
        manage(env, "migrate", "--noinput")
        seed_started = time.monotonic()
        manage(env, "seed_demo", "--scale", "film")
        vacuum_analyze(database_url)
        seeded = time.monotonic() - seed_started
        output = manage(quiet_env, "shell", "-c", MEASURE.replace("REPEAT", str(args.repeat)))
    result = json.loads(next(line for line in output.splitlines() if line.startswith("RESULT "))[len("RESULT ") :])

    raw_ms, statement_ms, recompute_ms = (median(result[f"{name}_ms"]) for name in ("raw", "statement", "recompute"))
    print(
        f"setup: film seeded in {seeded:.0f} s: show FLM, {result['tasks']:,} tasks ({result['counted_tasks']:,} not "
        f"omitted), {result['time_logs']:,} time logs, {result['departments']} departments; PostgreSQL, DEBUG off; "
        f"as of {result['as_of']}; median of {args.repeat} alternating runs after a warm-up"
    )
    print(f"  raw SQL aggregate (B and hours per department)   median {raw_ms:8.1f} ms")
    print(
        f"  earned-value statement (PV, EV, AC, B per dept)  median {statement_ms:8.1f} ms  = "
        f"{statement_ms / raw_ms:4.2f} x raw"
    )
    print(
        f"  ev_recompute (statement + snapshot upsert)       median {recompute_ms:8.1f} ms  = "
        f"{recompute_ms / raw_ms:4.2f} x raw  (target: about 2 x or less)"
    )
    print(
        f"  the Python path (the SQLite demo's), once         {result['python_path_ms']:8.1f} ms  = "
        f"{result['python_path_ms'] / raw_ms:4.1f} x raw"
    )
    print(f"  FLM as of {result['as_of']}: {result['show_figures']}; {result['snapshot_rows']} snapshot rows a day")
    handed_over = os.environ.get("SLATE_BENCH_BASELINE")
    if handed_over:
        hello_ms = json.loads(handed_over)["median_ms"]
        print(f"(this run's bench_hello: {hello_ms:.2f} ms; ev_recompute is {recompute_ms / hello_ms:.0f} x that)")
    print(f"whole benchmark: {time.monotonic() - started:.0f} s; database dropped")
    figures = {
        "name": "ev",
        "tasks": result["tasks"],
        "time_logs": result["time_logs"],
        "raw_median_ms": raw_ms,
        "statement_median_ms": statement_ms,
        "recompute_median_ms": recompute_ms,
        "recompute_over_raw": recompute_ms / raw_ms,
        "python_path_ms": result["python_path_ms"],
    }
    print("BENCH " + json.dumps(figures))


if __name__ == "__main__":
    main()
