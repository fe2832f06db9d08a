"""An admin writes a text template in the browser: a mistyped placeholder is refused on the body, naming it; the
fixed one is saved as a draft, which its author may not approve. A second admin approves it and previews it
against a real account: the debtor's name filled in, the opt-out wording at the end."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_sign_in import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_message_templates(page):
    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_role("button", name="Configuration pages").click()
    navigation.get_by_role("link", name="Message templates").click()
    expect(page.get_by_role("heading", name="Message templates", exact=True)).to_be_visible()


def sign_out(page):
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Log out").click()


def test_a_template_is_written_fixed_approved_by_another_admin_and_previewed(page, admin_user, team_account):
    UserFactory(username="grace", first_name="Grace", last_name="Hopper", admin=True)
    sign_in(page, "ada")
    open_message_templates(page)
    page.get_by_role("link", name="New template").first.click()
    expect(page.get_by_role("heading", name="Placeholders you may use")).to_be_visible()

    page.get_by_label("Channel").select_option("sms")
    page.get_by_label("Code").fill("balance-reminder")
    page.get_by_label("Name").fill("Balance reminder")
    body = page.get_by_label("Body")
    body.fill("Hi {{ debtor_frist_name }}, {{ balance }} {{ currency }} is owed to {{ creditor_name }}.")
    page.get_by_role("button", name="Save").click()
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_body-help")).to_contain_text("Unknown placeholder: {{ debtor_frist_name }}")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")

    body.fill("Hi {{ debtor_first_name }}, {{ balance }} {{ currency }} is owed to {{ creditor_name }}.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved as a draft")
    expect(page.get_by_role("heading", name=re.compile(r"^Balance reminder"))).to_be_visible()
    approval = page.get_by_role("region", name="Approval")
    expect(approval).to_contain_text("You changed the wording of this template since it was last approved")
    expect(approval.get_by_role("button", name="Approve")).to_have_count(0)
    detail = page.url
    sign_out(page)

    sign_in(page, "grace")
    page.goto(detail)
    approval = page.get_by_role("region", name="Approval")
    approval.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("approved: cadences may now send it")
    expect(approval).to_contain_text("Grace Hopper")

    page.get_by_label("Account reference or id").fill("ACME-00012345")
    page.get_by_role("button", name="Preview").click()
    rendered = page.get_by_test_id("rendered-body")
    expect(rendered).to_contain_text("Hi Maria, 1,200.00 USD is owed to Acme Bank.")
    expect(rendered).to_contain_text("Reply STOP to opt out.")

    page.get_by_label("Account reference or id").fill("NOPE-1")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#id_account-help")).to_have_text("No account has the reference or id “NOPE-1”.")
