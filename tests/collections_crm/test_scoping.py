"""visible_to() is the one place that decides what each role sees; anything a model does not grant is denied."""

import pytest
from django.http import Http404

from agencies.models import Agency
from collections_crm.models import Team, User
from collections_crm.scoping import get_visible_or_404
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(collector, teammate, manager, outsider, other_manager, admin_user, agency_user):
    return None


def usernames(queryset):
    return sorted(queryset.values_list("username", flat=True))


def test_admin_sees_every_user(everyone, admin_user):
    assert usernames(User.objects.visible_to(admin_user)) == sorted(User.objects.values_list("username", flat=True))


def test_manager_and_collector_see_their_own_team_only(everyone, manager, collector):
    assert usernames(User.objects.visible_to(manager)) == ["alice", "ann", "bob"]
    assert usernames(User.objects.visible_to(collector)) == ["alice", "ann", "bob"]


def test_agency_user_sees_only_their_agency(everyone, agency_user):
    colleague = UserFactory(agency_user=True, agency=agency_user.agency)
    assert usernames(User.objects.visible_to(agency_user)) == sorted([agency_user.username, colleague.username])
    assert list(Team.objects.visible_to(agency_user)) == []
    assert list(Agency.objects.visible_to(agency_user)) == [agency_user.agency]


def test_teams_are_scoped(everyone, collector, manager, admin_user, team, other_team):
    assert list(Team.objects.visible_to(collector)) == [team]
    assert list(Team.objects.visible_to(manager)) == [team]
    assert set(Team.objects.visible_to(admin_user)) == {team, other_team}


def test_a_role_a_model_does_not_grant_sees_nothing(everyone, collector, manager):
    assert list(Agency.objects.visible_to(collector)) == []
    assert list(Agency.objects.visible_to(manager)) == []


def test_deactivated_and_teamless_users_see_nothing(everyone, collector):
    collector.is_active = False
    assert list(User.objects.visible_to(collector)) == []
    teamless_manager = UserFactory(manager=True, team=None)
    assert list(User.objects.visible_to(teamless_manager)) == []
    teamless_collector = UserFactory(team=None)
    assert list(User.objects.visible_to(teamless_collector)) == [teamless_collector]


def test_out_of_scope_is_not_found(everyone, collector, outsider):
    assert get_visible_or_404(User.objects, collector, pk=collector.pk) == collector
    with pytest.raises(Http404):
        get_visible_or_404(User.objects, collector, pk=outsider.pk)
