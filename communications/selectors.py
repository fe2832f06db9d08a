from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from communications.models import Cadence, Interaction, MessageTemplate, OutboundMessage
from debtors.models import Account


def interaction_list(*, viewer) -> QuerySet[Interaction]:
    return Interaction.objects.visible_to(viewer).select_related("user", "contact_point")


def template_list(*, viewer) -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.visible_to(viewer)


def outbound_message_list(*, viewer) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.visible_to(viewer).select_related("template", "contact_point")


def cadence_list(*, viewer) -> QuerySet[Cadence]:
    return Cadence.objects.visible_to(viewer).prefetch_related("steps", "segments")


@dataclass(frozen=True)
class AccountReminders:
    """The account page's reminders: the active cadences that reach the account and why, those it could be put
    on, and the messages waiting to go."""

    reaching: list[tuple[Cadence, str]]
    assignable: list[Cadence]
    upcoming: list[OutboundMessage]


def account_reminders(*, account: Account, upcoming: int = 3) -> AccountReminders:
    """Two queries, however many cadences there are."""
    cadences = Cadence.objects.filter(is_active=True).annotate(
        chosen=Exists(Cadence.accounts.through.objects.filter(cadence=OuterRef("pk"), account=account.pk)),
        in_segment=Exists(Cadence.segments.through.objects.filter(cadence=OuterRef("pk"),
                                                                  segment=account.segment_id)))
    reaching, assignable = [], []
    for cadence in cadences:
        if cadence.applies_to_all:
            reaching.append((cadence, "every account"))
        elif cadence.chosen:
            reaching.append((cadence, "put on it for this account"))
        elif cadence.in_segment:
            reaching.append((cadence, f"segment {account.segment}"))
        if not cadence.chosen and not cadence.applies_to_all:
            assignable.append(cadence)
    waiting = list(account.outbound_messages.filter(status=OutboundMessage.Status.SCHEDULED)
                   .select_related("template").order_by("scheduled_for")[:upcoming])
    return AccountReminders(reaching=reaching, assignable=assignable, upcoming=waiting)
