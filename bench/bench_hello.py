"""Baseline: how fast this machine serves Slate's cheapest request, GET /healthz (one `SELECT 1`).

Starts gunicorn (one sync worker) on a free loopback port with DEBUG on and a fresh SQLite database in a
temporary directory, warms up, then times sequential GETs with urllib. Other benchmarks divide their figures by
this one, measured in the same run, so a result means "N times the cost of a hello world on this machine".

    python bench/bench_hello.py [--requests 300]

The last line is machine-readable: `BENCH {"name": "hello", ...}` (bench/run.py collects it).
"""

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(extra_env: dict[str, str] | None = None, workers: int = 1) -> Iterator[str]:
    """Serve Slate with gunicorn on a free loopback port; yields the base URL, stops the server after."""
    with tempfile.TemporaryDirectory(prefix="slate-bench-") as tmp:
        env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
        env.update({"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", **(extra_env or {})})
        port = free_port()
        log_path = Path(tmp) / "gunicorn.log"
        gunicorn = Path(sys.executable).parent / "gunicorn"
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [str(gunicorn), "studio.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base_url + "/healthz", server, log_path)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_until_up(url: str, server: subprocess.Popen, log_path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds} s:\n{log_path.read_text()}")


def time_gets(url: str, count: int, warmup: int = 20) -> dict[str, float]:
    """Sequential GETs of one URL; every response must be a 200."""
    for _ in range(warmup):
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
    latencies = []
    started = time.perf_counter()
    for _ in range(count):
        before = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{url} answered {response.status}")
        latencies.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    return {
        "requests": count,
        "requests_per_second": count / elapsed,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": statistics.quantiles(latencies, n=20)[-1] * 1000,
    }


def measure_baseline(count: int = 300) -> dict[str, float]:
    with running_server() as base_url:
        return time_gets(base_url + "/healthz", count)


def baseline() -> dict[str, float]:
    """This run's baseline: handed over by bench/run.py, or measured now when a benchmark runs alone."""
    handed_over = os.environ.get("SLATE_BENCH_BASELINE")
    return json.loads(handed_over) if handed_over else measure_baseline()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    result = measure_baseline(parser.parse_args().requests)
    print(
        f"hello (GET /healthz, gunicorn 1 sync worker, SQLite, DEBUG on): {result['requests']} sequential requests, "
        f"{result['requests_per_second']:.0f} requests/s, median {result['median_ms']:.2f} ms, "
        f"p95 {result['p95_ms']:.2f} ms"
    )
    print("BENCH " + json.dumps({"name": "hello", **result}))


if __name__ == "__main__":
    main()
