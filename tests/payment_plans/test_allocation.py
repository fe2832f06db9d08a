"""Payments against plans and promises: oldest installment first with part payments carried, completed plans and
settlements (the forgiven rest posted to the ledger), reversals that give back, and the daily review run twice."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from compliance.models import AuditEvent
from debtors.ledger import payment_record, payment_reverse
from payment_plans.models import Installment, PaymentAllocation, PaymentPlan, PromiseToPay
from payment_plans.services import plan_propose, plans_review, promise_create
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def pay(account, actor, amount, received_on=TODAY):
    payment, _ = payment_record(actor=actor, account=account, amount=Decimal(amount), method="card",
                                received_on=received_on)
    return payment


def installments(plan):
    return [(str(item.paid_amount), item.status) for item in plan.installments.order_by("sequence")]


@pytest.fixture
def account(admin_user):
    return AccountFactory(original_balance=Decimal("1200.00"))


@pytest.fixture
def plan(account, manager):
    return plan_propose(actor=manager, account=account, kind="installments", total_amount=Decimal("1200.00"),
                        frequency="monthly", start_on=TODAY + timedelta(days=3), installment_count=3)


def test_payments_fill_the_oldest_installment_first_and_carry_the_rest(account, plan, admin_user):
    pay(account, admin_user, "500.00")
    assert installments(plan) == [("400.00", "paid"), ("100.00", "pending"), ("0.00", "pending")]
    pay(account, admin_user, "700.00")
    assert installments(plan) == [("400.00", "paid"), ("400.00", "paid"), ("400.00", "paid")]
    plan.refresh_from_db()
    account.refresh_from_db()
    assert (plan.status, account.status, account.balance) == ("completed", "paid", Decimal("0.00"))


def test_a_completed_settlement_forgives_the_rest_and_settles_the_account(account, manager, admin_user):
    settlement = plan_propose(actor=manager, account=account, kind="settlement", total_amount=Decimal("1000.00"),
                              discount_amount=Decimal("200.00"), frequency="monthly", start_on=TODAY,
                              installment_count=2)
    pay(account, admin_user, "500.00")
    account.refresh_from_db()
    assert account.status == "plan"
    pay(account, admin_user, "500.00")
    account.refresh_from_db()
    settlement.refresh_from_db()
    discount = account.transactions.get(kind="settlement_discount")
    assert (discount.amount, account.balance, account.status, settlement.status) == (
        Decimal("-200.00"), Decimal("0.00"), "settled", "completed")
    assert account.balance == sum(account.transactions.values_list("amount", flat=True), Decimal("0"))


def test_a_reversed_payment_gives_its_installments_back(account, plan, admin_user):
    payment = pay(account, admin_user, "500.00")
    payment_reverse(actor=admin_user, payment=payment, reason="Card chargeback")
    assert installments(plan) == [("0.00", "pending"), ("0.00", "pending"), ("0.00", "pending")]
    assert not PaymentAllocation.objects.filter(is_reversed=False).exists()


def test_reversing_the_payment_that_completed_a_plan_reopens_it(account, plan, admin_user):
    pay(account, admin_user, "800.00")
    last = pay(account, admin_user, "400.00")
    payment_reverse(actor=admin_user, payment=last, reason="Bounced")
    plan.refresh_from_db()
    account.refresh_from_db()
    assert (plan.status, account.status) == ("active", "plan")
    assert installments(plan)[-1] == ("0.00", "pending")


def test_a_promise_is_kept_when_payments_reach_it_by_its_date(account, admin_user):
    promise = promise_create(actor=admin_user, account=account, amount=Decimal("150.00"),
                             promised_on=TODAY + timedelta(days=7))
    pay(account, admin_user, "100.00")
    promise.refresh_from_db()
    assert promise.status == "pending"
    pay(account, admin_user, "50.00")
    promise.refresh_from_db()
    account.refresh_from_db()
    assert (promise.status, account.status) == ("kept", "active")


def test_the_daily_review_breaks_what_was_missed_once_however_often_it_runs(account, plan, admin_user):
    promise_account = AccountFactory(original_balance=Decimal("300.00"))
    promise = promise_create(actor=admin_user, account=promise_account, amount=Decimal("100.00"),
                             promised_on=TODAY + timedelta(days=1))
    within_grace = TODAY + timedelta(days=3 + 5)
    assert plans_review(today=within_grace)["plans_broken"] == 0
    later = TODAY + timedelta(days=40)
    first = plans_review(today=later)
    assert (first["installments_missed"], first["plans_broken"]) == (2, 1)
    second = plans_review(today=later)
    assert (second["installments_missed"], second["plans_broken"]) == (0, 0)
    plan.refresh_from_db()
    account.refresh_from_db()
    promise.refresh_from_db()
    promise_account.refresh_from_db()
    assert (plan.status, account.status) == ("broken", "active")
    assert account.next_action_at is not None
    assert (promise.status, promise_account.status) == ("broken", "active")
    assert AuditEvent.objects.filter(action="plan.broken").count() == 1
    assert Installment.objects.filter(plan=plan, status="missed").count() == 2


def test_a_missed_installment_paid_late_is_paid(account, plan, admin_user):
    plans_review(today=TODAY + timedelta(days=10))
    PaymentPlan.objects.filter(pk=plan.pk).update(status="active")  # e.g. a manager gave it another chance
    pay(account, admin_user, "400.00")
    assert installments(plan)[0] == ("400.00", "paid")


def test_a_payment_through_the_api_reaches_the_plan(api_client, admin_user, account, plan):
    api_client.force_authenticate(admin_user)
    response = api_client.post("/api/v1/payments/", {"account": account.pk, "amount": "400.00", "method": "card",
                                                     "received_on": str(TODAY)}, format="json")
    assert response.status_code == 201
    plan_body = api_client.get(f"/api/v1/payment-plans/{plan.pk}/").json()
    assert plan_body["installments"][0]["status"] == "paid"
    assert PromiseToPay.objects.count() == 0


def test_a_hardship_deferral_pauses_the_plan_and_spreads_what_is_owed_from_the_resume_date(account, plan, manager,
                                                                                          admin_user, collector):
    from collections_crm.errors import Forbidden
    from payment_plans.services import plan_defer

    pay(account, admin_user, "500.00")
    resume_on = TODAY + timedelta(days=60)
    with pytest.raises(Forbidden):
        plan_defer(actor=collector, plan=plan, resume_on=resume_on, reason="Lost job")
    plan_defer(actor=manager, plan=plan, resume_on=resume_on, reason="Lost job")
    rows = [(str(item.amount), str(item.paid_amount), item.status, item.due_on)
            for item in plan.installments.order_by("due_on", "sequence")]
    assert rows[:2] == [("400.00", "400.00", "paid", TODAY + timedelta(days=3)),
                        ("100.00", "100.00", "paid", TODAY + timedelta(days=3) + relativedelta(months=1))]
    assert [(amount, status, due_on) for amount, _, status, due_on in rows[2:]] == [
        ("350.00", "pending", resume_on), ("350.00", "pending", resume_on + relativedelta(months=1))]
    assert sum(item.amount for item in plan.installments.all()) == plan.total_amount
    assert plans_review(today=resume_on - timedelta(days=1))["installments_missed"] == 0
