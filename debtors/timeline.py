"""The account page's single timeline: everything that happened to an account and its debtor, newest first:
money, interactions, messages, plans and promises, holds, disputes, validation notices and audited changes."""

from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from communications.models import Interaction, MessageTemplate, OutboundMessage
from compliance.models import AuditEvent
from compliance.selectors import AccountCompliance
from debtors.models import Account, Transaction

# Events that the ledger entries already show, or that are not news (someone opened the page).
NOT_ON_TIMELINE = ("debtor.viewed", "payment.recorded", "payment.reversed", "account.opened", "account.adjusted",
                   "interaction.logged", "message.blocked", "message.failed")


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    detail: str
    actor: str
    amount: Decimal | None = None
    url: str = ""  # where the entry's own page is (a letter as it was sent)


def _ledger_entry(entry: Transaction) -> TimelineEntry:
    titles = {"placement": "Account placed", "payment": "Payment received", "reversal": "Payment reversed",
              "adjustment": "Balance adjusted"}
    # Money moves on its effective date (a payment received on Monday, posted on Tuesday, is Monday's).
    effective = datetime.combine(entry.effective_on, time.min, tzinfo=UTC)
    return TimelineEntry(at=min(effective, entry.posted_at), kind=entry.kind,
                         title=titles.get(entry.kind, entry.get_kind_display()),
                         detail=entry.memo, actor=str(entry.posted_by or "System"), amount=entry.amount)


def _amount(text: str | None) -> Decimal | None:
    return Decimal(text).quantize(Decimal("0.01")) if text else None


# Plans and promises: titles of the actions whose details need no more than a note or a reason.
PLAN_TITLES = {"plan.approved": "Plan approved", "plan.rejected": "Plan rejected", "plan.cancelled": "Plan cancelled",
               "plan.completed": "Plan completed", "plan.reopened": "Plan reopened",
               "plan.broken": "Plan broken: an installment was missed", "promise.kept": "Promise kept",
               "promise.broken": "Promise broken"}


def _plan_entry(event: AuditEvent) -> TimelineEntry:
    """Plans and promises in words: what was decided, by whom and why (a manager's note, a cancellation's reason,
    the limits a proposal goes beyond)."""
    data, actor, at = event.data, str(event.actor or "System"), event.occurred_at
    if event.action == "promise.recorded":
        return TimelineEntry(at=at, kind="promise", title="Promise to pay", actor=actor,
                             detail=f"by {data.get('promised_on', '')}", amount=_amount(data.get("amount")))
    if event.action == "plan.proposed":
        waits = data.get("status") == "pending_approval"
        return TimelineEntry(
            at=at, kind="plan", amount=_amount(data.get("total_amount")), actor=actor,
            title="Plan proposed: waits for a manager's approval" if waits else "Plan proposed: active at once",
            detail=" ".join(data.get("reasons") or []))
    if event.action == "plan.deferred":
        return TimelineEntry(at=at, kind="plan", title="Plan deferred for hardship", actor=actor,
                             amount=_amount(data.get("owed")),
                             detail=f"Payments resume on {data.get('resume_on', '')}. {data.get('reason', '')}")
    title = PLAN_TITLES.get(event.action) or event.action.replace("_", " ").replace(".", " ").capitalize()
    return TimelineEntry(at=at, kind=event.action.split(".")[0], title=title, actor=actor,
                         detail=data.get("note") or data.get("reason") or "")


def _audit_entry(event: AuditEvent) -> TimelineEntry:
    if event.action.startswith(("plan.", "promise.")):
        return _plan_entry(event)
    changes = "; ".join(f"{field.replace('_', ' ')}: {value[0] or '—'} → {value[1] or '—'}"
                        for field, value in event.data.items() if isinstance(value, list) and len(value) == 2)
    title = event.action.replace("_", " ").replace(".", " ").capitalize()
    return TimelineEntry(at=event.occurred_at, kind=event.action.split(".")[0], title=title,
                         detail=changes or event.target_repr, actor=str(event.actor or "System"))


def _interaction_entry(interaction: Interaction) -> TimelineEntry:
    what = interaction.get_channel_display()
    if interaction.channel != Interaction.Channel.NOTE:
        what += f" {interaction.get_direction_display().lower()}"
    if interaction.outcome:
        what += f" · {interaction.get_outcome_display()}"
    return TimelineEntry(at=interaction.occurred_at, kind="interaction", title=what, detail=interaction.notes,
                         actor=str(interaction.user or "System"))


def _message_entry(message: OutboundMessage) -> TimelineEntry:
    went_out = message.status in (OutboundMessage.Status.SENT, OutboundMessage.Status.DELIVERED)
    return TimelineEntry(at=message.sent_at or message.scheduled_for, kind="message",
                         title=f"{message.get_channel_display()} “{message.template.name}” · "
                               f"{message.get_status_display().lower()}",
                         detail=message.reason, actor="Outbox",
                         url=reverse("communications:sent_letter", args=[message.pk])
                         if went_out and message.channel == MessageTemplate.TemplateChannel.LETTER else "")


def _compliance_entries(compliance: AccountCompliance) -> list[TimelineEntry]:
    now, entries = timezone.now(), []
    for hold in compliance.holds:
        on = "the debtor" if hold.debtor_id else "this account"
        entries.append(TimelineEntry(at=hold.starts_at, kind="hold", title=f"{hold} hold on {on}", detail=hold.notes,
                                     actor=str(hold.created_by or "System")))
        if hold.ends_at and hold.ends_at <= now:
            entries.append(TimelineEntry(at=hold.ends_at, kind="hold", title=f"{hold} hold ended", detail="",
                                         actor=""))
    for dispute in compliance.disputes:
        status = dispute.get_status_display().lower()
        entries.append(TimelineEntry(at=dispute.raised_at, kind="dispute", title=f"Dispute raised ({status} now)",
                                     detail=dispute.reason, actor=str(dispute.created_by or "")))
    entries += [TimelineEntry(at=notice.sent_at, kind="notice", title="Validation notice sent",
                              detail=f"Validation period ends {notice.validation_period_ends_on:%Y-%m-%d}", actor="")
                for notice in compliance.notices]
    return entries


def account_timeline(*, account: Account, contact_point_ids: list[int], compliance: AccountCompliance | None = None,
                     limit: int = 100) -> list[TimelineEntry]:
    """Ledger entries, interactions, compliance records and audited changes of the account, its debtor and the
    debtor's contact points."""
    ledger = account.transactions.select_related("posted_by")[:limit]
    # A message that went out shows as the message (with its delivery status), not as its interaction as well.
    interactions = account.interactions.filter(message__isnull=True).select_related("user")[:limit]
    messages = account.outbound_messages.select_related("template")[:limit]
    events = (AuditEvent.objects
              .filter(Q(target_type="debtors.account", target_id=str(account.pk))
                      | Q(target_type="debtors.debtor", target_id=str(account.debtor_id))
                      | Q(target_type="debtors.contactpoint", target_id__in=[str(pk) for pk in contact_point_ids]))
              .exclude(action__in=NOT_ON_TIMELINE).select_related("actor")[:limit])
    entries = [_ledger_entry(entry) for entry in ledger] + [_audit_entry(event) for event in events]
    entries += [_interaction_entry(interaction) for interaction in interactions]
    entries += [_message_entry(message) for message in messages]
    entries += _compliance_entries(compliance) if compliance else []
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]
