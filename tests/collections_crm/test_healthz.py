"""/healthz answers 200 when the database and the broker answer, 503 otherwise, with no login."""

import pytest
from django.conf import settings
from django.db import connection

from collections_crm.celery import app as celery_app
from collections_crm.services import heartbeat_record
from collections_crm.tasks import heartbeat_record_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_url():
    """Point the Celery app's broker elsewhere for one test."""
    original = celery_app.conf.broker_url

    def _set(url):
        celery_app.conf.broker_url = url

    yield _set
    celery_app.conf.broker_url = original


def test_healthy_on_the_configured_services(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok"
    assert report["database"] == {"ok": True, "vendor": connection.vendor}
    expected_transport = "redis" if settings.REDIS_URL else "filesystem"
    assert report["broker"] == {"ok": True, "transport": expected_transport}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL pointing at a real Redis")
def test_real_redis_answers(client):
    assert client.get("/healthz").json()["broker"] == {"ok": True, "transport": "redis"}


def test_unavailable_when_the_broker_port_is_closed(client, broker_url):
    broker_url("redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "unavailable"
    assert report["database"]["ok"] is True
    assert report["broker"]["ok"] is False
    assert report["broker"]["error"]


def test_unavailable_when_the_database_does_not_answer(client, monkeypatch):
    """A real connection to a database that is not there: a closed port, or a folder SQLite cannot open."""
    from django.db import connections

    from collections_crm import health

    unreachable = {**connection.settings_dict, "PORT": 1, "NAME": "/nonexistent/folder/db.sqlite3"}
    if connection.vendor == "postgresql":
        unreachable["NAME"] = connection.settings_dict["NAME"]
    dead = connections.create_connection("default").__class__(unreachable, alias="unreachable")
    monkeypatch.setattr(health, "connection", dead)
    response = client.get("/healthz")
    assert response.status_code == 503
    report = response.json()
    assert report["database"]["ok"] is False
    assert report["worker"] == {"ok": False, "last_heartbeat_at": None}
    dead.close()


def test_worker_heartbeat_is_reported(client):
    assert client.get("/healthz").json()["worker"] == {"ok": False, "last_heartbeat_at": None}
    heartbeat_record_task.apply()
    worker = client.get("/healthz").json()["worker"]
    assert worker["ok"] is True
    assert worker["last_heartbeat_at"]


def test_a_stale_heartbeat_is_not_ok(client):
    heartbeat = heartbeat_record(name="worker")
    heartbeat.beat_at = heartbeat.beat_at.replace(year=2020)
    heartbeat.save()
    assert client.get("/healthz").json()["worker"]["ok"] is False


def test_only_get_is_allowed(client):
    assert client.post("/healthz").status_code == 405
