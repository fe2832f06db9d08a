"""The plan pages: the builder and its live preview, proposing within and beyond authority, the approval queue and
its count in the navigation, approving and rejecting with a note, cancelling, promises, and scoping."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collections_crm.models import AuthorityLimit
from collections_crm.roles import Role
from payment_plans.models import PaymentPlan, PromiseToPay
from payment_plans.services import plan_approve, plan_break, plan_defer, plan_propose
from tests.factories import AccountFactory, DebtorFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()
START = TODAY + timedelta(days=3)


@pytest.fixture
def limits(db):
    """Collectors may give 10% off, 6 installments over 6 months, of at least 50 USD each."""
    return AuthorityLimit.objects.create(role=Role.COLLECTOR, currency="USD", max_discount_pct=Decimal("10"),
                                         max_installments=6, max_plan_months=6, min_installment_amount=Decimal("50"))


def builder_url(account) -> str:
    return reverse("payment_plans:plan_new", args=[account.pk])


def account_url(account) -> str:
    return reverse("debtors:account_detail", args=[account.pk])


def plan_url(plan, name: str = "plan_detail") -> str:
    return reverse(f"payment_plans:{name}", args=[plan.pk])


def terms(**changes) -> dict:
    return {"kind": "installments", "total_amount": "", "discount_amount": "", "down_payment": "",
            "frequency": "monthly", "start_on": str(START), "installment_count": "6", "installment_amount": "",
            **changes}


def preview(client, account, **changes):
    response = client.get(builder_url(account), terms(**changes), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def nav_labels(response) -> list[str]:
    return [item["label"] for item in response.context["nav_items"]]


def propose(account, actor, count: int = 12) -> PaymentPlan:
    return plan_propose(actor=actor, account=account, kind="installments", total_amount=account.balance,
                        frequency="monthly", start_on=START, installment_count=count)


# The builder and its live preview

def test_the_builder_page_has_labelled_terms_and_says_what_the_preview_does(login, collector, team_account,
                                                                           limits):
    page = login(collector).get(builder_url(team_account)).content.decode()
    for label in ("Kind of plan", "Total to pay (USD)", "Discount (USD)", "Down payment (USD)", "Frequency",
                  "Starts on", "Number of installments", "Or the amount of each (USD)"):
        assert f">{label}</label>" in page, label
    assert "Leave empty for the balance of 1,200.00 USD" in page
    assert 'hx-get="/accounts/' in page
    assert 'hx-target="#plan-preview"' in page
    assert 'hx-params="not csrfmiddlewaretoken"' in page
    assert "the installments appear here as you type" in page
    assert "Up to 10% discount, 6 installments over 6 months, each of at least 50.00 USD" in page


def test_htmx_gets_the_schedule_alone_as_the_collector_types(login, collector, team_account, limits):
    response = login(collector).get(builder_url(team_account), terms(), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert response["Vary"].count("HX-Request") == 1
    assert page.count(">200.00 USD</td>") == 6
    assert f"6, monthly, from {START:%Y-%m-%d} to" in page
    assert "Within your authority" in page
    # the one-line summary screen readers hear, swapped in beside the preview
    assert 'id="preview-summary" hx-swap-oob="innerHTML"' in page
    assert "6 payments totalling 1,200.00 USD; within your authority." in page
    assert not PaymentPlan.objects.exists()


def test_the_preview_says_why_a_manager_must_approve(login, collector, team_account, limits):
    page = preview(login(collector), team_account, installment_count="12")
    assert "Needs a manager's approval" in page
    assert "12 installments are more than the 6 you may agree." in page
    assert "12 months are longer than the 6 you may agree." in page  # counted from today, not the first due date


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"installment_count": "0"}, "installment_count", "Ensure this value is greater than or equal to 1."),
    ({"down_payment": "10.005"}, "down_payment", "Ensure that there are no more than 2 decimal places."),
    ({"start_on": str(TODAY - timedelta(days=1))}, "start_on", "A plan cannot start in the past."),
    ({"total_amount": "5000"}, "total_amount", "The total is more than the balance of 1200.00 USD."),
    ({"installment_amount": "100"}, "installment_amount", "Give the number of installments or the amount of each"),
    ({"installment_count": ""}, "installment_count", "Give the number of installments or the amount of each."),
    ({"discount_amount": "100"}, "discount_amount", "Only a settlement forgives part of the balance."),
    ({"kind": "settlement"}, "discount_amount", "A settlement forgives part of the balance: give the discount."),
])
def test_the_preview_names_the_field_at_fault(login, collector, team_account, changes, field, message):
    page = preview(login(collector), team_account, **changes)
    assert "The schedule cannot be built from these terms yet" in page
    assert f'href="#id_{field}">' in page
    assert message in page
    assert "The schedule cannot be built yet: 1 problem." in page


def test_a_settlement_takes_the_total_or_the_discount_and_a_lump_sum_is_one_payment(login, collector,
                                                                                     team_account, limits):
    client = login(collector)
    page = preview(client, team_account, kind="settlement", discount_amount="200", installment_count="4")
    assert "1,000.00 USD" in page
    assert "200.00 USD (16.67% of the balance)" in page
    assert "A 16.67% discount is more than the 10.00% you may give." in page
    page = preview(client, team_account, kind="settlement_lump_sum", total_amount="1100", installment_count="")
    assert "100.00 USD (8.33% of the balance)" in page
    assert page.count(">1,100.00 USD</td>") == 2  # the one payment and the total
    assert f"1, on {START:%Y-%m-%d}" in page
    assert "Within your authority" in page


def test_the_affordability_hint_compares_installments_with_what_is_left_after_expenses(login, collector, creditor):
    debtor = DebtorFactory(monthly_income=Decimal("2000.00"), monthly_expenses=Decimal("1500.00"),
                           income_currency="USD")
    account = AccountFactory(debtor=debtor, creditor=creditor, assigned_to=collector, original_balance=Decimal("1200"))
    client = login(collector)
    page = preview(client, account, installment_count="6")
    assert "Fits their budget" in page
    assert "About 200.00 USD a month: 40% of the 500.00 USD the debtor has left each month after expenses." in page
    page = preview(client, account, installment_count="2")
    assert "Beyond their budget" in page
    assert "About 600.00 USD a month: more than the 500.00 USD" in page
    page = preview(client, account, frequency="weekly", installment_count="12")  # 100 a week is 433.33 a month
    assert "About 433.33 USD a month: 87% of the 500.00 USD" in page


def test_without_income_and_expenses_the_hint_asks_for_them(login, collector, team_account):
    page = preview(login(collector), team_account)
    assert "Fits their budget" not in page
    assert "Beyond their budget" not in page
    assert "record the debtor's monthly income and expenses</a>" in page


# Proposing

def test_a_plan_within_authority_is_active_at_once(login, collector, team_account, limits):
    client = login(collector)
    response = client.post(builder_url(team_account), terms())
    assert response.status_code == 302
    assert response["Location"] == account_url(team_account)
    plan = PaymentPlan.objects.get()
    assert (plan.status, plan.total_amount, plan.installment_count, plan.proposed_by) == (
        "active", Decimal("1200.00"), 6, collector)
    team_account.refresh_from_db()
    assert team_account.status == "plan"
    page = client.get(account_url(team_account)).content.decode()
    assert "Plan active: the account is on a plan now." in page
    assert "Installments plan of 1,200.00 USD" in page
    assert "Plan proposed: active at once" in page  # the timeline
    assert ">Build a plan</a>" not in page  # one plan at a time: cancel this one first
    assert ">Cancel plan</a>" in page


def test_a_refused_proposal_is_explained_on_the_form_and_saves_nothing(login, collector, team_account):
    response = login(collector).post(builder_url(team_account), terms(start_on=str(TODAY - timedelta(days=2))))
    page = response.content.decode()
    assert response.status_code == 200
    assert "A plan cannot start in the past." in page
    assert 'aria-invalid="true"' in page
    assert not PaymentPlan.objects.exists()


def test_beyond_authority_the_plan_waits_in_the_managers_queue_with_the_reasons(login, client, collector, manager,
                                                                                team_account, limits):
    response = login(collector).post(builder_url(team_account), terms(installment_count="12"))
    assert response["Location"] == account_url(team_account)
    plan = PaymentPlan.objects.get()
    assert plan.status == "pending_approval"
    page = client.get(account_url(team_account)).content.decode()
    assert "it waits for a manager&#x27;s approval" in page
    assert "Waiting for a manager's approval" in page
    assert "12 installments are more than the 6 you may agree." in page
    assert "Approvals" not in nav_labels(client.get(account_url(team_account)))

    client = login(manager)
    response = client.get(reverse("payment_plans:approval_queue"))
    page = response.content.decode()
    assert "Maria Gonzalez: installments plan of 1,200.00 USD" in page
    assert "12 installments are more than the 6 you may agree." in page
    assert f'href="{plan_url(plan)}"' in page
    item = next(item for item in response.context["nav_items"] if item["count"] is not None)
    assert item["count"] == 1
    badge = '<span class="badge rounded-pill text-bg-warning">1<span class="visually-hidden"> waiting</span></span>'
    assert f"Approvals&nbsp;{badge}</a>" in page


def test_htmx_fragments_do_not_count_the_approvals(login, manager, team_account):
    client = login(manager)
    with CaptureQueriesContext(connection) as queries:
        preview(client, team_account)
    assert not [query for query in queries if "payment_plans_paymentplan" in query["sql"]]


# Deciding

def test_the_manager_approves_with_a_note_and_the_collector_sees_it_on_the_account(login, collector, manager,
                                                                                   team_account):
    plan = propose(team_account, collector)  # no limits for collectors: every plan waits
    client = login(manager)
    page = client.get(plan_url(plan)).content.decode()
    assert "Your decision" in page
    assert "No authority limits are set for your role in USD" in page
    assert page.count(">100.00 USD</td>") == 12
    response = client.post(plan_url(plan, "plan_decide"), {"decision": "approve", "note": "Income verified."})
    assert response["Location"] == reverse("payment_plans:approval_queue")
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by, plan.decision_note) == ("active", manager, "Income verified.")
    team_account.refresh_from_db()
    assert team_account.status == "plan"
    page = client.get(response["Location"]).content.decode()
    assert "Plan active: the account is on a plan now." in page
    assert "Nothing waits for your approval" in page

    page = login(collector).get(account_url(team_account)).content.decode()
    assert "Plan approved" in page
    assert "Income verified." in page
    assert f"approved by {manager}" in page


def test_the_manager_rejects_with_a_note_that_is_required(login, collector, manager, team_account):
    plan = propose(team_account, collector)
    client = login(manager)
    page = client.post(plan_url(plan, "plan_decide"), {"decision": "reject", "note": " "}).content.decode()
    assert "Say why the plan is rejected" in page
    plan.refresh_from_db()
    assert plan.status == "pending_approval"
    client.post(plan_url(plan, "plan_decide"), {"decision": "reject", "note": "Ask for a down payment first."})
    plan.refresh_from_db()
    assert (plan.status, plan.decision_note) == ("rejected", "Ask for a down payment first.")
    page = login(collector).get(account_url(team_account)).content.decode()
    assert "Plan rejected" in page
    assert "Ask for a down payment first." in page
    assert ">Build a plan</a>" in page  # propose another


def test_nobody_approves_their_own_proposal(login, manager, team, team_account):
    AuthorityLimit.objects.create(role=Role.MANAGER, currency="USD", max_discount_pct=Decimal("20"),
                                  max_installments=6, max_plan_months=12, min_installment_amount=Decimal("10"))
    plan = propose(team_account, manager)
    assert plan.status == "pending_approval"
    client = login(manager)
    assert plan.pk not in [row.pk for row in client.get(reverse("payment_plans:approval_queue")).context["page"]]
    page = client.get(plan_url(plan)).content.decode()
    assert "Your decision" not in page
    assert "You proposed this plan: another manager of the team, or an admin, decides on it." in page
    assert client.post(plan_url(plan, "plan_decide"), {"decision": "approve"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == "pending_approval"

    second_manager = UserFactory(team=team, manager=True)
    assert "Your decision" in login(second_manager).get(plan_url(plan)).content.decode()


def test_collectors_neither_decide_nor_see_the_queue(login, collector, teammate, team_account):
    plan = propose(team_account, teammate)
    client = login(collector)
    assert "Your decision" not in client.get(plan_url(plan)).content.decode()
    assert client.post(plan_url(plan, "plan_decide"), {"decision": "approve"}).status_code == 403
    assert client.get(reverse("payment_plans:approval_queue")).status_code == 403
    plan.refresh_from_db()
    assert plan.status == "pending_approval"


def test_a_decision_made_meanwhile_is_a_message_not_an_error(login, collector, manager, admin_user, team_account):
    plan = propose(team_account, collector)
    login(manager).post(plan_url(plan, "plan_decide"), {"decision": "approve"})
    client = login(admin_user)
    response = client.post(plan_url(plan, "plan_decide"), {"decision": "reject", "note": "Too long."})
    assert response["Location"] == plan_url(plan)
    assert "someone decided on it already" in client.get(plan_url(plan)).content.decode()
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == ("active", manager)


def test_the_timeline_tells_what_became_of_the_plan(login, collector, manager, team_account):
    plan = plan_approve(actor=manager, plan=propose(team_account, collector), note="")
    plan_defer(actor=manager, plan=plan, resume_on=START + timedelta(days=30), reason="Lost her job in May.")
    plan_break(plan_id=plan.pk)
    page = login(collector).get(account_url(team_account)).content.decode()
    assert "Plan deferred for hardship · 1,200.00 USD" in page
    assert f"Payments resume on {START + timedelta(days=30):%Y-%m-%d}. Lost her job in May." in page
    assert "Plan broken: an installment was missed" in page
    assert "Earlier plans" in page
    assert ">Broken</span>" in page


# Cancelling and promises

def test_a_plan_is_cancelled_with_a_reason(login, collector, team_account, limits):
    plan = propose(team_account, collector, count=6)
    client = login(collector)
    assert "This field is required" in client.post(plan_url(plan, "plan_cancel"), {}).content.decode()
    response = client.post(plan_url(plan, "plan_cancel"), {"reason": "The debtor lost their job."})
    assert response["Location"] == account_url(team_account)
    plan.refresh_from_db()
    team_account.refresh_from_db()
    assert (plan.status, team_account.status) == ("cancelled", "active")
    page = client.get(account_url(team_account)).content.decode()
    assert "Plan cancelled" in page
    assert "The debtor lost their job." in page
    assert ">Build a plan</a>" in page
    response = client.post(plan_url(plan, "plan_cancel"), {"reason": "Again"})
    assert response["Location"] == plan_url(plan)
    assert "This plan is no longer open." in client.get(plan_url(plan)).content.decode()


def test_a_promise_is_recorded_from_the_account_page(login, collector, team_account):
    client = login(collector)
    url = reverse("payment_plans:promise_new", args=[team_account.pk])
    assert 'href="' + url + '"' in client.get(account_url(team_account)).content.decode()
    page = client.post(url, {"amount": "5000", "promised_on": str(START)}).content.decode()
    assert "The promise is more than the balance of 1200.00 USD." in page
    response = client.post(url, {"amount": "150.00", "promised_on": str(START)})
    assert response["Location"] == account_url(team_account)
    promise = PromiseToPay.objects.get()
    assert (promise.amount, promise.promised_on, promise.created_by) == (Decimal("150.00"), START, collector)
    team_account.refresh_from_db()
    assert team_account.status == "promise"
    page = client.get(account_url(team_account)).content.decode()
    assert f"Promise of 150.00 USD by {START:%Y-%m-%d} recorded." in page
    assert f"150.00 USD by {START:%Y-%m-%d}" in page  # the panel
    assert "Promise to pay" in page  # the timeline


def test_empty_states_say_what_to_do_next(login, collector, manager, team_account):
    page = login(collector).get(account_url(team_account)).content.decode()
    assert "No plan in force. Use <strong>Build a plan</strong>" in page
    assert "No promises yet. Use <strong>Record promise</strong>" in page
    page = login(manager).get(reverse("payment_plans:approval_queue")).content.decode()
    assert "Nothing waits for your approval" in page


# Scoping and cost

@pytest.mark.parametrize("persona", ["outsider", "other_manager"])
def test_another_teams_account_and_plans_are_not_found(request, login, collector, team_account, persona):
    plan = propose(team_account, collector)
    client = login(request.getfixturevalue(persona))
    for url in (builder_url(team_account), reverse("payment_plans:promise_new", args=[team_account.pk]),
                plan_url(plan), plan_url(plan, "plan_cancel")):
        assert client.get(url).status_code == 404, url
    assert client.get(builder_url(team_account), terms(), HTTP_HX_REQUEST="true").status_code == 404
    assert client.post(builder_url(team_account), terms()).status_code == 404
    if persona == "other_manager":
        assert client.post(plan_url(plan, "plan_decide"), {"decision": "approve"}).status_code == 404
        assert client.get(reverse("payment_plans:approval_queue")).context["page"].paginator.count == 0
    assert PaymentPlan.objects.get().status == "pending_approval"
    assert not PromiseToPay.objects.exists()


def test_the_approval_queue_answers_in_a_fixed_number_of_queries(login, manager, team, creditor,
                                                                 django_assert_max_num_queries):
    client = login(manager)
    collectors = UserFactory.create_batch(3, team=team)
    for batch in (3, 12):
        for number in range(batch):
            propose(AccountFactory(creditor=creditor, assigned_to=collectors[number % 3]), collectors[number % 3])
        # session, user, savepoint, plans waiting (navigation), count, the page's plans with their accounts, debtors
        # and proposers, their installments, the manager's team (user menu), release savepoint
        with django_assert_max_num_queries(10):
            response = client.get(reverse("payment_plans:approval_queue"))
        assert len(response.context["page"]) == PaymentPlan.objects.count()
