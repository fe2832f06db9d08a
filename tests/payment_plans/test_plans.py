"""Proposing plans within and beyond authority, the approval flow (two managers at once: one wins), promises, bad
input that writes nothing, and scoping by id."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from collections_crm.models import AuthorityLimit
from collections_crm.roles import Role
from compliance.models import AuditEvent
from payment_plans.models import Installment, PaymentPlan, PromiseToPay
from payment_plans.services import plan_propose
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()
PLANS = "/api/v1/payment-plans/"


@pytest.fixture
def limits(db):
    """Collectors may give 10% off, 6 installments over 6 months, of at least 50 USD each."""
    return AuthorityLimit.objects.create(role=Role.COLLECTOR, currency="USD", max_discount_pct=Decimal("10"),
                                         max_installments=6, max_plan_months=6, min_installment_amount=Decimal("50"))


def terms(account, **changes):
    return {"account": account.pk, "kind": "installments", "total_amount": "1200.00", "frequency": "monthly",
            "start_on": str(TODAY + timedelta(days=3)), "installment_count": 6, **changes}


def test_a_plan_within_authority_is_active_at_once_with_its_schedule(as_user, collector, team_account, limits):
    response = as_user(collector).post(PLANS, terms(team_account), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["approval_reasons"]) == ("active", [])
    assert [item["amount"] for item in body["installments"]] == ["200.00"] * 6
    assert body["installments"][0] == {"sequence": 1, "due_on": str(TODAY + timedelta(days=3)), "amount": "200.00",
                                       "paid_amount": "0.00", "is_down_payment": False, "status": "pending"}
    team_account.refresh_from_db()
    assert team_account.status == "plan"


@pytest.mark.parametrize(("changes", "reason"), [
    ({"installment_count": 12}, "12 installments are more than the 6"),
    ({"total_amount": "200.00", "installment_count": 6}, "below the 50.00 USD minimum"),
    ({"kind": "settlement", "total_amount": "1000.00", "discount_amount": "200.00", "installment_count": 1},
     "A 16.67% discount is more than the 10.00%"),
    ({"frequency": "weekly", "installment_count": 6, "total_amount": "600.00"}, None),
])
def test_beyond_authority_a_plan_waits_for_a_manager_with_the_reason(as_user, collector, team_account, limits,
                                                                      changes, reason):
    response = as_user(collector).post(PLANS, terms(team_account, **changes), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    if reason is None:
        assert body["status"] == "active"
        return
    assert body["status"] == "pending_approval"
    assert any(reason in text for text in body["approval_reasons"]), body["approval_reasons"]
    team_account.refresh_from_db()
    assert team_account.status == "new"


def test_without_limits_a_collector_needs_approval_and_a_manager_does_not(as_user, collector, manager,
                                                                          team_account):
    assert as_user(collector).post(PLANS, terms(team_account), format="json").json()["status"] == "pending_approval"
    PaymentPlan.objects.update(status="cancelled")
    assert as_user(manager).post(PLANS, terms(team_account), format="json").json()["status"] == "active"


def test_the_team_manager_approves_but_nobody_their_own_proposal(as_user, collector, manager, other_manager,
                                                                 team_account, limits):
    plan = as_user(collector).post(PLANS, terms(team_account, installment_count=12), format="json").json()
    url = f"{PLANS}{plan['id']}/approve/"
    assert as_user(collector).post(url, {}, format="json").status_code == 403
    assert as_user(other_manager).post(url, {}, format="json").status_code == 404
    approved = as_user(manager).post(url, {"note": "Fine, steady income"}, format="json")
    assert approved.status_code == 200, approved.json()
    assert (approved.json()["status"], approved.json()["approved_by"]) == ("active", manager.pk)
    team_account.refresh_from_db()
    assert team_account.status == "plan"
    assert AuditEvent.objects.filter(action="plan.approved", actor=manager).exists()
    assert as_user(manager).post(url, {}, format="json").status_code == 409

    PaymentPlan.objects.filter(pk=plan["id"]).update(status="cancelled")
    own = plan_propose(actor=manager, account=team_account, kind="installments", total_amount=Decimal("1200"),
                       frequency="monthly", start_on=TODAY, installment_count=60)
    AuthorityLimit.objects.create(role=Role.MANAGER, currency="USD", max_discount_pct=Decimal("20"),
                                  max_installments=24, max_plan_months=24, min_installment_amount=Decimal("10"))
    assert own.status == "active"  # managers without a limit of their own are not limited


def test_a_rejection_needs_a_note_and_the_collector_sees_why(as_user, collector, manager, team_account, limits):
    plan = as_user(collector).post(PLANS, terms(team_account, installment_count=12), format="json").json()
    url = f"{PLANS}{plan['id']}/reject/"
    assert "note" in as_user(manager).post(url, {}, format="json").json()
    rejected = as_user(manager).post(url, {"note": "Ask for 400 down first"}, format="json").json()
    assert (rejected["status"], rejected["decision_note"]) == ("rejected", "Ask for 400 down first")
    assert as_user(collector).post(PLANS, terms(team_account), format="json").status_code == 201


@pytest.mark.parametrize(("changes", "field"), [
    ({"total_amount": "5000.00"}, "total_amount"),
    ({"start_on": str(TODAY - timedelta(days=1))}, "start_on"),
    ({"installment_count": 0}, "installment_count"),
    ({"total_amount": "-5"}, "total_amount"),
    ({"frequency": "daily"}, "frequency"),
    ({"kind": "settlement", "discount_amount": "0.00"}, "discount_amount"),
    ({"kind": "settlement", "total_amount": "500.00", "discount_amount": "100.00"}, "total_amount"),
    ({"discount_amount": "100.00"}, "discount_amount"),
    ({"down_payment": "1300.00"}, "down_payment"),
])
def test_bad_plans_are_refused_naming_the_field_and_write_nothing(as_user, collector, team_account, limits, changes,
                                                                   field):
    response = as_user(collector).post(PLANS, terms(team_account, **changes), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert (PaymentPlan.objects.count(), Installment.objects.count()) == (0, 0)


def test_a_second_plan_is_refused(as_user, collector, team_account, limits):
    assert as_user(collector).post(PLANS, terms(team_account), format="json").status_code == 201
    second = as_user(collector).post(PLANS, terms(team_account), format="json")
    assert second.status_code == 400
    assert "account" in second.json()
    assert PaymentPlan.objects.count() == 1


def test_the_preview_shows_the_schedule_and_saves_nothing(as_user, collector, team_account, limits):
    response = as_user(collector).post(f"{PLANS}preview/", terms(team_account, installment_count=7,
                                                                  total_amount="1000.00"), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [item["amount"] for item in body["installments"]] == ["142.85"] * 6 + ["142.90"]
    assert body["needs_approval"] is True
    assert PaymentPlan.objects.count() == 0


def test_plans_of_another_team_are_out_of_reach(as_user, collector, outsider, other_team_account, team_account,
                                                limits):
    plan = as_user(collector).post(PLANS, terms(team_account), format="json").json()
    client = as_user(outsider)
    assert client.get(f"{PLANS}{plan['id']}/").status_code == 404
    assert client.get(PLANS).json()["count"] == 0
    assert "account" in client.post(PLANS, terms(team_account), format="json").json()


def test_a_promise_puts_the_account_in_promise_status(as_user, collector, outsider, team_account):
    client = as_user(collector)
    response = client.post("/api/v1/promises/", {"account": team_account.pk, "amount": "150.00",
                                                 "promised_on": str(TODAY + timedelta(days=7))}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"
    team_account.refresh_from_db()
    assert team_account.status == "promise"
    for bad, field in (({"amount": "5000.00"}, "amount"), ({"promised_on": str(TODAY - timedelta(days=1))},
                                                            "promised_on")):
        refused = client.post("/api/v1/promises/", {"account": team_account.pk, "amount": "150.00",
                                                    "promised_on": str(TODAY), **bad}, format="json")
        assert refused.status_code == 400
        assert field in refused.json()
    assert as_user(outsider).get(f"/api/v1/promises/{response.json()['id']}/").status_code == 404
    assert PromiseToPay.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks across connections")
@pytest.mark.django_db(transaction=True)
def test_two_managers_deciding_at_once_one_wins_and_the_other_gets_a_conflict(team, collector, manager,
                                                                              team_account, limits):
    from collections_crm.errors import Conflict
    from payment_plans.services import plan_approve, plan_reject

    second_manager = UserFactory(username="bea", team=team, manager=True)
    plan = plan_propose(actor=collector, account=team_account, kind="installments", total_amount=Decimal("1200"),
                        frequency="monthly", start_on=TODAY, installment_count=12)
    outcomes, start = [], threading.Barrier(2)

    def decide(decider, action):
        try:
            start.wait()
            action(actor=decider, plan=PaymentPlan.objects.get(pk=plan.pk), note="decided")
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(manager, plan_approve)),
               threading.Thread(target=decide, args=(second_manager, plan_reject))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "won"]
    assert PaymentPlan.objects.get(pk=plan.pk).status in ("active", "rejected")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL constraint trigger")
def test_the_database_refuses_installments_that_do_not_add_up_to_the_total(collector, team_account, limits):
    from django.db import IntegrityError, transaction
    from django.db.models import F

    plan = plan_propose(actor=collector, account=team_account, kind="installments", total_amount=Decimal("1200"),
                        frequency="monthly", start_on=TODAY, installment_count=6)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # judge now, not at a commit the test never makes
    with pytest.raises(IntegrityError, match="installments_sum_to_total"), transaction.atomic():
        Installment.objects.filter(plan=plan, sequence=1).update(amount=F("amount") + 1)


def test_cancelling_and_deferring_through_the_api(as_user, collector, manager, team_account, limits):
    plan = as_user(collector).post(PLANS, terms(team_account), format="json").json()
    deferred = as_user(manager).post(f"{PLANS}{plan['id']}/defer/", {
        "resume_on": str(TODAY + timedelta(days=90)), "reason": "Hospital stay"}, format="json")
    assert deferred.status_code == 200, deferred.json()
    assert deferred.json()["installments"][0]["due_on"] == str(TODAY + timedelta(days=90))
    assert "reason" in as_user(collector).post(f"{PLANS}{plan['id']}/cancel/", {}, format="json").json()
    cancelled = as_user(collector).post(f"{PLANS}{plan['id']}/cancel/", {"reason": "Paying in full instead"},
                                        format="json")
    assert cancelled.json()["status"] == "cancelled"
    team_account.refresh_from_db()
    assert team_account.status == "active"
    assert as_user(collector).post(f"{PLANS}{plan['id']}/cancel/", {"reason": "again"},
                                   format="json").status_code == 409
