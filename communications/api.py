"""REST endpoints of the interaction log and message templates (SPEC 3 `interactions/`, `templates/`)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from collections_crm.api import ScopedViewSetMixin, VisibleRelatedField
from collections_crm.roles import Role
from communications import selectors, services
from communications.filters import InteractionFilter, OutboundMessageFilter, TemplateFilter
from communications.messages import message_render
from communications.models import Cadence, CadenceStep, Interaction, MessageTemplate, OutboundMessage
from communications.outbox import message_cancel, message_retry
from communications.sandbox import PLACEHOLDERS
from debtors.models import Account, ContactPoint, Segment


class InteractionSerializer(serializers.ModelSerializer):
    account = VisibleRelatedField(Account)
    contact_point = VisibleRelatedField(ContactPoint, required=False, allow_null=True)
    occurred_at = serializers.DateTimeField(required=False, help_text="May be in the past; defaults to now.")
    override_reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=500,
        help_text="Managers and admins: why an outbound attempt that compliance blocks right now goes ahead "
                  "(audited). Without it such an attempt is refused (400).")

    class Meta:
        model = Interaction
        fields = ["id", "account", "channel", "direction", "occurred_at", "outcome", "contact_point", "notes",
                  "duration_seconds", "user", "created_at", "override_reason"]
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
        serializer.instance = services.contact_record(actor=self.request.user, **serializer.validated_data)


class MessageTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MessageTemplate
        fields = ["id", "code", "name", "channel", "language", "subject", "body", "mentions_legal_action", "status",
                  "is_active", "edited_by", "approved_by", "approved_at", "updated_at", "wording_version"]
        read_only_fields = ["status", "edited_by", "approved_by", "approved_at", "updated_at", "wording_version"]
        validators = []  # the service checks the code's uniqueness with the rest


class ApprovalSerializer(serializers.Serializer):
    version = serializers.CharField(required=False, max_length=64,
                                    help_text="The template's `wording_version` as you read it.")


class PreviewSerializer(serializers.Serializer):
    account = VisibleRelatedField(Account)


class MessageTemplateViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                             viewsets.ReadOnlyModelViewSet):
    """Message templates with `{{ placeholders }}` from a fixed list (`placeholders/`); admins write them, and a
    template is used only once another admin has approved it."""

    selector = staticmethod(selectors.template_list)
    serializer_class = MessageTemplateSerializer
    write_roles = frozenset({Role.ADMIN})
    filterset_class = TemplateFilter
    ordering = ["channel", "name"]

    def perform_create(self, serializer):
        serializer.instance = services.template_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.template_update(actor=self.request.user, template=serializer.instance,
                                                       **serializer.validated_data)

    @extend_schema(request=ApprovalSerializer, responses=MessageTemplateSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a draft whose wording you did not change; send the `version` you read, and a wording changed
        since is a 409 instead of an approval of words you never saw."""
        reviewed = ApprovalSerializer(data=request.data)
        reviewed.is_valid(raise_exception=True)
        template = services.template_approve(actor=request.user, template=self.get_object(),
                                             version=reviewed.validated_data.get("version"))
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


class CadenceStepSerializer(serializers.ModelSerializer):
    template = VisibleRelatedField(MessageTemplate)

    class Meta:
        model = CadenceStep
        fields = ["position", "trigger", "offset_days", "template", "local_hour"]
        read_only_fields = ["position"]


class CadenceSerializer(serializers.ModelSerializer):
    steps = CadenceStepSerializer(many=True)
    segments = VisibleRelatedField(Segment, many=True, required=False)
    accounts = VisibleRelatedField(Account, many=True, required=False)

    class Meta:
        model = Cadence
        fields = ["id", "name", "description", "applies_to_all", "segments", "accounts", "is_active", "steps",
                  "updated_at"]
        read_only_fields = ["updated_at"]


class CadenceViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """Cadences of reminders: ordered steps (trigger, offset in days, template, hour in the debtor's time) for
    segments, chosen accounts or every account; admins write them."""

    selector = staticmethod(selectors.cadence_list)
    serializer_class = CadenceSerializer
    write_roles = frozenset({Role.ADMIN})
    filterset_fields = ["is_active", "applies_to_all"]
    ordering = ["name"]

    def perform_create(self, serializer):
        serializer.instance = services.cadence_save(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        cadence, data = serializer.instance, serializer.validated_data
        serializer.instance = services.cadence_save(
            actor=self.request.user, cadence=cadence, name=data.get("name", cadence.name),
            description=data.get("description", cadence.description),
            applies_to_all=data.get("applies_to_all", cadence.applies_to_all),
            is_active=data.get("is_active", cadence.is_active),
            segments=data.get("segments", cadence.segments.all()),
            accounts=data.get("accounts", cadence.accounts.all()),
            steps=data["steps"] if "steps" in data else [
                {"trigger": step.trigger, "offset_days": step.offset_days, "template": step.template,
                 "local_hour": step.local_hour} for step in cadence.steps.all()])


class OutboundMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutboundMessage
        fields = ["id", "account", "contact_point", "template", "channel", "subject", "body", "scheduled_for",
                  "status", "reason", "verdict", "idempotency_key", "attempts", "sent_at", "provider_message_id",
                  "interaction", "created_at"]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class OutboundMessageViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The outbox, scoped like accounts; managers and admins retry a blocked or failed message or cancel one."""

    selector = staticmethod(selectors.outbound_message_list)
    serializer_class = OutboundMessageSerializer
    write_roles = frozenset({Role.MANAGER, Role.ADMIN})
    filterset_class = OutboundMessageFilter
    ordering_fields = ["scheduled_for", "sent_at"]
    ordering = ["-scheduled_for", "-id"]

    def _move(self, request, service):
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        message = service(actor=request.user, message=self.get_object(), **reason.validated_data)
        return Response(self.get_serializer(message).data)

    @extend_schema(request=ReasonSerializer, responses=OutboundMessageSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Send a blocked or failed message again; compliance is checked again when it goes."""
        return self._move(request, message_retry)

    @extend_schema(request=ReasonSerializer, responses=OutboundMessageSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw a message that has not gone out."""
        return self._move(request, message_cancel)
