from django.db.models import QuerySet

from communications.models import Cadence, Interaction, MessageTemplate, OutboundMessage


def interaction_list(*, viewer) -> QuerySet[Interaction]:
    return Interaction.objects.visible_to(viewer).select_related("user", "contact_point")


def template_list(*, viewer) -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.visible_to(viewer)


def outbound_message_list(*, viewer) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.visible_to(viewer).select_related("template", "contact_point")


def cadence_list(*, viewer) -> QuerySet[Cadence]:
    return Cadence.objects.visible_to(viewer).prefetch_related("steps", "segments")
