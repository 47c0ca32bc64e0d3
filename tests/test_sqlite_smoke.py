"""`make run`'s path: SQLite, no Redis (tasks in-process), DEBUG on, the demo data, and the demo logins work.

Everything runs in subprocesses with the real settings module (not the test settings, which insist on
PostgreSQL). The database is a SQLite file in a temporary directory, named explicitly so a developer's
var/slate.sqlite3 is never touched.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.demo import DEMO_LOGINS, DEMO_PASSWORD

REPO = Path(__file__).resolve().parent.parent

LOGIN_AS_EACH_ROLE = """
import json
from django.test import Client
from studio.demo import DEMO_LOGINS, DEMO_PASSWORD
from studio.models import Person

roles = {username: role for username, role in Person.objects.values_list("username", "role")}
for role in ("artist", "coordinator", "producer"):
    username = next(username for username, _label in DEMO_LOGINS if roles.get(username) == role)
    # DEBUG allows 127.0.0.1 and localhost only. A server error becomes a 500 here (and a traceback on stderr),
    # so every role is reported.
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    login = client.post("/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True)
    home = client.get("/", follow=True)
    print(json.dumps({
        "role": role,
        "username": username,
        "logged_in": login.wsgi_request.user.is_authenticated,
        "status": home.status_code,
        "path": home.wsgi_request.path,
        "redirects": [url for url, _status in home.redirect_chain],
    }))
"""


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory) -> dict[str, str]:
    database = tmp_path_factory.mktemp("sqlite-demo") / "demo.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REDIS_", "DATABASE_"))}
    env.update(DJANGO_SETTINGS_MODULE="studio.settings", DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{database}")
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
def test_demo_on_sqlite_migrates_seeds_and_every_role_reaches_its_home(demo_env):
    manage("migrate", "--noinput", env=demo_env)
    seeded = manage("seed_demo", env=demo_env)
    # `make run` shows the logins before the server starts.
    assert DEMO_PASSWORD in seeded.stdout
    for username, _label in DEMO_LOGINS:
        assert username in seeded.stdout

    # Seeding twice is safe: `make run` seeds on every start.
    manage("seed_demo", env=demo_env)

    result = manage("shell", "-c", LOGIN_AS_EACH_ROLE, env=demo_env)
    visits = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [visit["role"] for visit in visits] == ["artist", "coordinator", "producer"]
    for visit in visits:
        assert visit["logged_in"], visit
        assert visit["status"] == 200, f"{visit}\n{result.stderr[-4000:]}"
        assert visit["path"] != "/login/", visit
        assert visit["redirects"], visit  # "/" sends each role to its own home page


def test_readme_lists_every_demo_login():
    readme = (REPO / "README.md").read_text()
    assert f"`{DEMO_PASSWORD}`" in readme
    for username, label in DEMO_LOGINS:
        assert f"| `{username}` | {label} |" in readme
