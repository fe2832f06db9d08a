"""A collector finds an account by phone number, opens it and records a payment."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_collector_finds_an_account_and_records_a_payment(page, collector, team_account, other_team_account):
    sign_in(page, "alice")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("link", name="Maria Gonzalez")).to_be_visible()
    expect(page.get_by_text("Other")).to_have_count(0)

    search = page.get_by_label("Name, reference, phone or email", exact=True)
    search.fill("Nobody at all")
    expect(page.get_by_text("No accounts match your search")).to_be_visible()
    search.fill("212 555 0147")
    page.get_by_role("link", name="Maria Gonzalez").click()

    expect(page.get_by_role("heading", name="Maria Gonzalez")).to_be_visible()
    expect(page.get_by_text("1,200.00 USD", exact=True)).to_be_visible()
    page.get_by_role("link", name="Record payment").click()
    page.get_by_label("Amount").fill("150.00")
    page.get_by_label("Method").select_option("card")
    page.get_by_role("button", name="Record payment").click()

    expect(page.get_by_role("status")).to_contain_text("Payment 150.00 USD")
    expect(page.get_by_text("1,050.00 USD", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("Payment received")
