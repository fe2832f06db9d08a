"""The cadences and outbound-messages API: admins write cadences, the outbox is scoped like accounts, managers
retry or cancel a message with a reason (audited), and another team's messages are not found."""

from datetime import UTC, datetime

import pytest

from communications.builtin_reminders import CADENCE_NAME
from communications.models import Cadence, OutboundMessage
from communications.outbox import message_schedule
from communications.services import template_approve, template_create
from compliance.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(admin_user):
    return template_approve(actor=UserFactory(username="grace", admin=True), template=template_create(
        actor=admin_user, code="due", name="Due", channel="sms", body="Due {{ next_installment_date }}"))


@pytest.fixture
def blocked(team_account, template):
    message, _ = message_schedule(account=team_account, template=template,
                                  scheduled_for=datetime(2026, 7, 1, 15, tzinfo=UTC), idempotency_key="due:1")
    OutboundMessage.objects.filter(pk=message.pk).update(status="blocked", reason="Cease communication hold")
    return message


def test_admins_build_a_cadence_with_ordered_steps(as_user, admin_user, manager, template):
    body = {"name": "Installment reminders", "applies_to_all": True, "segments": [], "steps": [
        {"trigger": "installment_due", "offset_days": -3, "template": template.pk, "local_hour": 10},
        {"trigger": "installment_due", "offset_days": 0, "template": template.pk, "local_hour": 9}]}
    assert as_user(manager).post("/api/v1/cadences/", body, format="json").status_code == 403
    created = as_user(admin_user).post("/api/v1/cadences/", body, format="json")
    assert created.status_code == 201, created.json()
    assert [(step["position"], step["offset_days"]) for step in created.json()["steps"]] == [(1, -3), (2, 0)]
    renamed = as_user(admin_user).patch(f"/api/v1/cadences/{created.json()['id']}/", {"name": "Reminders"},
                                        format="json")
    assert renamed.status_code == 200, renamed.json()
    assert (renamed.json()["name"], len(renamed.json()["steps"])) == ("Reminders", 2)
    bad = as_user(admin_user).post("/api/v1/cadences/", {**body, "name": "Bad", "steps": [
        {"trigger": "installment_due", "offset_days": -3, "template": template.pk, "local_hour": 25}]},
        format="json")
    assert bad.status_code == 400
    unknown = as_user(admin_user).post("/api/v1/cadences/", {**body, "name": "Unknown", "steps": [
        {"trigger": "placement", "offset_days": 0, "template": 999999, "local_hour": 9}]}, format="json")
    assert unknown.status_code == 400
    assert "steps" in unknown.json()
    assert Cadence.objects.exclude(name=CADENCE_NAME).count() == 1  # beside the built-in reminders
    emptied = as_user(admin_user).patch(f"/api/v1/cadences/{created.json()['id']}/", {"steps": []}, format="json")
    assert emptied.status_code == 400
    assert "at least one step" in emptied.json()["steps"][0]


def test_a_manager_retries_a_blocked_message_with_a_reason(as_user, manager, collector, blocked):
    url = f"/api/v1/outbound-messages/{blocked.pk}/retry/"
    assert as_user(collector).post(url, {"reason": "Hold lifted"}, format="json").status_code == 403
    assert "reason" in as_user(manager).post(url, {}, format="json").json()
    retried = as_user(manager).post(url, {"reason": "Hold lifted"}, format="json")
    assert (retried.status_code, retried.json()["status"]) == (200, "scheduled")
    assert AuditEvent.objects.filter(action="message.retried", actor=manager).exists()
    cancelled = as_user(manager).post(f"/api/v1/outbound-messages/{blocked.pk}/cancel/", {"reason": "Paid"},
                                      format="json")
    assert cancelled.json()["status"] == "cancelled"
    assert as_user(manager).post(url, {"reason": "again"}, format="json").status_code == 409


def test_another_teams_messages_are_not_found(as_user, outsider, other_manager, collector, blocked):
    for user in (outsider, other_manager):
        assert as_user(user).get(f"/api/v1/outbound-messages/{blocked.pk}/").status_code == 404
        assert as_user(user).get("/api/v1/outbound-messages/").json()["count"] == 0
    assert as_user(other_manager).post(f"/api/v1/outbound-messages/{blocked.pk}/cancel/", {"reason": "x"},
                                       format="json").status_code == 404
    listed = as_user(collector).get("/api/v1/outbound-messages/", {"status": "blocked"}).json()
    assert [item["id"] for item in listed["results"]] == [blocked.pk]
