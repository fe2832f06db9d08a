"""An admin sets up a new team and its first collector in the browser; the collector then signs in."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "first-day-passphrase"


def test_admin_sets_up_a_team_and_its_first_collector(page, admin_user):
    sign_in(page, "ada")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Configuration").click()
    expect(page.get_by_text("No teams yet")).to_be_visible()

    page.get_by_role("link", name="New team").click()
    page.get_by_label("Name").fill("North")
    page.get_by_label("Timezone").select_option("America/Chicago")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Team North created.")

    page.get_by_role("link", name="New user").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Username").fill("nina")
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Role").select_option("collector")
    page.get_by_label("Team").select_option(label="North")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("User Nina created.")
    expect(page.get_by_role("region", name="Recent changes")).to_contain_text("user.created · Nina")

    page.get_by_role("button", name="Ada").click()
    page.get_by_role("button", name="Log out").click()
    sign_in(page, "nina", PASSWORD)
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
