"""Proposing, approving and rejecting payment plans, and recording promises to pay.

A plan within its proposer's authority (collections_crm.AuthorityLimit) is active at once; beyond it, it waits for
a manager of the account's team (or an admin) other than the proposer, with the reasons it needs approval.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from collections_crm.errors import Conflict, DomainError, Forbidden
from collections_crm.roles import STAFF, SUPERVISORS, Role
from collections_crm.selectors import authority_limit_for
from compliance.services import audit_record
from debtors.ledger import (
    account_status_change,
    lock_account,
    money,
    settlement_discount_post,
    settlement_discount_reverse,
)
from debtors.models import Account, Payment
from payment_plans.models import OPEN_PLAN_STATUSES, Installment, PaymentAllocation, PaymentPlan, PromiseToPay
from payment_plans.schedule import ScheduledInstallment, build_schedule


@dataclass(frozen=True)
class PlanTerms:
    """A plan as proposed, before it is saved: its schedule and why it would need a manager's approval."""

    schedule: list[ScheduledInstallment]
    discount_pct: Decimal
    approval_reasons: list[str]

    @property
    def regular(self) -> list[ScheduledInstallment]:
        return [item for item in self.schedule if not item.is_down_payment]


# How far ahead a plan may start or resume, and a promise fall due.
PLAN_HORIZON_DAYS = 365
PROMISE_HORIZON_DAYS = 90


def local_today(account: Account) -> date:
    """Today where the account is worked (its team's zone): the day a collector means by "today"."""
    zone = zoneinfo.ZoneInfo(account.team.timezone) if account.team_id else None
    return timezone.localdate(timezone=zone)


def plan_months(schedule: list[ScheduledInstallment], *, today: date) -> int:
    """Calendar months from today to the last due date, a started month counting whole (a late start does not
    escape the limit)."""
    span = relativedelta(schedule[-1].due_on, min(today, schedule[0].due_on))
    return span.years * 12 + span.months + (1 if span.days else 0)


def approval_reasons(*, proposer, currency: str, discount_pct: Decimal, schedule: list[ScheduledInstallment],
                     today: date) -> list[str]:
    """What in these terms goes beyond the proposer's authority (empty: within it)."""
    limit = authority_limit_for(user=proposer, currency=currency)
    if limit is None:
        if proposer.role in SUPERVISORS:
            return []
        return [f"No authority limits are set for your role in {currency}, so a manager approves every plan."]
    regular = [item for item in schedule if not item.is_down_payment]
    reasons = []
    if discount_pct > limit.max_discount_pct:
        reasons.append(f"A {discount_pct}% discount is more than the {limit.max_discount_pct}% you may give.")
    if len(regular) > limit.max_installments:
        reasons.append(f"{len(regular)} installments are more than the {limit.max_installments} you may agree.")
    if (months := plan_months(schedule, today=today)) > limit.max_plan_months:
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
    today = local_today(account)
    if start_on < today:
        raise DomainError("A plan cannot start in the past.", field="start_on")
    if start_on > today + timedelta(days=PLAN_HORIZON_DAYS):
        raise DomainError(f"A plan starts within {PLAN_HORIZON_DAYS} days.", field="start_on")
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
                                                              discount_pct=discount_pct, schedule=schedule,
                                                              today=today))


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
        account_status_change(actor=actor, account=account, status=Account.Status.PLAN, reason="plan in force",
                              automatic=True)


def _decide(*, actor, plan: PaymentPlan, status: str, note: str) -> PaymentPlan:
    """Approve or reject a waiting plan. The first decision wins: a conditional UPDATE, so a second manager acting
    at the same moment finds it decided (409)."""
    if actor.role not in SUPERVISORS:
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
    """Approve a waiting plan if its terms still hold: the account is being worked, the plan has not missed its
    start, and the balance still covers it (a settlement: still matches it)."""
    account = lock_account(plan.account)  # the account first, as the ledger does: no deadlock with a payment
    if account.status not in Account.WORKABLE_STATUSES:
        raise Conflict(f"The account is {account.get_status_display().lower()} now: reject the plan instead.")
    if plan.start_on < local_today(account):
        raise Conflict("The plan's start date has passed: reject it and propose it again with a new start.")
    owed = plan.total_amount + plan.discount_amount
    if owed > account.balance or (plan.kind == PaymentPlan.Kind.SETTLEMENT and owed != account.balance):
        raise Conflict(f"The balance is {account.balance} {account.currency} now, which no longer matches the "
                       f"plan: reject it and propose it again.")
    plan = _decide(actor=actor, plan=plan, status=PaymentPlan.Status.ACTIVE, note=note)
    _put_account_on_plan(actor=actor, account=account)
    return plan


@transaction.atomic
def plan_reject(*, actor, plan: PaymentPlan, note: str = "") -> PaymentPlan:
    if not note.strip():
        raise DomainError("Say why the plan is rejected, so the collector can propose another.", field="note")
    lock_account(plan.account)
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
    today = local_today(account)
    if promised_on < today:
        raise DomainError("A promise is to pay today or later.", field="promised_on")
    if promised_on > today + timedelta(days=PROMISE_HORIZON_DAYS):
        raise DomainError(f"A promise falls due within {PROMISE_HORIZON_DAYS} days; agree a plan for longer.",
                          field="promised_on")
    promise = PromiseToPay.objects.create(account=account, amount=amount, currency=account.currency,
                                          promised_on=promised_on, created_by=actor)
    audit_record(actor=actor, action="promise.recorded", target=account,
                 data={"promise": promise.pk, "amount": amount, "promised_on": promised_on})
    if account.status in (Account.Status.NEW, Account.Status.ACTIVE):
        account_status_change(actor=actor, account=account, status=Account.Status.PROMISE, reason="promise to pay",
                              automatic=True)
    return promise


@transaction.atomic
def plan_cancel(*, actor, plan: PaymentPlan, reason: str) -> PaymentPlan:
    """Withdraw a plan that waits or is in force (the debtor changed their mind, a better one replaces it)."""
    if actor.role not in STAFF:
        raise Forbidden("Your role cannot cancel plans.")
    if not reason.strip():
        raise DomainError("Say why the plan is cancelled.", field="reason")
    account = lock_account(plan.account)
    cancelled = PaymentPlan.objects.filter(pk=plan.pk, status__in=OPEN_PLAN_STATUSES).update(
        status=PaymentPlan.Status.CANCELLED, decision_note=reason.strip(), updated_at=timezone.now())
    if cancelled != 1:
        raise Conflict("This plan is no longer open.")
    Installment.objects.filter(plan=plan, status=Installment.Status.PENDING).update(
        status=Installment.Status.CANCELLED)
    if account.status == Account.Status.PLAN:
        account_status_change(actor=actor, account=account, status=Account.Status.ACTIVE, reason="plan cancelled",
                              automatic=True)
    audit_record(actor=actor, action="plan.cancelled", target=account, data={"plan": plan.pk, "reason": reason})
    plan.refresh_from_db()
    return plan


def payment_allocate(*, actor, payment) -> None:
    """Apply a payment to the account's plan (oldest open installment first, part payments carried) and promises,
    or, for a reversed payment, take it back. Runs in the ledger's transaction, with the account row locked."""
    if payment.is_reversed:
        _give_back(actor=actor, payment=payment)
    else:
        _apply(actor=actor, payment=payment)
    promises_review(actor=actor, account=payment.account, today=timezone.localdate())


def _apply(*, actor, payment) -> None:
    plan = PaymentPlan.objects.select_for_update().filter(account=payment.account_id,
                                                          status=PaymentPlan.Status.ACTIVE).first()
    if plan is None:
        return
    left = payment.amount
    for installment in plan.installments.select_for_update().filter(
            status__in=(Installment.Status.PENDING, Installment.Status.MISSED)).order_by("sequence"):
        if left == 0:
            break
        share = min(left, installment.amount - installment.paid_amount)
        installment.paid_amount += share
        if installment.paid_amount == installment.amount:
            installment.status = Installment.Status.PAID
        installment.save(update_fields=["paid_amount", "status"])
        PaymentAllocation.objects.create(payment=payment, installment=installment, amount=share)
        left -= share
    if not plan.installments.exclude(status=Installment.Status.PAID).exists():
        _complete(actor=actor, plan=plan)


def _complete(*, actor, plan: PaymentPlan) -> None:
    """Every installment is paid: a settlement forgives the rest of the balance, a plan leaves the account to be
    worked for whatever it did not cover."""
    PaymentPlan.objects.filter(pk=plan.pk).update(status=PaymentPlan.Status.COMPLETED, updated_at=timezone.now())
    account = lock_account(plan.account)
    if plan.kind == PaymentPlan.Kind.SETTLEMENT and plan.discount_amount:
        settlement_discount_post(actor=actor, account=account, amount=plan.discount_amount, plan_id=plan.pk)
    elif account.status == Account.Status.PLAN:
        account_status_change(actor=actor, account=account, status=Account.Status.ACTIVE, reason="plan completed",
                              automatic=True)
    audit_record(actor=actor, action="plan.completed", target=account, data={"plan": plan.pk})


def _give_back(*, actor, payment) -> None:
    allocations = list(PaymentAllocation.objects.select_for_update().filter(payment=payment, is_reversed=False)
                       .select_related("installment__plan"))
    plans = set()
    # What an installment owes again: pending while its plan runs (the review marks it missed if overdue),
    # missed on a broken plan, cancelled on a cancelled one.
    status_after = {PaymentPlan.Status.BROKEN: Installment.Status.MISSED,
                    PaymentPlan.Status.CANCELLED: Installment.Status.CANCELLED}
    for allocation in allocations:
        installment = allocation.installment
        installment.paid_amount -= allocation.amount
        installment.status = status_after.get(installment.plan.status, Installment.Status.PENDING)
        resumes_on = installment.plan.resumes_on
        if resumes_on and installment.due_on < resumes_on:  # owed again, but not during a hardship pause
            installment.due_on = resumes_on
        installment.save(update_fields=["paid_amount", "status", "due_on"])
        plans.add(installment.plan)
    PaymentAllocation.objects.filter(pk__in=[allocation.pk for allocation in allocations]).update(is_reversed=True)
    for plan in plans:
        if plan.status != PaymentPlan.Status.COMPLETED:
            continue
        if plan.kind == PaymentPlan.Kind.SETTLEMENT:
            settlement_discount_reverse(actor=actor, account=plan.account, plan_id=plan.pk)
        account = lock_account(plan.account)
        if PaymentPlan.objects.filter(account=account, status__in=OPEN_PLAN_STATUSES).exists():
            continue  # a newer plan holds the account; this one stays completed, its installments owed again
        PaymentPlan.objects.filter(pk=plan.pk).update(status=PaymentPlan.Status.ACTIVE, updated_at=timezone.now())
        if account.status in (Account.Status.ACTIVE, Account.Status.NEW):
            _put_account_on_plan(actor=actor, account=account)
        audit_record(actor=actor, action="plan.reopened", target=account,
                     data={"plan": plan.pk, "reason": "payment reversed"})


def promises_review(*, actor, account: Account, today: date) -> None:
    """Judge the account's promises again. Payments go to promises in the order of their dates, each payment counted
    once: a promise is kept when the payments received between its making and its date reach its amount, broken
    when its date has passed without that, pending until then. The account is `promise` exactly while one is
    pending (and it is being worked)."""
    account = lock_account(account)  # the account first, as the ledger does: no deadlock with a payment
    promises = list(PromiseToPay.objects.select_for_update().filter(account=account).exclude(
        status=PromiseToPay.Status.CANCELLED).order_by("promised_on", "id"))
    if not promises:
        return
    left = [[day, amount] for day, amount in Payment.objects.filter(account=account, reversal__isnull=True)
            .order_by("received_on", "id").values_list("received_on", "amount")]
    now = timezone.now()
    for promise in promises:
        made_on, needed = timezone.localtime(promise.created_at).date(), promise.amount
        for payment in left:
            if made_on <= payment[0] <= promise.promised_on and needed > 0:
                used = min(payment[1], needed)
                payment[1] -= used
                needed -= used
        status = (PromiseToPay.Status.KEPT if needed == 0
                  else PromiseToPay.Status.PENDING if promise.promised_on >= today else PromiseToPay.Status.BROKEN)
        if status != promise.status:
            PromiseToPay.objects.filter(pk=promise.pk).update(
                status=status, resolved_at=None if status == PromiseToPay.Status.PENDING else now)
            action = "promise.reopened" if status == PromiseToPay.Status.PENDING else f"promise.{status}"
            audit_record(actor=actor, action=action, target=account, data={"promise": promise.pk})
    pending = PromiseToPay.objects.filter(account=account, status=PromiseToPay.Status.PENDING).exists()
    if account.status == Account.Status.PROMISE and not pending:
        account_status_change(actor=actor, account=account, status=Account.Status.ACTIVE, reason="promise resolved",
                              automatic=True)
        Account.objects.filter(pk=account.pk).update(next_action_at=now)
    elif account.status in (Account.Status.NEW, Account.Status.ACTIVE) and pending:
        account_status_change(actor=actor, account=account, status=Account.Status.PROMISE,
                              reason="promise pending again", automatic=True)


def plans_review(*, today: date) -> dict[str, int]:
    """The daily review (safe to run any number of times): installments still short after their plan's grace
    days are missed, a plan with a missed installment is broken, a promise past its date unpaid is broken; each
    such account leaves `plan` or `promise` and returns to the work queue now. Work done by the system (no actor).
    """
    overdue = (Installment.objects.filter(status=Installment.Status.PENDING, plan__status=PaymentPlan.Status.ACTIVE,
                                          due_on__lt=today).select_related("plan"))
    missed = [installment.pk for installment in overdue
              if installment.due_on + timedelta(days=installment.plan.grace_days) < today]
    Installment.objects.filter(pk__in=missed, status=Installment.Status.PENDING).update(
        status=Installment.Status.MISSED)
    broken_plans = 0
    for plan_id in (PaymentPlan.objects.filter(status=PaymentPlan.Status.ACTIVE,
                                               installments__status=Installment.Status.MISSED)
                    .values_list("pk", flat=True).distinct()):
        broken_plans += plan_break(plan_id=plan_id)
    promise_accounts = (PromiseToPay.objects.filter(status=PromiseToPay.Status.PENDING, promised_on__lt=today)
                        .values_list("account", flat=True).distinct())
    for account in Account.objects.filter(pk__in=list(promise_accounts)):
        with transaction.atomic():
            promises_review(actor=None, account=account, today=today)
    return {"installments_missed": len(missed), "plans_broken": broken_plans,
            "promise_accounts": len(promise_accounts)}


@transaction.atomic
def plan_break(*, plan_id: int) -> int:
    """Mark a plan in force broken (the review found a missed installment) and return its account to the queue;
    1 if this call broke it, 0 if it was no longer in force."""
    account = lock_account(PaymentPlan.objects.select_related("account").get(pk=plan_id).account)
    if not PaymentPlan.objects.filter(pk=plan_id, status=PaymentPlan.Status.ACTIVE).update(
            status=PaymentPlan.Status.BROKEN, updated_at=timezone.now()):
        return 0  # another run broke it first
    if account.status == Account.Status.PLAN:
        account_status_change(actor=None, account=account, status=Account.Status.ACTIVE, reason="plan broken",
                              automatic=True)
    Account.objects.filter(pk=account.pk).update(next_action_at=timezone.now())
    audit_record(actor=None, action="plan.broken", target=account, data={"plan": plan_id})
    return 1


@transaction.atomic
def plan_defer(*, actor, plan: PaymentPlan, resume_on: date, reason: str) -> PaymentPlan:
    """Pause a plan for hardship: nothing falls due before `resume_on`, and what is still owed under the plan is
    spread again, from then, over as many installments as were left. A manager's decision, audited."""
    if actor.role not in SUPERVISORS:
        raise Forbidden("Only managers and admins defer plans for hardship.")
    if not reason.strip():
        raise DomainError("Say what hardship the deferral answers.", field="reason")
    account = lock_account(plan.account)
    plan = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PaymentPlan.Status.ACTIVE:
        raise Conflict("Only a plan in force can be deferred.")
    today = local_today(account)
    if not today < resume_on <= today + timedelta(days=PLAN_HORIZON_DAYS):
        raise DomainError(f"Payments resume after today and within {PLAN_HORIZON_DAYS} days.", field="resume_on")
    unpaid = list(plan.installments.select_for_update().exclude(status=Installment.Status.PAID).order_by("sequence"))
    if not unpaid:
        raise Conflict("Every installment of this plan is paid.")
    owed = sum((item.amount - item.paid_amount for item in unpaid), Decimal("0"))
    schedule = build_schedule(total=owed, frequency=plan.frequency, start_on=resume_on, installment_count=len(unpaid))
    # Rows are rescheduled, never deleted (payments once allocated to them, even reversed, point at them). What was
    # paid of a row stays as a paid row of that amount, and the new schedule gets a row of its own instead.
    reusable = []
    for item in unpaid:
        if item.paid_amount:
            Installment.objects.filter(pk=item.pk).update(amount=item.paid_amount, status=Installment.Status.PAID)
        else:
            reusable.append(item)
    last = plan.installments.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    for number, scheduled in enumerate(schedule, 1):
        if reusable:
            Installment.objects.filter(pk=reusable.pop(0).pk).update(
                due_on=scheduled.due_on, amount=scheduled.amount, status=Installment.Status.PENDING,
                is_down_payment=False)
        else:
            Installment.objects.create(plan=plan, sequence=last + number, due_on=scheduled.due_on,
                                       amount=scheduled.amount)
    PaymentPlan.objects.filter(pk=plan.pk).update(resumes_on=resume_on, updated_at=timezone.now())
    audit_record(actor=actor, action="plan.deferred", target=account, data={
        "plan": plan.pk, "resume_on": resume_on, "owed": owed, "reason": reason.strip()})
    plan.refresh_from_db()
    return plan
