"""Reads the state of the services the product depends on, for /healthz and for operators."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from collections_crm.celery import app as celery_app
from collections_crm.models import Heartbeat

WORKER_HEARTBEAT = "worker"
# Beat sends the heartbeat every 30 seconds (collections_crm/schedule.py); three missed beats means trouble.
HEARTBEAT_STALE_AFTER = timedelta(seconds=90)


def database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means "not answering"; the class name says which
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_status() -> dict:
    """Open a connection to the broker, failing within about two seconds when it does not answer."""
    with celery_app.connection_for_write() as conn:
        try:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        except Exception as exc:
            return {"ok": False, "transport": conn.transport_cls, "error": type(exc).__name__}
        return {"ok": True, "transport": conn.transport_cls}


def worker_status(database_ok: bool) -> dict:
    """When the worker last ran a scheduled job; informational, it does not make the site unhealthy."""
    if not database_ok:
        return {"ok": False, "last_heartbeat_at": None}
    beat_at = Heartbeat.objects.filter(name=WORKER_HEARTBEAT).values_list("beat_at", flat=True).first()
    fresh = beat_at is not None and timezone.now() - beat_at < HEARTBEAT_STALE_AFTER
    return {"ok": fresh, "last_heartbeat_at": beat_at.isoformat() if beat_at else None}


def system_health() -> tuple[bool, dict]:
    """Healthy when the database and the broker both answer."""
    database = database_status()
    broker = broker_status()
    healthy = database["ok"] and broker["ok"]
    return healthy, {
        "status": "ok" if healthy else "unavailable",
        "database": database,
        "broker": broker,
        "worker": worker_status(database["ok"]),
    }
