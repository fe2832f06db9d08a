"""REST endpoints of the compliance engine (SPEC 3): the check, rule packs and rules, holds, disputes, validation
notices, complaints and the audit log."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from collections_crm.api import ScopedViewSetMixin, VisibleRelatedField
from collections_crm.roles import STAFF, Role
from compliance import selectors, services
from compliance.engine import CHANNEL_CONTACT_KIND, CHANNELS
from compliance.filters import (
    AuditEventFilter,
    ComplaintFilter,
    DisputeFilter,
    HoldFilter,
    RuleFilter,
    ValidationNoticeFilter,
)
from compliance.models import AuditEvent, Complaint, Dispute, Hold, Rule, RulePack, ValidationNotice
from debtors.models import Account, ContactPoint, Debtor

ADMINS = frozenset({Role.ADMIN})


class CheckSerializer(serializers.Serializer):
    account = VisibleRelatedField(Account)
    channel = serializers.ChoiceField(choices=CHANNELS)
    at = serializers.DateTimeField(required=False, help_text="ISO 8601; defaults to now.")
    contact_point = VisibleRelatedField(ContactPoint, required=False, allow_null=True,
                                        help_text="Defaults to the debtor's primary one for the channel.")

    def validate(self, attrs):
        point = attrs.get("contact_point")
        if point is not None and point.debtor_id != attrs["account"].debtor_id:
            raise ValidationError({"contact_point": ["This contact point is not the account's debtor's."]})
        if point is not None and point.kind != CHANNEL_CONTACT_KIND[attrs["channel"]]:
            raise ValidationError({"contact_point": [f"A {attrs['channel']} goes to a "
                                                     f"{CHANNEL_CONTACT_KIND[attrs['channel']]}, not a {point.kind}."]})
        return attrs


VIOLATIONS = inline_serializer("Violation", {
    "rule": serializers.CharField(), "pack": serializers.CharField(),
    "severity": serializers.ChoiceField(choices=["warn", "block"]), "message": serializers.CharField()}, many=True)
VerdictSerializer = inline_serializer("Verdict", {
    "verdict": serializers.ChoiceField(choices=["allow", "warn", "block"]),
    "local_time": serializers.DateTimeField(), "zones": serializers.ListField(child=serializers.CharField()),
    "contact_point": serializers.IntegerField(allow_null=True), "violations": VIOLATIONS})


def verdict_json(verdict) -> dict:
    return {"verdict": verdict.verdict, "local_time": verdict.local_time.isoformat(), "zones": verdict.zones,
            "contact_point": verdict.contact_point.pk if verdict.contact_point else None,
            "violations": [vars(violation) for violation in verdict.violations]}


class ComplianceCheckView(APIView):
    """May this account's debtor be contacted on this channel at this moment? A blocked check is audited."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=CheckSerializer, responses=VerdictSerializer)
    def post(self, request):
        attempt = CheckSerializer(data=request.data, context={"request": request})
        attempt.is_valid(raise_exception=True)
        account = Account.objects.select_related("debtor", "team").get(pk=attempt.validated_data["account"].pk)
        verdict = services.contact_check(actor=request.user, account=account, **{
            key: value for key, value in attempt.validated_data.items() if key != "account"})
        return Response(verdict_json(verdict))


class RulePackSerializer(serializers.ModelSerializer):
    class Meta:
        model = RulePack
        fields = ["id", "code", "name", "country", "region", "is_active", "updated_at"]
        read_only_fields = ["updated_at"]


class RulePackViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                      viewsets.ReadOnlyModelViewSet):
    selector = staticmethod(selectors.rule_pack_list)
    serializer_class = RulePackSerializer
    write_roles = ADMINS
    filterset_fields = ["country", "region", "is_active"]
    ordering = ["country", "region", "code"]

    def perform_create(self, serializer):
        serializer.instance = services.rule_pack_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.rule_pack_update(actor=self.request.user, pack=serializer.instance,
                                                        **serializer.validated_data)


class RuleSerializer(serializers.ModelSerializer):
    pack = VisibleRelatedField(RulePack)
    pack_code = serializers.CharField(source="pack.code", read_only=True)
    channels = serializers.SerializerMethodField(help_text="The channels it applies to (set in `params`).")

    class Meta:
        model = Rule
        fields = ["id", "pack", "pack_code", "kind", "severity", "channels", "params", "citation", "is_active",
                  "updated_at"]
        read_only_fields = ["updated_at"]

    def get_channels(self, rule) -> list[str]:
        return rule.params.get("channels", list(CHANNELS))


class RuleViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                  viewsets.ReadOnlyModelViewSet):
    """Rules; parameters are checked per kind, and a bad one answers 400 naming it under `params`."""

    selector = staticmethod(selectors.rule_list)
    serializer_class = RuleSerializer
    write_roles = ADMINS
    filterset_class = RuleFilter
    ordering = ["pack", "kind", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.rule_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.rule_update(actor=self.request.user, rule=serializer.instance,
                                                   **serializer.validated_data)


class HoldSerializer(serializers.ModelSerializer):
    debtor = VisibleRelatedField(Debtor, required=False, allow_null=True)
    account = VisibleRelatedField(Account, required=False, allow_null=True)
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = Hold
        fields = ["id", "debtor", "account", "kind", "starts_at", "ends_at", "notes", "is_active", "created_by",
                  "created_at"]
        read_only_fields = ["created_by", "created_at"]

    def get_is_active(self, hold) -> bool:
        return hold.is_active_at(timezone.now())


class HoldEndSerializer(serializers.Serializer):
    ends_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")
    reason = serializers.CharField(max_length=500)


class HoldViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    selector = staticmethod(selectors.hold_list)
    serializer_class = HoldSerializer
    write_roles = STAFF
    filterset_class = HoldFilter
    ordering = ["-starts_at", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.hold_place(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=HoldEndSerializer, responses=HoldSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End a hold (managers and admins), now or at `ends_at`, with the reason."""
        hold = self.get_object()
        ending = HoldEndSerializer(data=request.data)
        ending.is_valid(raise_exception=True)
        hold = services.hold_end(actor=request.user, hold=hold, **ending.validated_data)
        return Response(self.get_serializer(hold).data)


class DisputeSerializer(serializers.ModelSerializer):
    account = VisibleRelatedField(Account)
    raised_at = serializers.DateTimeField(required=False)

    class Meta:
        model = Dispute
        fields = ["id", "account", "status", "raised_at", "reason", "created_by", "updated_at"]
        read_only_fields = ["created_by", "updated_at"]

    def validate(self, attrs):
        if self.instance is not None and attrs.pop("account", self.instance.account) != self.instance.account:
            raise ValidationError({"account": ["A dispute stays on its account."]})
        return attrs


class DisputeViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """Disputes; an open one makes its account `disputed` and blocks collection contact until verification is
    sent."""

    selector = staticmethod(selectors.dispute_list)
    serializer_class = DisputeSerializer
    write_roles = STAFF
    filterset_class = DisputeFilter
    ordering = ["-raised_at", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.dispute_raise(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.dispute_update(actor=self.request.user, dispute=serializer.instance,
                                                      **serializer.validated_data)


class ValidationNoticeSerializer(serializers.ModelSerializer):
    account = VisibleRelatedField(Account)
    validation_period_ends_on = serializers.DateField(read_only=True)

    class Meta:
        model = ValidationNotice
        fields = ["id", "account", "sent_at", "validation_period_ends_on", "created_by"]
        read_only_fields = ["created_by"]


class ValidationNoticeViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    selector = staticmethod(selectors.validation_notice_list)
    serializer_class = ValidationNoticeSerializer
    write_roles = STAFF
    filterset_class = ValidationNoticeFilter
    ordering = ["-sent_at", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.validation_notice_record(actor=self.request.user,
                                                                **serializer.validated_data)


class ComplaintSerializer(serializers.ModelSerializer):
    debtor = VisibleRelatedField(Debtor)
    account = VisibleRelatedField(Account, required=False, allow_null=True)
    due_on = serializers.DateField(required=False, help_text="Defaults to 15 days after it was received.")

    class Meta:
        model = Complaint
        fields = ["id", "debtor", "account", "received_at", "category", "description", "status", "due_on",
                  "resolution", "resolved_at", "created_by", "updated_at"]
        read_only_fields = ["resolved_at", "created_by", "updated_at"]

    def validate(self, attrs):
        if self.instance is not None:
            changed = {name for name in attrs.keys() - services.COMPLAINT_EDITABLE
                       if attrs[name] != getattr(self.instance, name)}
            if changed:
                raise ValidationError({name: ["Cannot be changed; register a new complaint."] for name in changed})
            attrs = {name: value for name, value in attrs.items() if name in services.COMPLAINT_EDITABLE}
        return attrs


class ComplaintViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                       viewsets.ReadOnlyModelViewSet):
    """The complaints register, soonest due first."""

    selector = staticmethod(selectors.complaint_list)
    serializer_class = ComplaintSerializer
    write_roles = STAFF
    filterset_class = ComplaintFilter
    ordering_fields = ["due_on", "received_at"]
    ordering = ["due_on", "id"]

    def perform_create(self, serializer):
        fields = {key: value for key, value in serializer.validated_data.items() if key != "status"}
        serializer.instance = services.complaint_register(actor=self.request.user, **fields)

    def perform_update(self, serializer):
        serializer.instance = services.complaint_update(actor=self.request.user, complaint=serializer.instance,
                                                        **serializer.validated_data)


class AuditEventSerializer(serializers.ModelSerializer):
    actor_username = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = AuditEvent
        fields = ["id", "occurred_at", "actor", "actor_username", "action", "target_type", "target_id",
                  "target_repr", "data"]


class AuditEventViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The append-only audit log (admins)."""

    selector = staticmethod(selectors.audit_event_list)
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    ordering = ["-occurred_at", "-id"]
