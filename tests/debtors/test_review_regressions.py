"""Regressions found in review: a stale save must not undo a payment, statuses the ledger owns are not chosen by
hand, filters and query parameters never reveal or crash, and every read of a debtor is audited."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from collections_crm.errors import DomainError
from compliance.models import AuditEvent
from debtors.ledger import account_status_change, payment_record
from debtors.models import Account
from debtors.services import account_update
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def test_correcting_a_stale_account_keeps_a_payment_posted_meanwhile(collector, team_account):
    stale = Account.objects.get(pk=team_account.pk)
    payment_record(actor=collector, account=team_account, amount=Decimal("100.00"), method="card", received_on=TODAY)
    account_update(actor=collector, account=stale, delinquent_since=date(2025, 1, 1))
    team_account.refresh_from_db()
    assert team_account.balance == Decimal("1100.00")
    assert team_account.balance == sum(team_account.transactions.values_list("amount", flat=True))


@pytest.mark.parametrize("status", ["paid", "settled"])
def test_nobody_sets_paid_or_settled_by_hand(admin_user, team_account, status):
    with pytest.raises(DomainError, match="follow from the ledger"):
        account_status_change(actor=admin_user, account=team_account, status=status)


@pytest.mark.parametrize("status", ["closed", "written_off", "recalled"])
def test_only_managers_end_collection(collector, manager, team_account, status):
    with pytest.raises(DomainError, match="Only managers and admins"):
        account_status_change(actor=collector, account=team_account, status=status)
    assert account_status_change(actor=manager, account=team_account, status=status).status == status


def test_the_status_page_offers_only_what_the_role_may_choose(login, collector, team_account):
    page = login(collector).get(reverse("debtors:account_status", args=[team_account.pk])).content.decode()
    assert 'value="disputed"' in page
    for status in ("paid", "settled", "closed", "written_off"):
        assert f'value="{status}"' not in page


def test_a_collector_without_a_team_sees_only_their_own_accounts(admin_user, creditor):
    teamless = UserFactory(team=None)
    AccountFactory(creditor=creditor)  # an admin's account with no team and no collector
    assert list(Account.objects.visible_to(teamless)) == []


@pytest.mark.parametrize(("endpoint", "param", "record"), [
    ("transactions", "account", "account"), ("payments", "account", "account"),
    ("contact-points", "debtor", "debtor"),
])
def test_filtering_by_another_teams_id_reveals_nothing(api_client, collector, other_team_account, endpoint, param,
                                                       record):
    api_client.force_authenticate(collector)
    other_id = other_team_account.pk if record == "account" else other_team_account.debtor_id
    another = api_client.get(f"/api/v1/{endpoint}/", {param: other_id})
    unknown = api_client.get(f"/api/v1/{endpoint}/", {param: 999999})
    assert another.status_code == unknown.status_code == 400
    assert another.json()[param] == [message.replace("999999", str(other_id)) for message in unknown.json()[param]]


@pytest.mark.parametrize("params", [{"dpd_max": "1000000"}, {"dpd_min": "99999999"}])
def test_huge_days_past_due_are_a_400(api_client, login, manager, params):
    api_client.force_authenticate(manager)
    assert api_client.get("/api/v1/accounts/", params).status_code == 400
    assert "These filters are not valid" in login(manager).get(reverse("debtors:account_list"), params).content.decode()


def test_malformed_ids_in_the_query_string_are_not_found(login, collector, team_account):
    client = login(collector)
    assert client.get(f"{reverse('debtors:account_new')}?debtor=abc").status_code == 404
    assert client.get(f"{reverse('debtors:debtor_edit', args=[team_account.debtor_id])}?account=abc").status_code \
        == 404


def test_a_tampered_payment_form_key_is_refused_without_writing(login, collector, team_account):
    response = login(collector).post(reverse("debtors:payment_new", args=[team_account.pk]), {
        "amount": "10.00", "method": "card", "received_on": str(TODAY), "idempotency_key": "x" * 300})
    assert response.status_code == 200
    assert not team_account.payments.exists()


def test_a_lower_case_currency_is_the_same_currency(api_client, collector, team_account):
    api_client.force_authenticate(collector)
    response = api_client.post("/api/v1/payments/", {"account": team_account.pk, "amount": "10.00", "method": "card",
                                                     "received_on": str(TODAY), "currency": "usd"})
    assert response.status_code == 201, response.json()


def test_reading_a_debtor_through_the_api_is_audited(api_client, collector, team_account):
    api_client.force_authenticate(collector)
    api_client.get(f"/api/v1/debtors/{team_account.debtor_id}/")
    api_client.get(f"/api/v1/accounts/{team_account.pk}/")
    api_client.get("/api/v1/accounts/")  # lists are not views of one debtor
    assert AuditEvent.objects.filter(action="debtor.viewed", actor=collector,
                                     target_id=str(team_account.debtor_id)).count() == 2


def test_moving_an_account_to_another_team_returns_it_to_that_pool(api_client, admin_user, team_account, other_team):
    api_client.force_authenticate(admin_user)
    response = api_client.patch(f"/api/v1/accounts/{team_account.pk}/", {"team": other_team.pk})
    assert response.status_code == 200, response.json()
    assert (response.json()["team"], response.json()["assigned_to"]) == (other_team.pk, None)
