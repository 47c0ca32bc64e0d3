"""Run every bench/bench_*.py, each in its own process, and print what they report.

bench_hello.py runs first: its result is the baseline of this run, handed to the other benchmarks as JSON in
SLATE_BENCH_BASELINE so they can print ratios against it (a benchmark run alone measures its own baseline).
The combined output is also written to bench/results/<timestamp>.txt (git-ignored).

    python bench/run.py [name ...]      # e.g. python bench/run.py hello shot_grid
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BASELINE = "hello"
TIMEOUT_SECONDS = 15 * 60


def discover(names: list[str]) -> list[Path]:
    scripts = sorted(BENCH.glob("bench_*.py"), key=lambda path: (path.stem != f"bench_{BASELINE}", path.name))
    if names:
        wanted = {name.removeprefix("bench_").removesuffix(".py") for name in names}
        scripts = [path for path in scripts if path.stem.removeprefix("bench_") in wanted]
        missing = wanted - {path.stem.removeprefix("bench_") for path in scripts}
        if missing:
            sys.exit(f"no such benchmark: {', '.join(sorted(missing))}")
    return scripts


def bench_results(output: str) -> list[dict]:
    return [json.loads(line[len("BENCH ") :]) for line in output.splitlines() if line.startswith("BENCH ")]


def main() -> int:
    scripts = discover(sys.argv[1:])
    if not scripts:
        print("No bench/bench_*.py scripts found.")
        return 0
    env = dict(os.environ)
    report = [f"Slate benchmarks, {time.strftime('%Y-%m-%d %H:%M:%S')}, Python {sys.version.split()[0]}"]
    print(report[0], flush=True)
    failed = []
    for script in scripts:
        header = f"\n== {script.stem.removeprefix('bench_')} ({script.relative_to(REPO)})"
        print(header, flush=True)
        started = time.monotonic()
        try:
            result = subprocess.run(
                [sys.executable, str(script)],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
            )
            output, returncode = result.stdout + result.stderr, result.returncode
        except subprocess.TimeoutExpired as error:
            output, returncode = f"{error.stdout or ''}{error.stderr or ''}\ntimed out after {TIMEOUT_SECONDS} s", -1
        elapsed = time.monotonic() - started
        status = "ok" if returncode == 0 else f"FAILED (exit {returncode})"
        footer = f"-- {status} in {elapsed:.1f} s"
        print(output.rstrip(), footer, sep="\n", flush=True)
        report += [header, output.rstrip(), footer]
        if returncode != 0:
            failed.append(script.name)
        elif script.stem == f"bench_{BASELINE}":
            baseline = next((r for r in bench_results(output) if r.get("name") == BASELINE), None)
            if baseline:
                env["SLATE_BENCH_BASELINE"] = json.dumps(baseline)
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    results_file = results_dir / f"{time.strftime('%Y%m%d-%H%M%S')}.txt"
    results_file.write_text("\n".join(report) + "\n")
    print(f"\nWritten to {results_file.relative_to(REPO)}")
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
