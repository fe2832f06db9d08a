"""After an account is opened: managers (re)assign it, staff correct its dates and segment, and its status moves
only as the status machine allows; through the page and the API alike."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from compliance.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_manager_reassigns_within_the_team(api_client, manager, collector, teammate, team_account):
    api_client.force_authenticate(manager)
    response = api_client.patch(f"/api/v1/accounts/{team_account.pk}/", {"assigned_to": teammate.pk})
    assert response.status_code == 200
    assert response.json()["assigned_to"] == teammate.pk
    event = AuditEvent.objects.get(action="account.assigned")
    assert event.data == {"assigned_to": [collector.pk, teammate.pk]}
    assert api_client.patch(f"/api/v1/accounts/{team_account.pk}/", {"assigned_to": None}).json()["assigned_to"] \
        is None


def test_assignees_come_from_the_accounts_team(api_client, manager, outsider, team_account, team):
    api_client.force_authenticate(manager)
    response = api_client.patch(f"/api/v1/accounts/{team_account.pk}/", {"assigned_to": outsider.pk})
    assert response.status_code == 400
    assert "assigned_to" in response.json()
    inactive = UserFactory(team=team, is_active=False)
    response = api_client.patch(f"/api/v1/accounts/{team_account.pk}/", {"assigned_to": inactive.pk})
    assert response.status_code == 400


def test_collectors_do_not_reassign(api_client, collector, teammate, team_account):
    api_client.force_authenticate(collector)
    response = api_client.patch(f"/api/v1/accounts/{team_account.pk}/", {"assigned_to": teammate.pk})
    assert response.status_code == 400
    assert response.json()["assigned_to"] == ["Only managers and admins assign accounts."]
    team_account.refresh_from_db()
    assert team_account.assigned_to == collector


def test_an_admin_moves_an_account_to_another_team(api_client, admin_user, team_account, other_team, outsider):
    api_client.force_authenticate(admin_user)
    response = api_client.patch(f"/api/v1/accounts/{team_account.pk}/", {"team": other_team.pk,
                                                                         "assigned_to": outsider.pk})
    assert response.status_code == 200
    assert (response.json()["team"], response.json()["assigned_to"]) == (other_team.pk, outsider.pk)


def test_status_changes_follow_the_status_machine(api_client, collector, team_account):
    api_client.force_authenticate(collector)
    url = f"/api/v1/accounts/{team_account.pk}/"
    assert api_client.patch(url, {"status": "disputed", "reason": "Debtor disputes"}).json()["status"] == "disputed"
    refused = api_client.patch(url, {"status": "new"})
    assert refused.status_code == 400
    assert refused.json()["status"][0].startswith("An account that is disputed cannot become new")
    by_hand = api_client.patch(url, {"status": "plan"})
    assert by_hand.json()["status"][0].startswith("On a plan and promise to pay follow from recording one")
    assert api_client.patch(url, {"status": "sleeping"}).status_code == 400
    team_account.refresh_from_db()
    assert team_account.status == "disputed"


def test_dates_are_corrected_but_money_is_not_patched(api_client, collector, team_account):
    api_client.force_authenticate(collector)
    url = f"/api/v1/accounts/{team_account.pk}/"
    since = date.today() - timedelta(days=200)
    response = api_client.patch(url, {"delinquent_since": str(since), "balance": "1.00"})
    assert response.status_code == 200
    assert (response.json()["delinquent_since"], response.json()["balance"]) == (str(since), "1200.00")
    future = api_client.patch(url, {"delinquent_since": str(date.today() + timedelta(days=1))})
    assert future.status_code == 400
    assert "delinquent_since" in future.json()


def test_another_teams_account_cannot_be_changed(api_client, manager, other_team_account):
    api_client.force_authenticate(manager)
    assert api_client.patch(f"/api/v1/accounts/{other_team_account.pk}/", {"status": "closed"}).status_code == 404
    other_team_account.refresh_from_db()
    assert other_team_account.status == "new"


def test_the_pages_change_status_assignee_and_dates(login, manager, teammate, team_account):
    client = login(manager)
    status_page = client.get(reverse("debtors:account_status", args=[team_account.pk])).content.decode()
    assert '<option value="disputed">Disputed</option>' in status_page
    assert 'value="new"' not in status_page
    client.post(reverse("debtors:account_status", args=[team_account.pk]), {"status": "active", "reason": "Worked"})
    client.post(reverse("debtors:account_assign", args=[team_account.pk]), {"assigned_to": teammate.pk})
    client.post(reverse("debtors:account_edit", args=[team_account.pk]), {"delinquent_since": "2025-01-31"})
    team_account.refresh_from_db()
    assert (team_account.status, team_account.assigned_to, str(team_account.delinquent_since)) == (
        "active", teammate, "2025-01-31")
    timeline = client.get(reverse("debtors:account_detail", args=[team_account.pk])).content.decode()
    assert "Account status changed" in timeline
    assert "Account assigned" in timeline


def test_collectors_cannot_open_the_assign_page(login, collector, team_account):
    assert login(collector).get(reverse("debtors:account_assign", args=[team_account.pk])).status_code == 403
