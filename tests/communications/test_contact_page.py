"""Logging a contact from the account page: the verdict for now is shown first; a permitted call is logged with
its callback in the debtor's time; a blocked attempt is refused for a collector and goes ahead for a manager
only with an audited override reason."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from communications.models import Interaction
from compliance.models import AuditEvent, Dispute
from compliance.services import hold_place
from payment_plans.models import PaymentPlan, PromiseToPay
from tests.factories import AuthorityLimitFactory, ContactPointFactory

pytestmark = pytest.mark.django_db


def url(account):
    return reverse("communications:contact_new", args=[account.pk])


@pytest.fixture(autouse=True)
def _mid_afternoon_for_the_debtor(team_account):
    """Put the debtor in a zone where it is 15:00-ish now, so contact hours never decide these tests."""
    offset = (15 - timezone.now().hour) % 24  # hours ahead of UTC
    debtor = team_account.debtor
    debtor.timezone = f"Etc/GMT-{offset}" if offset <= 12 else f"Etc/GMT+{24 - offset}"  # Etc signs are inverted
    debtor.save()


def test_the_page_shows_the_verdict_for_now(login, collector, team_account):
    page = login(collector).get(url(team_account)).content.decode()
    assert "May we contact them now?" in page
    assert "Log it" in page


def test_a_call_is_logged_with_its_callback_in_the_debtors_time(login, collector, team_account):
    zone = ZoneInfo(team_account.debtor.timezone)
    callback = (timezone.now() + timedelta(days=2)).astimezone(zone).replace(hour=10, minute=30, second=0,
                                                                             microsecond=0)
    response = login(collector).post(url(team_account), {
        "channel": "call", "outcome": "callback_requested", "notes": "Call back Thursday", "duration_minutes": "4",
        "next_step": "callback", "callback_at": callback.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302, response.content.decode()[-2000:]
    interaction = Interaction.objects.get()
    assert (interaction.outcome, interaction.duration_seconds, interaction.user) == ("callback_requested", 240,
                                                                                     collector)
    team_account.refresh_from_db()
    assert team_account.next_action_at == callback
    assert team_account.last_contact_at is not None


def test_a_blocked_call_is_refused_for_a_collector_and_overridden_by_a_manager_with_a_reason(
        login, collector, manager, admin_user, team_account):
    hold_place(actor=admin_user, account=team_account, kind="cease_communication",
               starts_at=timezone.now() - timedelta(days=1))
    refused = login(collector).post(url(team_account), {"channel": "call", "outcome": "no_answer"})
    assert refused.status_code == 200
    assert "A manager may override this with a reason." in refused.content.decode()
    assert not Interaction.objects.exists()
    manager_client = login(manager)
    assert "give the reason for overriding" in manager_client.post(url(team_account), {
        "channel": "call", "outcome": "no_answer"}).content.decode()
    done = manager_client.post(url(team_account), {"channel": "call", "outcome": "right_party_contact",
                                                   "override_reason": "Debtor called us and asked for a callback"})
    assert done.status_code == 302
    override = AuditEvent.objects.get(action="compliance.override")
    assert (override.actor, override.data["reason"]) == (manager, "Debtor called us and asked for a callback")
    assert Interaction.objects.count() == 1


def test_a_note_is_never_checked(login, collector, admin_user, team_account):
    hold_place(actor=admin_user, account=team_account, kind="deceased", starts_at=timezone.now() - timedelta(days=1))
    assert login(collector).post(url(team_account), {"channel": "note", "notes": "Executor's letter received"})\
        .status_code == 302


def test_another_teams_account_is_not_found(login, outsider, team_account):
    assert login(outsider).get(url(team_account)).status_code == 404


def test_a_callback_in_the_past_is_refused(login, collector, team_account):
    response = login(collector).post(url(team_account), {"channel": "note", "notes": "x",
                                                         "callback_at": "2020-01-01T10:00"})
    assert "A callback is in the future, within a year." in response.content.decode()


def test_a_promise_agreed_on_the_call_is_logged_with_it_in_one_go(login, collector, team_account):
    promised_on = timezone.localdate() + timedelta(days=7)
    response = login(collector).post(url(team_account), {
        "channel": "call", "next_step": "promise", "promise_amount": "120.00",
        "promise_promised_on": promised_on.isoformat(), "notes": "Will pay from next wage"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Interaction.objects.get().outcome == "promise_to_pay"  # implied by the next step
    promise = PromiseToPay.objects.get(account=team_account)
    assert (promise.amount, promise.promised_on) == (Decimal("120.00"), promised_on)
    team_account.refresh_from_db()
    assert team_account.status == "promise"


def test_a_refused_promise_leaves_nothing_half_written_and_names_the_field(login, collector, team_account):
    response = login(collector).post(url(team_account), {
        "channel": "call", "outcome": "right_party_contact", "next_step": "promise",
        "promise_amount": str(team_account.balance + 1), "promise_promised_on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert "more than the balance" in response.context["form"].errors["promise_amount"][0]
    assert not Interaction.objects.exists()
    assert not PromiseToPay.objects.exists()


def test_a_next_step_needs_its_details_and_a_debtor_reached(login, collector, team_account):
    client = login(collector)
    missing = client.post(url(team_account), {"channel": "call", "next_step": "plan", "plan_frequency": "monthly"})
    assert set(missing.context["form"].errors) == {"plan_installment_count", "plan_start_on"}
    unreached = client.post(url(team_account), {"channel": "call", "outcome": "no_answer", "next_step": "dispute",
                                                "dispute_reason": "Not my debt"})
    assert "where you reached them" in unreached.context["form"].errors["outcome"][0]
    assert not Interaction.objects.exists()


def test_a_plan_agreed_on_the_call_spreads_the_balance(login, manager, team_account):
    AuthorityLimitFactory(role="manager", max_installments=24, max_plan_months=24)
    start_on = timezone.localdate() + timedelta(days=10)
    response = login(manager).post(url(team_account), {
        "channel": "call", "outcome": "right_party_contact", "next_step": "plan", "plan_installment_count": "4",
        "plan_frequency": "monthly", "plan_start_on": start_on.isoformat()})
    assert response.status_code == 302, response.content.decode()[-2000:]
    plan = PaymentPlan.objects.get(account=team_account)
    assert (plan.total_amount, plan.installment_count, plan.start_on) == (team_account.balance, 4, start_on)
    assert sum(plan.installments.values_list("amount", flat=True)) == team_account.balance


def test_a_dispute_raised_on_the_call_marks_the_account_disputed(login, collector, team_account):
    response = login(collector).post(url(team_account), {
        "channel": "call", "next_step": "dispute", "dispute_reason": "Says the debt was paid in 2023"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    dispute = Dispute.objects.get(account=team_account)
    assert dispute.reason == "Says the debt was paid in 2023"
    assert Interaction.objects.get().outcome == "dispute_raised"
    team_account.refresh_from_db()
    assert team_account.status == "disputed"


def test_a_callback_years_away_is_a_form_error_not_a_broken_account(login, collector, team_account):
    response = login(collector).post(url(team_account), {"channel": "call", "outcome": "callback_requested",
                                                         "next_step": "callback", "callback_at": "9999-12-31T23:30"})
    assert response.status_code == 200
    assert "between 1900 and 2099" in response.context["form"].errors["callback_at"][0]
    far = login(collector).post(url(team_account), {"channel": "call", "outcome": "callback_requested",
                                                    "next_step": "callback", "callback_at": "2090-01-01T10:00"})
    assert "within a year" in far.context["form"].errors["callback_at"][0]
    assert login(collector).get(reverse("debtors:account_detail", args=[team_account.pk])).status_code == 200


def test_a_refused_attempt_stays_in_the_audit_log(login, collector, admin_user, team_account):
    hold_place(actor=admin_user, account=team_account, kind="cease_communication",
               starts_at=timezone.now() - timedelta(days=1))
    login(collector).post(url(team_account), {"channel": "call", "outcome": "no_answer"})
    refusal = AuditEvent.objects.get(action="compliance.check_blocked")
    assert (refusal.actor, refusal.data["channel"]) == (collector, "call")
    assert not Interaction.objects.exists()


def test_the_contact_point_used_is_of_the_channels_kind_and_the_primary_one_is_recorded(
        login, collector, team_account):
    email = ContactPointFactory(debtor=team_account.debtor, kind="email", value="maria@example.com", phone_type="")
    client = login(collector)
    wrong = client.post(url(team_account), {"channel": "call", "outcome": "no_answer", "contact_point": email.pk})
    assert "goes to a phone" in wrong.context["form"].errors["contact_point"][0]
    assert client.post(url(team_account), {"channel": "call", "outcome": "no_answer"}).status_code == 302
    assert Interaction.objects.get().contact_point == team_account.debtor.contact_points.get(kind="phone")


def test_a_promise_amount_with_too_many_digits_says_only_that(login, collector, team_account):
    response = login(collector).post(url(team_account), {
        "channel": "call", "next_step": "promise", "promise_amount": "1234567890123456",
        "promise_promised_on": timezone.localdate().isoformat()})
    assert len(response.context["form"].errors["promise_amount"]) == 1


def test_a_call_logged_after_the_window_closed_is_checked_as_of_when_it_happened(login, collector, team_account):
    offset = (21 - timezone.now().hour) % 24  # the debtor's clock says 21:xx now: calls stopped at 21:00
    team_account.debtor.timezone = f"Etc/GMT-{offset}" if offset <= 12 else f"Etc/GMT+{24 - offset}"
    team_account.debtor.save()
    client = login(collector)
    now_refused = client.post(url(team_account), {"channel": "call", "outcome": "no_answer"})
    assert "contact is allowed from 08:00 to 21:00" in now_refused.context["form"].errors["channel"][0]
    local_now = timezone.now().astimezone(ZoneInfo(team_account.debtor.timezone))
    logged = client.post(url(team_account), {"channel": "call", "outcome": "no_answer",
                                             "occurred_at": local_now.strftime("%Y-%m-%dT20:59")})
    assert logged.status_code == 302
    assert Interaction.objects.get().occurred_at == local_now.replace(hour=20, minute=59, second=0, microsecond=0)
