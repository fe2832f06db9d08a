"""REST endpoints for creditors, debtors, contact points, accounts, the ledger and payments (SPEC 3)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from collections_crm.api import ScopedViewSetMixin, VisibleRelatedField
from collections_crm.models import Team, User
from collections_crm.roles import STAFF, Role
from compliance.services import audit_record
from debtors import ledger, selectors, services
from debtors.filters import AccountFilter, ContactPointFilter, PaymentFilter, TransactionFilter
from debtors.models import Account, ContactPoint, Creditor, Debtor, Payment, Segment, Transaction

EVERYONE = frozenset(Role.values)


class CreditorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Creditor
        fields = ["id", "name", "code", "currency", "is_active"]


class CreditorViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                      viewsets.ReadOnlyModelViewSet):
    selector = staticmethod(selectors.creditor_list)
    serializer_class = CreditorSerializer
    write_roles = frozenset({Role.ADMIN})
    filterset_fields = ["currency", "is_active"]
    ordering_fields = ["name", "code"]
    ordering = ["name"]

    def perform_create(self, serializer):
        serializer.instance = services.creditor_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.creditor_update(actor=self.request.user, creditor=serializer.instance,
                                                       **serializer.validated_data)


class DebtorSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Debtor
        fields = ["id", "display_name", "first_name", "last_name", "company_name", "date_of_birth", "timezone",
                  "country", "region", "preferred_language", "preferred_channel", "employer", "monthly_income",
                  "monthly_expenses", "income_currency", "hardship_notes", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class DebtorViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                    viewsets.ReadOnlyModelViewSet):
    selector = staticmethod(selectors.debtor_list)
    serializer_class = DebtorSerializer
    write_roles = STAFF
    filterset_fields = ["country", "region"]
    ordering_fields = ["last_name", "first_name", "created_at"]
    ordering = ["last_name", "first_name"]

    def retrieve(self, request, *args, **kwargs):
        """One debtor; like the account page, each read is in the audit log (who viewed which debtor)."""
        debtor = self.get_object()
        audit_record(actor=request.user, action="debtor.viewed", target=debtor, data={"via": "api"})
        return Response(self.get_serializer(debtor).data)

    def perform_create(self, serializer):
        serializer.instance = services.debtor_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.debtor_update(actor=self.request.user, debtor=serializer.instance,
                                                     **serializer.validated_data)


class ContactPointSerializer(serializers.ModelSerializer):
    debtor = VisibleRelatedField(Debtor)
    timezone = serializers.CharField(allow_null=True, allow_blank=True, required=False, max_length=64)

    class Meta:
        model = ContactPoint
        fields = ["id", "debtor", "kind", "value", "phone_type", "is_primary", "is_workplace", "consent_sms",
                  "consent_autodial", "consent_email", "opted_out_at", "invalid_at", "timezone", "created_at"]
        read_only_fields = ["created_at"]
        validators = []  # uniqueness is checked on the normalised value, by the service

    def validate(self, attrs):
        if self.instance is not None and ({"debtor", "kind"} & set(attrs)):
            changed = {field for field in ("debtor", "kind") if attrs.get(field, getattr(self.instance, field))
                       != getattr(self.instance, field)}
            if changed:
                raise ValidationError({field: ["Cannot be changed; add a new contact point."] for field in changed})
            attrs = {key: value for key, value in attrs.items() if key not in ("debtor", "kind")}
        if attrs.get("timezone") == "":
            attrs["timezone"] = None
        return attrs


class ContactPointViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                          viewsets.ReadOnlyModelViewSet):
    selector = staticmethod(selectors.contact_point_list)
    serializer_class = ContactPointSerializer
    write_roles = STAFF
    filterset_class = ContactPointFilter
    ordering_fields = ["created_at", "kind"]
    ordering = ["kind", "-is_primary", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.contact_point_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.contact_point_update(
            actor=self.request.user, contact_point=serializer.instance, **serializer.validated_data)


class AccountSerializer(serializers.ModelSerializer):
    debtor = VisibleRelatedField(Debtor)
    creditor = VisibleRelatedField(Creditor)
    assigned_to = VisibleRelatedField(User, required=False, allow_null=True)
    team = VisibleRelatedField(Team, required=False, allow_null=True)
    segment = VisibleRelatedField(Segment, required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False, help_text="Defaults to the creditor's currency.")
    debtor_name = serializers.CharField(source="debtor.display_name", read_only=True)
    days_past_due = serializers.IntegerField(read_only=True)
    aging_bucket = serializers.CharField(read_only=True)
    masked_reference = serializers.CharField(read_only=True)

    class Meta:
        model = Account
        fields = ["id", "debtor", "debtor_name", "creditor", "reference", "masked_reference", "currency",
                  "original_balance", "balance", "delinquent_since", "days_past_due", "aging_bucket",
                  "charged_off_on", "placed_on", "status", "assigned_to", "team", "segment", "risk_score",
                  "next_action_at", "last_contact_at", "last_payment_at", "created_at"]
        read_only_fields = ["balance", "status", "risk_score", "next_action_at", "last_contact_at",
                            "last_payment_at", "created_at"]
        validators = []  # the service checks the reference per creditor and answers with the field named


class AccountChangeSerializer(serializers.Serializer):
    """What may change on an account after it is opened; its money changes only through the ledger."""

    status = serializers.ChoiceField(choices=Account.Status.choices, required=False)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    assigned_to = VisibleRelatedField(User, required=False, allow_null=True)
    team = VisibleRelatedField(Team, required=False, allow_null=True)
    segment = VisibleRelatedField(Segment, required=False, allow_null=True)
    delinquent_since = serializers.DateField(required=False, allow_null=True)
    charged_off_on = serializers.DateField(required=False, allow_null=True)


class AccountViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    selector = staticmethod(selectors.account_list)
    serializer_class = AccountSerializer
    filterset_class = AccountFilter
    write_roles = STAFF
    ordering_fields = ["balance", "delinquent_since", "next_action_at", "placed_on", "last_payment_at", "id"]
    ordering = ["-id"]

    def retrieve(self, request, *args, **kwargs):
        account = self.get_object()
        audit_record(actor=request.user, action="debtor.viewed", target=account.debtor,
                     data={"account": account.pk, "via": "api"})
        return Response(self.get_serializer(account).data)

    def perform_create(self, serializer):
        serializer.instance = services.account_open(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=AccountChangeSerializer, responses=AccountSerializer)
    def partial_update(self, request, pk=None):
        """Change the status (as the status machine allows), the assignee or team, the segment or the dates."""
        account = self.get_object()
        changes = AccountChangeSerializer(data=request.data, context={"request": request})
        changes.is_valid(raise_exception=True)
        services.account_change(actor=request.user, account=account, **changes.validated_data)
        return Response(self.get_serializer(selectors.account_list(viewer=request.user).get(pk=account.pk)).data)


class TransactionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Transaction
        fields = ["id", "account", "kind", "amount", "currency", "effective_on", "posted_at", "posted_by",
                  "reverses", "memo"]


class TransactionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    selector = staticmethod(selectors.transaction_list)
    serializer_class = TransactionSerializer
    filterset_class = TransactionFilter
    ordering_fields = ["posted_at", "effective_on", "amount"]
    ordering = ["-posted_at", "-id"]


class PaymentSerializer(serializers.ModelSerializer):
    account = VisibleRelatedField(Account)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField(max_length=3, required=False,
                                     help_text="Optional; when given it must be the account's currency.")
    is_reversed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "account", "amount", "currency", "method", "received_on", "reference", "idempotency_key",
                  "transaction", "is_reversed", "reversal_reason", "recorded_by", "created_at"]
        read_only_fields = ["idempotency_key", "transaction", "reversal_reason", "recorded_by", "created_at"]


class PaymentReversalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class PaymentViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    selector = staticmethod(selectors.payment_list)
    serializer_class = PaymentSerializer
    write_roles = EVERYONE
    filterset_class = PaymentFilter
    ordering_fields = ["received_on", "amount", "created_at"]
    ordering = ["-received_on", "-id"]

    @extend_schema(parameters=[OpenApiParameter(
        "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER,
        description="8 to 100 letters, digits or . _ : -, unique to the caller. A repeat returns the first "
                    "payment (200) and posts nothing; the same key for a different payment answers 409.")])
    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is not None and not ledger.IDEMPOTENCY_KEY.fullmatch(key):
            raise ValidationError({"Idempotency-Key": ["Use 8 to 100 letters, digits or . _ : - characters."]})
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment, created = ledger.payment_record(actor=request.user, idempotency_key=key,
                                                 **serializer.validated_data)
        return Response(self.get_serializer(payment).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=PaymentReversalSerializer, responses=PaymentSerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Reverse a payment that bounced or was recorded in error, with the reason."""
        payment = self.get_object()
        reversal = PaymentReversalSerializer(data=request.data)
        reversal.is_valid(raise_exception=True)
        payment = ledger.payment_reverse(actor=request.user, payment=payment, **reversal.validated_data)
        return Response(self.get_serializer(payment).data)
