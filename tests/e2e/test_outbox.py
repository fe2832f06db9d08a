"""A manager finds the messages the outbox held back, reads why, and sends one again with a reason; an admin adds a
step to a cadence in the browser."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from communications.models import Cadence, OutboundMessage
from communications.outbox import message_schedule
from communications.services import cadence_save, template_approve, template_create
from tests.e2e.test_sign_in import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def template(admin_user):
    return template_approve(actor=UserFactory(username="grace", admin=True), template=template_create(
        actor=admin_user, code="due", name="Payment due", channel="sms", body="Hi {{ debtor_first_name }}"))


def test_manager_retries_a_blocked_message_with_a_reason(page, manager, team_account, template):
    message, _ = message_schedule(account=team_account, template=template, idempotency_key="due:1",
                                  scheduled_for=datetime(2026, 7, 1, 15, tzinfo=UTC))
    OutboundMessage.objects.filter(pk=message.pk).update(status="blocked", reason="Cease communication hold")
    sign_in(page, "bob")
    page.get_by_role("link", name="Outbox").click()
    page.get_by_label("Status").select_option("blocked")
    expect(page).to_have_url(re.compile(r"status=blocked"))  # htmx has swapped in the filtered results
    row = page.get_by_role("row", name="Payment due")
    expect(row).to_contain_text("Cease communication hold")
    row.get_by_label(f"Reason for message {message.pk}").fill("The hold was placed in error")
    row.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("status").filter(has_text="will be sent again")).to_be_visible()
    message.refresh_from_db()
    assert (message.status, message.reason) == ("scheduled", "The hold was placed in error")


def test_admin_adds_a_step_to_a_cadence(page, admin_user, template):
    cadence = cadence_save(actor=admin_user, name="Early stage", steps=[
        {"trigger": "placement", "offset_days": 1, "template": template, "local_hour": 9}])
    sign_in(page, "ada")
    page.goto(f"/configuration/cadences/{cadence.pk}/")
    page.get_by_role("button", name="Add a step").click()
    step = page.get_by_role("group", name="New step")
    step.get_by_label("Counted from").select_option("installment_due")
    step.get_by_label("Days after").fill("-3")
    step.get_by_label("Template").select_option(label="Payment due (SMS)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="saved")).to_be_visible()
    steps = Cadence.objects.get(pk=cadence.pk).steps.order_by("position")
    assert [(step.trigger, step.offset_days) for step in steps] == [("placement", 1), ("installment_due", -3)]
