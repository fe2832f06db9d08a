"""The outbox: plan 100k due reminders through the real planning, then dispatch them through the real tasks on two
Celery worker processes (solo pool) against PostgreSQL and Redis, beside a raw Redis LPUSH/BRPOP of as many
payloads with two consumer processes. Then a fresh 100k during which one worker is killed (kill -9) mid-send and
started again, and the sweeper settles what it left: duplicates and lost messages are counted, and must be 0.

The arrangement works at any hour: every debtor is put in a fixed-offset zone where it is now about noon (so the
contact hours allow the sends) and every account is placed today, so one cadence step (on the placement date,
10:00 in the debtor's time) makes every open account's reminder due now. Each run replaces that step, so its keys
are new. The bench plays the beat: it runs `outbox_dispatch_due_task`'s body itself, which hands the batches to
the workers through Redis, and again whenever the queue is empty and due messages are left (the beat would wait
for its next minute). The workers use the Redis database BENCH_OUTBOX_REDIS_URL names (default 7; flushed at
the start) and a data folder of their own, whose outbox/sms/sent.jsonl is the provider's log the duplicates are
counted in.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from psycopg2.extras import execute_values

from bench.harness import Rate, print_rates
from collections_crm.models import User
from communications.cadences import outbox_plan
from communications.models import Cadence, CadenceStep, MessageTemplate, OutboundMessage
from communications.outbox import STUCK_AFTER, outbox_sweep
from communications.services import cadence_save, template_approve, template_create
from communications.tasks import outbox_dispatch_due_task

PROJECT_DIR = Path(__file__).resolve().parents[1]
CADENCE = "Benchmark reminders"
TEMPLATE_CODE = "bench-reminder"
BODY = ("Hi {{ debtor_first_name }}, {{ balance }} {{ currency }} is owed on account {{ account_reference }} to "
        "{{ creditor_name }}. Pay at {{ payment_link }} or call {{ collector_name }}.")
QUEUE = "default"  # the workers' queue, in the benchmark's own Redis database
WORKERS = ("a", "b")
KILL_WHEN_SETTLED = 0.3  # the second run's share of messages settled when a worker is killed
POLL_SECONDS = 0.25
IDLE_SECONDS = 2.0  # no message changes state for this long, with nothing queued: the workers are idle
STALLED_SECONDS = 60  # no message changes state for this long, with some unsettled: give up
SETTLED = (OutboundMessage.Status.SENT, OutboundMessage.Status.BLOCKED, OutboundMessage.Status.FAILED)

# The raw baseline's consumer: pop payloads one at a time until a stop, and say how many it took.
CONSUMER = """import sys, redis
client, taken = redis.Redis.from_url(sys.argv[1]), 0
while client.brpop(sys.argv[2])[1] != b"stop":
    taken += 1
print(taken)
"""


def noon_zone() -> str:
    """A fixed-offset zone where it is now between 12:00 and 13:00, on today's UTC date."""
    offset = 12 - datetime.now(UTC).hour
    return f"Etc/GMT{-offset:+d}"  # the Etc zones' signs are inverted: Etc/GMT-5 is UTC+5


def arrange(today) -> MessageTemplate:
    """Clear earlier runs' messages and interactions (the history the frequency caps count), put every debtor at
    noon and every account placed today, and make sure the approved template and the benchmark's cadence exist,
    alone among active cadences."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM communications_outboundmessage")
        cursor.execute("DELETE FROM communications_interaction")
        cursor.execute("UPDATE debtors_debtor SET timezone = %s WHERE timezone <> %s", [noon_zone()] * 2)
        cursor.execute("UPDATE debtors_account SET placed_on = %s WHERE placed_on <> %s", [today] * 2)
    Cadence.objects.exclude(name=CADENCE).update(is_active=False)
    template = MessageTemplate.objects.filter(code=TEMPLATE_CODE).first()
    if template is None:
        draft = template_create(actor=User.objects.get(username="admin"), code=TEMPLATE_CODE, name="Bench reminder",
                                channel="sms", body=BODY)
        template = template_approve(actor=User.objects.get(username="compliance-admin"), template=draft)
    return template


def new_step(template: MessageTemplate) -> str:
    """Replace the benchmark cadence's step (a new step, so new keys); returns its messages' key prefix."""
    cadence = cadence_save(actor=User.objects.get(username="admin"), cadence=Cadence.objects.filter(
        name=CADENCE).first(), name=CADENCE, applies_to_all=True, steps=[
        {"trigger": CadenceStep.Trigger.PLACEMENT, "offset_days": 0, "template": template, "local_hour": 10}])
    return f"cadence-step{cadence.steps.get().pk}:"


def plan(today, prefix: str) -> Rate:
    started = time.perf_counter()
    created = outbox_plan(today=today)
    rate = Rate("plan (outbox_plan: cadence step -> outbox rows)", created, time.perf_counter() - started)
    assert OutboundMessage.objects.filter(idempotency_key__startswith=prefix).count() == created
    return rate


def raw_insert(prefix: str) -> Rate:
    """The rows planning wrote, written again by a bare client: multi-row INSERTs of 2,000 (as bulk_create)."""
    columns = [field.column for field in OutboundMessage._meta.concrete_fields if not field.primary_key]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM communications_outboundmessage "
                       f"WHERE idempotency_key LIKE %s", [prefix + "%"])
        rows = [tuple(json.dumps(value) if isinstance(value, dict) else value for value in row)
                for row in cursor.fetchall()]
        cursor.execute("CREATE TEMP TABLE bench_raw_plan "
                       "(LIKE communications_outboundmessage INCLUDING DEFAULTS INCLUDING IDENTITY)")
        started = time.perf_counter()
        execute_values(cursor.cursor, f"INSERT INTO bench_raw_plan ({', '.join(columns)}) VALUES %s", rows,
                       page_size=2000)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw_plan")
    return Rate("INSERT of the same rows, 2,000 a statement", len(rows), seconds)


def raw_redis(count: int) -> Rate:
    """As many text-sized payloads through a Redis list: LPUSH (pipelined, 1,000 a round trip) and BRPOP, one
    payload a round trip, by two consumer processes."""
    client, queue = redis.Redis.from_url(settings.REDIS_URL), "bench-raw"
    client.delete(queue)
    consumers = [subprocess.Popen([sys.executable, "-c", CONSUMER, settings.REDIS_URL, queue],  # noqa: S603
                                  stdout=subprocess.PIPE, text=True) for _ in range(2)]
    while sum(1 for each in client.client_list() if each.get("cmd") == "brpop") < 2:
        time.sleep(0.05)
    body = "Hi James, 1,234.56 USD is owed on account ****0042 to Creditor 7. Pay at https://pay.example.com/."
    started = time.perf_counter()
    pipe = client.pipeline(transaction=False)
    for number in range(count):
        pipe.lpush(queue, json.dumps({"key": f"bench:{number}", "to": f"+1212{number:07d}", "body": body}))
        if number % 1000 == 999:
            pipe.execute()
    pipe.lpush(queue, "stop", "stop")
    pipe.execute()
    taken = sum(int(consumer.communicate(timeout=600)[0]) for consumer in consumers)
    seconds = time.perf_counter() - started
    assert taken == count, (taken, count)
    return Rate("Redis LPUSH/BRPOP, 2 consumer processes", count, seconds)


class Workers:
    """Celery worker processes (solo pool: one process each), on the benchmark's Redis and data folder."""

    def __init__(self, folder: Path):
        self.folder, self.processes, self.started = folder, {}, Counter()

    def start(self, name: str) -> None:
        self.started[name] += 1
        log = self.folder / f"worker-{name}-{self.started[name]}.log"
        with log.open("w") as output:
            self.processes[name] = subprocess.Popen(  # noqa: S603 - celery, from this interpreter
                [sys.executable, "-m", "celery", "-A", "collections_crm", "worker", "--pool", "solo",
                 "--hostname", f"bench-{name}-{self.started[name]}@%h", "--queues", QUEUE, "--loglevel", "INFO",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=PROJECT_DIR, env={**os.environ, "DATA_DIR": str(self.folder), "SMS_BACKEND": "file"},
                stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text():
            if self.processes[name].poll() is not None or time.monotonic() > deadline:
                sys.exit(f"Worker {name} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)

    def kill(self, name: str) -> None:
        """kill -9: no warm shutdown, its task unacknowledged, its claimed messages left in `sending`."""
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait()

    def kill_mid_send(self, name: str, log: Path) -> bool:
        """kill -9 the worker while it hands texts to the provider (the texts' log is open in it): part of its batch
        went out and none of it is recorded, the window the sweeper is for. Returns whether it was caught there
        (else, after a few seconds, it is killed wherever it is)."""
        descriptors, deadline = Path(f"/proc/{self.processes[name].pid}/fd"), time.monotonic() + 10
        caught = False
        while not caught and descriptors.exists() and time.monotonic() < deadline:
            try:
                caught = any(os.readlink(descriptors / fd) == str(log) for fd in os.listdir(descriptors))
            except OSError:  # a file closed between listing and reading it
                continue
        self.kill(name)
        return caught

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            process.wait(timeout=60)


def progress(folder: Path) -> tuple[int, int, bool]:
    """What changes while the workers work: the size of the texts' log, how many messages are `sending`, and
    whether any is left `scheduled`. Cheap reads (counting 100k scheduled rows four times a second would take CPU
    from the workers)."""
    log = folder / "outbox" / "sms" / "sent.jsonl"
    return (log.stat().st_size if log.exists() else 0,
            OutboundMessage.objects.filter(status=OutboundMessage.Status.SENDING).count(),
            OutboundMessage.objects.filter(status=OutboundMessage.Status.SCHEDULED).exists())


def tick(client: redis.Redis) -> None:
    """The beat's tick, when nothing is queued and due messages are left: hand them to the workers."""
    if client.llen(QUEUE) == 0 and OutboundMessage.objects.filter(
            status=OutboundMessage.Status.SCHEDULED, scheduled_for__lte=timezone.now()).exists():
        outbox_dispatch_due_task()


def dispatch(client: redis.Redis, folder: Path, *, until_idle: bool = False, on_poll=None) -> float:
    """Tick and wait until every message is settled (or, with until_idle, until the workers are idle: a killed
    worker's messages stay in `sending`); returns the seconds it took."""
    started = last_change = time.perf_counter()
    last = None
    outbox_dispatch_due_task()
    while True:
        time.sleep(POLL_SECONDS)
        now = progress(folder)
        _, sending, scheduled = now
        if now != last:
            last, last_change = now, time.perf_counter()
        if time.perf_counter() - last_change > STALLED_SECONDS:
            sys.exit(f"Dispatch stalled with {sending:,} messages sending: see the worker logs")
        if not sending and not scheduled:
            return time.perf_counter() - started
        idle = not scheduled and client.llen(QUEUE) == 0 and time.perf_counter() - last_change > IDLE_SECONDS
        if until_idle and idle:
            return time.perf_counter() - started
        if on_poll:
            on_poll()
        tick(client)


def provider_log(folder: Path) -> Counter:
    """Keys of the texts in the provider's log, counted: whole lines only (a line a crash cut short never went
    out)."""
    log = folder / "outbox" / "sms" / "sent.jsonl"
    keys = Counter()
    for line in (log.read_bytes().split(b"\n")[:-1] if log.exists() else []):
        try:
            keys[json.loads(line)["key"]] += 1
        except ValueError:
            continue
    return keys


def tally(prefix: str, sent_log: Counter) -> dict[str, int]:
    """A run's messages by status, its duplicates (keys in the provider's log more than once) and its lost
    messages (neither sent, blocked nor failed with a reason; or sent and not in the log)."""
    rows = list(OutboundMessage.objects.filter(idempotency_key__startswith=prefix)
                .values_list("idempotency_key", "status", "reason"))
    statuses = Counter(status for _, status, _ in rows)
    lost = sum(1 for key, status, reason in rows
               if status not in SETTLED or (status == OutboundMessage.Status.FAILED and not reason)
               or (status == OutboundMessage.Status.SENT and key not in sent_log))
    unrecorded = sum(1 for key, status, _ in rows if key in sent_log and status != OutboundMessage.Status.SENT)
    duplicates = sum(count - 1 for key, count in sent_log.items() if key.startswith(prefix) and count > 1)
    return {"messages": len(rows), **{status: statuses[status] for status in SETTLED}, "duplicates": duplicates,
            "lost": lost, "in the log, not recorded sent": unrecorded}


def print_tally(label: str, counts: dict[str, int]) -> None:
    print(f"  {label}: " + ", ".join(f"{name} {value:,}" for name, value in counts.items()))


def run() -> None:
    redis_url = settings.REDIS_URL
    if not redis_url or int(urlsplit(redis_url).path.lstrip("/") or 0) < 2:
        sys.exit("BENCH_OUTBOX_REDIS_URL must name a Redis database of the benchmark's own (not 0 or 1): it is "
                 "flushed")
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    today = datetime.now(UTC).date()
    template = arrange(today)
    folder = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    print(f"Outbox benchmark: worker logs and the texts' log in {folder}")
    workers = Workers(folder)
    with override_settings(DATA_DIR=folder, SMS_BACKEND="file"):
        try:
            for name in WORKERS:
                workers.start(name)
            prefix = new_step(template)
            planned = plan(today, prefix)
            inserted = raw_insert(prefix)
            dispatched = Rate("dispatch (claim, check, render, send, record)", planned.count,
                              dispatch(client, folder))
            first = tally(prefix, provider_log(folder))
            print_rates(f"Outbox: {planned.count:,} due reminders, {len(WORKERS)} Celery worker processes (solo pool),"
                        f" PostgreSQL and Redis ({redis_url})", [
                            (planned, inserted), (dispatched, raw_redis(planned.count))])
            print_tally("settled", first)

            prefix = new_step(template)
            replanned = plan(today, prefix)
            killed = {}

            def kill_mid_run() -> None:
                scheduled = OutboundMessage.objects.filter(status=OutboundMessage.Status.SCHEDULED)
                if not killed and scheduled.count() <= replanned.count * (1 - KILL_WHEN_SETTLED):
                    killed["mid-send"] = workers.kill_mid_send(WORKERS[0], folder / "outbox" / "sms" / "sent.jsonl")
                    killed["sending"] = progress(folder)[1]
                    workers.start(WORKERS[0])

            seconds = dispatch(client, folder, until_idle=True, on_poll=kill_mid_run)
            # The beat sweeps every 5 minutes, and only sends claimed more than STUCK_AFTER (10 minutes) ago: long
            # after any live task's time limit. The benchmark cannot wait, so it sweeps with the clock moved past
            # STUCK_AFTER, which is safe only now that no worker is in the middle of a send.
            swept = outbox_sweep(now=timezone.now() + STUCK_AFTER)
            seconds += dispatch(client, folder)
            second = tally(prefix, provider_log(folder))
            where = "while handing texts to the provider" if killed.get("mid-send") else "mid-run"
            print(f"\nKill -9: a fresh {replanned.count:,} planned ({replanned.per_second:,.0f}/s); worker "
                  f"{WORKERS[0]} killed {where}, {killed.get('sending', 0):,} messages left in `sending` (both "
                  f"workers' batches), and started again; the sweeper (clock + {STUCK_AFTER}) settled {swept}; all "
                  f"settled in {seconds:.1f} s")
            print_tally("settled", second)
            print(f"  duplicates {first['duplicates'] + second['duplicates']} (must be 0), "
                  f"lost {first['lost'] + second['lost']} (must be 0)")
        finally:
            workers.stop_all()
