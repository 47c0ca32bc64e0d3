"""The schedule and money pages at demo size and at film scale: their query counts (which must not grow with the
data) and their time at film scale, against this run's hello baseline.

1. Drops and recreates a throwaway PostgreSQL database (SLATE_BENCH_DASHBOARDS_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/slate_bench_dashboards), migrates it, loads the demo (show RBT: 40 shots)
   and PRODUCT.md's film (`seed_demo --scale film`, show FLM: 3,000 shots, 40,000 tasks, ~100,000 time logs),
   takes a month of earned-value and production snapshots for FLM, then VACUUM ANALYZE.
2. Collects the static files (DEBUG off reads their manifest). Then in one Django process (DEBUG off), for each
   page, as the show's producer: the number of SQL queries on RBT and on FLM (counted once), then the median of
   `--repeat` timed requests on FLM after a warm-up (Django's test client: the view, its queries and the
   template, without a web server's overhead).
3. Drops the database.

    python bench/bench_dashboards.py [--repeat 5]

A page whose query count differs between the demo and the film fails the benchmark (exit 1). The last line is
machine-readable: `BENCH {"name": "dashboards", ...}`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from bench_shots import manage, throwaway_database, vacuum_analyze  # bench/ is on sys.path when run as a script

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/slate_bench_dashboards"

PAGES = [
    ("schedule dashboard", "/shows/{code}/schedule/"),
    ("producer dashboard", "/shows/{code}/producer/"),
    ("cost figures", "/shows/{code}/costs/"),
    ("budget vs actuals CSV", "/shows/{code}/producer/budget-vs-actuals.csv"),
    ("Gantt (first sequence)", "/shows/{code}/gantt/"),
    ("show timesheets (week)", "/shows/{code}/timesheets/"),
    ("baselines", "/shows/{code}/baselines/"),
    ("milestones", "/shows/{code}/milestones/"),
    ("API variance per department", "/api/v1/shows/{code}/variance/"),
    ("API cost figures", "/api/v1/shows/{code}/costs/"),
    ("API production metrics", "/api/v1/shows/{code}/production-metrics/"),
]

# Runs inside `manage.py shell`: prints one JSON line with the counts and timings.
MEASURE = r"""
import datetime as dt, json, time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from budgets.snapshots import production_snapshot_take
from schedules.services import ev_recompute
from studio.models import Person, Show

PAGES = json.loads('''PAGES_JSON''')
today = timezone.localdate()
film = Show.objects.get(code="FLM")
for back in range(30, -1, -1):  # a month of history for the trends, as the nightly runs keep it
    ev_recompute(show_id=film.pk, as_of=today - dt.timedelta(days=back))
    production_snapshot_take(show_id=film.pk, as_of=today - dt.timedelta(days=back))

clients = {}
for code, username in (("RBT", "producer"), ("FLM", "flm.producer1")):
    clients[code] = Client()
    clients[code].force_login(Person.objects.get(username=username))


def get(code, path):
    response = clients[code].get(path.format(code=code))
    assert response.status_code == 200, (path, code, response.status_code)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


results = []
for label, path in PAGES:
    counts = {}
    for code in ("RBT", "FLM"):
        get(code, path)  # warm: caches, the first snapshot of the day
        with CaptureQueriesContext(connection) as captured:
            get(code, path)
        counts[code] = len(captured.captured_queries)
    timings = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        get("FLM", path)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    results.append({"page": label, "queries_demo": counts["RBT"], "queries_film": counts["FLM"],
                    "film_median_ms": timings[len(timings) // 2]})
print("RESULT " + json.dumps(results))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page at film scale (default 5)")
    args = parser.parse_args()
    database_url = os.environ.get("SLATE_BENCH_DASHBOARDS_DATABASE_URL", DEFAULT_DATABASE_URL)
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DATABASE_URL=database_url, DJANGO_DEBUG="1")
    quiet_env = {
        **env,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "slate-bench-" + "d" * 40,
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    started = time.monotonic()
    with throwaway_database(database_url):
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        seed_started = time.monotonic()
        manage(env, "seed_demo", "--scale", "film")
        seeded = time.monotonic() - seed_started
        vacuum_analyze(database_url)
        manage(quiet_env, "collectstatic", "--noinput")  # DEBUG off serves static names from whitenoise's manifest
        script = MEASURE.replace("PAGES_JSON", json.dumps(PAGES)).replace("REPEAT", str(args.repeat))
        output = manage(quiet_env, "shell", "-c", script)
    results = json.loads(next(line for line in output.splitlines() if line.startswith("RESULT "))[len("RESULT ") :])

    handed_over = os.environ.get("SLATE_BENCH_BASELINE")
    hello_ms = json.loads(handed_over)["median_ms"] if handed_over else None
    print(
        f"setup: demo RBT (40 shots) and film FLM (3,000 shots, 40,000 tasks) seeded, the film in {seeded:.0f} s; "
        f"PostgreSQL, DEBUG off, the producer of each show; median of {args.repeat} requests after a warm-up"
    )
    print(f"  {'page':30} {'queries demo':>12} {'queries film':>12} {'film median':>12}")
    grown = []
    for row in results:
        ratio = f"  = {row['film_median_ms'] / hello_ms:5.0f} x hello" if hello_ms else ""
        print(
            f"  {row['page']:30} {row['queries_demo']:12d} {row['queries_film']:12d} "
            f"{row['film_median_ms']:9.0f} ms{ratio}"
        )
        if row["queries_demo"] != row["queries_film"]:
            grown.append(row["page"])
    print(f"whole benchmark: {time.monotonic() - started:.0f} s; database dropped")
    print("BENCH " + json.dumps({"name": "dashboards", "pages": results, "hello_median_ms": hello_ms}))
    if grown:
        print(f"FAILED: the query count differs between the demo and the film on: {', '.join(grown)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
