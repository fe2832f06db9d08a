"""The outbox page: managers see their team's messages with the reason each was blocked, filter them, and retry
or cancel one with a reason; collectors may not enter; queries do not grow with the messages."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from communications.models import OutboundMessage
from communications.outbox import message_schedule
from communications.services import template_approve, template_create
from compliance.models import AuditEvent
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(admin_user):
    return template_approve(actor=UserFactory(username="grace", admin=True), template=template_create(
        actor=admin_user, code="due", name="Payment due", channel="sms", body="Due"))


def blocked_message(account, template, key):
    message, _ = message_schedule(account=account, template=template, idempotency_key=key,
                                  scheduled_for=datetime(2026, 7, 1, 15, tzinfo=UTC))
    OutboundMessage.objects.filter(pk=message.pk).update(status="blocked", reason="Cease communication hold")
    return message


def test_a_manager_sees_why_and_retries_with_a_reason(login, manager, team_account, other_team_account, template):
    mine = blocked_message(team_account, template, "due:1")
    blocked_message(other_team_account, template, "due:2")
    client = login(manager)
    page = client.get(reverse("communications:outbox"), {"status": "blocked"}).content.decode()
    assert "Cease communication hold" in page
    assert page.count("Payment due") == 1
    response = client.post(reverse("communications:outbox_move", args=[mine.pk, "retry"]), {"reason": "Hold ended"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "scheduled"
    assert AuditEvent.objects.filter(action="message.retried", actor=manager).exists()


def test_another_teams_message_cannot_be_moved_and_collectors_may_not_enter(login, manager, collector,
                                                                           other_team_account, template):
    theirs = blocked_message(other_team_account, template, "due:3")
    assert login(manager).post(reverse("communications:outbox_move", args=[theirs.pk, "cancel"]),
                               {"reason": "x"}).status_code == 404
    assert login(collector).get(reverse("communications:outbox")).status_code == 403


def test_the_outbox_queries_do_not_grow(login, manager, team, template, django_assert_max_num_queries):
    client = login(manager)
    for batch in (3, 30):
        for number in range(batch):
            blocked_message(AccountFactory(team=team), template, f"bulk:{batch}:{number}")
        # session, user, savepoint, count, the page joined to templates and debtors, navigation (team, approvals),
        # release savepoint
        with django_assert_max_num_queries(9):
            client.get(reverse("communications:outbox"))
