"""A collector sees on the account page whether each channel may be used now, places a hold when the debtor says
they have an attorney, and sees contact blocked with the reason."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_collector_places_a_hold_and_sees_contact_blocked(page, collector, team_account):
    sign_in(page, "alice")
    page.goto(f"/accounts/{team_account.pk}/")
    panel = page.get_by_role("region", name="Compliance")
    expect(panel).to_contain_text("May we contact them now?")
    expect(panel).to_contain_text("No holds.")

    panel.get_by_role("link", name="Place hold").click()
    page.get_by_label("Kind").select_option("attorney_represented")
    page.get_by_label("Notes").fill("Letter from Smith & Co., ref 4411")
    page.get_by_role("button", name="Place hold").click()

    expect(page.get_by_role("status")).to_contain_text("hold placed")
    panel = page.get_by_role("region", name="Compliance")
    expect(panel).to_contain_text("Represented by an attorney on the debtor")
    expect(panel.get_by_text("Blocked").first).to_be_visible()
    expect(panel).to_contain_text("Represented by an attorney hold on the debtor since")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("Represented by an attorney hold on the debtor")
