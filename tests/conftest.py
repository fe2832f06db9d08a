"""Personas shared by the suite: a collector, her manager, and people of another team and of an agency."""

import pytest
from rest_framework.test import APIClient

from tests.factories import TeamFactory, UserFactory


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
def login(client):
    """Log the test client in as a user and return it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
