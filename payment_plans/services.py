"""Proposing, approving and rejecting payment plans, and recording promises to pay.

A plan within its proposer's authority (collections_crm.AuthorityLimit) is active at once; beyond it, it waits for
a manager of the account's team (or an admin) other than the proposer, with the reasons it needs approval.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from collections_crm.errors import Conflict, DomainError, Forbidden
from collections_crm.roles import Role
from collections_crm.selectors import authority_limit_for
from compliance.services import audit_record
from debtors.ledger import account_status_change, lock_account, money
from debtors.models import Account
from payment_plans.models import OPEN_PLAN_STATUSES, Installment, PaymentPlan, PromiseToPay
from payment_plans.schedule import ScheduledInstallment, build_schedule

STAFF = (Role.COLLECTOR, Role.MANAGER, Role.ADMIN)
APPROVERS = (Role.MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class PlanTerms:
    """A plan as proposed, before it is saved: its schedule and why it would need a manager's approval."""

    schedule: list[ScheduledInstallment]
    discount_pct: Decimal
    approval_reasons: list[str]

    @property
    def regular(self) -> list[ScheduledInstallment]:
        return [item for item in self.schedule if not item.is_down_payment]


def plan_months(schedule: list[ScheduledInstallment]) -> int:
    """Calendar months from the first due date to the last, a started month counting whole."""
    span = relativedelta(schedule[-1].due_on, schedule[0].due_on)
    return span.years * 12 + span.months + (1 if span.days else 0)


def approval_reasons(*, proposer, currency: str, discount_pct: Decimal,
                     schedule: list[ScheduledInstallment]) -> list[str]:
    """What in these terms goes beyond the proposer's authority (empty: within it)."""
    limit = authority_limit_for(user=proposer, currency=currency)
    if limit is None:
        if proposer.role in APPROVERS:
            return []
        return [f"No authority limits are set for your role in {currency}, so a manager approves every plan."]
    regular = [item for item in schedule if not item.is_down_payment]
    reasons = []
    if discount_pct > limit.max_discount_pct:
        reasons.append(f"A {discount_pct}% discount is more than the {limit.max_discount_pct}% you may give.")
    if len(regular) > limit.max_installments:
        reasons.append(f"{len(regular)} installments are more than the {limit.max_installments} you may agree.")
    if (months := plan_months(schedule)) > limit.max_plan_months:
        reasons.append(f"{months} months are longer than the {limit.max_plan_months} you may agree.")
    if regular and regular[0].amount < limit.min_installment_amount:
        reasons.append(f"Installments of {regular[0].amount} {currency} are below the "
                       f"{limit.min_installment_amount} {currency} minimum.")
    return reasons


def plan_terms(*, proposer, account: Account, kind: str, total_amount: Decimal, frequency: str, start_on: date,
               discount_amount: Decimal = Decimal("0"), down_payment: Decimal = Decimal("0"),
               installment_count: int | None = None, installment_amount: Decimal | None = None) -> PlanTerms:
    """Check proposed terms against the account and build their schedule (the live preview shows this)."""
    if kind not in PaymentPlan.Kind.values:
        raise DomainError(f"Choose one of: {', '.join(PaymentPlan.Kind.values)}.", field="kind")
    money(total_amount, field="total_amount")
    money(discount_amount, field="discount_amount", allow_zero=True)
    money(down_payment, field="down_payment", allow_zero=True)
    if start_on < timezone.localdate():
        raise DomainError("A plan cannot start in the past.", field="start_on")
    if kind == PaymentPlan.Kind.SETTLEMENT:
        if discount_amount == 0:
            raise DomainError("A settlement forgives part of the balance: give the discount.", field="discount_amount")
        if total_amount + discount_amount != account.balance:
            raise DomainError(f"A settlement's total and discount make up the whole balance of {account.balance} "
                              f"{account.currency}.", field="total_amount")
    elif discount_amount:
        raise DomainError("Only a settlement forgives part of the balance.", field="discount_amount")
    if total_amount > account.balance:
        raise DomainError(f"The total is more than the balance of {account.balance} {account.currency}.",
                          field="total_amount")
    schedule = build_schedule(total=total_amount, frequency=frequency, start_on=start_on, down_payment=down_payment,
                              installment_count=installment_count, installment_amount=installment_amount)
    discount_pct = (discount_amount * 100 / (total_amount + discount_amount)).quantize(Decimal("0.01"))
    return PlanTerms(schedule, discount_pct, approval_reasons(proposer=proposer, currency=account.currency,
                                                              discount_pct=discount_pct, schedule=schedule))


@transaction.atomic
def plan_propose(*, actor, account: Account, kind: str, total_amount: Decimal, frequency: str, start_on: date,
                 discount_amount: Decimal = Decimal("0"), down_payment: Decimal = Decimal("0"),
                 installment_count: int | None = None, installment_amount: Decimal | None = None) -> PaymentPlan:
    """Save a plan with its installments: active at once within the proposer's authority, else waiting for a
    manager. One plan in force (or waiting) per account."""
    if actor.role not in STAFF:
        raise Forbidden("Your role cannot propose plans.")
    account = lock_account(account)
    if account.status not in Account.WORKABLE_STATUSES:
        status = account.get_status_display().lower()
        raise DomainError(f"Plans are made on accounts being worked; this one is {status}.", field="account")
    if PaymentPlan.objects.filter(account=account, status__in=OPEN_PLAN_STATUSES).exists():
        raise DomainError("This account already has a plan in force or waiting for approval.", field="account")
    terms = plan_terms(proposer=actor, account=account, kind=kind, total_amount=total_amount, frequency=frequency,
                       start_on=start_on, discount_amount=discount_amount, down_payment=down_payment,
                       installment_count=installment_count, installment_amount=installment_amount)
    status = PaymentPlan.Status.PENDING_APPROVAL if terms.approval_reasons else PaymentPlan.Status.ACTIVE
    plan = PaymentPlan.objects.create(
        account=account, kind=kind, currency=account.currency, total_amount=total_amount,
        discount_amount=discount_amount, down_payment=down_payment, frequency=frequency, start_on=start_on,
        installment_count=len(terms.regular), status=status, approval_reasons=terms.approval_reasons,
        proposed_by=actor)
    Installment.objects.bulk_create(
        Installment(plan=plan, sequence=number, due_on=item.due_on, amount=item.amount,
                    is_down_payment=item.is_down_payment) for number, item in enumerate(terms.schedule, 1))
    audit_record(actor=actor, action="plan.proposed", target=account, data={
        "plan": plan.pk, "kind": kind, "total_amount": total_amount, "discount_amount": discount_amount,
        "installments": len(terms.schedule), "status": status, "reasons": terms.approval_reasons})
    if status == PaymentPlan.Status.ACTIVE:
        _put_account_on_plan(actor=actor, account=account)
    return plan


def _put_account_on_plan(*, actor, account: Account) -> None:
    if account.status != Account.Status.PLAN:
        account_status_change(actor=actor, account=account, status=Account.Status.PLAN, reason="plan in force")


def _decide(*, actor, plan: PaymentPlan, status: str, note: str) -> PaymentPlan:
    """Approve or reject a waiting plan. The first decision wins: a conditional UPDATE, so a second manager acting
    at the same moment finds it decided (409)."""
    if actor.role not in APPROVERS:
        raise Forbidden("Only managers and admins approve or reject plans.")
    if actor.role == Role.MANAGER and actor.team_id != plan.account.team_id:
        raise Forbidden("Only a manager of the account's team decides on its plans.")
    if actor.pk == plan.proposed_by_id:
        raise Forbidden("Nobody decides on their own proposal: another manager or an admin must.")
    decided = PaymentPlan.objects.filter(pk=plan.pk, status=PaymentPlan.Status.PENDING_APPROVAL).update(
        status=status, approved_by=actor, decided_at=timezone.now(), decision_note=note.strip(),
        updated_at=timezone.now())
    if decided != 1:
        raise Conflict("This plan is no longer waiting for approval: someone decided on it already.")
    plan.refresh_from_db()
    verb = "approved" if status == PaymentPlan.Status.ACTIVE else "rejected"
    audit_record(actor=actor, action=f"plan.{verb}", target=plan.account, data={"plan": plan.pk, "note": note})
    return plan


@transaction.atomic
def plan_approve(*, actor, plan: PaymentPlan, note: str = "") -> PaymentPlan:
    plan = _decide(actor=actor, plan=plan, status=PaymentPlan.Status.ACTIVE, note=note)
    account = lock_account(plan.account)
    if account.status in Account.WORKABLE_STATUSES:
        _put_account_on_plan(actor=actor, account=account)
    return plan


@transaction.atomic
def plan_reject(*, actor, plan: PaymentPlan, note: str = "") -> PaymentPlan:
    if not note.strip():
        raise DomainError("Say why the plan is rejected, so the collector can propose another.", field="note")
    return _decide(actor=actor, plan=plan, status=PaymentPlan.Status.REJECTED, note=note)


@transaction.atomic
def promise_create(*, actor, account: Account, amount: Decimal, promised_on: date) -> PromiseToPay:
    """Record the debtor's promise to pay; a workable account not on a plan becomes `promise`."""
    if actor.role not in STAFF:
        raise Forbidden("Your role cannot record promises.")
    money(amount, field="amount")
    account = lock_account(account)
    if not account.is_open:
        raise DomainError(f"This account is {account.get_status_display().lower()}.", field="account")
    if amount > account.balance:
        raise DomainError(f"The promise is more than the balance of {account.balance} {account.currency}.",
                          field="amount")
    if promised_on < timezone.localdate():
        raise DomainError("A promise is to pay today or later.", field="promised_on")
    promise = PromiseToPay.objects.create(account=account, amount=amount, currency=account.currency,
                                          promised_on=promised_on, created_by=actor)
    audit_record(actor=actor, action="promise.recorded", target=account,
                 data={"promise": promise.pk, "amount": amount, "promised_on": promised_on})
    if account.status in (Account.Status.NEW, Account.Status.ACTIVE):
        account_status_change(actor=actor, account=account, status=Account.Status.PROMISE, reason="promise to pay")
    return promise
