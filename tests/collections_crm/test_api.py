"""The users and teams endpoints are scoped: another team's records answer 404, as if they did not exist."""

import re

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(collector, teammate, manager, outsider, other_manager, admin_user, agency_user):
    return None


def usernames(response):
    return sorted(user["username"] for user in response.json()["results"])


@pytest.mark.parametrize("persona", ["collector", "manager"])
def test_team_members_list_only_their_team(request, everyone, api_client, persona):
    api_client.force_authenticate(request.getfixturevalue(persona))
    assert usernames(api_client.get("/api/v1/users/")) == ["alice", "ann", "bob"]


@pytest.mark.parametrize("persona", ["collector", "manager", "agency_user"])
def test_another_teams_user_and_team_are_not_found(request, everyone, api_client, outsider, other_team, persona):
    api_client.force_authenticate(request.getfixturevalue(persona))
    assert api_client.get(f"/api/v1/users/{outsider.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/teams/{other_team.pk}/").status_code == 404


def test_admin_reaches_every_team(everyone, api_client, admin_user, outsider, other_team):
    api_client.force_authenticate(admin_user)
    assert api_client.get(f"/api/v1/users/{outsider.pk}/").json()["username"] == "charlie"
    teams = api_client.get("/api/v1/teams/").json()
    assert [team["name"] for team in teams["results"]] == ["East", "West"]
    assert teams["results"][0]["member_count"] == 3


def test_agency_user_sees_only_their_agency(everyone, api_client, agency_user):
    api_client.force_authenticate(agency_user)
    assert usernames(api_client.get("/api/v1/users/")) == ["nora"]
    assert api_client.get("/api/v1/teams/").json()["count"] == 0


def test_lists_are_paginated_filtered_and_ordered(everyone, api_client, admin_user):
    api_client.force_authenticate(admin_user)
    page = api_client.get("/api/v1/users/", {"page_size": 2, "ordering": "-username"}).json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 7
    assert [user["username"] for user in page["results"]] == ["nora", "dora"]
    assert usernames(api_client.get("/api/v1/users/", {"role": "manager"})) == ["bob", "dora"]


def test_unknown_filter_value_is_a_400_naming_the_field(everyone, api_client, admin_user):
    api_client.force_authenticate(admin_user)
    response = api_client.get("/api/v1/users/", {"role": "overlord"})
    assert response.status_code == 400
    assert "role" in response.json()


def test_filtering_by_another_teams_id_reveals_nothing(everyone, api_client, collector, other_team):
    api_client.force_authenticate(collector)
    another_team = api_client.get("/api/v1/users/", {"team": other_team.pk})
    no_such_team = api_client.get("/api/v1/users/", {"team": 999999})
    assert another_team.status_code == no_such_team.status_code == 400
    assert another_team.json() == no_such_team.json()


def test_users_endpoint_is_read_only(everyone, api_client, admin_user, collector):
    api_client.force_authenticate(admin_user)
    assert api_client.post("/api/v1/users/", {"username": "x"}).status_code == 405
    assert api_client.patch(f"/api/v1/users/{collector.pk}/", {"role": "admin"}).status_code == 405


def test_user_list_queries_do_not_grow(everyone, api_client, admin_user, team, django_assert_num_queries):
    api_client.force_authenticate(admin_user)
    UserFactory.create_batch(10, team=team)
    # savepoint and release (the request's transaction), count, one page of users with their teams
    with django_assert_num_queries(4):
        api_client.get("/api/v1/users/")


def test_openapi_schema_and_docs(everyone, client, collector):
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(collector)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/auth/token/" in text
    assert "/api/v1/users/" in text
    docs = client.get("/api/docs/").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert not re.search(r'(?:src|href)="(?:https?:)?//', docs), "the docs load nothing from another site"


def test_the_openapi_schema_is_valid_and_complete():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
