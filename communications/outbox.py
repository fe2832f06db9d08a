"""The outbox: schedule a message (a committed row, unique by idempotency key), dispatch it once, recover sends a
crash interrupted.

Dispatch re-checks compliance at send time in the debtor's local time: a message outside the allowed hours (or
on a rest day) is moved to the next allowed moment; one refused for any other reason (a hold, an opt-out, a
frequency cap, a legal threat on time-barred debt) is `blocked` with the reason and never sent.
"""

import zoneinfo
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from collections_crm.errors import Conflict, DomainError, Forbidden
from communications.messages import message_render
from communications.models import Interaction, MessageTemplate, OutboundMessage
from communications.providers import ProviderRejected, ProviderUnavailable, provider_for
from compliance.engine import check_contact, default_contact_point
from compliance.models import Rule
from compliance.services import audit_record, contact_check
from debtors.models import Account

# Violations that only say "not now": the message waits for the next allowed moment instead of being blocked.
TIME_RULES = frozenset({Rule.Kind.CONTACT_HOURS, Rule.Kind.REST_DAYS})
# A send claimed longer ago than this was interrupted (the send task's time limit is far shorter).
STUCK_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 5
LOOKAHEAD_DAYS = 8


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


def outbox_dispatch(*, message_id: int, now: datetime | None = None) -> str:
    """Send one due message, once. The claim (scheduled -> sending) is a conditional UPDATE: a second worker, or a
    redelivered task, finds nothing to do. Returns the message's status afterwards."""
    now = now or timezone.now()
    claimed = OutboundMessage.objects.filter(
        pk=message_id, status=OutboundMessage.Status.SCHEDULED, scheduled_for__lte=now,
    ).update(status=OutboundMessage.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    message = OutboundMessage.objects.select_related(
        "account__debtor", "account__team", "account__creditor", "account__assigned_to", "template", "contact_point",
    ).get(pk=message_id)
    if not claimed:
        return message.status
    account = message.account
    point = message.contact_point or default_contact_point(list(account.debtor.contact_points.all()),
                                                            message.channel)
    verdict = contact_check(actor=None, account=account, channel=message.channel, at=now, contact_point=point)
    blocking = [violation for violation in verdict.violations if violation.severity == "block"]
    if message.template.mentions_legal_action and any(v.rule == Rule.Kind.TIME_BARRED for v in verdict.violations):
        return _settle(message, OutboundMessage.Status.BLOCKED, "The debt is time-barred: a message that speaks "
                                                                 "of legal action is never sent.", verdict)
    if blocking and all(violation.rule in TIME_RULES for violation in blocking):
        later = next_allowed_moment(account=account, channel=message.channel, contact_point=point, after=now)
        if later is not None:
            OutboundMessage.objects.filter(pk=message.pk).update(
                status=OutboundMessage.Status.SCHEDULED, scheduled_for=later, claimed_at=None,
                reason=f"Moved to the next allowed moment: {blocking[0].message}")
            return OutboundMessage.Status.SCHEDULED
    if blocking:
        return _settle(message, OutboundMessage.Status.BLOCKED, " ".join(v.message for v in blocking), verdict)
    rendered = message_render(template=message.template, account=account)
    OutboundMessage.objects.filter(pk=message.pk).update(subject=rendered.subject, body=rendered.body,
                                                         contact_point=point)
    provider = provider_for(message.channel)
    try:
        if message.channel == "sms":
            provider_id = provider.send(to=point.value, body=rendered.body, key=message.idempotency_key)
        else:
            provider_id = provider.send(to=point.value, subject=rendered.subject, body=rendered.body,
                                        key=message.idempotency_key)
    except ProviderRejected as error:
        return _settle(message, OutboundMessage.Status.FAILED, f"The provider refused it: {error}", verdict)
    except ProviderUnavailable as error:
        if message.attempts >= MAX_ATTEMPTS:
            return _settle(message, OutboundMessage.Status.FAILED, f"Gave up after {message.attempts} tries: {error}",
                           verdict)
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=OutboundMessage.Status.SCHEDULED, claimed_at=None, reason=f"Provider unavailable: {error}",
            scheduled_for=now + timedelta(minutes=2 ** message.attempts))
        raise
    _mark_sent(message, provider_id=provider_id, at=now, contact_point=point)
    return OutboundMessage.Status.SENT


def _settle(message: OutboundMessage, status: str, reason: str, verdict) -> str:
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=status, reason=reason[:500], verdict={"verdict": verdict.verdict, "violations": [
                vars(violation) for violation in verdict.violations]})
        audit_record(actor=None, action=f"message.{status}", target=message.account,
                     data={"message": message.pk, "reason": reason})
    return status


@transaction.atomic
def _mark_sent(message: OutboundMessage, *, provider_id: str, at: datetime, contact_point) -> None:
    interaction = Interaction.objects.create(
        account=message.account, channel=message.channel, direction=Interaction.Direction.OUTBOUND, occurred_at=at,
        contact_point=contact_point, notes=f"{message.template.name}: {message.subject or 'sent'}")
    OutboundMessage.objects.filter(pk=message.pk, status=OutboundMessage.Status.SENDING).update(
        status=OutboundMessage.Status.SENT, sent_at=at, provider_message_id=provider_id, interaction=interaction,
        reason="")


def outbox_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Recover sends a crash interrupted: the provider says whether each went out. Sent: recorded as sent. Not
    sent: scheduled again. Unknown (SMTP cannot say): failed with the reason, never sent a second time."""
    now = now or timezone.now()
    counts = {"sent": 0, "requeued": 0, "failed": 0}
    stuck = OutboundMessage.objects.filter(status=OutboundMessage.Status.SENDING,
                                           claimed_at__lt=now - STUCK_AFTER).select_related("contact_point", "account",
                                                                                            "template")
    for message in stuck:
        went_out = provider_for(message.channel).already_sent(message.idempotency_key)
        if went_out:
            _mark_sent(message, provider_id=message.idempotency_key, at=message.claimed_at,
                       contact_point=message.contact_point)
            counts["sent"] += 1
        elif went_out is False:
            counts["requeued"] += OutboundMessage.objects.filter(pk=message.pk, status=OutboundMessage.Status.SENDING)\
                .update(status=OutboundMessage.Status.SCHEDULED, claimed_at=None, reason="Recovered after a crash")
        else:
            counts["failed"] += OutboundMessage.objects.filter(pk=message.pk, status=OutboundMessage.Status.SENDING)\
                .update(status=OutboundMessage.Status.FAILED,
                        reason="Interrupted mid-send and the provider cannot say whether it went out: not sent again "
                               "to avoid a duplicate; check and resend by hand.")
    return counts



SUPERVISORS = ("manager", "admin")


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
