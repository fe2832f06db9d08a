from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from collections_crm.health import WORKER_HEARTBEAT
from collections_crm.services import heartbeat_record


@shared_task
def heartbeat_record_task() -> None:
    """System-wide: proves to /healthz that beat schedules work and a worker runs it."""
    heartbeat_record(name=WORKER_HEARTBEAT)


@shared_task
def sessions_clear_expired_task() -> int:
    """System-wide: drop expired login sessions so the session table stays small."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
