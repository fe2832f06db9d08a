from django.db.models import Prefetch, QuerySet

from payment_plans.models import Installment, PaymentPlan, PromiseToPay


def plan_list(*, viewer) -> QuerySet[PaymentPlan]:
    return PaymentPlan.objects.visible_to(viewer).select_related("account").prefetch_related(
        Prefetch("installments", queryset=Installment.objects.order_by("sequence")))


def approval_queue(*, viewer) -> QuerySet[PaymentPlan]:
    """Plans waiting for a manager that this user may decide on: their team's (all, for admins), not their own."""
    return plan_list(viewer=viewer).filter(status=PaymentPlan.Status.PENDING_APPROVAL).exclude(
        proposed_by=viewer).order_by("created_at")


def promise_list(*, viewer) -> QuerySet[PromiseToPay]:
    return PromiseToPay.objects.visible_to(viewer).select_related("account")
