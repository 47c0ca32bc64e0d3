"""/healthz: what load balancers and monitoring probe. Anonymous, one query, 200 while the database answers."""

import socket

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def _closed_port_redis_url() -> str:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"redis://127.0.0.1:{port}/0"


def test_healthz_reports_database_and_real_redis_ok_in_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_broker_down_but_stays_up(client, settings):
    settings.REDIS_URL = _closed_port_redis_url()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "down"}


def test_healthz_reports_in_process_tasks_without_redis(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "in-process"}


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    class DeadConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("studio.views.connection", DeadConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "down", "broker": "ok"}


def test_healthz_answers_anonymous_and_logged_in_alike(client, django_user_model):
    anonymous = client.get("/healthz")
    client.force_login(django_user_model.objects.create_user(username="ops", password="x"))
    logged_in = client.get("/healthz")
    assert anonymous.status_code == logged_in.status_code == 200
    assert anonymous.json() == logged_in.json() == {"database": "ok", "broker": "ok"}


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
