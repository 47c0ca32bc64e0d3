"""The production shape (docker-compose.yml, Dockerfile, .env.example) names only things that exist.

Docker itself cannot run in CI, so these tests check what the containers would run: the gunicorn and Celery
targets import, the files the Dockerfile copies exist, the image's build step (collectstatic) works on exactly
the copied files, the web command serves /healthz to the compose health check, and every environment variable
is documented in .env.example.
"""

import importlib
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
ENV_EXAMPLE = REPO / ".env.example"
APP_SERVICES = ("migrate", "web", "worker", "beat")


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as docker compose reads them: comments and blank lines skipped, one layer of quotes off."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not KEY=VALUE: {line!r}"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}; $$ is a literal $."""

    def replace(match: re.Match) -> str:
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        value = env.get(name, "")
        if op == ":-" and not value:
            return arg
        if op == ":?" and not value:
            raise AssertionError(f"{name} is required: {arg}")
        return value

    text = re.sub(r"(?<!\$)\$\{(?P<name>\w+)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}", replace, text)
    return text.replace("$$", "$")


def as_argv(command) -> list[str]:
    return list(command) if isinstance(command, list) else shlex.split(command)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    return read_env_file(ENV_EXAMPLE)


def test_compose_has_the_production_services(services):
    assert {"web", "worker", "beat", "postgres", "redis", "migrate"} <= set(services)
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in services["postgres"]["volumes"])


def test_app_services_build_from_the_dockerfile_and_read_dot_env(services):
    for name in APP_SERVICES:
        service = services[name]
        build = service["build"]
        context = build if isinstance(build, str) else build.get("context", ".")
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert (REPO / context / dockerfile).resolve() == DOCKERFILE, name
        assert service["env_file"] in (".env", [".env"]), name


def test_backing_services_have_healthchecks_and_app_services_wait_for_them(services):
    assert "pg_isready" in str(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"
    assert as_argv(services["migrate"]["command"]) == ["python", "manage.py", "migrate", "--noinput"]
    for name in ("web", "worker", "beat"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends_on["redis"] == {"condition": "service_healthy"}, name
    assert services["web"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert "/healthz" in str(services["web"]["healthcheck"]["test"])


def test_web_runs_gunicorn_on_the_wsgi_application_with_workers_from_the_environment(services):
    argv = as_argv(services["web"]["command"])
    assert argv[:2] == ["gunicorn", "studio.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8000"
    assert re.fullmatch(r"\$\{GUNICORN_WORKERS(:-\d+)?\}", argv[argv.index("--workers") + 1])

    module_name, _, attribute = argv[1].partition(":")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # whitenoise: no collected static files in a checkout; the image has them
        application = getattr(importlib.import_module(module_name), attribute)
    assert callable(application)


def test_worker_and_beat_run_the_studio_celery_app(services):
    assert as_argv(services["worker"]["command"])[:4] == ["celery", "-A", "studio", "worker"]
    assert as_argv(services["beat"]["command"])[:4] == ["celery", "-A", "studio", "beat"]

    # `celery -A studio` resolves the app exactly like this.
    from celery.app.utils import find_app

    import studio.celery

    app = find_app("studio")
    assert app is studio.celery.app
    assert app.main == "slate"
    # Every task beat schedules is one the worker knows.
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


def dockerfile_copies() -> list[tuple[list[str], str]]:
    copies = []
    for line in DOCKERFILE.read_text().splitlines():
        parts = line.split()
        if parts and parts[0] == "COPY":
            arguments = [part for part in parts[1:] if not part.startswith("--")]
            copies.append((arguments[:-1], arguments[-1]))
    return copies


def test_dockerfile_builds_the_slim_image_and_copies_only_existing_files():
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.11-slim\s*$", text, re.M)
    assert re.search(r"^RUN pip install \.\s*$", text, re.M)
    assert "collectstatic --noinput" in text
    copies = dockerfile_copies()
    assert copies
    for sources, _destination in copies:
        for source in sources:
            assert (REPO / source).exists(), f"the Dockerfile copies {source}, which does not exist"
    copied = {Path(source).parts[0] for sources, _ in copies for source in sources}
    assert {"manage.py", "studio", "shots", "schedules", "dailies", "budgets", "templates", "static"} <= copied
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ".env" in ignored and ".venv" in ignored and ".git" in ignored


@pytest.fixture(scope="module")
def image_root(tmp_path_factory) -> Path:
    """The application directory of the image: exactly the files the Dockerfile copies, nothing else."""
    root = tmp_path_factory.mktemp("image") / "app"
    root.mkdir()
    for sources, destination in dockerfile_copies():
        for source in sources:
            # `COPY a b ./` keeps the names; `COPY studio ./studio` names the target.
            target = root / Path(source).name if destination in (".", "./") else root / destination
            if (REPO / source).is_dir():
                shutil.copytree(REPO / source, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(REPO / source, target)
    return root


def base_env(**extra: str) -> dict[str, str]:
    """A clean process environment: nothing of the test settings leaks in."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(extra)
    return env


def test_the_image_build_step_collects_static_from_the_copied_files(image_root):
    # The Dockerfile's RUN line, on the copied tree only: DEBUG off, a throwaway key, no database, no Redis.
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=image_root,
        env=base_env(PYTHONPATH=str(image_root), DJANGO_SECRET_KEY="collectstatic-only-not-a-real-secret-key"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = image_root / "staticfiles" / "staticfiles.json"
    assert manifest.exists()
    assert "css/slate.css" in manifest.read_text()


def production_env(env_example: dict[str, str], image_root: Path) -> dict[str, str]:
    env = base_env(**env_example)
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"  # healthz only needs SELECT 1
    env.update(
        PYTHONPATH=str(image_root),
        DJANGO_SETTINGS_MODULE="studio.settings",
        DJANGO_SECRET_KEY="k" + os.urandom(32).hex(),
        DATABASE_URL=database,
        REDIS_URL=os.environ["REDIS_URL"],
        SLATE_MEDIA_ROOT=str(image_root / "media"),
    )
    return env


@pytest.mark.slow
def test_the_web_command_answers_the_compose_healthcheck(services, env_example, image_root):
    """Run the web service's command with the production .env and probe it with the web health check."""
    port = free_port()
    env = production_env(env_example, image_root)
    argv = [interpolate(str(arg), env) for arg in as_argv(services["web"]["command"])]
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
    argv[argv.index("--workers") + 1] = "1"
    gunicorn = Path(sys.executable).parent / argv[0]
    server = subprocess.Popen(
        [str(gunicorn), *argv[1:]], cwd=image_root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        probe = services["web"]["healthcheck"]["test"]
        assert probe[0] == "CMD" and probe[1] == "python"
        probe_argv = [sys.executable, *[arg.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for arg in probe[2:]]]
        deadline = time.monotonic() + 30
        while True:
            result = subprocess.run(probe_argv, env=env, capture_output=True, text=True, timeout=30)
            if result.returncode == 0 or time.monotonic() > deadline or server.poll() is not None:
                break
            time.sleep(0.3)
        assert result.returncode == 0, result.stderr
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    # The access log proves the probe was answered by this server with a 200.
    assert re.search(rb'"GET /healthz HTTP/1\.1" 200', output), output.decode(errors="replace")


def referenced_variables(text: str) -> set[str]:
    return set(re.findall(r"(?<!\$)\$\{(\w+)", text))


def settings_variables() -> set[str]:
    source = (REPO / "studio" / "settings.py").read_text()
    pattern = (
        r"""(?:os\.environ\.get|os\.getenv|env_bool|env_list|env_int)\(\s*["'](\w+)["']"""
        r"""|os\.environ\[["'](\w+)["']\]"""
    )
    return {a or b for a, b in re.findall(pattern, source)}


def test_every_environment_variable_is_documented_in_env_example(env_example):
    documented = set(env_example)
    from_settings = settings_variables()
    # Sanity: the scan finds what settings.py is known to read.
    assert {"DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS"} <= from_settings
    from_compose = referenced_variables(COMPOSE.read_text())
    assert "GUNICORN_WORKERS" in from_compose
    assert sorted(from_settings - documented) == []
    assert sorted(from_compose - documented) == []


def test_env_example_explains_every_variable_and_is_a_production_setup(env_example):
    lines = ENV_EXAMPLE.read_text().splitlines()
    # Each variable sits under a comment (a comment may introduce a pair of related variables).
    undocumented = []
    previous_comment = False
    run = 0
    for line in lines:
        if line.startswith("#"):
            previous_comment, run = True, 0
        elif line.strip():
            run += 1
            if not previous_comment or run > 2:
                undocumented.append(line)
        else:
            previous_comment, run = False, 0
    assert undocumented == []
    assert env_example["DJANGO_DEBUG"] == "0"
    assert env_example["DATABASE_URL"].startswith("postgres://")
    assert env_example["REDIS_URL"].startswith("redis://")
    # The compose database credentials and DATABASE_URL describe the same database.
    url = urlsplit(env_example["DATABASE_URL"])
    assert (url.username, url.password, url.path.lstrip("/"), url.hostname) == (
        env_example["POSTGRES_USER"],
        env_example["POSTGRES_PASSWORD"],
        env_example["POSTGRES_DB"],
        "postgres",
    )
    assert urlsplit(env_example["REDIS_URL"]).hostname == "redis"
