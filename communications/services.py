"""Writes to the interaction log."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from collections_crm.errors import DomainError
from collections_crm.validators import check_moment
from communications.models import Interaction
from compliance.services import audited_create
from debtors.models import Account

# Clocks differ a little between a phone system and the server; anything later is a typing mistake.
CLOCK_SKEW = timedelta(minutes=5)


@transaction.atomic
def interaction_log(*, actor, account: Account, channel: str, direction: str = Interaction.Direction.OUTBOUND,
                    occurred_at=None, outcome: str = "", contact_point=None, notes: str = "",
                    duration_seconds: int | None = None) -> Interaction:
    """Log a contact, an attempt or a note, now or after the fact; the account's last contact moves with it."""
    occurred_at = occurred_at or timezone.now()
    check_moment(occurred_at, field="occurred_at")
    if occurred_at > timezone.now() + CLOCK_SKEW:
        raise DomainError("An interaction cannot be logged in the future.", field="occurred_at")
    if contact_point is not None and contact_point.debtor_id != account.debtor_id:
        raise DomainError("This contact point is not the account's debtor's.", field="contact_point")
    if channel == Interaction.Channel.NOTE and outcome:
        raise DomainError("A note has no outcome.", field="outcome")
    interaction = audited_create(actor=actor, instance=Interaction(
        account=account, channel=channel, direction=direction, occurred_at=occurred_at, outcome=outcome,
        contact_point=contact_point, notes=notes, duration_seconds=duration_seconds, user=actor),
        action="interaction.logged", data={"account": account.pk, "channel": channel, "outcome": outcome})
    if channel != Interaction.Channel.NOTE:
        Account.objects.filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=occurred_at),
                               pk=account.pk).update(last_contact_at=occurred_at)
    return interaction
