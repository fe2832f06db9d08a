"""An admin corrects a rule in the browser: a wrong value is refused on its own input, the fixed one is saved and
shows in the rule's history. A new rule's form follows the kind picked."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_sign_in import sign_in

# serialized_rollback: the rule packs come from a data migration, and a transactional test's flush removes them.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_rule_packs(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Configuration").click()
    page.get_by_role("link", name="Rule packs").click()
    expect(page.get_by_role("heading", name="Rule packs", exact=True)).to_be_visible()


def test_admin_fixes_a_refused_contact_hours_change_and_sees_it_in_the_history(page, admin_user):
    sign_in(page, "ada")
    open_rule_packs(page)
    us_federal = page.get_by_role("region", name=re.compile(r"^US-FED"))
    us_federal.get_by_role("link", name="Contact hours", exact=True).click()
    expect(page.get_by_role("heading", name="Edit US-FED Contact hours")).to_be_visible()
    expect(page.get_by_role("region", name="History")).to_contain_text("No changes recorded yet")

    end = page.get_by_label("End", exact=True)
    expect(end).to_have_value("21:00")
    end.fill("07:00")
    page.get_by_role("button", name="Save").click()
    expect(end).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_end-help")).to_have_text("The window must end after it starts.")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")

    end.fill("20:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("US-FED Contact hours saved.")
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("Ada Admin")
    expect(history).to_contain_text("end: 21:00 → 20:00")
    expect(page.get_by_label("End", exact=True)).to_have_value("20:00")


def test_a_new_rules_form_follows_the_kind_picked(page, admin_user):
    sign_in(page, "ada")
    open_rule_packs(page)
    page.get_by_role("region", name=re.compile(r"^US-MA")).get_by_role("link", name="Add rule").click()
    expect(page.get_by_text("Choose the kind of rule above")).to_be_visible()

    page.get_by_label("Kind of rule").select_option("rest_days")
    expect(page).to_have_url(re.compile(r"\?kind=rest_days$"))
    page.get_by_role("group", name="Weekdays").get_by_label("Sunday").check()
    page.get_by_role("group", name="Channels").get_by_label("Call").check()
    page.get_by_label("Citation").fill("House policy: no calls on Sundays")
    page.get_by_role("button", name="Create rule").click()

    expect(page.get_by_role("status")).to_contain_text("US-MA Rest days created.")
    expect(page.get_by_role("region", name="History")).to_contain_text("weekdays: 6")
