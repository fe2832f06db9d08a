"""Personas shared by the suite (a collector, her manager, people of another team and of an agency) and an
account of each team."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests.factories import AccountFactory, ContactPointFactory, CreditorFactory, TeamFactory, UserFactory


@pytest.fixture
def team(db):
    return TeamFactory(name="East")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="West")


@pytest.fixture
def collector(team):
    return UserFactory(username="alice", team=team)


@pytest.fixture
def teammate(team):
    return UserFactory(username="ann", team=team)


@pytest.fixture
def manager(team):
    return UserFactory(username="bob", team=team, manager=True)


@pytest.fixture
def outsider(other_team):
    """A collector of another team: must never reach the first team's records."""
    return UserFactory(username="charlie", team=other_team)


@pytest.fixture
def other_manager(other_team):
    return UserFactory(username="dora", team=other_team, manager=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", first_name="Ada", last_name="Admin", admin=True)


@pytest.fixture
def agency_user(db):
    return UserFactory(username="nora", agency_user=True)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def as_user(api_client):
    """Authenticate the API client as a user and return it."""

    def _as(user):
        api_client.force_authenticate(user)
        return api_client

    return _as


@pytest.fixture
def login(client):
    """Log the test client in as a user and return it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def creditor(db):
    return CreditorFactory(name="Acme Bank", code="acme", currency="USD")


@pytest.fixture
def team_account(team, collector, creditor, admin_user):
    """An account of the first team, assigned to the collector."""
    account = AccountFactory(creditor=creditor, assigned_to=collector, reference="ACME-00012345",
                             original_balance=Decimal("1200.00"), debtor__first_name="Maria",
                             debtor__last_name="Gonzalez")
    ContactPointFactory(debtor=account.debtor, value="+12125550147", is_primary=True)
    ContactPointFactory(debtor=account.debtor, kind="email", value="maria.gonzalez@example.com", phone_type="")
    return account


@pytest.fixture
def other_team_account(other_team, outsider, creditor, admin_user):
    return AccountFactory(creditor=creditor, assigned_to=outsider, reference="ACME-00099999",
                          debtor__last_name="Other")


@pytest.fixture(autouse=True)
def _shipped_data(request):
    """A transactional test (browser tests, a real worker) starts from a database that an earlier one emptied,
    rows loaded by migrations included: put back the compliance packs and built-in reminders the product ships
    with."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        from communications.builtin_reminders import load_builtin_reminders
        from communications.models import Cadence, CadenceStep, MessageTemplate
        from compliance.default_packs import load_default_packs
        from compliance.models import Rule, RulePack

        request.getfixturevalue("transactional_db")
        load_default_packs(RulePack, Rule)
        load_builtin_reminders(MessageTemplate, Cadence, CadenceStep)
