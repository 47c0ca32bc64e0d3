"""Test settings: the real PostgreSQL and Redis on localhost, never SQLite or an in-memory broker.

`make test` exports DATABASE_URL and REDIS_URL; these defaults match the services on a developer machine.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/slate")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# pytest-xdist runs the suite in several processes: pytest-django gives each its own test database
# (test_slate_gw0, ...), and here each gets its own Redis database below the configured one (15, 14, ...), so a
# worker test's broker never sees another process's messages.
# Shifted once: a Celery worker a test starts inherits both the shifted REDIS_URL and PYTEST_XDIST_WORKER, and
# must listen on the same database as the test that publishes to it.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and _xdist_worker[2:].isdigit() and "SLATE_TEST_REDIS_SHIFTED" not in os.environ:
    _base, _, _db = os.environ["REDIS_URL"].rpartition("/")
    if _db.isdigit():
        os.environ["REDIS_URL"] = f"{_base}/{max(0, int(_db) - int(_xdist_worker[2:]))}"
    os.environ["SLATE_TEST_REDIS_SHIFTED"] = "1"
os.environ.setdefault("DJANGO_SECRET_KEY", "slate-test-secret-key-" + "t" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from .settings import *  # noqa: E402,F403
from .settings import STORAGES  # noqa: E402

if not DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    raise RuntimeError("The test suite runs on PostgreSQL: set DATABASE_URL=postgres://... (see README).")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# Unit tests run tasks in-process against the real database; tests marked `worker` switch this off and
# run a real Celery worker against Redis.
CELERY_TASK_ALWAYS_EAGER = True
WHITENOISE_AUTOREFRESH = True  # serve from the finders: tests never run collectstatic
