"""Signing in and out, changing a password, and throttling repeated failures (pages and API)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from collections_crm.security import client_ip
from compliance.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_sign_in_opens_the_start_page_of_the_role(client, collector):
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").url == "/queue/"


def test_wrong_password_shows_the_form_error_and_counts_toward_throttling(client, collector):
    response = sign_in(client, "alice", "wrong-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 1


def test_repeated_failures_lock_the_user_out_even_with_the_right_password(client, collector):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "wrong-password")
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "for 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_user_so_colleagues_can_still_sign_in(client, collector, teammate):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "wrong-password")
    assert sign_in(client, "ann", PASSWORD).status_code == 302


def test_success_resets_the_failure_count(client, collector):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "alice", "wrong-password")
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_sign_out_needs_a_post_and_ends_the_session(login, collector):
    client = login(collector)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == LOGIN
    assert client.get("/queue/").status_code == 302


def test_password_change(login, collector):
    client = login(collector)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "a-new-longer-secret", "new_password2": "a-new-longer-secret"})
    assert response["Location"] == reverse("password_change_done")
    collector.refresh_from_db()
    assert collector.check_password("a-new-longer-secret")


def test_password_change_explains_a_weak_password(login, collector):
    response = login(collector).post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This password is too short" in page
    assert 'class="form-control is-invalid"' in page
    collector.refresh_from_db()
    assert collector.check_password(PASSWORD)


TOKEN = "/api/v1/auth/token/"


def test_token_for_a_username_and_password(api_client, collector):
    response = api_client.post(TOKEN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/users/me/").json()["username"] == "alice"


def test_token_refused_with_field_errors(api_client, collector):
    response = api_client.post(TOKEN, {"username": "alice"})
    assert response.status_code == 400
    assert "password" in response.json()
    response = api_client.post(TOKEN, {"username": "alice", "password": "wrong-password"})
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["Unable to log in with provided credentials."]


def test_token_endpoint_is_throttled_like_the_login_page(api_client, collector):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert api_client.post(TOKEN, {"username": "alice", "password": "wrong"}).status_code == 400
    assert api_client.post(TOKEN, {"username": "alice", "password": "wrong"}).status_code == 429
    response = api_client.post(TOKEN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]


def test_api_needs_authentication(api_client, collector):
    assert api_client.get("/api/v1/users/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.get("/api/v1/users/").status_code == 401


@pytest.mark.parametrize("body", [[1, 2], "just a string", {"username": ["alice"], "password": 5}])
def test_a_malformed_token_request_is_a_400(api_client, collector, body):
    assert api_client.post(TOKEN, body, format="json").status_code == 400


def test_changing_ones_password_revokes_api_tokens_and_keeps_this_session(login, api_client, collector):
    token = api_client.post(TOKEN, {"username": "alice", "password": PASSWORD}).json()["token"]
    client = login(collector)
    client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "a-new-longer-secret", "new_password2": "a-new-longer-secret"})
    assert client.get("/queue/").status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/users/me/").status_code == 401
    assert AuditEvent.objects.filter(action="user.password_changed", actor=collector).exists()


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "198.51.100.9", "10.0.0.2"),
    (1, "198.51.100.9", "198.51.100.9"),
    (1, "6.6.6.6, 198.51.100.9", "198.51.100.9"),
    (2, "6.6.6.6, 198.51.100.9, 10.0.0.1", "198.51.100.9"),
    (2, "198.51.100.9", "10.0.0.2"),
])
def test_throttling_sees_the_client_behind_trusted_proxies(settings, rf, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == expected
