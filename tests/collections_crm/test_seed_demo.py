"""seed_demo builds the demo organisation, prints working logins, and changes nothing when run again."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from agencies.models import Agency
from collections_crm.demo import DEMO_PASSWORD
from collections_crm.models import AuthorityLimit, Team, User
from collections_crm.roles import Role
from communications.models import Interaction, MessageTemplate, OutboundMessage
from compliance.models import Dispute, Hold, ValidationNotice
from debtors.models import Account, ContactPoint, Payment
from payment_plans.models import PaymentPlan, PromiseToPay

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", "--accounts-per-team", "12", stdout=out)
    return out.getvalue()


def snapshot():
    return (
        sorted(User.objects.values_list("username", "role", "team__name", "agency__code", "password"), key=str),
        sorted(Team.objects.values_list("name", "timezone")),
        sorted(AuthorityLimit.objects.values_list("role", "team__name", "currency", "max_discount_pct"), key=str),
        Agency.objects.count(),
        sorted(Account.objects.values_list("reference", "balance", "status")),
        Payment.objects.count(),
        Interaction.objects.count(), ValidationNotice.objects.count(), Hold.objects.count(), Dispute.objects.count(),
        sorted(PaymentPlan.objects.values_list("status", flat=True)),
        sorted(MessageTemplate.objects.values_list("code", "status")), OutboundMessage.objects.count(),
    )


def test_every_role_gets_a_login_that_works(client):
    output = seed()
    assert f"password for all of them: {DEMO_PASSWORD}" in output
    for role in Role:
        user = User.objects.filter(role=role).first()
        assert user is not None, role
        assert user.username in output
        response = client.post(reverse("login"), {"username": user.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, user.username
    assert Team.objects.count() >= 2
    for team in Team.objects.all():
        assert team.managers.exists()
        assert team.members.filter(role=Role.COLLECTOR).count() >= 2


def test_running_it_again_changes_nothing():
    seed()
    before = snapshot()
    seed()
    assert snapshot() == before


def test_demo_accounts_have_balanced_ledgers_and_spread_over_the_teams():
    seed()
    assert Account.objects.count() == 12 * Team.objects.count()
    for account in Account.objects.all():
        assert account.balance == sum(account.transactions.values_list("amount", flat=True), Decimal("0"))
    assert Payment.objects.exists()
    assert ContactPoint.objects.filter(kind="phone").count() == Account.objects.count()
    for team in Team.objects.all():
        assert team.accounts.filter(assigned_to__isnull=False).exists()


def test_demo_plans_and_promises_come_in_every_state():
    seed()
    assert set(PaymentPlan.objects.values_list("status", flat=True)) >= {
        "active", "pending_approval", "rejected", "completed", "cancelled", "broken"}
    assert set(PromiseToPay.objects.values_list("status", flat=True)) == {"pending", "kept", "broken"}
    assert Account.objects.filter(status="settled").exists()


def test_demo_accounts_have_a_contact_history_and_validation_notices():
    seed()
    assert Interaction.objects.filter(outcome="right_party_contact").exists()
    assert ValidationNotice.objects.count() > Account.objects.count() // 2


def test_demo_templates_are_approved_by_the_second_admin_and_the_outbox_is_planned():
    seed()
    reviewer = User.objects.get(username="compliance-admin")
    approved = MessageTemplate.objects.filter(status="approved")
    assert set(approved.values_list("approved_by", flat=True)) == {reviewer.pk}
    assert approved.filter(code="reminder-installment-soon").exists()  # a built-in reminder, approved for the demo
    assert MessageTemplate.objects.get(code="final-notice-letter").status == "draft"  # one left to try approving
    assert OutboundMessage.objects.filter(template__code="welcome-email").exists()
    assert ContactPoint.objects.filter(kind="address").count() == Account.objects.count()


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
