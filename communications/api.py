"""REST endpoints of the interaction log and message templates (SPEC 3 `interactions/`, `templates/`)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from collections_crm.api import ScopedViewSetMixin, VisibleRelatedField
from collections_crm.roles import Role
from communications import selectors, services
from communications.filters import InteractionFilter
from communications.messages import message_render
from communications.models import Interaction, MessageTemplate
from communications.sandbox import PLACEHOLDERS
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


class MessageTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MessageTemplate
        fields = ["id", "code", "name", "channel", "language", "subject", "body", "mentions_legal_action", "status",
                  "is_active", "edited_by", "approved_by", "approved_at", "updated_at"]
        read_only_fields = ["status", "edited_by", "approved_by", "approved_at", "updated_at"]
        validators = []  # the service checks the code's uniqueness with the rest


class PreviewSerializer(serializers.Serializer):
    account = VisibleRelatedField(Account)


class MessageTemplateViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                             viewsets.ReadOnlyModelViewSet):
    """Message templates with `{{ placeholders }}` from a fixed list (`placeholders/`); admins write them, and a
    template is used only once another admin has approved it."""

    selector = staticmethod(selectors.template_list)
    serializer_class = MessageTemplateSerializer
    write_roles = frozenset({Role.ADMIN})
    filterset_fields = ["channel", "status", "language", "is_active"]
    ordering = ["channel", "name"]

    def perform_create(self, serializer):
        serializer.instance = services.template_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.template_update(actor=self.request.user, template=serializer.instance,
                                                       **serializer.validated_data)

    @extend_schema(request=None, responses=MessageTemplateSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a draft (not one you edited last)."""
        template = services.template_approve(actor=request.user, template=self.get_object())
        return Response(self.get_serializer(template).data)

    @extend_schema(request=PreviewSerializer, responses=inline_serializer(
        "RenderedMessage", {"subject": serializers.CharField(), "body": serializers.CharField()}))
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def preview(self, request, pk=None):
        """The template filled in for a real account you can see, opt-out wording included; nothing is sent."""
        chosen = PreviewSerializer(data=request.data, context={"request": request})
        chosen.is_valid(raise_exception=True)
        rendered = message_render(template=self.get_object(), account=chosen.validated_data["account"])
        return Response({"subject": rendered.subject, "body": rendered.body})

    @extend_schema(responses=inline_serializer("Placeholders", {"name": serializers.CharField(),
                                                                "shows": serializers.CharField()}, many=True))
    @action(detail=False, methods=["get"])
    def placeholders(self, request):
        """Every placeholder a template may use, and what it shows."""
        return Response([{"name": name, "shows": shows} for name, shows in PLACEHOLDERS.items()])
