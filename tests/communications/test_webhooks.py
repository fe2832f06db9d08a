"""Provider webhooks: signed delivery receipts move a message on; a STOP reply opts the number out at once; any
other reply becomes an inbound text on the account; a wrong signature is a 403 that changes nothing."""

import json
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from communications.models import Interaction, OutboundMessage
from communications.outbox import message_schedule, outbox_dispatch
from communications.services import template_approve, template_create
from communications.webhooks import signature_for
from compliance.engine import check_contact
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SECRET = "test-webhook-secret"


@pytest.fixture(autouse=True)
def _secret(settings, tmp_path):
    settings.SMS_WEBHOOK_SECRET = SECRET
    settings.DATA_DIR = tmp_path


def post(client, url, payload, *, signature=None):
    body = json.dumps(payload).encode()
    return client.post(url, body, content_type="application/json",
                       HTTP_X_SIGNATURE=signature if signature is not None else signature_for(body))


@pytest.fixture
def sent(team_account, admin_user):
    template = template_approve(actor=UserFactory(username="grace", admin=True), template=template_create(
        actor=admin_user, code="hello", name="Hello", channel="sms", body="Hello {{ debtor_first_name }}"))
    message, _ = message_schedule(account=team_account, template=template, scheduled_for=timezone.now(),
                                  idempotency_key="hello:1")
    OutboundMessage.objects.filter(pk=message.pk).update(status="sent", sent_at=timezone.now())
    return message


def test_a_signed_receipt_marks_the_message_delivered(client, sent):
    response = post(client, "/webhooks/sms/status/", {"key": "hello:1", "status": "delivered"})
    assert (response.status_code, response.json()) == (200, {"updated": True})
    sent.refresh_from_db()
    assert sent.status == "delivered"


@pytest.mark.parametrize("signature", ["", "0" * 64, "not-hex"])
def test_a_wrong_signature_is_refused_and_changes_nothing(client, sent, team_account, signature):
    assert post(client, "/webhooks/sms/status/", {"key": "hello:1", "status": "failed"},
                signature=signature).status_code == 403
    assert post(client, "/webhooks/sms/inbound/", {"from": "+12125550147", "body": "STOP"},
                signature=signature).status_code == 403
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert team_account.debtor.contact_points.get(kind="phone").opted_out_at is None


@pytest.mark.parametrize("reply", ["STOP", "stop", " Unsubscribe ", "stop all", "QUIT"])
def test_stop_and_its_synonyms_opt_the_number_out_at_once(client, team_account, reply):
    response = post(client, "/webhooks/sms/inbound/", {"from": "(212) 555-0147", "body": reply})
    assert response.json() == {"result": "opted_out"}
    phone = team_account.debtor.contact_points.get(kind="phone")
    assert phone.opted_out_at is not None
    verdict = check_contact(team_account, "sms", timezone.now(), phone)
    assert "opt_out" in {violation.rule for violation in verdict.violations}


def test_any_other_reply_is_an_inbound_text_on_the_account(client, sent, team_account):
    assert post(client, "/webhooks/sms/inbound/", {"from": "+12125550147", "body": "I can pay Friday"}).json() == {
        "result": "logged"}
    reply = Interaction.objects.get(direction="inbound")
    assert (reply.account_id, reply.channel, reply.notes) == (team_account.pk, "sms", "I can pay Friday")


def test_without_a_secret_every_webhook_is_refused(client, settings, sent):
    settings.SMS_WEBHOOK_SECRET = ""
    assert post(client, "/webhooks/sms/status/", {"key": "hello:1", "status": "delivered"}).status_code == 403


def test_a_dispatched_message_can_be_confirmed_by_its_receipt(client, team_account, admin_user):
    template = template_approve(actor=UserFactory(username="hal", admin=True), template=template_create(
        actor=admin_user, code="hi", name="Hi", channel="sms", body="Hi"))
    now = datetime(2026, 7, 1, 15, tzinfo=UTC)
    message, _ = message_schedule(account=team_account, template=template, scheduled_for=now, idempotency_key="hi:1")
    phone = team_account.debtor.contact_points.get(kind="phone")
    phone.consent_sms = True
    phone.save()
    assert outbox_dispatch(message_id=message.pk, now=now) == "sent"
    assert post(client, "/webhooks/sms/status/", {"key": "hi:1", "status": "undelivered",
                                                   "detail": "carrier rejected"}).json() == {"updated": True}
    message.refresh_from_db()
    assert (message.status, message.reason) == ("failed", "carrier rejected")
