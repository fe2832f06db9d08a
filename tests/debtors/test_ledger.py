"""The ledger: a balance always equals the sum of its transactions; payments post once per idempotency key."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collections_crm.errors import Conflict, DomainError
from debtors.ledger import account_status_change, adjustment_post, payment_record, payment_reverse
from debtors.models import Account, Payment, Transaction
from debtors.status import IllegalTransition
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def ledger_sum(account: Account) -> Decimal:
    """Summed as Decimals: SQLite's SUM is floating point (PostgreSQL's NUMERIC sum is exact)."""
    return sum(account.transactions.values_list("amount", flat=True), Decimal("0"))


def assert_balanced(account: Account) -> None:
    account.refresh_from_db()
    assert account.balance == ledger_sum(account)


def pay(account, actor, amount="100.00", key=None, **fields):
    return payment_record(actor=actor, account=account, amount=Decimal(amount), method="card",
                          received_on=fields.pop("received_on", TODAY), idempotency_key=key, **fields)


@pytest.fixture
def account(admin_user):
    return AccountFactory(original_balance=Decimal("1000.00"))


def test_opening_an_account_posts_its_placement(account):
    placement = account.transactions.get()
    assert (placement.kind, placement.amount, placement.currency) == ("placement", Decimal("1000.00"), "USD")
    assert account.balance == Decimal("1000.00")
    assert account.status == "new"


def test_a_payment_lowers_the_balance(account, admin_user):
    payment, created = pay(account, admin_user, "250.50")
    assert created
    assert account.balance == Decimal("749.50")
    assert payment.transaction.amount == Decimal("-250.50")
    account.refresh_from_db()
    assert account.last_payment_at is not None
    assert_balanced(account)


def test_the_last_payment_is_when_money_was_received_and_a_reversal_takes_it_back(account, admin_user):
    week_ago = timezone.localdate() - timedelta(days=7)
    payment_record(actor=admin_user, account=account, amount=Decimal("10.00"), method="cheque", received_on=week_ago)
    account.refresh_from_db()
    assert account.last_payment_at.date() == week_ago  # recorded late, it is still a week old
    today, _ = payment_record(actor=admin_user, account=account, amount=Decimal("5.00"), method="card",
                              received_on=timezone.localdate())
    account.refresh_from_db()
    assert account.last_payment_at == today.created_at
    payment_reverse(actor=admin_user, payment=today, reason="Card chargeback")
    account.refresh_from_db()
    assert account.last_payment_at.date() == week_ago


def test_a_repeated_idempotency_key_returns_the_first_payment_and_posts_nothing(account, admin_user):
    first, created = pay(account, admin_user, "100.00", key="order-7781-attempt")
    again, created_again = pay(account, admin_user, "100.00", key="order-7781-attempt")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert account.transactions.count() == 2
    assert_balanced(account)


def test_the_same_key_for_another_payment_is_a_conflict(account, admin_user):
    pay(account, admin_user, "100.00", key="order-7781-attempt")
    with pytest.raises(Conflict, match="already used for a different payment"):
        pay(account, admin_user, "90.00", key="order-7781-attempt")
    other = AccountFactory()
    with pytest.raises(Conflict):
        pay(other, admin_user, "100.00", key="order-7781-attempt")
    assert Payment.objects.count() == 1


def test_another_user_may_use_the_same_key_for_a_payment_of_their_own(account, admin_user, manager):
    mine, _ = pay(account, admin_user, "100.00", key="order-7781-attempt")
    theirs, created = pay(account, manager, "40.00", key="order-7781-attempt")
    assert created
    assert theirs.pk != mine.pk
    assert_balanced(account)
    assert account.balance == Decimal("860.00")


def test_a_reversal_reopens_an_account_to_the_write_off_its_payment_interrupted(account, admin_user):
    account_status_change(actor=admin_user, account=account, status="written_off", reason="test")
    payment, _ = pay(account, admin_user, "1000.00")
    assert account.status == "paid"
    payment_reverse(actor=admin_user, payment=payment, reason="Cheque bounced")
    account.refresh_from_db()
    assert (account.status, account.status_before_cleared) == ("written_off", "")


def test_paying_the_balance_makes_the_account_paid_and_a_reversal_reopens_it(account, admin_user):
    payment, _ = pay(account, admin_user, "1000.00")
    account.refresh_from_db()
    assert (account.balance, account.status) == (Decimal("0.00"), "paid")
    payment_reverse(actor=admin_user, payment=payment, reason="Card chargeback")
    account.refresh_from_db()
    assert (account.balance, account.status) == (Decimal("1000.00"), "active")
    reversal = account.transactions.get(kind="reversal")
    assert (reversal.amount, reversal.reverses_id) == (Decimal("1000.00"), payment.transaction_id)
    assert_balanced(account)


def test_a_payment_is_reversed_once_and_with_a_reason(account, admin_user):
    payment, _ = pay(account, admin_user)
    with pytest.raises(DomainError, match="Say why"):
        payment_reverse(actor=admin_user, payment=payment, reason="  ")
    payment_reverse(actor=admin_user, payment=payment, reason="Bounced")
    with pytest.raises(Conflict, match="already reversed"):
        payment_reverse(actor=admin_user, payment=payment, reason="Bounced again")
    assert account.transactions.filter(kind="reversal").count() == 1


@pytest.mark.parametrize(("amount", "field", "message"), [
    (Decimal("-5"), "amount", "more than zero"),
    (Decimal("0"), "amount", "more than zero"),
    (Decimal("10.005"), "amount", "two decimals"),
    (Decimal("NaN"), "amount", "such as 125.50"),
    (10.5, "amount", "such as 125.50"),
    (Decimal("1000.01"), "amount", "more than the balance"),
])
def test_bad_amounts_are_refused_and_nothing_is_posted(account, admin_user, amount, field, message):
    with pytest.raises(DomainError, match=message) as refused:
        payment_record(actor=admin_user, account=account, amount=amount, method="card", received_on=TODAY)
    assert refused.value.field == field
    assert account.transactions.count() == 1
    assert not Payment.objects.exists()


def test_other_bad_payments_are_refused(account, admin_user):
    with pytest.raises(DomainError, match="record the payment in USD") as refused:
        pay(account, admin_user, currency="EUR")
    assert refused.value.field == "currency"
    with pytest.raises(DomainError, match="in the future"):
        pay(account, admin_user, received_on=TODAY + timedelta(days=1))
    account_status_change(actor=admin_user, account=account, status="closed", reason="Creditor request")
    with pytest.raises(DomainError, match="account that is closed"):
        pay(account, admin_user)
    assert not Payment.objects.exists()


def test_adjustments_need_a_reason_and_keep_the_balance_at_or_above_zero(account, admin_user):
    adjustment_post(actor=admin_user, account=account, amount=Decimal("-50.00"), reason="Fee waived")
    with pytest.raises(DomainError, match="below zero"):
        adjustment_post(actor=admin_user, account=account, amount=Decimal("-951.00"), reason="Too much")
    with pytest.raises(DomainError, match="Say why"):
        adjustment_post(actor=admin_user, account=account, amount=Decimal("5.00"), reason="")
    account.refresh_from_db()
    assert account.balance == Decimal("950.00")
    assert_balanced(account)


def test_illegal_status_changes_are_refused_with_the_allowed_ones(account, admin_user):
    account_status_change(actor=admin_user, account=account, status="closed")
    with pytest.raises(IllegalTransition, match="An account that is closed cannot become active"):
        account_status_change(actor=admin_user, account=account, status="active")
    other = AccountFactory()
    account_status_change(actor=admin_user, account=other, status="disputed")
    with pytest.raises(IllegalTransition, match=r"disputed cannot become new \(it can become: .*active"):
        account_status_change(actor=admin_user, account=other, status="new")


def test_the_ledger_refuses_edits(account):
    entry = account.transactions.get()
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        Transaction.objects.filter(pk=entry.pk).update(amount=Decimal("1"))
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_ledger_edits(account):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE debtors_transaction SET amount = 1")
    assert_balanced(account)


operations = st.lists(st.one_of(
    st.tuples(st.just("pay"), st.integers(min_value=1, max_value=60000)),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("adjust"), st.integers(min_value=-30000, max_value=30000).filter(bool)),
    st.tuples(st.just("repeat"), st.integers(min_value=0, max_value=20)),
), max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations, cents=st.integers(min_value=0, max_value=500000))
def test_any_sequence_of_operations_keeps_balance_equal_to_the_ledger(admin_user, operations, cents):
    with transaction.atomic():
        account = AccountFactory(original_balance=Decimal(cents) / 100)
        payments = []
        for number, (operation, value) in enumerate(operations):
            amount = Decimal(abs(value)) / 100
            try:
                if operation == "pay":
                    payments.append(pay(account, admin_user, str(amount), key=f"key-{number:04d}-abcdef")[0])
                elif operation == "reverse" and payments:
                    payment_reverse(actor=admin_user, payment=payments[value % len(payments)], reason="Bounced")
                elif operation == "adjust":
                    adjustment_post(actor=admin_user, account=account, amount=Decimal(value) / 100, reason="Fix")
                elif operation == "repeat" and payments:
                    first = payments[value % len(payments)]
                    assert pay(account, admin_user, str(first.amount), key=first.idempotency_key)[1] is False
            except DomainError:
                pass  # refused (more than the balance, already reversed...): nothing may have been posted
            assert_balanced(account)
            assert account.balance >= 0
            if account.transactions.exclude(kind="placement").exists():
                assert (account.status == "paid") == (account.balance == 0)
        transaction.set_rollback(True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_double_count(admin_user):
    account = AccountFactory(original_balance=Decimal("1000.00"))
    results, errors = [], []
    barrier = threading.Barrier(8)

    def post(key: str, amount: str):
        try:
            barrier.wait()
            results.append(pay(account, admin_user, amount, key=key))
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    # Four threads send the same payment (a client retrying); four send different ones.
    work = [("retry-key-0001", "100.00")] * 4 + [(f"distinct-key-{n:04d}", "50.00") for n in range(4)]
    threads = [threading.Thread(target=post, args=job) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(created for _, created in results) == 5
    assert Payment.objects.count() == 5
    assert_balanced(account)
    assert account.balance == Decimal("1000.00") - Decimal("100.00") - 4 * Decimal("50.00")


def test_automatic_status_changes_are_on_the_record(account, admin_user):
    from compliance.models import AuditEvent

    payment, _ = pay(account, admin_user, "1000.00")
    payment_reverse(actor=admin_user, payment=payment, reason="Chargeback")
    changes = list(AuditEvent.objects.filter(action="account.status_changed").order_by("id").values_list("data",
                                                                                                          flat=True))
    assert changes == [{"status": ["new", "paid"], "reason": "balance cleared"},
                       {"status": ["paid", "active"], "reason": "balance reopened"}]


def test_the_ledger_shows_the_balance_after_each_entry(account, admin_user):
    from debtors.selectors import ledger_with_balances

    pay(account, admin_user, "100.00")
    pay(account, admin_user, "250.00")
    account.refresh_from_db()
    rows = [(entry.kind, entry.amount, after) for entry, after in ledger_with_balances(account=account)]
    assert rows == [("payment", Decimal("-250.00"), Decimal("650.00")),
                    ("payment", Decimal("-100.00"), Decimal("900.00")),
                    ("placement", Decimal("1000.00"), Decimal("1000.00"))]


def test_a_reversal_reopens_to_disputed_only_while_a_dispute_is_open(account, admin_user):
    from compliance.services import dispute_raise, dispute_update

    dispute = dispute_raise(actor=admin_user, account=account)
    first, _ = pay(account, admin_user, "1000.00")
    dispute_update(actor=admin_user, dispute=dispute, status="resolved")  # resolved while the account was paid
    payment_reverse(actor=admin_user, payment=first, reason="Bounced")
    account.refresh_from_db()
    assert account.status == "active"
    second, _ = pay(account, admin_user, "1000.00")
    dispute_raise(actor=admin_user, account=account)  # raised while the account is paid
    payment_reverse(actor=admin_user, payment=second, reason="Bounced")
    account.refresh_from_db()
    assert account.status == "disputed"
