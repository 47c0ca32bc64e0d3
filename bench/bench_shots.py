"""Film scale: a whole show's shots with their tasks (API, streamed), the shot grid page and a bulk of task
changes, each against a hello world served by the same server in the same run.

1. Drops and recreates a throwaway PostgreSQL database (SLATE_BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/slate_bench_shots), migrates it and builds PRODUCT.md's film with
   `seed_demo --scale film` (show FLM: 3,000 shots, 40,000 tasks, 250 people; about a minute), then VACUUM ANALYZE
   (what autovacuum does to a real database: the planner works from statistics, not guesses).
2. Serves it the production way: gunicorn, one sync worker, DJANGO_DEBUG=0 (no SQL logging, no browsable API),
   static files collected (whitenoise's manifest); plain HTTP on loopback, so the cookies are not marked secure.
   No Redis: Celery tasks run in-process, as in `make run`.
3. Logs in through the login page as the film's producer (studio.demo.film_logins) and times sequential requests:
   - hello: GET /healthz (one SELECT 1), the baseline every figure is divided by;
   - GET /api/v1/shows/FLM/shots-with-tasks/ (every shot with its tasks, one streamed response);
   - GET /shows/FLM/shots/ (the shot grid page), when the URL exists;
   - POST /api/v1/tasks/bulk/ changing the priority of 200 tasks (row_versions read from the stream);
   - once, for comparison: the same data read the way a script does without the stream (the task and shot lists,
     1,000 per page).
   Each: warm-up, then N requests; median and p90, absolute and as a multiple of hello; and Kitsu's published
   figures for its shots-with-tasks endpoint.
4. Drops the database.

    python bench/bench_shots.py [--repeat 15]

The last line is machine-readable: `BENCH {"name": "shots", ...}` (bench/run.py collects it).
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import psycopg2
from bench_hello import REPO, running_server  # bench/ is on sys.path when run as a script

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/slate_bench_shots"
SHOW = "FLM"
LOGIN = ("flm.producer1", "slate-demo")  # studio/demo.py: film_logins() and DEMO_PASSWORD
BULK_SIZE = 200
# Kitsu's shots-with-tasks endpoint, as published (PRODUCT.md): 2,000 shots / 40,000 tasks.
KITSU_BEFORE_S, KITSU_AFTER_S, KITSU_STREAMED_S = 1.68, 0.59, 0.43


# --- The database ---------------------------------------------------------------------------------------


def admin_connection(database_url: str):
    """A connection to the server's maintenance database, in autocommit (CREATE / DROP DATABASE)."""
    parts = urllib.parse.urlsplit(database_url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
        connect_timeout=5,
    )
    connection.autocommit = True
    return connection


def database_name(database_url: str) -> str:
    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or not name.startswith("slate_bench"):
        sys.exit(f"refusing to drop and recreate {name!r}: the bench database's name must start with slate_bench")
    return name


@contextlib.contextmanager
def throwaway_database(database_url: str) -> Iterator[None]:
    name = database_name(database_url)
    with contextlib.closing(admin_connection(database_url)) as admin, admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        yield
    finally:
        with contextlib.closing(admin_connection(database_url)) as admin, admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def vacuum_analyze(database_url: str) -> None:
    with contextlib.closing(psycopg2.connect(database_url)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# --- HTTP -----------------------------------------------------------------------------------------------


class Browser:
    """A logged-in session: cookies kept, the CSRF token sent on writes."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == name)

    def log_in(self, username: str, password: str) -> None:
        with self.opener.open(self.base_url + "/login/", timeout=30) as response:
            page = response.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
        with self.opener.open(self.base_url + "/login/", data=form.encode(), timeout=30) as response:
            response.read()
        if not any(cookie.name == "sessionid" for cookie in self.cookies):
            raise RuntimeError(f"could not log in as {username}")

    def request(self, path: str, body: dict | None = None) -> tuple[int, bytes, float, float]:
        """(status, body, seconds to the headers, seconds to the whole body)."""
        request = urllib.request.Request(self.base_url + path)
        if body is not None:
            request.data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
            request.add_header("X-CSRFToken", self.cookie("csrftoken"))
        started = time.perf_counter()
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), 0.0, time.perf_counter() - started
        with response:
            first = time.perf_counter() - started
            content = response.read()
        return response.status, content, first, time.perf_counter() - started


def timed(call, count: int, warmup: int) -> dict[str, float]:
    """Run `call` (returning (first-byte seconds, total seconds)) warmup + count times; summarise the last count."""
    for _ in range(warmup):
        call()
    firsts, totals = [], []
    for _ in range(count):
        first, total = call()
        firsts.append(first)
        totals.append(total)
    return {
        "requests": count,
        "median_ms": statistics.median(totals) * 1000,
        "p90_ms": statistics.quantiles(totals, n=10)[-1] * 1000 if count > 1 else totals[0] * 1000,
        "first_byte_median_ms": statistics.median(firsts) * 1000,
    }


def get_ok(browser: Browser, path: str):
    def call():
        status, body, first, total = browser.request(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
        call.size = len(body)
        return first, total

    return call


def grid_path(env: dict[str, str]) -> str | None:
    """The grid page's URL, or None while the project has no shots:shot_grid URL."""
    script = (
        "from django.urls import NoReverseMatch, reverse\n"
        "try:\n"
        f"    print(reverse('shots:shot_grid', kwargs={{'code': '{SHOW}'}}))\n"
        "except NoReverseMatch:\n"
        "    print('-')\n"
    )
    path = manage(env, "shell", "-c", script).strip().splitlines()[-1]
    return None if path == "-" else path


# --- The run --------------------------------------------------------------------------------------------


def line(label: str, result: dict, hello_ms: float, extra: str = "") -> str:
    return (
        f"  {label:<34} median {result['median_ms']:8.1f} ms  p90 {result['p90_ms']:8.1f} ms  "
        f"= {result['median_ms'] / hello_ms:6.1f} x hello{extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per URL (default 15)")
    args = parser.parse_args()
    database_url = os.environ.get("SLATE_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DATABASE_URL=database_url, DJANGO_DEBUG="1")
    serve_env = {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "slate-bench-" + "b" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        "DJANGO_BEHIND_TLS_PROXY": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
    }
    figures: dict[str, object] = {"name": "shots"}
    started = time.monotonic()
    with throwaway_database(database_url):
        manage(env, "migrate", "--noinput")
        seed_started = time.monotonic()
        manage(env, "seed_demo", "--scale", "film")
        vacuum_analyze(database_url)
        manage({**env, **serve_env}, "collectstatic", "--noinput")
        path_of_grid = grid_path(env)
        print(
            f"setup: database, migrations, film seeded in {time.monotonic() - seed_started:.0f} s "
            f"(3,000 shots, 40,000 tasks); gunicorn 1 sync worker, PostgreSQL, DEBUG off; "
            f"{args.repeat} sequential requests per URL after a warm-up, logged in as {LOGIN[0]} (session)"
        )
        with running_server(extra_env={"DATABASE_URL": database_url, **serve_env}) as base_url:
            browser = Browser(base_url)
            browser.log_in(*LOGIN)

            hello = timed(get_ok(browser, "/healthz"), count=max(200, args.repeat), warmup=20)
            hello_ms = hello["median_ms"]
            figures["hello"] = hello
            print(line("hello (GET /healthz)", hello, hello_ms))

            stream_path = f"/api/v1/shows/{SHOW}/shots-with-tasks/"
            status, body, _, _ = browser.request(stream_path)
            shots = json.loads(body)
            task_count = sum(len(shot["tasks"]) for shot in shots)
            if status != 200 or (len(shots), task_count) != (3000, 40000):
                raise RuntimeError(f"{stream_path}: {status}, {len(shots)} shots, {task_count} tasks")
            stream = timed(get_ok(browser, stream_path), count=args.repeat, warmup=2)
            stream["bytes"] = len(body)
            figures["shots_with_tasks"] = stream
            print(
                line(
                    f"GET {stream_path}",
                    stream,
                    hello_ms,
                    f"  ({len(body) / 1e6:.1f} MB, first byte after {stream['first_byte_median_ms']:.0f} ms)",
                )
            )

            if path_of_grid is None:
                print("  grid page: not available (no shots:shot_grid URL)")
                figures["grid"] = None
            else:
                grid_call = get_ok(browser, path_of_grid)
                grid = timed(grid_call, count=args.repeat, warmup=2)
                grid["bytes"] = grid_call.size
                figures["grid"] = grid
                print(line(f"GET {path_of_grid} (grid page)", grid, hello_ms, f"  ({grid_call.size / 1e3:.0f} kB)"))

            tasks = [task for shot in shots for task in shot["tasks"]][:: len(shots) // 15][:BULK_SIZE]
            row_versions = {task["id"]: task["row_version"] for task in tasks}
            rounds = iter(range(1, 10_000))

            def bulk():
                priority = next(rounds) % 4
                items = [{"id": i, "row_version": v, "priority": priority} for i, v in row_versions.items()]
                status, content, first, total = browser.request("/api/v1/tasks/bulk/", {"items": items})
                if status != 200:
                    raise RuntimeError(f"POST /api/v1/tasks/bulk/ answered {status}: {content[:300]!r}")
                row_versions.update({task["id"]: task["row_version"] for task in json.loads(content)["items"]})
                return first, total

            bulk_result = timed(bulk, count=max(3, args.repeat // 3), warmup=1)
            figures["bulk_200"] = bulk_result
            print(line(f"POST /api/v1/tasks/bulk/ ({len(row_versions)} tasks)", bulk_result, hello_ms))

            pages_started = time.perf_counter()
            requests = 0
            for list_path in (
                f"/api/v1/shots/?show={SHOW}&page_size=1000",
                f"/api/v1/tasks/?show={SHOW}&page_size=1000",
            ):
                next_url = base_url + list_path
                while next_url:
                    status, content, _, _ = browser.request(next_url.removeprefix(base_url))
                    if status != 200:
                        raise RuntimeError(f"{next_url} answered {status}")
                    next_url = json.loads(content)["next"]
                    requests += 1
            paged_ms = (time.perf_counter() - pages_started) * 1000
            figures["paged_lists_ms"] = paged_ms
            print(
                f"  {'the same via the paged lists':<34} {paged_ms:8.0f} ms once ({requests} requests of 1,000) "
                f"= {paged_ms / stream['median_ms']:.1f} x the stream"
            )

    stream_s = figures["shots_with_tasks"]["median_ms"] / 1000
    print(
        f"Kitsu's shots-with-tasks (published, 2,000 shots / 40,000 tasks, their machine): {KITSU_BEFORE_S} s before "
        f"their rewrite, {KITSU_AFTER_S} s after ({KITSU_STREAMED_S} s streamed).\n"
        f"Slate here: {stream_s:.3f} s for 3,000 shots / 40,000 tasks = {KITSU_AFTER_S / stream_s:.1f} x faster than "
        f"{KITSU_AFTER_S} s, {KITSU_STREAMED_S / stream_s:.1f} x faster than {KITSU_STREAMED_S} s, "
        f"{KITSU_BEFORE_S / stream_s:.1f} x faster than {KITSU_BEFORE_S} s (different machines: track the x hello)."
    )
    handed_over = os.environ.get("SLATE_BENCH_BASELINE")
    if handed_over:
        run_hello = json.loads(handed_over)["median_ms"]
        print(
            f"(this run's bench_hello, SQLite + DEBUG on: {run_hello:.2f} ms; the stream is "
            f"{figures['shots_with_tasks']['median_ms'] / run_hello:.0f} x that)"
        )
    print(f"whole benchmark: {time.monotonic() - started:.0f} s; database dropped")
    print("BENCH " + json.dumps(figures))


if __name__ == "__main__":
    main()
