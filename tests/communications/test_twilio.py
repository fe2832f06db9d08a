"""The Twilio-style SMS adapter against a local stand-in server: form fields, Basic authentication and the
idempotency token; a 5xx is retried later, a 4xx fails the message with the provider's reason."""

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from communications.models import OutboundMessage
from communications.outbox import STUCK_AFTER, message_schedule, outbox_dispatch, outbox_sweep
from communications.providers import ProviderUnavailable
from communications.services import template_approve, template_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 7, 1, 15, tzinfo=UTC)
SILENT = 0  # an answer that never comes


class StandIn(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[dict] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        StandIn.received.append({"path": self.path, "body": body, "token": self.headers["I-Twilio-Idempotency-Token"],
                                 "auth": self.headers["Authorization"]})
        code = StandIn.answers.pop(0)
        if code == SILENT:
            time.sleep(1)  # longer than the adapter waits
            return
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"sid": "SM123"} if code < 300 else {"message": "Invalid To number"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    StandIn.received, StandIn.answers = [], []
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_API_BASE = f"http://127.0.0.1:{server.server_port}"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM = "AC1", "secret", "+15550000000"
    yield StandIn
    server.shutdown()


@pytest.fixture
def message(team_account, admin_user):
    phone = team_account.debtor.contact_points.get(kind="phone")
    phone.consent_sms = True
    phone.save()
    template = template_approve(actor=UserFactory(username="grace", admin=True), template=template_create(
        actor=admin_user, code="hi", name="Hi", channel="sms", body="Hi {{ debtor_first_name }}"))
    return message_schedule(account=team_account, template=template, scheduled_for=NOW, idempotency_key="hi:1")[0]


def test_a_text_goes_to_the_api_with_its_key(stand_in, message):
    stand_in.answers.append(201)
    assert outbox_dispatch(message_id=message.pk, now=NOW) == "sent"
    request = stand_in.received[0]
    assert request["path"] == "/2010-04-01/Accounts/AC1/Messages.json"
    assert "To=%2B12125550147" in request["body"]
    assert "Body=Hi+Maria" in request["body"]
    assert (request["token"], request["auth"]) == ("hi:1", "Basic QUMxOnNlY3JldA==")
    message.refresh_from_db()
    assert message.provider_message_id == "SM123"


def test_a_server_error_is_retried_later_and_a_refusal_fails_the_message(stand_in, message):
    stand_in.answers.extend([503, 400])
    with pytest.raises(ProviderUnavailable):
        outbox_dispatch(message_id=message.pk, now=NOW)
    message.refresh_from_db()
    assert (message.status, message.scheduled_for > NOW) == ("scheduled", True)
    assert outbox_dispatch(message_id=message.pk, now=message.scheduled_for) == "failed"
    assert "Invalid To number" in OutboundMessage.objects.get().reason


def test_a_text_the_api_never_answered_is_not_sent_again(stand_in, message, settings):
    settings.TWILIO_TIMEOUT = 0.3
    stand_in.answers.append(SILENT)
    assert outbox_dispatch(message_id=message.pk, now=NOW) == "sending"  # it may have gone: the sweeper decides
    assert outbox_dispatch(message_id=message.pk, now=NOW + timedelta(minutes=5)) == "sending"
    message.refresh_from_db()
    assert outbox_sweep(now=message.claimed_at + STUCK_AFTER + timedelta(seconds=1))["failed"] == 1
    assert len(stand_in.received) == 1
