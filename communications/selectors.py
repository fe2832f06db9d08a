from django.db.models import QuerySet

from communications.models import Interaction


def interaction_list(*, viewer) -> QuerySet[Interaction]:
    return Interaction.objects.visible_to(viewer).select_related("user", "contact_point")
