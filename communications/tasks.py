from celery import shared_task
from django.utils import timezone

from communications.cadences import outbox_plan
from communications.models import OutboundMessage
from communications.outbox import outbox_dispatch, outbox_sweep
from communications.providers import ProviderUnavailable

# Messages handed to workers per beat tick; the next tick takes the rest.
DISPATCH_BATCH = 5000


@shared_task(acks_late=True, autoretry_for=(ProviderUnavailable,), retry_backoff=True, max_retries=5)
def outbox_dispatch_task(message_id: int) -> str:
    """Send one message; a redelivered or repeated task finds it claimed or sent and does nothing."""
    return outbox_dispatch(message_id=message_id)


@shared_task(acks_late=True)
def outbox_dispatch_due_task() -> int:
    """Hand the due messages to workers, one task each (system-wide: every team's outbox)."""
    due = list(OutboundMessage.objects.filter(status=OutboundMessage.Status.SCHEDULED,
                                              scheduled_for__lte=timezone.now())
               .order_by("scheduled_for").values_list("pk", flat=True)[:DISPATCH_BATCH])
    for message_id in due:
        outbox_dispatch_task.delay(message_id)
    return len(due)


@shared_task(acks_late=True)
def outbox_sweep_task() -> dict[str, int]:
    return outbox_sweep()


@shared_task(acks_late=True)
def outbox_plan_task() -> int:
    """Plan today's cadence messages (system-wide); planning twice creates nothing new."""
    return outbox_plan(today=timezone.localdate())
