"""Admins manage teams, users, agencies and authority limits in the browser; every change is audited, bad input
is explained, and no other role can touch configuration."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from agencies.models import Agency
from collections_crm.models import AuthorityLimit, Team, User
from compliance.models import AuditEvent
from tests.factories import PASSWORD, AgencyFactory, AuthorityLimitFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-passphrase"


def events(action):
    return list(AuditEvent.objects.filter(action=action).values_list("actor__username", "target_repr", "data"))


@pytest.fixture
def admin_client(login, admin_user):
    return login(admin_user)


def test_admin_creates_a_team(admin_client):
    response = admin_client.post(reverse("team_new"), {"name": "North", "timezone": "America/Chicago"})
    assert response["Location"] == reverse("configuration")
    assert Team.objects.filter(name="North", timezone="America/Chicago").exists()
    assert events("team.created") == [("ada", "North", {"name": "North", "timezone": "America/Chicago"})]
    assert "Team North created." in admin_client.get(reverse("configuration")).content.decode()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "east", "timezone": "UTC"}, "__all__", "A team with this name already exists."),
    ({"name": "North", "timezone": "Mars/Olympus"}, "timezone", "Select a valid choice."),
    ({"name": "", "timezone": "UTC"}, "name", "This field is required."),
])
def test_bad_team_input_is_explained_and_nothing_is_written(admin_client, team, data, field, message):
    response = admin_client.post(reverse("team_new"), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert Team.objects.count() == 1
    assert not AuditEvent.objects.filter(action="team.created").exists()


def test_admin_renames_a_team_and_the_change_is_audited(admin_client, team):
    admin_client.post(reverse("team_edit", args=[team.pk]), {"name": "East Coast", "timezone": team.timezone})
    team.refresh_from_db()
    assert team.name == "East Coast"
    assert events("team.updated") == [("ada", "East Coast", {"name": ["East", "East Coast"]})]


def test_admin_gives_a_team_the_postal_address_its_letters_carry(admin_client, team):
    admin_client.post(reverse("team_edit", args=[team.pk]), {
        "name": team.name, "timezone": team.timezone, "postal_address": "200 Liberty Street\r\nNew York, NY"})
    team.refresh_from_db()
    assert team.postal_address.splitlines() == ["200 Liberty Street", "New York, NY"]


def test_admin_creates_a_collector_who_can_sign_in(admin_client, team):
    response = admin_client.post(reverse("user_new"), {
        "username": "newbie", "first_name": "New", "last_name": "Collector", "email": "newbie@example.com",
        "role": "collector", "team": team.pk, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert events("user.created") == [("ada", "New Collector", {"role": "collector", "team": team.pk,
                                                                 "agency": None})]
    assert Client().post(reverse("login"), {"username": "newbie", "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"password2": "something-else-entirely"}, "password2", "The two password fields didn\u2019t match."),
    ({"password1": "short", "password2": "short"}, "password2", "This password is too short."),
    ({"username": "ALICE"}, "__all__", "This username is taken (usernames ignore case)."),
    ({"role": "agency"}, "__all__", "Agency users belong to an agency and no team; other users to no agency."),
    ({"role": "overlord"}, "role", "Select a valid choice."),
])
def test_bad_user_input_is_explained_and_nothing_is_written(admin_client, team, collector, changes, field, message):
    data = {"username": "newbie", "role": "collector", "team": team.pk,
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **changes}
    before = User.objects.count()
    response = admin_client.post(reverse("user_new"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert User.objects.count() == before


def test_an_agency_user_needs_an_agency_and_no_team(admin_client):
    agency = AgencyFactory(name="Northgate")
    response = admin_client.post(reverse("user_new"), {
        "username": "agent", "role": "agency", "agency": agency.pk,
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="agent").agency == agency


def test_promoting_a_collector_is_audited_with_old_and_new_values(admin_client, collector):
    response = admin_client.post(reverse("user_edit", args=[collector.pk]), {
        "first_name": collector.first_name, "last_name": collector.last_name, "email": "",
        "role": "manager", "team": collector.team_id, "is_active": "on"})
    assert response.status_code == 302
    collector.refresh_from_db()
    assert collector.role == "manager"
    assert events("user.updated")[0][2] == {"role": ["collector", "manager"]}


def test_the_username_cannot_be_changed(admin_client, collector):
    admin_client.post(reverse("user_edit", args=[collector.pk]), {
        "username": "mallory", "role": "collector", "team": collector.team_id, "is_active": "on"})
    collector.refresh_from_db()
    assert collector.username == "alice"


@pytest.mark.parametrize(("changes", "message"), [
    ({"role": "manager"}, "You cannot remove your own admin role"),
    ({"is_active": ""}, "You cannot deactivate yourself"),
])
def test_an_admin_cannot_lock_themselves_out(admin_client, admin_user, changes, message):
    data = {"first_name": "Ada", "last_name": "", "email": "", "role": "admin", "is_active": "on", **changes}
    response = admin_client.post(reverse("user_edit", args=[admin_user.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    admin_user.refresh_from_db()
    assert (admin_user.role, admin_user.is_active) == ("admin", True)
    assert not events("user.updated")


def test_a_deactivated_user_can_no_longer_sign_in_or_use_a_token(admin_client, api_client, collector):
    token = api_client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}).json()["token"]
    admin_client.post(reverse("user_edit", args=[collector.pk]), {
        "first_name": "A", "last_name": "B", "email": "", "role": "collector", "team": collector.team_id})
    collector.refresh_from_db()
    assert collector.is_active is False
    assert Client().post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/users/me/").status_code == 401


def test_admin_sets_a_new_password(admin_client, collector):
    response = admin_client.post(reverse("user_password", args=[collector.pk]),
                                 {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    collector.refresh_from_db()
    assert collector.check_password(NEW_PASSWORD)
    assert events("user.password_set") == [("ada", str(collector), {})]


def test_a_weak_new_password_is_refused(admin_client, collector):
    response = admin_client.post(reverse("user_password", args=[collector.pk]),
                                 {"password1": "password", "password2": "password"})
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    collector.refresh_from_db()
    assert collector.check_password(PASSWORD)


def test_admin_creates_and_edits_an_agency(admin_client):
    admin_client.post(reverse("agency_new"), {"name": "Northgate", "code": "northgate", "is_active": "on"})
    agency = Agency.objects.get(code="northgate")
    admin_client.post(reverse("agency_edit", args=[agency.pk]), {"name": "Northgate Partners", "code": "northgate"})
    agency.refresh_from_db()
    assert (agency.name, agency.is_active) == ("Northgate Partners", False)
    assert [event[0] for event in events("agency.updated")] == ["ada"]


def test_admin_manages_authority_limits(admin_client, team):
    data = {"role": "collector", "team": "", "currency": "usd", "max_discount_pct": "15",
            "max_installments": "12", "max_plan_months": "12", "min_installment_amount": "25.00"}
    assert admin_client.post(reverse("authority_limit_new"), data).status_code == 302
    limit = AuthorityLimit.objects.get()
    assert (limit.currency, limit.max_discount_pct) == ("USD", Decimal("15.00"))

    duplicate = admin_client.post(reverse("authority_limit_new"), data)
    assert duplicate.status_code == 200
    assert "This role already has a limit for this currency; edit that one." in duplicate.content.decode()

    admin_client.post(reverse("authority_limit_edit", args=[limit.pk]), {**data, "max_discount_pct": "20"})
    limit.refresh_from_db()
    assert limit.max_discount_pct == Decimal("20.00")
    assert events("authority_limit.updated")[0][2] == {"max_discount_pct": ["15.00", "20"]}

    admin_client.post(reverse("authority_limit_remove", args=[limit.pk]))
    assert not AuthorityLimit.objects.exists()
    assert len(events("authority_limit.deleted")) == 1


@pytest.mark.parametrize("value", ["101", "-1", "abc"])
def test_an_impossible_discount_is_refused(admin_client, value):
    response = admin_client.post(reverse("authority_limit_new"), {
        "role": "collector", "currency": "USD", "max_discount_pct": value, "max_installments": "12",
        "max_plan_months": "12", "min_installment_amount": "25"})
    assert response.status_code == 200
    assert "max_discount_pct" in response.context["form"].errors
    assert not AuthorityLimit.objects.exists()


@pytest.fixture
def every_configuration_url(team, collector, admin_user):
    limit = AuthorityLimitFactory()
    agency = AgencyFactory()
    pages = ("configuration", "team_new", "user_new", "agency_new", "authority_limit_new")
    return [reverse(name) for name in pages] + [
        reverse("team_edit", args=[team.pk]), reverse("user_edit", args=[collector.pk]),
        reverse("user_password", args=[collector.pk]), reverse("agency_edit", args=[agency.pk]),
        reverse("authority_limit_edit", args=[limit.pk]), reverse("authority_limit_remove", args=[limit.pk]),
    ]


@pytest.mark.parametrize("persona", ["collector", "manager", "agency_user"])
def test_no_other_role_reaches_configuration(request, login, every_configuration_url, persona):
    client = login(request.getfixturevalue(persona))
    for url in every_configuration_url:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "Hijacked", "role": "admin", "timezone": "UTC"}).status_code == 403, url
    assert not Team.objects.filter(name="Hijacked").exists()
    assert AuthorityLimit.objects.count() == 1
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_unknown_records_are_not_found(admin_client):
    for name in ("team_edit", "user_edit", "user_password", "agency_edit", "authority_limit_edit"):
        assert admin_client.get(reverse(name, args=[999999])).status_code == 404


def test_recent_changes_are_listed_on_the_configuration_page(admin_client, team):
    admin_client.post(reverse("team_edit", args=[team.pk]), {"name": "East Coast", "timezone": "America/New_York"})
    page = admin_client.get(reverse("configuration")).content.decode()
    assert "team.updated · East Coast" in page
    assert "name: East → East Coast" in page


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "a-long-root-passphrase")


def test_an_admin_cannot_take_over_a_superuser(admin_client, superuser):
    response = admin_client.post(reverse("user_password", args=[superuser.pk]),
                                 {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert "Only a superuser can change a superuser" in response.content.decode()
    response = admin_client.post(reverse("user_edit", args=[superuser.pk]), {"role": "admin"})
    assert "Only a superuser can change a superuser" in response.content.decode()
    superuser.refresh_from_db()
    assert superuser.check_password("a-long-root-passphrase")
    assert superuser.is_active
    page = admin_client.get(reverse("configuration")).content.decode()
    assert reverse("user_password", args=[superuser.pk]) not in page


def test_a_superuser_can_reset_another_superusers_password(login, superuser):
    other = User.objects.create_superuser("root2", "root2@example.com", "a-long-root-passphrase")
    login(superuser).post(reverse("user_password", args=[other.pk]),
                          {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    other.refresh_from_db()
    assert other.check_password(NEW_PASSWORD)


def test_update_services_refuse_fields_outside_their_list(admin_user, collector):
    from collections_crm.services import user_update

    with pytest.raises(TypeError, match="is_superuser"):
        user_update(actor=admin_user, user=collector, is_superuser=True)
    collector.refresh_from_db()
    assert collector.is_superuser is False


def test_a_password_reset_revokes_api_tokens(admin_client, api_client, collector):
    token = api_client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}).json()["token"]
    admin_client.post(reverse("user_password", args=[collector.pk]),
                      {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/users/me/").status_code == 401


def test_an_admin_resetting_their_own_password_stays_signed_in(admin_client, admin_user):
    admin_client.post(reverse("user_password", args=[admin_user.pk]),
                      {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert admin_client.get(reverse("configuration")).status_code == 200


def test_deactivating_an_agency_deactivates_its_users(admin_client, agency_user):
    agency = agency_user.agency
    admin_client.post(reverse("agency_edit", args=[agency.pk]), {"name": agency.name, "code": agency.code})
    agency_user.refresh_from_db()
    assert agency_user.is_active is False
    assert events("user.updated")[0][2] == {"is_active": [True, False], "reason": f"agency {agency.code} deactivated"}
    assert Client().post(reverse("login"), {"username": "nora", "password": PASSWORD}).status_code == 200

    response = admin_client.post(reverse("user_edit", args=[agency_user.pk]), {
        "first_name": "Nora", "last_name": "", "email": "", "role": "agency", "agency": agency.pk})
    assert response.status_code == 302, response.context["form"].errors
    assert not Agency.objects.get(pk=agency.pk).is_active


def test_changes_in_the_django_admin_are_audited(login, superuser, team):
    client = login(superuser)
    response = client.post(reverse("admin:collections_crm_team_change", args=[team.pk]),
                           {"name": "East Renamed", "timezone": "UTC"})
    assert response.status_code == 302
    assert events("team.updated_in_django_admin") == [
        ("root", "East Renamed", {"name": ["East", "East Renamed"], "timezone": ["America/New_York", "UTC"]})]
