"""Each role sees its own navigation and can open only the areas of its role."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAV_BY_ROLE = {
    "collector": ["Work queue", "Accounts", "Complaints"],
    "manager": ["Work queue", "Accounts", "Approvals", "Complaints", "Outbox", "Dashboards"],
    "admin_user": ["Accounts", "Approvals", "Complaints", "Outbox", "Dashboards", "Configuration"],
    "agency_user": ["Work queue", "Accounts"],
}
AREA_PAGES = {
    "Work queue": "debtors:work_queue",
    "Accounts": "debtors:account_list",
    "Approvals": "payment_plans:approval_queue",
    "Complaints": "compliance:complaint_list",
    "Outbox": "communications:outbox",
    "Dashboards": "reporting:dashboard",
    "Configuration": "configuration",
}


def nav_labels(response) -> list[str]:
    return [item["label"] for item in response.context["nav_items"]]


@pytest.mark.parametrize(("persona", "expected"), NAV_BY_ROLE.items())
def test_navigation_shows_the_areas_of_the_role(request, login, persona, expected):
    client = login(request.getfixturevalue(persona))
    response = client.get(reverse("debtors:account_list"))
    assert nav_labels(response) == expected
    for label in expected:
        assert f">{label}</a>" in response.content.decode()


@pytest.mark.parametrize("persona", NAV_BY_ROLE)
def test_areas_outside_the_role_are_forbidden(request, login, persona):
    client = login(request.getfixturevalue(persona))
    for label, url_name in AREA_PAGES.items():
        status = client.get(reverse(url_name)).status_code
        assert status == (200 if label in NAV_BY_ROLE[persona] else 403), (label, status)


@pytest.mark.parametrize(("persona", "start"), [
    ("collector", "/queue/"), ("manager", "/queue/"), ("admin_user", "/accounts/"), ("agency_user", "/queue/"),
])
def test_home_opens_the_first_area_of_the_role(request, login, persona, start):
    response = login(request.getfixturevalue(persona)).get("/")
    assert response.status_code == 302
    assert response["Location"] == start


def test_the_current_area_is_marked_for_screen_readers(login, collector):
    page = login(collector).get(reverse("debtors:work_queue")).content.decode()
    assert 'class="nav-link active" href="/queue/"\n               aria-current="page"' in page


@pytest.mark.parametrize("path", ["/", "/queue/", "/accounts/", "/approvals/", "/complaints/", "/dashboards/",
                                  "/configuration/", "/configuration/rule-packs/", "/configuration/audit-log/",
                                  "/auth/password/"])
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/login/?next=")


def test_search_box_is_labelled_and_searches_accounts(login, collector):
    page = login(collector).get(reverse("debtors:work_queue")).content.decode()
    assert '<label for="global-search" class="visually-hidden">Search accounts</label>' in page
    assert 'action="/accounts/"' in page


def test_empty_states_say_what_happens_next(login, collector):
    client = login(collector)
    assert "Your queue is empty" in client.get("/queue/").content.decode()
    assert "No accounts yet" in client.get("/accounts/").content.decode()
    assert "No accounts match your search" in client.get("/accounts/?search=smith").content.decode()


def test_front_end_packages_come_from_our_own_static_files(login, collector):
    page = login(collector).get("/queue/").content.decode()
    for asset in ("vendor/bootstrap/css/bootstrap.min.css", "vendor/bootstrap/js/bootstrap.bundle.min.js",
                  "vendor/htmx/htmx.min.js"):
        assert f'"/static/{asset}"' in page
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page), "no asset may come from another site"


@pytest.mark.parametrize("asset", [
    "vendor/bootstrap/css/bootstrap.min.css", "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js", "vendor/chartjs/chart.umd.min.js", "vendor/swagger-ui/swagger-ui-bundle.js",
])
def test_front_end_packages_are_collected_from_node_modules(asset):
    assert finders.find(asset), f"{asset} missing: run `npm ci` (make setup does)"


def test_dashboards_load_chart_js(login, manager):
    assert '"/static/vendor/chartjs/chart.umd.min.js"' in login(manager).get("/dashboards/").content.decode()


def test_pages_carry_a_content_security_policy(login, collector):
    response = login(collector).get("/queue/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_configuration_lists_teams_users_and_limits(login, admin_user, collector, outsider):
    page = login(admin_user).get("/configuration/").content.decode()
    for text in ("East", "West", "alice", "charlie", "No authority limits yet"):
        assert text in page


def test_configuration_queries_do_not_grow_with_users(login, admin_user, team, django_assert_num_queries):
    client = login(admin_user)
    # session, user, savepoint, teams, users, agencies, limits, recent changes, plans waiting for approval
    # (navigation), release savepoint
    for batch in (3, 20):
        UserFactory.create_batch(batch, team=team)
        with django_assert_num_queries(10):
            client.get("/configuration/")
