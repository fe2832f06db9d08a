"""The ledger service: the only code that writes transactions or an account's balance.

Every posting locks the account row, appends one transaction and moves the cached balance by its amount in the
same database transaction, so `Account.balance` always equals the sum of the account's ledger. Payments are
idempotent: a repeated key returns the first payment and posts nothing.
"""

import re
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from collections_crm.errors import Conflict, DomainError
from collections_crm.models import User
from collections_crm.roles import SUPERVISORS
from compliance.models import Dispute
from compliance.services import audit_record
from debtors.models import Account, AccountStatus, Payment, Transaction
from debtors.status import check_transition

CENT = Decimal("0.01")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,99}$")
# The ledger sets these when a balance is cleared; nobody chooses them by hand.
LEDGER_STATUSES = (AccountStatus.PAID, AccountStatus.SETTLED)
# These follow from a plan or a promise being recorded, never chosen by hand.
FOLLOWING_STATUSES = (AccountStatus.PLAN, AccountStatus.PROMISE)
# Ending collection is a manager's decision.
MANAGER_STATUSES = (AccountStatus.WRITTEN_OFF, AccountStatus.CLOSED, AccountStatus.RECALLED)
# Statuses from which a cleared balance makes the account paid.
CLEARABLE = (*Account.OPEN_STATUSES, AccountStatus.WRITTEN_OFF)


def money(value, *, field: str, allow_zero: bool = False) -> Decimal:
    """A positive (or, if allowed, zero) amount with at most two decimals, or a DomainError naming the field."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise DomainError("Enter an amount such as 125.50.", field=field)
    if value != value.quantize(CENT):
        raise DomainError("Use at most two decimals.", field=field)
    if value < 0 or (value == 0 and not allow_zero):
        raise DomainError("The amount must be more than zero." if not allow_zero else "The amount cannot be negative.",
                          field=field)
    return value


def lock_account(account: Account) -> Account:
    """The account row, locked until the transaction ends: every write to its money or status takes it."""
    return Account.objects.select_for_update().get(pk=account.pk)


def _post(*, account: Account, kind: str, amount: Decimal, effective_on: date, actor: User | None,
          idempotency_key: str, memo: str = "", reverses: Transaction | None = None,
          cleared_status: str = AccountStatus.PAID) -> Transaction:
    """Append one transaction to a locked account and move its balance and status with it: a cleared balance
    makes the account `cleared_status` (paid, or settled when a settlement's discount clears it)."""
    entry = Transaction.objects.create(
        account=account, kind=kind, amount=amount, currency=account.currency, effective_on=effective_on,
        posted_by=actor, idempotency_key=idempotency_key, memo=memo, reverses=reverses)
    account.balance += amount
    old_status = account.status
    if account.balance == 0 and account.status in CLEARABLE:
        check_transition(account.status, cleared_status)
        account.status_before_cleared, account.status = account.status, cleared_status
    elif account.balance > 0 and account.status in LEDGER_STATUSES:
        account.status = _reopened_status(account)
        check_transition(old_status, account.status)
        account.status_before_cleared = ""
    account.save(update_fields=["balance", "status", "status_before_cleared", "updated_at"])
    if account.status != old_status:
        reason = "balance cleared" if account.balance == 0 else "balance reopened"
        audit_record(actor=actor, action="account.status_changed", target=account,
                     data={"status": [old_status, account.status], "reason": reason})
    return entry


def _reopened_status(account: Account) -> str:
    """A write-off that a payment interrupted stands again when the payment is undone, and so does any dispute
    still open; anything else (a new account, a kept promise) goes back to being worked."""
    if account.status_before_cleared == AccountStatus.WRITTEN_OFF:
        return AccountStatus.WRITTEN_OFF
    if Dispute.objects.filter(account=account.pk, status=Dispute.Status.OPEN).exists():
        return AccountStatus.DISPUTED
    return AccountStatus.ACTIVE


def placement_post(*, account: Account, actor: User | None) -> Transaction | None:
    """Post the original balance of a newly opened account (nothing for a zero balance)."""
    if account.original_balance == 0:
        return None
    return _post(account=lock_account(account), kind=Transaction.Kind.PLACEMENT, amount=account.original_balance,
                 effective_on=account.placed_on, actor=actor, idempotency_key=f"placement:{account.pk}")


def _same_payment(existing: Payment, *, account: Account, amount: Decimal, received_on: date, method: str) -> bool:
    return (existing.account_id, existing.amount, existing.received_on, existing.method) == (
        account.pk, amount, received_on, method)


def payment_record(*, actor: User, account: Account, amount: Decimal, method: str, received_on: date,
                   reference: str = "", idempotency_key: str | None = None,
                   currency: str | None = None) -> tuple[Payment, bool]:
    """Record money received and post it to the ledger. Returns (payment, created).

    With an idempotency key that was used before, returns the first payment and posts nothing; the same key for
    a different payment is a conflict.
    """
    amount = money(amount, field="amount")
    if idempotency_key is not None and not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        raise DomainError("Use 8 to 100 letters, digits or . _ : - characters.", field="idempotency_key")
    currency = currency.upper() if currency else None
    key = idempotency_key or f"auto-{uuid.uuid4().hex}"
    earlier = Payment.objects.filter(recorded_by=actor, idempotency_key=key)  # keys are each user's own
    if (existing := earlier.first()) is not None:
        return _replay(existing, account=account, amount=amount, received_on=received_on, method=method)
    with transaction.atomic():
        locked = lock_account(account)
        # Another request with this key for the same account waited on the lock; it is visible now.
        if (existing := earlier.first()) is not None:
            return _replay(existing, account=account, amount=amount, received_on=received_on, method=method)
        if currency is not None and currency != locked.currency:
            raise DomainError(f"This account is in {locked.currency}; record the payment in {locked.currency}.",
                              field="currency")
        if not (locked.is_open or locked.status == AccountStatus.WRITTEN_OFF):
            status = locked.get_status_display().lower()
            raise DomainError(f"Payments cannot be recorded on an account that is {status}.", field="account")
        if amount > locked.balance:
            raise DomainError(f"The payment is more than the balance of {locked.balance} {locked.currency}.",
                              field="amount")
        if received_on > timezone.localdate():
            raise DomainError("A payment cannot be received in the future.", field="received_on")
        try:
            with transaction.atomic():  # a concurrent request may have taken the key for another account
                entry = _post(account=locked, kind=Transaction.Kind.PAYMENT, amount=-amount, effective_on=received_on,
                              actor=actor, idempotency_key=f"payment-user{actor.pk}:{key}", memo=reference)
                payment = Payment.objects.create(
                    account=locked, amount=amount, currency=locked.currency, method=method, received_on=received_on,
                    reference=reference, idempotency_key=key, transaction=entry, recorded_by=actor)
        except IntegrityError:
            if (existing := earlier.first()) is None:
                raise Conflict("Another request is recording this payment; try again.",
                               field="idempotency_key") from None
            return _replay(existing, account=account, amount=amount, received_on=received_on, method=method)
        _last_payment_refresh(locked)
        audit_record(actor=actor, action="payment.recorded", target=payment,
                     data={"account": locked.pk, "amount": amount, "method": method})
        allocate_to_plans(actor=actor, payment=payment)
    account.refresh_from_db()
    return payment, True


def _replay(existing: Payment, **payment) -> tuple[Payment, bool]:
    if not _same_payment(existing, **payment):
        raise Conflict("This Idempotency-Key was already used for a different payment.", field="idempotency_key")
    return existing, False


@transaction.atomic
def payment_reverse(*, actor: User, payment: Payment, reason: str) -> Payment:
    """Reverse a payment that bounced or was recorded in error: a reversal entry restores the balance."""
    if not reason.strip():
        raise DomainError("Say why the payment is reversed.", field="reason")
    account = lock_account(payment.account)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.is_reversed:
        raise Conflict("This payment was already reversed.")
    entry = _post(account=account, kind=Transaction.Kind.REVERSAL, amount=payment.amount,
                  effective_on=timezone.localdate(), actor=actor, idempotency_key=f"reversal:{payment.transaction_id}",
                  memo=reason.strip(), reverses=payment.transaction)
    payment.reversal = entry
    payment.reversal_reason = reason.strip()
    payment.save(update_fields=["reversal", "reversal_reason"])
    audit_record(actor=actor, action="payment.reversed", target=payment, data={"reason": reason.strip()})
    _last_payment_refresh(account)
    allocate_to_plans(actor=actor, payment=payment)
    return payment


def _last_payment_refresh(account: Account) -> None:
    """`last_payment_at` is when the latest payment that stands was received (its day, as the timeline shows it;
    today's, now), not when someone typed it in: a cheque recorded a week late is a week old."""
    latest = (Payment.objects.filter(account=account, reversal__isnull=True).order_by("-received_on", "-id")
              .values_list("received_on", "created_at").first())
    moment = None
    if latest is not None:
        received_on, recorded_at = latest
        moment = recorded_at if received_on >= recorded_at.date() else datetime.combine(received_on, time.min,
                                                                                         tzinfo=UTC)
    Account.objects.filter(pk=account.pk).update(last_payment_at=moment)


def allocate_to_plans(*, actor: User, payment: Payment) -> None:
    """Let the account's plan and promises take (or, for a reversed payment, give back) this payment."""
    from payment_plans.services import payment_allocate  # payment_plans builds on the ledger, not the reverse

    payment_allocate(actor=actor, payment=payment)


def settlement_discount_post(*, actor: User | None, account: Account, amount: Decimal,
                             plan_id: int) -> Transaction | None:
    """Forgive what a completed settlement left of the balance (never more than is left, nothing when the debtor
    paid it all): the account becomes `settled`."""
    locked = lock_account(account)
    amount = min(amount, locked.balance)
    if amount <= 0:
        return None
    earlier = Transaction.objects.filter(account=locked, kind=Transaction.Kind.SETTLEMENT_DISCOUNT).count()
    return _post(account=locked, kind=Transaction.Kind.SETTLEMENT_DISCOUNT, amount=-amount,
                 effective_on=timezone.localdate(), actor=actor, idempotency_key=f"settlement:{plan_id}:{earlier + 1}",
                 memo=f"Settlement of plan {plan_id}", cleared_status=AccountStatus.SETTLED)


def settlement_discount_reverse(*, actor: User | None, account: Account, plan_id: int) -> Transaction | None:
    """Take back a settlement's discount when a payment it relied on is reversed: the balance is owed again."""
    locked = lock_account(account)
    discount = (Transaction.objects.filter(account=locked, kind=Transaction.Kind.SETTLEMENT_DISCOUNT,
                                           idempotency_key__startswith=f"settlement:{plan_id}:",
                                           reversed_by__isnull=True).first())
    if discount is None:
        return None
    return _post(account=locked, kind=Transaction.Kind.REVERSAL, amount=-discount.amount,
                 effective_on=timezone.localdate(), actor=actor, idempotency_key=f"reversal:{discount.pk}",
                 memo="Settlement reopened: a payment was reversed", reverses=discount)


@transaction.atomic
def adjustment_post(*, actor: User, account: Account, amount: Decimal, reason: str,
                    idempotency_key: str | None = None) -> Transaction:
    """Correct a balance up (positive) or down (negative), with a reason; never below zero."""
    if not isinstance(amount, Decimal) or amount == 0:
        raise DomainError("Enter a positive or negative amount other than zero.", field="amount")
    money(abs(amount), field="amount")
    if not reason.strip():
        raise DomainError("Say why the balance is adjusted.", field="reason")
    locked = lock_account(account)
    if locked.balance + amount < 0:
        raise DomainError(f"The adjustment would take the balance of {locked.balance} below zero.", field="amount")
    entry = _post(account=locked, kind=Transaction.Kind.ADJUSTMENT, amount=amount, effective_on=timezone.localdate(),
                  actor=actor, idempotency_key=f"adjustment:{idempotency_key or uuid.uuid4().hex}",
                  memo=reason.strip())
    audit_record(actor=actor, action="account.adjusted", target=locked, data={"amount": amount, "reason": reason})
    return entry


def manual_statuses(actor: User) -> frozenset[str]:
    """The statuses this user may choose by hand (the status machine still decides from which status)."""
    chosen = set(AccountStatus.values) - set(LEDGER_STATUSES) - set(FOLLOWING_STATUSES)
    if actor.role not in SUPERVISORS:
        chosen -= set(MANAGER_STATUSES)
    return frozenset(chosen)


@transaction.atomic
def account_status_change(*, actor: User | None, account: Account, status: str, reason: str = "",
                          automatic: bool = False) -> Account:
    """Move an account to another status, if the status machine and the user's role allow it. `automatic`: the
    status follows from something recorded (a plan, a promise, a dispute), so the role's manual choices do not
    apply; `actor` None: the system did it (the daily review)."""
    if status in LEDGER_STATUSES:
        raise DomainError("Paid and settled follow from the ledger: record the payment or settlement instead.",
                          field="status")
    if status in FOLLOWING_STATUSES and not automatic:
        raise DomainError("On a plan and promise to pay follow from recording one: use Build a plan or Record "
                          "promise instead.", field="status")
    if not automatic and actor is not None and status not in manual_statuses(actor):
        raise DomainError("Only managers and admins close, recall or write off accounts.", field="status")
    locked = lock_account(account)
    if locked.status == status:
        return locked
    check_transition(locked.status, status)
    old = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="account.status_changed", target=locked,
                 data={"status": [old, status], "reason": reason})
    return locked
