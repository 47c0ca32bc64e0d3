"""The Celery app. Broker from REDIS_URL; with no REDIS_URL tasks run eagerly in-process (demo mode)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

app = Celery("slate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
