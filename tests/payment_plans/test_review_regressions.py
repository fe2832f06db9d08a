"""Cases a review of the payment plans found: settlements paid in full, reopened or completed while disputed,
reversals beside a newer plan, approvals of plans whose terms no longer hold, limits dodged by a late start,
promises sharing a payment, and inputs that must be a 400."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from collections_crm.errors import Conflict, DomainError
from collections_crm.models import AuthorityLimit
from collections_crm.roles import Role
from compliance.services import dispute_raise
from debtors.ledger import payment_record, payment_reverse
from payment_plans.models import PaymentPlan, PromiseToPay
from payment_plans.selectors import approval_queue
from payment_plans.services import plan_approve, plan_propose, promise_create
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def pay(account, actor, amount):
    return payment_record(actor=actor, account=account, amount=Decimal(amount), method="card", received_on=TODAY)[0]


@pytest.fixture
def account(admin_user):
    return AccountFactory(original_balance=Decimal("1000.00"))


def settlement(account, actor, total="800.00"):
    return plan_propose(actor=actor, account=account, kind="settlement", total_amount=Decimal(total),
                        discount_amount=account.balance - Decimal(total), frequency="monthly", start_on=TODAY,
                        installment_count=1)


def test_a_settlement_paid_in_full_is_simply_paid(account, manager, admin_user):
    plan = settlement(account, manager)
    pay(account, admin_user, "1000.00")
    account.refresh_from_db()
    plan.refresh_from_db()
    assert (account.balance, account.status, plan.status) == (Decimal("0.00"), "paid", "completed")
    assert not account.transactions.filter(kind="settlement_discount").exists()


def test_a_reversed_settlement_payment_takes_the_discount_back_and_can_be_paid_again(account, manager, admin_user):
    plan = settlement(account, manager)
    first = pay(account, admin_user, "800.00")
    payment_reverse(actor=admin_user, payment=first, reason="Bounced")
    account.refresh_from_db()
    plan.refresh_from_db()
    assert (account.balance, account.status, plan.status) == (Decimal("1000.00"), "plan", "active")
    pay(account, admin_user, "800.00")
    account.refresh_from_db()
    assert (account.balance, account.status) == (Decimal("0.00"), "settled")
    assert account.balance == sum(account.transactions.values_list("amount", flat=True), Decimal("0"))


def test_a_settlement_completed_while_disputed_settles_the_account(account, manager, admin_user):
    settlement(account, manager)
    dispute_raise(actor=admin_user, account=account)
    pay(account, admin_user, "800.00")
    account.refresh_from_db()
    assert account.status == "settled"


def test_reversing_a_completed_plans_payment_beside_a_newer_plan_keeps_the_newer_one(account, manager, admin_user):
    first = plan_propose(actor=manager, account=account, kind="installments", total_amount=Decimal("100.00"),
                         frequency="monthly", start_on=TODAY, installment_count=1)
    payment = pay(account, admin_user, "100.00")
    second = plan_propose(actor=manager, account=account, kind="installments", total_amount=Decimal("900.00"),
                          frequency="monthly", start_on=TODAY, installment_count=3)
    payment_reverse(actor=admin_user, payment=payment, reason="Bounced")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("completed", "active")


@pytest.fixture
def waiting(account, collector, team):
    account.team = team
    account.save(update_fields=["team"])
    return plan_propose(actor=collector, account=account, kind="installments", total_amount=Decimal("1000.00"),
                        frequency="monthly", start_on=TODAY + timedelta(days=2), installment_count=10)


def test_a_plan_is_not_approved_once_its_account_is_paid_or_its_start_has_passed(account, waiting, manager,
                                                                                admin_user):
    assert waiting.status == "pending_approval"
    PaymentPlan.objects.filter(pk=waiting.pk).update(start_on=TODAY - timedelta(days=1))
    waiting.refresh_from_db()
    with pytest.raises(Conflict, match="start date has passed"):
        plan_approve(actor=manager, plan=waiting)
    PaymentPlan.objects.filter(pk=waiting.pk).update(start_on=TODAY)
    waiting.refresh_from_db()
    pay(account, admin_user, "1000.00")
    with pytest.raises(Conflict, match="paid now"):
        plan_approve(actor=manager, plan=waiting)


def test_a_late_start_does_not_escape_the_months_limit(account, collector, team):
    AuthorityLimit.objects.create(role=Role.COLLECTOR, currency="USD", max_discount_pct=Decimal("10"),
                                  max_installments=6, max_plan_months=3, min_installment_amount=Decimal("10"))
    account.team = team
    account.save(update_fields=["team"])
    plan = plan_propose(actor=collector, account=account, kind="installments", total_amount=Decimal("1000.00"),
                        frequency="monthly", start_on=TODAY + timedelta(days=200), installment_count=1)
    assert plan.status == "pending_approval"
    with pytest.raises(DomainError) as refused:
        plan_propose(actor=collector, account=AccountFactory(), kind="installments", total_amount=Decimal("10"),
                     frequency="monthly", start_on=TODAY + timedelta(days=5 * 365), installment_count=1)
    assert refused.value.field == "start_on"


def test_one_payment_keeps_one_promise_not_two(account, admin_user):
    first = promise_create(actor=admin_user, account=account, amount=Decimal("100.00"),
                           promised_on=TODAY + timedelta(days=3))
    second = promise_create(actor=admin_user, account=account, amount=Decimal("100.00"),
                            promised_on=TODAY + timedelta(days=5))
    payment = pay(account, admin_user, "100.00")
    assert [PromiseToPay.objects.get(pk=p.pk).status for p in (first, second)] == ["kept", "pending"]
    account.refresh_from_db()
    assert account.status == "promise"
    payment_reverse(actor=admin_user, payment=payment, reason="Bounced")
    assert [PromiseToPay.objects.get(pk=p.pk).status for p in (first, second)] == ["pending", "pending"]


def test_a_kept_promise_whose_payment_is_reversed_puts_the_account_back_in_promise(account, admin_user):
    promise_create(actor=admin_user, account=account, amount=Decimal("50.00"), promised_on=TODAY + timedelta(days=3))
    payment = pay(account, admin_user, "50.00")
    account.refresh_from_db()
    assert account.status == "active"
    payment_reverse(actor=admin_user, payment=payment, reason="Bounced")
    account.refresh_from_db()
    assert account.status == "promise"


def test_collectors_have_no_approval_queue(collector, waiting):
    assert list(approval_queue(viewer=collector)) == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"start_on": "9999-12-20"}, "start_on"),
    ({"installment_amount": "0.01", "installment_count": None}, "installment_amount"),
])
def test_extreme_terms_are_a_400(api_client, manager, team_account, changes, field):
    api_client.force_authenticate(manager)
    body = {"account": team_account.pk, "kind": "installments", "total_amount": "1200.00", "frequency": "monthly",
            "start_on": str(TODAY), "installment_count": 6, **changes}
    body = {key: value for key, value in body.items() if value is not None}
    response = api_client.post("/api/v1/payment-plans/preview/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_payment_reversed_after_a_deferral_is_owed_from_the_resume_date(account, manager, admin_user):
    from payment_plans.services import plan_defer

    plan = plan_propose(actor=manager, account=account, kind="installments", total_amount=Decimal("900.00"),
                        frequency="monthly", start_on=TODAY, installment_count=3)
    payment = pay(account, admin_user, "300.00")
    resume_on = TODAY + timedelta(days=90)
    plan_defer(actor=manager, plan=plan, resume_on=resume_on, reason="Hospital stay")
    payment_reverse(actor=admin_user, payment=payment, reason="Bounced")
    assert min(plan.installments.exclude(status="paid").values_list("due_on", flat=True)) >= resume_on
    assert sum(item.amount for item in plan.installments.all()) == Decimal("900.00")


def test_a_manager_defers_a_plan_from_its_page(login, manager, collector, team_account):
    from django.urls import reverse

    plan = plan_propose(actor=manager, account=team_account, kind="installments", total_amount=Decimal("1200.00"),
                        frequency="monthly", start_on=TODAY, installment_count=4)
    url = reverse("payment_plans:plan_defer", args=[plan.pk])
    assert login(collector).get(url).status_code == 403
    resume_on = TODAY + timedelta(days=60)
    response = login(manager).post(url, {"resume_on": str(resume_on), "reason": "Lost job"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.resumes_on == resume_on
    assert f"nothing falls due before {resume_on:%Y-%m-%d}" in login(manager).get(
        reverse("payment_plans:plan_detail", args=[plan.pk])).content.decode()
