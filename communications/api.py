"""REST endpoints of the interaction log (SPEC 3 `interactions/`)."""

from rest_framework import mixins, serializers, viewsets

from collections_crm.api import ScopedViewSetMixin, VisibleRelatedField
from collections_crm.roles import Role
from communications import selectors, services
from communications.filters import InteractionFilter
from communications.models import Interaction
from debtors.models import Account, ContactPoint


class InteractionSerializer(serializers.ModelSerializer):
    account = VisibleRelatedField(Account)
    contact_point = VisibleRelatedField(ContactPoint, required=False, allow_null=True)
    occurred_at = serializers.DateTimeField(required=False, help_text="May be in the past; defaults to now.")

    class Meta:
        model = Interaction
        fields = ["id", "account", "channel", "direction", "occurred_at", "outcome", "contact_point", "notes",
                  "duration_seconds", "user", "created_at"]
        read_only_fields = ["user", "created_at"]


class InteractionViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The interaction log. Agency users log interactions on the accounts placed with them (SPEC 1)."""

    selector = staticmethod(selectors.interaction_list)
    serializer_class = InteractionSerializer
    filterset_class = InteractionFilter
    write_roles = frozenset(Role.values)
    ordering_fields = ["occurred_at"]
    ordering = ["-occurred_at", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.interaction_log(actor=self.request.user, **serializer.validated_data)
