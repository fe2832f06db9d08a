"""What comes back from providers: delivery receipts, and replies to texts (STOP opts the number out at once)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from communications.models import Interaction, OutboundMessage
from compliance.services import audit_record
from debtors.contact_values import normalize_contact_value
from debtors.models import Account, ContactPoint

# The opt-out keywords carriers and the CTIA honour; a reply that is one of these (any case) opts out.
STOP_WORDS = frozenset({"STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT OUT",
                        "REVOKE"})
RECEIPT_STATUSES = {"delivered": OutboundMessage.Status.DELIVERED, "failed": OutboundMessage.Status.FAILED,
                    "undelivered": OutboundMessage.Status.FAILED}


@transaction.atomic
def delivery_receipt_record(*, key: str, status: str, detail: str = "") -> bool:
    """Move a sent message to delivered or failed; False when no such sent message exists (nothing changes)."""
    if status not in RECEIPT_STATUSES:
        return False
    updated = OutboundMessage.objects.filter(
        idempotency_key=key, status__in=(OutboundMessage.Status.SENT, OutboundMessage.Status.DELIVERED),
    ).update(status=RECEIPT_STATUSES[status], reason=detail[:500] if status != "delivered" else "")
    return bool(updated)


@transaction.atomic
def sms_reply_record(*, sender: str, body: str) -> str:
    """A text from a debtor's number: STOP (or a synonym) opts every contact point with that number out now;
    anything else is logged as an inbound text on the account last written to from that number."""
    try:
        number = normalize_contact_value(ContactPoint.Kind.PHONE, sender, country="US")
    except ValidationError:  # a sender we cannot read is not one of ours
        return "unknown"
    points = list(ContactPoint.objects.select_for_update().filter(kind=ContactPoint.Kind.PHONE, value=number))
    if not points:
        return "unknown"
    now = timezone.now()
    if " ".join(body.upper().split()) in STOP_WORDS:
        for point in points:
            if point.opted_out_at is None:
                ContactPoint.objects.filter(pk=point.pk).update(opted_out_at=now)
                audit_record(actor=None, action="contact_point.opted_out", target=point,
                             data={"via": "sms reply", "reply": body[:50]})
        return "opted_out"
    last = (OutboundMessage.objects.filter(contact_point__in=points).order_by("-scheduled_for")
            .values_list("account", flat=True).first())
    account = Account.objects.filter(pk=last).first() if last else (
        Account.objects.filter(debtor__in=[point.debtor_id for point in points], status__in=Account.OPEN_STATUSES)
        .order_by("-id").first())
    if account is None:
        return "unknown"
    Interaction.objects.create(account=account, channel=Interaction.Channel.SMS,
                               direction=Interaction.Direction.INBOUND, occurred_at=now, notes=body[:2000],
                               contact_point=next(p for p in points if p.debtor_id == account.debtor_id))
    return "logged"
