from celery import shared_task
from django.utils import timezone

from payment_plans.services import plans_review


@shared_task(acks_late=True)
def plans_review_task() -> dict[str, int]:
    """The daily review of installments, plans and promises; idempotent, so a redelivery changes nothing."""
    return plans_review(today=timezone.localdate())
