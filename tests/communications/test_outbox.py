"""The outbox: scheduling once per key, sending once, moving a message to the next allowed moment (across a
daylight-saving change), blocking it for a hold, an opt-out, a frequency cap or a legal threat on time-barred
debt, dispatching in batches, and recovering sends a crash interrupted without a duplicate."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from collections_crm.celery import app as celery_app
from collections_crm.celery import tasks_waiting
from collections_crm.errors import DomainError
from collections_crm.tasks import heartbeat_record_task
from communications import outbox, tasks
from communications.models import Interaction, MessageTemplate, OutboundMessage
from communications.outbox import (
    message_schedule,
    outbox_dispatch,
    outbox_dispatch_batch,
    outbox_due_batches,
    outbox_sweep,
)
from communications.providers import FileSms, ProviderUnavailable
from communications.services import interaction_log, template_approve, template_create
from compliance.services import hold_place, validation_notice_record
from tests.factories import AccountFactory, ContactPointFactory, UserFactory

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _outbox_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def approver(db):
    return UserFactory(username="grace", admin=True)


def approved(admin_user, approver, **fields):
    template = template_create(actor=admin_user, **{
        "code": "reminder", "name": "Reminder", "channel": "sms",
        "body": "Hi {{ debtor_first_name }}, {{ balance }} {{ currency }} is owed.", **fields})
    return template_approve(actor=approver, template=template)


def debtor_account(admin_user, *, region="NY", zone="America/New_York", **phone):
    """An account of a debtor (in New York unless told) with a consenting mobile and a validation notice sent long
    ago."""
    account = AccountFactory(debtor__first_name="Maria", debtor__region=region, debtor__timezone=zone,
                             delinquent_since=date(2025, 9, 1))
    ContactPointFactory(debtor=account.debtor, is_primary=True, consent_sms=True, **phone)
    validation_notice_record(actor=admin_user, account=account, sent_at=utc(2026, 1, 5, 15))
    return account


@pytest.fixture
def account(admin_user):
    return debtor_account(admin_user, value="+12125550147")


@pytest.fixture
def template(admin_user, approver):
    return approved(admin_user, approver)


def schedule(account, template, at, key="reminder:1"):
    return message_schedule(account=account, template=template, scheduled_for=at, idempotency_key=key)


def sent_texts():
    log = FileSms().log
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_scheduling_twice_with_one_key_makes_one_message(account, template):
    first, created = schedule(account, template, utc(2026, 6, 10, 15))
    again, created_again = schedule(account, template, utc(2026, 6, 10, 15))
    assert (created, created_again, first.pk) == (True, False, again.pk)
    assert OutboundMessage.objects.count() == 1


def test_a_due_message_is_sent_once_and_logged_as_an_interaction(account, template):
    message, _ = schedule(account, template, utc(2026, 6, 10, 15))
    assert outbox_dispatch(message_id=message.pk, now=utc(2026, 6, 10, 15)) == "sent"
    assert outbox_dispatch(message_id=message.pk, now=utc(2026, 6, 10, 15)) == "sent"
    message.refresh_from_db()
    assert [text["key"] for text in sent_texts()] == ["reminder:1"]
    assert sent_texts()[0]["body"].startswith("Hi Maria, 1,000.00 USD is owed.")
    assert sent_texts()[0]["body"].endswith("Reply STOP to opt out.")
    assert (message.status, message.interaction.channel, message.interaction.direction) == ("sent", "sms", "outbound")


def test_a_message_not_yet_due_is_left_alone(account, template):
    message, _ = schedule(account, template, utc(2026, 6, 10, 15))
    assert outbox_dispatch(message_id=message.pk, now=utc(2026, 6, 10, 14)) == "scheduled"
    assert sent_texts() == []


@pytest.mark.parametrize(("now", "expected"), [
    (utc(2026, 3, 7, 11, 30), utc(2026, 3, 7, 13, 0)),   # 06:30 EST: 08:00 EST is 13:00 UTC
    (utc(2026, 3, 8, 11, 30), utc(2026, 3, 8, 12, 0)),   # 07:30 EDT, clocks went forward: 08:00 EDT is 12:00 UTC
    (utc(2026, 6, 11, 1, 30), utc(2026, 6, 11, 12, 0)),  # 21:30 EDT: the next morning at 08:00
])
def test_outside_the_debtors_hours_a_message_moves_to_the_next_allowed_moment(account, template, now, expected):
    message, _ = schedule(account, template, now)
    assert outbox_dispatch(message_id=message.pk, now=now) == "scheduled"
    message.refresh_from_db()
    assert (message.status, message.scheduled_for) == ("scheduled", expected)
    assert "Moved to the next allowed moment" in message.reason
    assert sent_texts() == []
    assert outbox_dispatch(message_id=message.pk, now=expected) == "sent"


def test_a_hold_blocks_the_message_with_the_reason(account, template, admin_user):
    hold_place(actor=admin_user, debtor=account.debtor, kind="cease_communication", starts_at=utc(2026, 5, 1))
    message, _ = schedule(account, template, utc(2026, 6, 10, 15))
    assert outbox_dispatch(message_id=message.pk, now=utc(2026, 6, 10, 15)) == "blocked"
    message.refresh_from_db()
    assert "Cease communication hold" in message.reason
    assert message.verdict["verdict"] == "block"
    assert sent_texts() == []


def test_an_opted_out_number_blocks_the_message(account, template):
    point = account.debtor.contact_points.get()
    point.opted_out_at = utc(2026, 6, 1)
    point.save()
    message, _ = schedule(account, template, utc(2026, 6, 10, 15))
    assert outbox_dispatch(message_id=message.pk, now=utc(2026, 6, 10, 15)) == "blocked"
    message.refresh_from_db()
    assert "opted out" in message.reason


def test_the_massachusetts_cap_blocks_a_third_text_in_a_week(account, template, admin_user):
    debtor = account.debtor
    debtor.region = "MA"
    debtor.save()
    point = debtor.contact_points.get()
    for day in (8, 9):
        interaction_log(actor=admin_user, account=account, channel="sms", occurred_at=utc(2026, 6, day, 15),
                        contact_point=point)
    message, _ = schedule(account, template, utc(2026, 6, 10, 15))
    assert outbox_dispatch(message_id=message.pk, now=utc(2026, 6, 10, 15)) == "blocked"
    assert "the limit is 2" in OutboundMessage.objects.get().reason


def test_a_legal_threat_is_never_sent_on_time_barred_debt(admin_user, approver):
    account = AccountFactory(debtor__region="TX", debtor__timezone="America/Chicago", delinquent_since=date(2020, 1, 1))
    ContactPointFactory(debtor=account.debtor, is_primary=True, consent_sms=True)
    validation_notice_record(actor=admin_user, account=account, sent_at=utc(2026, 1, 5, 15))
    threat = approved(admin_user, approver, code="legal", mentions_legal_action=True,
                      body="We may take legal action over {{ balance }}.")
    message, _ = schedule(account, threat, utc(2026, 6, 10, 16))
    assert outbox_dispatch(message_id=message.pk, now=utc(2026, 6, 10, 16)) == "blocked"
    assert "time-barred" in OutboundMessage.objects.get().reason


def test_only_approved_templates_are_scheduled(account, admin_user):
    draft = template_create(actor=admin_user, code="draft", name="Draft", channel="sms", body="Hi")
    with pytest.raises(DomainError, match="approved"):
        schedule(account, draft, utc(2026, 6, 10, 15))


def test_the_sweeper_settles_interrupted_sends_without_a_duplicate(account, template, admin_user, approver):
    schedule(account, template, utc(2026, 6, 10, 15), key="reminder:went-out")
    schedule(account, template, utc(2026, 6, 10, 15), key="reminder:lost")
    email = approved(admin_user, approver, code="email", channel="email", subject="Your account", body="<p>Hi</p>")
    schedule(account, email, utc(2026, 6, 10, 15), key="email:unknown")
    claimed_at = timezone.now() - timedelta(hours=1)
    OutboundMessage.objects.update(status="sending", claimed_at=claimed_at)
    FileSms().send(to="+12125550147", body="Hi", key="reminder:went-out")  # the crash came after this send
    assert outbox_sweep() == {"sent": 1, "requeued": 1, "failed": 1}
    assert outbox_sweep() == {"sent": 0, "requeued": 0, "failed": 0}
    statuses = dict(OutboundMessage.objects.values_list("idempotency_key", "status"))
    assert statuses == {"reminder:went-out": "sent", "reminder:lost": "scheduled", "email:unknown": "failed"}
    assert Interaction.objects.filter(message__isnull=False).count() == 1
    assert len(mail.outbox) == 0
    assert MessageTemplate.objects.exclude(edited_by=None).count() == 2


def test_the_account_timeline_shows_each_message_with_its_status(account, template, admin_user, client):
    hold_place(actor=admin_user, debtor=account.debtor, kind="cease_communication", starts_at=utc(2026, 5, 1))
    message, _ = schedule(account, template, utc(2026, 6, 10, 15))
    outbox_dispatch(message_id=message.pk, now=utc(2026, 6, 10, 15))
    client.force_login(admin_user)
    page = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "SMS “Reminder” · blocked" in page


def test_a_batch_is_checked_and_recorded_in_queries_that_do_not_grow_with_it(template, admin_user):
    def queries_for(count: int) -> int:
        messages = [schedule(debtor_account(admin_user), template, utc(2026, 6, 10, 15), key=f"batch{count}:{n}")[0]
                    for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            statuses = outbox_dispatch_batch(message_ids=[message.pk for message in messages], now=utc(2026, 6, 10, 15))
        assert set(statuses.values()) == {"sent"}
        # Rendering reads each account's next installment and pending promise (communications/messages.py).
        return len([query for query in captured.captured_queries if "payment_plans_" not in query["sql"]])

    assert queries_for(2) == queries_for(5)
    assert len(sent_texts()) == 7


def test_a_debtors_second_message_in_a_batch_is_checked_after_the_first_is_recorded(admin_user, template):
    """Massachusetts allows two texts a week about an account: with one sent yesterday, a batch holding two more
    sends the first and blocks the second, as one message after the other would."""
    noon = f"Etc/GMT{timezone.now().hour - 12:+d}"  # where it is now about noon (the Etc zones' signs are inverted)
    account = debtor_account(admin_user, region="MA", zone=noon)
    interaction_log(actor=admin_user, account=account, channel="sms", occurred_at=timezone.now() - timedelta(days=1),
                    contact_point=account.debtor.contact_points.get())
    first, _ = schedule(account, template, timezone.now(), key="reminder:1")
    second, _ = schedule(account, template, timezone.now(), key="reminder:2")
    assert outbox_dispatch_batch(message_ids=[first.pk, second.pk]) == {first.pk: "sent", second.pk: "blocked"}
    assert "the limit is 2" in OutboundMessage.objects.get(pk=second.pk).reason
    assert [text["key"] for text in sent_texts()] == ["reminder:1"]


def test_an_outage_mid_batch_tries_that_text_later_and_gives_the_rest_back(template, admin_user, monkeypatch):
    now = utc(2026, 6, 10, 15)
    messages = [schedule(debtor_account(admin_user), template, now, key=f"reminder:{n}")[0] for n in range(3)]
    send = FileSms.send

    def send_until_the_outage(provider, **text):
        if text["key"] == "reminder:1":
            raise ProviderUnavailable("503 Service Unavailable")
        return send(provider, **text)

    monkeypatch.setattr(FileSms, "send", send_until_the_outage)
    with pytest.raises(ProviderUnavailable):
        outbox_dispatch_batch(message_ids=[message.pk for message in messages], now=now)
    after = {message.idempotency_key: (message.status, message.scheduled_for, message.attempts)
             for message in OutboundMessage.objects.all()}
    assert after == {"reminder:0": ("sent", now, 1),
                     "reminder:1": ("scheduled", now + timedelta(minutes=2), 1),  # tried again after a pause
                     "reminder:2": ("scheduled", now, 0)}  # never tried: given back as it was
    assert [text["key"] for text in sent_texts()] == ["reminder:0"]


def test_the_due_messages_are_handed_out_oldest_first_in_batches_with_each_debtors_together(
        account, template, monkeypatch):
    monkeypatch.setattr(outbox, "BATCH_SIZE", 2)
    others = [AccountFactory(debtor__timezone=account.debtor.timezone) for _ in range(3)]
    owners = {5: account, 4: others[0], 3: account, 2: others[1], 1: others[2]}
    due = {minutes: schedule(owner, template, timezone.now() - timedelta(minutes=minutes), key=f"due:{minutes}")[0].pk
           for minutes, owner in owners.items()}
    schedule(account, template, timezone.now() + timedelta(minutes=1), key="later")
    # the debtor's second message joins the batch of the first, so no two workers check that debtor's caps at once
    assert outbox_due_batches() == [[due[5], due[4], due[3]], [due[2], due[1]]]


def test_a_text_whose_line_a_crash_cut_short_was_not_sent():
    provider = FileSms()
    provider.send(to="+12125550147", body="Hi", key="reminder:1")
    with provider.log.open("a") as log:
        log.write('{"key": "reminder:2", "to": "+1212')  # the crash came in the middle of this line
    assert (provider.already_sent("reminder:1"), provider.already_sent("reminder:2")) == (True, False)
    provider.send(to="+12125550147", body="Hi", key="reminder:2")  # the sweeper scheduled it again
    provider.send(to="+12125550147", body="Hi", key="reminder:3")
    assert [provider.already_sent(f"reminder:{n}") for n in (1, 2, 3)] == [True, True, True]
    lines = provider.log.read_text().splitlines()
    assert lines[1] == '{"key": "reminder:2", "to": "+1212'  # left on a line of its own
    assert [json.loads(line)["key"] for line in lines[2:]] == ["reminder:2", "reminder:3"]


@pytest.mark.django_db(transaction=True)
def test_a_subject_too_long_once_filled_in_fails_that_letter_alone(admin_user, approver):
    now = utc(2026, 6, 10, 15)
    letter = approved(admin_user, approver, code="long", channel="letter", body="<p>Hi</p>",
                      subject="x" * 183 + "{{ debtor_name }}")

    def to(name, key):
        account = debtor_account(admin_user)
        account.debtor.first_name = name
        account.debtor.save()
        ContactPointFactory(debtor=account.debtor, kind="address", value="1 Main St, NY", is_primary=True,
                            phone_type="")
        return schedule(account, letter, now, key=key)[0]

    short, long = to("Ann", "letter:short"), to("Bartholomew-Maximilian", "letter:long")
    assert outbox_dispatch_batch(message_ids=[long.pk, short.pk], now=now) == {long.pk: "failed", short.pk: "sent"}
    long.refresh_from_db()
    assert "shorten the template's subject" in long.reason


def test_overlapping_sweeps_record_a_send_once(account, template, monkeypatch):
    message, _ = schedule(account, template, utc(2026, 6, 10, 15))
    OutboundMessage.objects.update(status="sending", claimed_at=timezone.now() - timedelta(hours=1))
    FileSms().send(to="+12125550147", body="Hi", key=message.idempotency_key)
    asked = FileSms.already_sent

    def already_sent_while_another_sweep_runs(provider, key):
        monkeypatch.setattr(FileSms, "already_sent", asked)
        assert outbox_sweep() == {"sent": 1, "requeued": 0, "failed": 0}  # the other sweep, at the same time
        return asked(provider, key)

    monkeypatch.setattr(FileSms, "already_sent", already_sent_while_another_sweep_runs)
    assert outbox_sweep()["sent"] == 0
    assert Interaction.objects.filter(account=account, direction="outbound").count() == 1


def test_a_stale_sweep_leaves_a_message_claimed_again_since_alone(account, template, monkeypatch):
    message, _ = schedule(account, template, utc(2026, 6, 10, 15))
    OutboundMessage.objects.update(status="sending", claimed_at=timezone.now() - timedelta(hours=1))
    asked = FileSms.already_sent

    def already_sent_while_another_sweep_requeues(provider, key):
        monkeypatch.setattr(FileSms, "already_sent", asked)
        assert outbox_sweep()["requeued"] == 1  # another sweep requeues it, and a worker claims it again
        OutboundMessage.objects.filter(pk=message.pk).update(status="sending", claimed_at=timezone.now())
        return asked(provider, key)

    monkeypatch.setattr(FileSms, "already_sent", already_sent_while_another_sweep_requeues)
    assert outbox_sweep()["requeued"] == 0
    message.refresh_from_db()
    assert message.status == "sending"  # the live claim is the worker's, not this sweep's


def test_one_at_a_time_sends_stop_claiming_once_the_tasks_time_is_spent(admin_user, approver, monkeypatch):
    now = utc(2026, 6, 10, 15)
    email = approved(admin_user, approver, code="mail", channel="email", subject="Hello", body="<p>Hi</p>")
    first, second = (debtor_account(admin_user) for _ in range(2))
    for account in (first, second):
        ContactPointFactory(debtor=account.debtor, kind="email", value=f"d{account.pk}@example.com",
                            is_primary=True, consent_email=True, phone_type="")
    messages = [schedule(account, email, now, key=f"mail:{account.pk}")[0] for account in (first, second)]
    monkeypatch.setattr(outbox, "ONE_AT_A_TIME_SECONDS", 0)
    assert outbox_dispatch_batch(message_ids=[message.pk for message in messages], now=now) == {
        messages[0].pk: "scheduled", messages[1].pk: "scheduled"}  # left, unclaimed, for the next tick
    monkeypatch.setattr(outbox, "ONE_AT_A_TIME_SECONDS", 120)
    assert set(outbox_dispatch_batch(message_ids=[message.pk for message in messages], now=now).values()) == {"sent"}
    assert len(mail.outbox) == 2


def test_a_tick_hands_out_nothing_while_the_last_ticks_batches_still_wait(account, template, monkeypatch):
    schedule(account, template, timezone.now() - timedelta(minutes=1))
    monkeypatch.setattr(tasks, "tasks_waiting", lambda: tasks.MAX_WAITING_BATCHES + 1)
    assert tasks.outbox_dispatch_due_task() == 0


def test_the_tasks_waiting_in_a_queue_are_counted_on_the_real_broker():
    queue = f"test-waiting-{uuid.uuid4().hex}"
    assert tasks_waiting(queue) == 0  # never used
    with celery_app.connection_for_write() as broker:
        for _ in range(3):
            heartbeat_record_task.apply_async(queue=queue, connection=broker)
        assert tasks_waiting(queue) == 3
        broker.default_channel.queue_purge(queue)
