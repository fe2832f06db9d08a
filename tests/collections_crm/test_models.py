"""Database constraints keep users, teams and authority limits consistent whatever code writes them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from collections_crm.models import Team, User
from collections_crm.roles import Role
from collections_crm.selectors import authority_limit_for
from tests.factories import AgencyFactory, AuthorityLimitFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(**fields)


def test_agency_users_need_an_agency_and_no_team():
    assert_refused(role=Role.AGENCY, team=None, agency=None)
    assert_refused(role=Role.AGENCY, team=TeamFactory(), agency=AgencyFactory())


def test_only_agency_users_belong_to_an_agency():
    assert_refused(role=Role.COLLECTOR, agency=AgencyFactory())


def test_a_superuser_is_always_an_admin():
    assert_refused(role=Role.COLLECTOR, is_superuser=True)
    superuser = User.objects.create_superuser("root", "root@example.com", "a-long-password-1")
    assert superuser.role == Role.ADMIN


def test_unknown_role_is_refused():
    assert_refused(role="supervisor")


def test_usernames_and_team_names_are_unique_ignoring_case():
    UserFactory(username="Alice")
    assert_refused(username="alice")
    TeamFactory(name="Recoveries")
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(name="RECOVERIES")


def test_team_managers_are_its_active_manager_members(team, manager, collector):
    UserFactory(team=team, manager=True, is_active=False)
    assert list(team.managers) == [manager]


@pytest.mark.parametrize("fields", [
    {"max_discount_pct": Decimal("100.01")},
    {"max_discount_pct": Decimal("-1")},
    {"max_installments": 0},
    {"max_plan_months": 0},
    {"min_installment_amount": Decimal("-0.01")},
])
def test_authority_limits_refuse_impossible_values(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorityLimitFactory(**fields)


def test_one_authority_limit_per_role_team_and_currency(team):
    AuthorityLimitFactory(role=Role.COLLECTOR, currency="USD")
    AuthorityLimitFactory(role=Role.COLLECTOR, currency="USD", team=team)
    for duplicate in ({"team": None}, {"team": team}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AuthorityLimitFactory(role=Role.COLLECTOR, currency="USD", **duplicate)


def test_a_team_limit_overrides_the_role_limit(collector, outsider):
    role_wide = AuthorityLimitFactory(role=Role.COLLECTOR, currency="USD", max_discount_pct=Decimal("15"))
    team_specific = AuthorityLimitFactory(role=Role.COLLECTOR, currency="USD", team=collector.team,
                                          max_discount_pct=Decimal("20"))
    assert authority_limit_for(user=collector, currency="USD") == team_specific
    assert authority_limit_for(user=outsider, currency="USD") == role_wide
    assert authority_limit_for(user=collector, currency="GBP") is None
