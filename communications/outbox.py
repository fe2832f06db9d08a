"""The outbox: schedule a message (a committed row, unique by idempotency key), dispatch it once, recover sends a
crash interrupted.

Dispatch re-checks compliance at send time in the debtor's local time: a message outside the allowed hours (or
on a rest day) is moved to the next allowed moment; one refused for any other reason (a hold, an opt-out, a
frequency cap, a legal threat on time-barred debt) is `blocked` with the reason and never sent.

Workers dispatch batches of ids. Messages whose provider can say afterwards what it sent (the file of texts,
letters) are claimed together by one conditional UPDATE, checked and rendered from one set of look-ups, handed to
the provider, and recorded sent in one commit: a crash leaves them `sending`, and the sweeper asks the provider
about each. Messages whose provider cannot say (an SMS API, SMTP) are claimed, sent and recorded one at a time,
so a crash leaves at most one of them in doubt, which the sweeper fails rather than send twice; their pace is the
provider's round trip anyway.
"""

import zoneinfo
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from time import monotonic as time_monotonic

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from collections_crm.errors import Conflict, DomainError, Forbidden
from collections_crm.roles import SUPERVISORS
from communications.messages import message_contexts, message_render
from communications.models import Interaction, MessageTemplate, OutboundMessage
from communications.providers import ProviderOutcomeUnknown, ProviderRejected, ProviderUnavailable, provider_for
from compliance.engine import Verdict, check_contact, default_contact_point, prefetch_contact_checks
from compliance.models import Rule
from compliance.services import audit_record, contact_check
from debtors.models import Account

# Violations that only say "not now": the message waits for the next allowed moment instead of being blocked.
TIME_RULES = frozenset({Rule.Kind.CONTACT_HOURS, Rule.Kind.REST_DAYS})
# A send claimed longer ago than this was interrupted (the send task's time limit is far shorter).
STUCK_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 5
LOOKAHEAD_DAYS = 8
# Ids per dispatch task: a fraction of a second of a worker's time, and what a crash leaves to the sweeper.
BATCH_SIZE = 200
SUBJECT_LENGTH = OutboundMessage._meta.get_field("subject").max_length
# A task stops claiming one-at-a-time sends (an SMS API, SMTP) after this long, well inside its soft time limit, so
# the limit never interrupts a send; the rest stay scheduled for the next tick.
ONE_AT_A_TIME_SECONDS = 120
# Messages handed out per beat tick (every minute): more than two workers send in a minute.
PER_TICK = 100_000


@transaction.atomic
def message_schedule(*, account: Account, template: MessageTemplate, scheduled_for: datetime, idempotency_key: str,
                     contact_point=None) -> tuple[OutboundMessage, bool]:
    """Put a message in the outbox once: the same key returns the message already there (created False)."""
    if template.status != MessageTemplate.Status.APPROVED or not template.is_active:
        raise DomainError("Only an approved, active template is sent.", field="template")
    if contact_point is not None and contact_point.debtor_id != account.debtor_id:
        raise DomainError("This contact point is not the account's debtor's.", field="contact_point")
    return OutboundMessage.objects.get_or_create(idempotency_key=idempotency_key, defaults={
        "account": account, "template": template, "channel": template.channel, "contact_point": contact_point,
        "scheduled_for": scheduled_for})


def next_allowed_moment(*, account: Account, channel: str, contact_point, after: datetime) -> datetime | None:
    """The first moment after `after` at which no time rule refuses this contact: the start of a contact window
    in one of the debtor's zones, on one of the coming days (None if there is none within LOOKAHEAD_DAYS)."""
    first = check_contact(account, channel, after, contact_point)
    starts = {time.fromisoformat(rule.params["start"]) for rule in Rule.objects.filter(
        kind=Rule.Kind.CONTACT_HOURS, is_active=True, pack__is_active=True)} or {time(8)}
    candidates = sorted(
        datetime.combine(after.astimezone(zoneinfo.ZoneInfo(zone)).date() + timedelta(days=offset), start,
                         tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(after.tzinfo)
        for zone in first.zones for offset in range(LOOKAHEAD_DAYS + 1) for start in starts)
    for candidate in candidates:
        if candidate <= after:
            continue
        verdict = check_contact(account, channel, candidate, contact_point)
        if not any(v.severity == "block" and v.rule in TIME_RULES for v in verdict.violations):
            return candidate
    return None


def outbox_due_batches(*, now: datetime | None = None) -> list[list[int]]:
    """The due messages, oldest first, in batches of about BATCH_SIZE ids: what one beat tick hands to workers (at
    most PER_TICK; the next tick takes the rest). A debtor's messages all go in the batch of the first of them, so
    two workers never check the same debtor's caps at once. A message handed out twice, because the next tick came
    before a worker took it, is claimed once."""
    due = (OutboundMessage.objects.filter(status=OutboundMessage.Status.SCHEDULED,
                                          scheduled_for__lte=now or timezone.now())
           .order_by("scheduled_for").values_list("pk", "account__debtor")[:PER_TICK])
    batches, batch_of_debtor = [], {}
    for pk, debtor in due:
        if debtor not in batch_of_debtor:
            if not batches or len(batches[-1]) >= BATCH_SIZE:
                batches.append([])
            batch_of_debtor[debtor] = batches[-1]
        batch_of_debtor[debtor].append(pk)
    return batches


def outbox_dispatch(*, message_id: int, now: datetime | None = None) -> str:
    """Send one due message, once; returns its status afterwards (see `outbox_dispatch_batch`)."""
    return outbox_dispatch_batch(message_ids=[message_id], now=now)[message_id]


def outbox_dispatch_batch(*, message_ids: list[int], now: datetime | None = None) -> dict[int, str]:
    """Send the due messages among these, each once; returns each one's status afterwards. The claim (scheduled ->
    sending) is a conditional UPDATE: a second worker, or a redelivered task, finds nothing to do."""
    message_ids = list(dict.fromkeys(message_ids))
    claim_at = now or timezone.now()
    due = dict(OutboundMessage.objects.filter(pk__in=message_ids, status=OutboundMessage.Status.SCHEDULED,
                                              scheduled_for__lte=claim_at).values_list("pk", "channel"))
    together = {channel for channel in set(due.values()) if provider_for(channel).answers_already_sent}
    statuses = _dispatch(_claim([pk for pk in message_ids if due.get(pk) in together], at=claim_at), now)
    deadline = time_monotonic() + ONE_AT_A_TIME_SECONDS
    for pk in message_ids:
        if pk in due and due[pk] not in together and time_monotonic() < deadline:
            statuses.update(_dispatch(_claim([pk], at=now or timezone.now()), now))
    if unclaimed := [pk for pk in message_ids if pk not in statuses]:
        statuses.update(OutboundMessage.objects.filter(pk__in=unclaimed).values_list("pk", "status"))
    return statuses


def _claim(message_ids: list[int], *, at: datetime) -> list[int]:
    """scheduled -> sending, for those of these messages that are due at `at`, in one conditional UPDATE ...
    RETURNING (PostgreSQL; SQLite from 3.35): the ids this call claimed, in the order given. A concurrent claimer
    gets none of them."""
    if not message_ids:
        return []
    table, ids = connection.ops.quote_name(OutboundMessage._meta.db_table), ", ".join(["%s"] * len(message_ids))
    moment = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(  # the table name is the model's; every value is a parameter
            f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1 "  # noqa: S608
            f"WHERE id IN ({ids}) AND status = %s AND scheduled_for <= %s RETURNING id",
            [OutboundMessage.Status.SENDING, moment, *message_ids, OutboundMessage.Status.SCHEDULED, moment])
        claimed = {pk for (pk,) in cursor.fetchall()}
    return [pk for pk in message_ids if pk in claimed]


def _dispatch(claimed: list[int], now: datetime | None) -> dict[int, str]:
    """Check, render, send and record claimed messages, a round at a time with one message per debtor each (a
    check counts the sends recorded before it, so a debtor's second message waits for the first). If something
    goes wrong, the messages not yet started go back to `scheduled`; the one at hand stays `sending`, for the
    sweeper."""
    if not claimed:
        return {}
    loaded = OutboundMessage.objects.select_related(
        "account__debtor", "account__team", "account__creditor", "account__assigned_to", "template", "contact_point",
    ).prefetch_related("account__debtor__contact_points").in_bulk(claimed)
    not_started = {pk: loaded[pk] for pk in claimed}
    rounds, seen = defaultdict(list), Counter()
    for message in not_started.values():  # a debtor's n-th message goes in the n-th round
        rounds[seen[message.account.debtor_id]].append(message)
        seen[message.account.debtor_id] += 1
    statuses = {}
    try:
        for messages in rounds.values():
            statuses.update(_dispatch_round(messages, now=now or timezone.now(), not_started=not_started))
    finally:
        _release(list(not_started))
    return statuses


def _dispatch_round(messages: list[OutboundMessage], *, now: datetime, not_started: dict) -> dict[int, str]:
    """Messages of different debtors, checked at one moment from one set of look-ups: each blocked, moved to
    later, or rendered, saved as rendered and handed to the provider; the sent ones are recorded together."""
    prefetch_contact_checks([message.account for message in messages], at=now,
                            channels={message.channel for message in messages})
    contexts = message_contexts([message.account for message in messages])
    statuses, verdicts, ready = {}, {}, []
    for message in messages:
        del not_started[message.pk]
        statuses[message.pk], verdicts[message.pk] = _prepare(message, now=now, context=contexts[message.account_id])
        if statuses[message.pk] is None:
            not_started[message.pk] = message  # checked and rendered; not yet handed to the provider
            ready.append(message)
    _update_each(ready, ["subject", "body", "contact_point"])  # as rendered, before any of them is sent
    sent = []
    try:
        for message in ready:
            del not_started[message.pk]
            try:
                message.provider_message_id = _send(message)
            except ProviderRejected as error:
                statuses[message.pk] = _settle(message, OutboundMessage.Status.FAILED,
                                               f"The provider refused it: {error}", verdicts[message.pk])
                continue
            except ProviderOutcomeUnknown:
                statuses[message.pk] = OutboundMessage.Status.SENDING  # the sweeper settles it, never resends
                continue
            except ProviderUnavailable as error:
                statuses[message.pk] = _try_later(message, error, now=now, verdict=verdicts[message.pk])
                raise
            message.sent_at = now
            sent.append(message)
    finally:
        _mark_sent(sent)
    return statuses | {message.pk: OutboundMessage.Status.SENT for message in sent}


def _prepare(message: OutboundMessage, *, now: datetime, context: dict[str, str]) -> tuple[str | None, Verdict]:
    """Check a claimed message at `now`: the status it is left in (blocked, or scheduled for the next allowed
    moment), or None once it is rendered and ready to send."""
    account = message.account
    point = message.contact_point or default_contact_point(list(account.debtor.contact_points.all()),
                                                            message.channel)
    verdict = contact_check(actor=None, account=account, channel=message.channel, at=now, contact_point=point)
    blocking = [violation for violation in verdict.violations if violation.severity == "block"]
    if message.template.mentions_legal_action and any(v.rule == Rule.Kind.TIME_BARRED for v in verdict.violations):
        return _settle(message, OutboundMessage.Status.BLOCKED, "The debt is time-barred: a message that speaks "
                                                                "of legal action is never sent.", verdict), verdict
    if blocking and all(violation.rule in TIME_RULES for violation in blocking):
        later = next_allowed_moment(account=account, channel=message.channel, contact_point=point, after=now)
        if later is not None:
            OutboundMessage.objects.filter(pk=message.pk).update(
                status=OutboundMessage.Status.SCHEDULED, scheduled_for=later, claimed_at=None,
                reason=f"Moved to the next allowed moment: {blocking[0].message}")
            return OutboundMessage.Status.SCHEDULED, verdict
    if blocking:
        return _settle(message, OutboundMessage.Status.BLOCKED, " ".join(v.message for v in blocking), verdict), verdict
    rendered = message_render(template=message.template, account=account, context=context)
    if len(rendered.subject) > SUBJECT_LENGTH:
        too_long = (f"Filled in, the subject is {len(rendered.subject)} characters long, more than {SUBJECT_LENGTH}: "
                    f"shorten the template's subject.")
        return _settle(message, OutboundMessage.Status.FAILED, too_long, verdict), verdict
    message.subject, message.body, message.contact_point = rendered.subject, rendered.body, point
    return None, verdict


def _send(message: OutboundMessage) -> str:
    provider = provider_for(message.channel)
    if message.channel == "sms":
        return provider.send(to=message.contact_point.value, body=message.body, key=message.idempotency_key)
    return provider.send(to=message.contact_point.value, subject=message.subject, body=message.body,
                         key=message.idempotency_key)


def _try_later(message: OutboundMessage, error: ProviderUnavailable, *, now: datetime, verdict: Verdict) -> str:
    """The provider is unavailable: try again after a growing pause, or give up after MAX_ATTEMPTS."""
    if message.attempts >= MAX_ATTEMPTS:
        return _settle(message, OutboundMessage.Status.FAILED, f"Gave up after {message.attempts} tries: {error}",
                       verdict)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=OutboundMessage.Status.SCHEDULED, claimed_at=None, reason=f"Provider unavailable: {error}",
        scheduled_for=now + timedelta(minutes=2 ** message.attempts))
    return OutboundMessage.Status.SCHEDULED


def _release(message_ids: list[int]) -> None:
    """Give back claimed messages that were never started: scheduled again, the attempt not counted."""
    if message_ids:
        OutboundMessage.objects.filter(pk__in=message_ids, status=OutboundMessage.Status.SENDING).update(
            status=OutboundMessage.Status.SCHEDULED, claimed_at=None, attempts=F("attempts") - 1)


def _settle(message: OutboundMessage, status: str, reason: str, verdict) -> str:
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=status, reason=reason[:500], verdict={"verdict": verdict.verdict, "violations": [
                vars(violation) for violation in verdict.violations]})
        audit_record(actor=None, action=f"message.{status}", target=message.account,
                     data={"message": message.pk, "reason": reason})
    return status


@transaction.atomic
def _mark_sent(messages: list[OutboundMessage]) -> int:
    """Record sends (each message's sent_at and provider_message_id set) in one commit: an outbound interaction
    each, and the message `sent`, only from `sending`. One that a concurrent sweep or worker recorded first is
    left out, its interaction removed again, so no message ever has two. Returns how many were recorded."""
    if not messages:
        return 0
    interactions = Interaction.objects.bulk_create([Interaction(
        account=message.account, channel=message.channel, direction=Interaction.Direction.OUTBOUND,
        occurred_at=message.sent_at, contact_point=message.contact_point,
        notes=f"{message.template.name}: {message.subject or 'sent'}") for message in messages])
    for message, interaction in zip(messages, interactions, strict=True):
        message.status, message.interaction, message.reason = OutboundMessage.Status.SENT, interaction, ""
    recorded = _update_each(messages, ["status", "sent_at", "provider_message_id", "interaction", "reason"],
                            only_from=OutboundMessage.Status.SENDING)
    if already := [message.interaction.pk for message in messages if message.pk not in recorded]:
        Interaction.objects.filter(pk__in=already).delete()
    return len(recorded)


def _update_each(messages: list[OutboundMessage], fields: list[str], *, only_from: str = "") -> set[int]:
    """Write each message's own values of these fields in one UPDATE ... FROM (VALUES ...) however many there are
    (PostgreSQL; SQLite from 3.33): bulk_update's CASE per row and field takes longer to build than a batch takes to
    send. With `only_from`, only rows still in that status are written. Returns the ids written. (On PostgreSQL a
    column of NULLs only would read as text; no caller writes one.)"""
    if not messages:
        return set()
    columns = [OutboundMessage._meta.get_field(name) for name in fields]
    quote, table = connection.ops.quote_name, connection.ops.quote_name(OutboundMessage._meta.db_table)
    assignments = ", ".join(f"{quote(field.column)} = v.column{number}" for number, field in enumerate(columns, 2))
    rows = ", ".join([f"({', '.join(['%s'] * (len(columns) + 1))})"] * len(messages))
    parameters = [value for message in messages for value in (
        message.pk, *(field.get_db_prep_save(getattr(message, field.attname), connection) for field in columns))]
    condition = f" AND {table}.status = %s" if only_from else ""
    with connection.cursor() as cursor:
        cursor.execute(  # the names are the model's; every value is a parameter
            f"UPDATE {table} SET {assignments} FROM (VALUES {rows}) AS v "  # noqa: S608
            f"WHERE {table}.id = v.column1{condition} RETURNING {table}.id",
            parameters + ([only_from] if only_from else []))
        return {pk for (pk,) in cursor.fetchall()}


def outbox_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Recover sends a crash interrupted: the provider says whether each went out. Sent: recorded as sent. Not
    sent: scheduled again. Unknown (SMTP cannot say): failed with the reason, never sent a second time."""
    now = now or timezone.now()
    counts = {"sent": 0, "requeued": 0, "failed": 0}
    stuck = OutboundMessage.objects.filter(status=OutboundMessage.Status.SENDING,
                                           claimed_at__lt=now - STUCK_AFTER).select_related("contact_point", "account",
                                                                                            "template")
    went_out = []
    for message in stuck:
        answer = provider_for(message.channel).already_sent(message.idempotency_key)
        if answer:
            message.sent_at, message.provider_message_id = message.claimed_at, message.idempotency_key
            went_out.append(message)
            continue
        # Only the claim this sweep read: a message claimed again since (a requeue and a new send) is not touched.
        same_claim = OutboundMessage.objects.filter(pk=message.pk, status=OutboundMessage.Status.SENDING,
                                                    claimed_at=message.claimed_at)
        if answer is False:
            counts["requeued"] += same_claim.update(status=OutboundMessage.Status.SCHEDULED, claimed_at=None,
                                                    reason="Recovered after a crash")
        elif answer is None:
            counts["failed"] += same_claim.update(status=OutboundMessage.Status.FAILED,
                        reason="Interrupted mid-send and the provider cannot say whether it went out: not sent again "
                               "to avoid a duplicate; check and resend by hand.")
    counts["sent"] = _mark_sent(went_out)
    return counts


@transaction.atomic
def message_retry(*, actor, message: OutboundMessage, reason: str) -> OutboundMessage:
    """Send a blocked or failed message again (it is checked again at send time), with the reason, audited."""
    return _move(actor=actor, message=message, reason=reason, to=OutboundMessage.Status.SCHEDULED,
                 allowed=(OutboundMessage.Status.BLOCKED, OutboundMessage.Status.FAILED), action="message.retried")


@transaction.atomic
def message_cancel(*, actor, message: OutboundMessage, reason: str) -> OutboundMessage:
    """Withdraw a message that has not gone out, with the reason, audited."""
    return _move(actor=actor, message=message, reason=reason, to=OutboundMessage.Status.CANCELLED,
                 allowed=(OutboundMessage.Status.SCHEDULED, OutboundMessage.Status.BLOCKED,
                          OutboundMessage.Status.FAILED), action="message.cancelled")


def _move(*, actor, message, reason: str, to: str, allowed, action: str) -> OutboundMessage:
    if actor.role not in SUPERVISORS:
        raise Forbidden("Only managers and admins retry or cancel messages.")
    if not reason.strip():
        raise DomainError("Say why.", field="reason")
    changes = {"status": to, "reason": reason.strip()[:500], "claimed_at": None}
    if to == OutboundMessage.Status.SCHEDULED:
        changes["scheduled_for"] = timezone.now()
    if not OutboundMessage.objects.filter(pk=message.pk, status__in=allowed).update(**changes):
        raise Conflict(f"A message that is {message.get_status_display().lower()} cannot be "
                       f"{'retried' if to == OutboundMessage.Status.SCHEDULED else 'cancelled'}.")
    audit_record(actor=actor, action=action, target=message.account, data={"message": message.pk,
                                                                           "reason": reason.strip()})
    message.refresh_from_db()
    return message
