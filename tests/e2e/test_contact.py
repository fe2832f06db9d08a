"""A collector logs a call from the account page: the verdict for now is shown first, choosing "Promise to pay" as
the next step shows its fields, and the call and the promise land on the account in one go."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_collector_logs_a_call_with_a_promise(page, collector, team_account):
    offset = (15 - timezone.now().hour) % 24  # mid-afternoon for the debtor, so contact hours allow the call
    team_account.debtor.timezone = f"Etc/GMT-{offset}" if offset <= 12 else f"Etc/GMT+{24 - offset}"
    team_account.debtor.save()
    sign_in(page, "alice")
    page.goto(f"/accounts/{team_account.pk}/")
    page.get_by_role("link", name="Log a contact").first.click()
    expect(page.get_by_role("region", name="May we contact them now?")).to_contain_text("Call")

    page.get_by_label("Spoke to the debtor").check()
    expect(page.get_by_label("Amount promised (USD)")).to_be_hidden()
    page.get_by_role("group", name="Next step").get_by_label("Promise to pay").check()
    page.get_by_label("Amount promised (USD)").fill("75.00")
    page.get_by_label("To be paid on").fill((timezone.localdate() + timedelta(days=5)).isoformat())
    page.get_by_label("Notes").fill("Pays on Friday from wages")
    page.get_by_role("button", name="Log it").click()

    expect(page.get_by_role("status")).to_contain_text("logged")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("Pays on Friday from wages")
    expect(timeline).to_contain_text("75.00")
