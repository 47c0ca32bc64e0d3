"""The real settings module, configured as .env.example says for production, passes Django's deploy checks.

Runs `manage.py check --deploy` in a subprocess with DJANGO_SETTINGS_MODULE=studio.settings (not the test
settings) and only the production environment, so nothing the test settings relax can hide a warning.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_docker_compose import read_env_file

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def production_env() -> dict[str, str]:
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(read_env_file(REPO / ".env.example"))
    env.update(
        DJANGO_SETTINGS_MODULE="studio.settings",
        # A real-looking secret: the placeholder is (rightly) too weak for the deploy check.
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        # The compose host name `postgres` does not resolve here; the checks need no tables anyway.
        DATABASE_URL=os.environ["DATABASE_URL"],
        REDIS_URL=os.environ["REDIS_URL"],
    )
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_without_a_warning(production_env):
    assert production_env["DJANGO_DEBUG"] == "0"
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output, output


def test_production_refuses_to_start_without_a_secret_key(production_env):
    del production_env["DJANGO_SECRET_KEY"]
    result = manage("check", env=production_env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_settings_are_what_env_example_promises(production_env):
    snippet = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.CELERY_TASK_ALWAYS_EAGER, "
        "s.EMAIL_BACKEND, s.DATABASES['default']['ENGINE'], sep='|')"
    )
    result = manage("shell", "-c", snippet, env=production_env)
    assert result.returncode == 0, result.stderr
    # The last line: Django's shell may first report the objects it imported.
    assert result.stdout.strip().splitlines()[-1].split("|") == [
        "False",
        "['slate.example.com']",
        "['https://slate.example.com']",
        "True",
        "True",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
        "django.db.backends.postgresql",
    ]
