from decimal import Decimal

import pytest

from tests.factories import AccountFactory, ContactPointFactory, CreditorFactory


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
