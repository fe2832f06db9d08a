from collections import Counter

from celery import shared_task
from django.utils import timezone

from collections_crm.celery import TRANSIENT_ERRORS, tasks_waiting
from communications.cadences import outbox_plan
from communications.outbox import outbox_dispatch_batch, outbox_due_batches, outbox_sweep
from communications.providers import ProviderUnavailable


@shared_task(acks_late=True, autoretry_for=(ProviderUnavailable, *TRANSIENT_ERRORS), retry_backoff=True,
             max_retries=5)
def outbox_dispatch_task(message_ids: list[int]) -> dict[str, int]:
    """Send a batch of messages; a redelivered or repeated task finds them claimed or sent and does nothing, and a
    retry sends those the outage left scheduled."""
    return Counter(outbox_dispatch_batch(message_ids=message_ids).values())


# Batches already waiting for a worker beyond which a tick hands out nothing new: the due messages are handed out
# again on the next tick anyway, and a long queue would only hold back the sweep and the heartbeat behind it.
MAX_WAITING_BATCHES = 20


@shared_task(acks_late=True)
def outbox_dispatch_due_task() -> int:
    """Hand the due messages to workers, a batch of ids per task (system-wide: every team's outbox), unless the
    workers have not yet taken the last tick's batches."""
    if tasks_waiting() > MAX_WAITING_BATCHES:
        return 0
    batches = outbox_due_batches()
    for message_ids in batches:
        outbox_dispatch_task.delay(message_ids)
    return sum(len(message_ids) for message_ids in batches)


@shared_task(acks_late=True)
def outbox_sweep_task() -> dict[str, int]:
    return outbox_sweep()


@shared_task(acks_late=True)
def outbox_plan_task() -> int:
    """Plan today's cadence messages (system-wide); planning twice creates nothing new."""
    return outbox_plan(today=timezone.localdate())
