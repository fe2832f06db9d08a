"""Planning: each day, every active cadence step whose trigger date plus offset is today becomes one outbox
message per account it reaches, at the step's hour in the debtor's own time. The message's idempotency key names
the step, the triggering record and the day, so planning twice (or a retried task) creates nothing new."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q

from communications.messages import debtor_zone
from communications.models import Cadence, CadenceStep, MessageTemplate, OutboundMessage
from debtors.models import Account
from payment_plans.models import Installment, PaymentPlan, PromiseToPay

BATCH = 2000


def _reached_accounts(cadence: Cadence):
    if cadence.applies_to_all:
        return Account.objects.all()
    return Account.objects.filter(Q(segment__in=cadence.segments.all()) | Q(pk__in=cadence.accounts.all()))


def _triggered(step: CadenceStep, day: date):
    """(account id, triggering record's key) for every account this step speaks to on `day`."""
    accounts = _reached_accounts(step.cadence).filter(status__in=Account.OPEN_STATUSES).values("pk")
    on = day - timedelta(days=step.offset_days)
    if step.trigger == CadenceStep.Trigger.PLACEMENT:
        return ((pk, f"account{pk}") for pk in Account.objects.filter(pk__in=accounts, placed_on=on)
                .values_list("pk", flat=True))
    if step.trigger == CadenceStep.Trigger.INSTALLMENT_DUE:
        rows = Installment.objects.filter(plan__account__in=accounts, plan__status=PaymentPlan.Status.ACTIVE,
                                          due_on=on).exclude(status=Installment.Status.PAID)
        return ((account, f"installment{pk}") for pk, account in rows.values_list("pk", "plan__account"))
    if step.trigger == CadenceStep.Trigger.PROMISE_DUE:
        rows = PromiseToPay.objects.filter(account__in=accounts, status=PromiseToPay.Status.PENDING, promised_on=on)
        return ((account, f"promise{pk}") for pk, account in rows.values_list("pk", "account"))
    rows = PaymentPlan.objects.filter(account__in=accounts, status=PaymentPlan.Status.BROKEN, updated_at__date=on)
    return ((account, f"plan{pk}") for pk, account in rows.values_list("pk", "account"))


def _local_moment(account: Account, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=debtor_zone(account))


def outbox_plan(*, today: date) -> int:
    """Plan today's cadence messages; returns how many new ones went into the outbox."""
    created = 0
    steps = CadenceStep.objects.filter(cadence__is_active=True, template__status=MessageTemplate.Status.APPROVED,
                                       template__is_active=True).select_related("cadence", "template")
    for step in steps:
        triggered = dict(_triggered(step, today))
        account_ids = list(triggered)
        for start in range(0, len(account_ids), BATCH):
            chunk = Account.objects.filter(pk__in=account_ids[start:start + BATCH]).select_related("debtor", "team")
            rows = {key: OutboundMessage(
                account=account, template=step.template, channel=step.template.channel,
                scheduled_for=_local_moment(account, today, step.local_hour), idempotency_key=key)
                for account in chunk
                for key in [f"cadence-step{step.pk}:{triggered[account.pk]}:{today.isoformat()}"]}
            planned = set(OutboundMessage.objects.filter(idempotency_key__in=list(rows))
                          .values_list("idempotency_key", flat=True))
            new = [row for key, row in rows.items() if key not in planned]
            # A planner running at the same moment may insert the same keys: the unique key keeps one of each.
            OutboundMessage.objects.bulk_create(new, ignore_conflicts=True)
            created += len(new)
    return created
