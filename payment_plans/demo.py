"""Demo plans and promises in every state, on a few accounts of each team, made through the services (proposals
by collectors within and beyond their limits, decisions by managers, payments through the ledger). Idempotent:
nothing is added once demo plans exist."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from collections_crm.models import Team
from collections_crm.roles import Role
from debtors.ledger import payment_record
from debtors.models import Account
from payment_plans.models import Installment, PaymentPlan
from payment_plans.services import (
    plan_break,
    plan_cancel,
    plan_propose,
    plan_reject,
    promise_create,
    promises_review,
)

CENT = Decimal("0.01")


def seed(**options) -> list:
    if PaymentPlan.objects.filter(account__reference__startswith="DEMO-").exists():
        return []
    today = timezone.localdate()
    for offset, team in enumerate(Team.objects.order_by("name")):
        manager = team.members.filter(role=Role.MANAGER).first()
        collector = team.members.filter(role=Role.COLLECTOR).order_by("username").first()
        if manager is None or collector is None:
            continue
        accounts = Account.objects.filter(team=team, reference__startswith="DEMO-", balance__gte=150,
                                          status__in=(Account.Status.NEW, Account.Status.ACTIVE)).order_by("reference")
        states = _states(today=today, manager=manager, collector=collector)
        states = states[offset % len(states):] + states[:offset % len(states)]  # each team starts elsewhere
        for account, make in zip(accounts[:len(states)], states, strict=False):
            make(account)
    return []


def _states(*, today, manager, collector) -> list:
    """One maker per state a plan or promise can be in."""

    def propose(account, actor, count, **terms):
        return plan_propose(actor=actor, account=account, kind=terms.pop("kind", "installments"),
                            total_amount=terms.pop("total", account.balance), frequency="monthly",
                            start_on=today + timedelta(days=7), installment_count=count, **terms)

    def settled(account):
        total = (account.balance * Decimal("0.8")).quantize(CENT)
        propose(account, manager, 1, kind="settlement", total=total, discount_amount=account.balance - total)
        payment_record(actor=collector, account=account, amount=total, method="bank_transfer", received_on=today)

    def broken(account):
        # As the daily review leaves one: its first installment fell due unpaid weeks ago.
        plan = propose(account, manager, 3)
        Installment.objects.filter(plan=plan, sequence=1).update(due_on=today - timedelta(days=20),
                                                                 status=Installment.Status.MISSED)
        plan_break(plan_id=plan.pk)

    def kept(account):
        promise_create(actor=collector, account=account, amount=Decimal("80.00"), promised_on=today + timedelta(days=3))
        payment_record(actor=collector, account=account, amount=Decimal("80.00"), method="card", received_on=today)

    def missed(account):
        # As tomorrow's review will find it: due today, nothing paid.
        promise_create(actor=collector, account=account, amount=Decimal("120.00"), promised_on=today)
        promises_review(actor=None, account=account, today=today + timedelta(days=1))

    return [
        lambda account: propose(account, manager, 6),
        lambda account: propose(account, collector, 36),  # beyond a collector's limits: waits for the manager
        broken,
        settled,
        lambda account: promise_create(actor=collector, account=account, amount=Decimal("100.00"),
                                       promised_on=today + timedelta(days=5)),
        kept,
        missed,
        lambda account: plan_reject(actor=manager, plan=propose(account, collector, 48),
                                    note="Too long: ask for 12 months"),
        lambda account: plan_cancel(actor=collector, plan=propose(account, manager, 4),
                                    reason="Paying in full next month"),
    ]
