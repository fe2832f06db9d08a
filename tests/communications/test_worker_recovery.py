"""Crash recovery with a real Celery worker on the real Redis and PostgreSQL: a worker killed (kill -9) in the middle
of a send is started again, the sweeper settles what it left, and every message reaches the provider exactly once;
none is lost.

The kills are made deterministic from outside the worker: a stand-in SMS API holds the second text's request open
until the worker is killed (one message at a time, for a provider that cannot say what it sent), and a lock on the
interactions table holds the worker between handing a batch of texts to the file provider and recording them."""

import json
import signal
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from collections_crm.celery import app as celery_app
from communications.models import OutboundMessage
from communications.outbox import STUCK_AFTER, message_schedule, outbox_sweep
from communications.services import template_approve, template_create
from communications.tasks import outbox_dispatch_task
from tests.factories import AccountFactory, ContactPointFactory, UserFactory
from tests.helpers import start_worker

pytestmark = [
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL pointing at a real Redis"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def wait_for(condition, what: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while not (outcome := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return outcome


class StandIn(BaseHTTPRequestHandler):
    """A Twilio-style API that records each request and answers 201, except the one it is told to hold: that one
    waits, unanswered, until the test lets go (the worker sending it is killed meanwhile)."""

    tokens: list[str] = []
    hold: int = 0  # the 1-based number of the request to hold
    released = threading.Event()

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        StandIn.tokens.append(self.headers["I-Twilio-Idempotency-Token"])
        if len(StandIn.tokens) == StandIn.hold:
            StandIn.released.wait(timeout=30)
        try:
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"sid": f"SM{len(StandIn.tokens)}"}).encode())
        except OSError:
            pass  # the worker is gone

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    StandIn.tokens, StandIn.hold = [], 2
    StandIn.released.clear()
    yield server
    StandIn.released.set()
    server.shutdown()


@pytest.fixture
def queue(settings, tmp_path):
    """A queue of this test's own on the real Redis, removed after with the killed worker's unacknowledged task."""
    settings.DATA_DIR = tmp_path  # where the sweeper, here, finds the provider's log the workers write
    name = f"test-recovery-{uuid.uuid4().hex}"
    yield name
    broker = redis.Redis.from_url(settings.REDIS_URL)
    for tag, entry in broker.hscan_iter("unacked"):
        if json.loads(entry)[2] == name:
            broker.hdel("unacked", tag)
            broker.zrem("unacked_index", tag)
    for key in broker.scan_iter(f"*{name}"):  # the queue and its bindings
        broker.delete(key)


@pytest.fixture
def workers(tmp_path, queue):
    """Start workers on the queue; any still running are stopped after the test."""
    started = []

    def start(**env):
        started.append(start_worker(tmp_path, redis_url=settings.REDIS_URL, extra=("--queues", queue), env=env))
        return started[-1]

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)


def hand_to_worker(queue: str, messages: list[OutboundMessage]) -> None:
    """What the beat's dispatch does, on this test's queue (through a connection of its own to the real Redis)."""
    with celery_app.connection_for_write(settings.REDIS_URL) as broker:
        outbox_dispatch_task.apply_async(args=[[message.pk for message in messages]], queue=queue, connection=broker)


@pytest.fixture
def template(db):
    return template_approve(actor=UserFactory(username="grace", admin=True), template=template_create(
        actor=UserFactory(username="ada", admin=True), code="due", name="Due", channel="sms",
        body="Hi {{ debtor_first_name }}, {{ balance }} is due."))


def due_texts(template, numbers) -> list[OutboundMessage]:
    """Texts due now to debtors for whom it is now about noon, each with a consenting mobile."""
    zone = f"Etc/GMT{datetime.now(UTC).hour - 12:+d}"  # noon there (the Etc zones' signs are inverted)
    messages = []
    for number in numbers:
        account = AccountFactory(debtor__timezone=zone)
        ContactPointFactory(debtor=account.debtor, is_primary=True, consent_sms=True)
        messages.append(message_schedule(account=account, template=template, idempotency_key=f"due:{number}",
                                         scheduled_for=timezone.now() - timedelta(minutes=1))[0])
    return messages


def recording_waits() -> int | None:
    """The worker's database session, if it waits for the interactions table to record its sends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND "
                       "wait_event_type = 'Lock' AND query LIKE %s", ['INSERT INTO "communications_interaction"%'])
        row = cursor.fetchone()
    return row[0] if row else None


def statuses(messages: list[OutboundMessage]) -> list[str]:
    return [OutboundMessage.objects.get(pk=message.pk).status for message in messages]


def test_a_worker_killed_while_the_sms_api_has_a_text_sends_each_text_once(stand_in, queue, workers, template,
                                                                         settings):
    """The API cannot say afterwards what it received, so texts go one at a time: the first is recorded sent, the
    second is in doubt when the worker dies, the third was never claimed."""
    texts = due_texts(template, range(3))
    settings.SMS_BACKEND = "twilio"  # the sweeper, here, asks the same provider
    twilio = {"SMS_BACKEND": "twilio", "TWILIO_API_BASE": f"http://127.0.0.1:{stand_in.server_port}",
              "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "secret", "TWILIO_FROM": "+15550000000"}
    worker = workers(**twilio)
    hand_to_worker(queue, texts)
    wait_for(lambda: len(StandIn.tokens) == 2, "the second text to reach the API")
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    StandIn.released.set()
    assert statuses(texts) == ["sent", "sending", "scheduled"]

    workers(**twilio)  # started again; the killed task stays unacknowledged for Redis's visibility timeout
    # The beat sweeps every 5 minutes what was claimed more than STUCK_AFTER ago; the test moves the clock instead.
    assert outbox_sweep(now=timezone.now() + STUCK_AFTER) == {"sent": 0, "requeued": 0, "failed": 1}
    hand_to_worker(queue, texts)  # the next tick, or the killed task redelivered: the same batch
    wait_for(lambda: statuses(texts)[2] == "sent", "the third text to be sent")
    assert sorted(StandIn.tokens) == ["due:0", "due:1", "due:2"]  # each reached the API exactly once
    in_doubt = OutboundMessage.objects.get(pk=texts[1].pk)
    assert (in_doubt.status, "cannot say whether it went out" in in_doubt.reason) == ("failed", True)
    assert statuses(texts) == ["sent", "failed", "sent"]


def test_a_worker_killed_after_handing_a_batch_to_the_provider_records_it_once(queue, workers, template, settings,
                                                                               tmp_path):
    """The file of texts can say what it holds, so a batch is handed over whole and recorded in one commit; the
    worker dies in between, and the sweeper records the texts from the provider's log instead of sending them
    again."""
    texts = due_texts(template, range(3))
    settings.SMS_BACKEND = "file"
    log = tmp_path / "outbox" / "sms" / "sent.jsonl"
    holder = psycopg2.connect(**connection.get_connection_params())
    try:
        holder.cursor().execute("LOCK TABLE communications_interaction IN EXCLUSIVE MODE")  # reads pass, inserts wait
        worker = workers(SMS_BACKEND="file")
        hand_to_worker(queue, texts)
        waiting = wait_for(recording_waits, "the worker to record its sends")
        assert len(log.read_text().splitlines()) == 3  # all three went out before the worker came to record them
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        with connection.cursor() as cursor:  # as the server does once it notices its client is gone
            cursor.execute("SELECT pg_terminate_backend(%s)", [waiting])
    finally:
        holder.close()  # and the lock with it
    assert statuses(texts) == ["sending"] * 3

    workers(SMS_BACKEND="file")
    assert outbox_sweep(now=timezone.now() + STUCK_AFTER) == {"sent": 3, "requeued": 0, "failed": 0}
    late = due_texts(template, [3])
    hand_to_worker(queue, texts + late)  # the killed task redelivered, with a text due since
    wait_for(lambda: statuses(late) == ["sent"], "the late text to be sent")
    keys = [json.loads(line)["key"] for line in log.read_text().splitlines()]
    assert sorted(keys) == ["due:0", "due:1", "due:2", "due:3"]  # each reached the provider exactly once
    assert statuses(texts) == ["sent"] * 3
