from django.db.models import QuerySet

from communications.models import Interaction, MessageTemplate


def interaction_list(*, viewer) -> QuerySet[Interaction]:
    return Interaction.objects.visible_to(viewer).select_related("user", "contact_point")


def template_list(*, viewer) -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.visible_to(viewer)
