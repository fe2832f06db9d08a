"""A collector builds a plan beyond their authority, the schedule following what they type; their manager finds it
in the approval queue, approves it with a note, and the account shows the plan in force."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from collections_crm.models import AuthorityLimit
from collections_crm.roles import Role
from tests.e2e.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_plan_beyond_authority_is_proposed_previewed_and_approved(page, collector, manager, team_account):
    AuthorityLimit.objects.create(role=Role.COLLECTOR, currency="USD", max_discount_pct=Decimal("10"),
                                  max_installments=6, max_plan_months=12, min_installment_amount=Decimal("50"))
    sign_in(page, "alice")
    page.goto(f"/accounts/{team_account.pk}/")
    page.get_by_role("link", name="Build a plan").click()
    expect(page.get_by_role("heading", name="Build a plan for Maria Gonzalez")).to_be_visible()

    previews = []
    page.on("request", lambda request: "/plans/new/?" in request.url and previews.append(request.url))
    preview = page.get_by_role("region", name="Schedule", exact=True)
    expect(preview).to_contain_text("the installments appear here as you type")
    count = page.get_by_label("Number of installments")
    count.press_sequentially("6", delay=50)
    expect(preview).to_contain_text("Within your authority")
    installments = preview.get_by_role("region", name="Schedule of installments").get_by_role("row")
    expect(installments).to_have_count(1 + 6 + 1)  # the heading row, six installments, the total
    expect(installments.nth(1)).to_contain_text("200.00 USD")

    count.press("Backspace")
    count.press_sequentially("12", delay=50)
    expect(preview).to_contain_text("Needs a manager's approval")
    expect(preview).to_contain_text("12 installments are more than the 6 you may agree.")
    expect(installments).to_have_count(1 + 12 + 1)
    expect(installments.nth(1)).to_contain_text("100.00 USD")
    assert previews, "htmx asked for the preview"
    assert not [url for url in previews if "csrfmiddlewaretoken" in url], "the CSRF token stays out of URLs"
    page.get_by_role("button", name="Propose plan").click()

    expect(page.get_by_role("status")).to_contain_text("it waits for a manager's approval")
    plan_panel = page.get_by_role("region", name="Plans and promises")
    expect(plan_panel).to_contain_text("Waiting for approval")
    expect(plan_panel).to_contain_text("12 installments are more than the 6 you may agree.")

    page.context.clear_cookies()
    sign_in(page, "bob")
    approvals = page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals")
    expect(approvals).to_have_text("Approvals 1 waiting")
    approvals.click()
    expect(page.get_by_role("heading", name="Maria Gonzalez: installments plan of 1,200.00 USD")).to_be_visible()
    expect(page.get_by_text("12 installments are more than the 6 you may agree.")).to_be_visible()
    page.get_by_role("link", name="Review the plan for Maria Gonzalez").click()

    page.get_by_label("Note").fill("Income verified with the employer.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Plan active")
    expect(page.get_by_text("Nothing waits for your approval")).to_be_visible()
    expect(approvals).to_have_text("Approvals")

    page.goto(f"/accounts/{team_account.pk}/")
    expect(plan_panel).to_contain_text("Active")
    expect(plan_panel).to_contain_text("Income verified with the employer.")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("Plan approved")
