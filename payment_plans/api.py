"""REST endpoints for payment plans (with approve/, reject/ and a schedule preview) and promises (SPEC 3)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from collections_crm.api import ScopedViewSetMixin, VisibleRelatedField
from collections_crm.roles import STAFF
from debtors.models import Account
from payment_plans import selectors, services
from payment_plans.models import Installment, PaymentPlan, PromiseToPay


class InstallmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Installment
        fields = ["sequence", "due_on", "amount", "paid_amount", "is_down_payment", "status"]


class PlanTermsSerializer(serializers.Serializer):
    """The terms of a plan, as SPEC 3 lists its writable fields (plus `installment_amount` as an alternative to
    `installment_count`)."""

    account = VisibleRelatedField(Account)
    kind = serializers.ChoiceField(choices=PaymentPlan.Kind.choices)
    total_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    discount_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    down_payment = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    frequency = serializers.ChoiceField(choices=PaymentPlan.Frequency.choices)
    start_on = serializers.DateField()
    installment_count = serializers.IntegerField(min_value=1, max_value=360, required=False)
    installment_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)

    def validate(self, attrs):
        if "installment_count" not in attrs and "installment_amount" not in attrs:
            raise serializers.ValidationError({"installment_count": ["Give the number of installments or the "
                                                                     "amount of each."]})
        return attrs


class PaymentPlanSerializer(serializers.ModelSerializer):
    installments = InstallmentSerializer(many=True, read_only=True)
    discount_pct = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)

    class Meta:
        model = PaymentPlan
        fields = ["id", "account", "kind", "currency", "total_amount", "discount_amount", "discount_pct",
                  "down_payment", "frequency", "start_on", "installment_count", "status", "approval_reasons",
                  "proposed_by", "approved_by", "decided_at", "decision_note", "grace_days", "installments",
                  "created_at"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class DeferSerializer(serializers.Serializer):
    resume_on = serializers.DateField(help_text="Nothing falls due before this date.")
    reason = serializers.CharField(max_length=500)


PREVIEW = inline_serializer("PlanPreview", {
    "installments": InstallmentSerializer(many=True), "discount_pct": serializers.DecimalField(
        max_digits=5, decimal_places=2), "needs_approval": serializers.BooleanField(),
    "approval_reasons": serializers.ListField(child=serializers.CharField())})


class PaymentPlanViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Plans: a proposal within the proposer's authority is `active` at once, beyond it `pending_approval` with
    the reasons; a manager of the team (not the proposer) approves or rejects it."""

    selector = staticmethod(selectors.plan_list)
    serializer_class = PaymentPlanSerializer
    write_roles = STAFF
    filterset_fields = ["account", "status", "kind"]
    ordering_fields = ["created_at", "start_on"]
    ordering = ["-created_at", "-id"]

    def _terms(self, request) -> dict:
        terms = PlanTermsSerializer(data=request.data, context={"request": request})
        terms.is_valid(raise_exception=True)
        return terms.validated_data

    @extend_schema(request=PlanTermsSerializer, responses={201: PaymentPlanSerializer})
    def create(self, request):
        plan = services.plan_propose(actor=request.user, **self._terms(request))
        return Response(self.get_serializer(selectors.plan_list(viewer=request.user).get(pk=plan.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanTermsSerializer, responses=PREVIEW)
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """The schedule these terms would make and whether they need approval; nothing is saved."""
        terms = self._terms(request)
        preview = services.plan_terms(proposer=request.user, **terms)
        installments = [{"sequence": number, "due_on": item.due_on, "amount": item.amount, "paid_amount": "0.00",
                         "is_down_payment": item.is_down_payment, "status": Installment.Status.PENDING}
                        for number, item in enumerate(preview.schedule, 1)]
        return Response({"installments": InstallmentSerializer(installments, many=True).data,
                         "discount_pct": preview.discount_pct, "needs_approval": bool(preview.approval_reasons),
                         "approval_reasons": preview.approval_reasons})

    def _act(self, request, service, input_serializer):
        plan = self.get_object()
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        service(actor=request.user, plan=plan, **data.validated_data)
        return Response(self.get_serializer(selectors.plan_list(viewer=request.user).get(pk=plan.pk)).data)

    @extend_schema(request=DecisionSerializer, responses=PaymentPlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a plan waiting for a manager (not your own): it is in force at once."""
        return self._act(request, services.plan_approve, DecisionSerializer)

    @extend_schema(request=DecisionSerializer, responses=PaymentPlanSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a plan waiting for a manager, saying why in `note`."""
        return self._act(request, services.plan_reject, DecisionSerializer)

    @extend_schema(request=CancelSerializer, responses=PaymentPlanSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw a plan that waits or is in force."""
        return self._act(request, services.plan_cancel, CancelSerializer)

    @extend_schema(request=DeferSerializer, responses=PaymentPlanSerializer)
    @action(detail=True, methods=["post"])
    def defer(self, request, pk=None):
        """Pause a plan for hardship until `resume_on` and spread what is owed from then (managers)."""
        return self._act(request, services.plan_defer, DeferSerializer)


class PromiseSerializer(serializers.ModelSerializer):
    account = VisibleRelatedField(Account)

    class Meta:
        model = PromiseToPay
        fields = ["id", "account", "amount", "currency", "promised_on", "status", "created_by", "created_at"]
        read_only_fields = ["currency", "status", "created_by", "created_at"]


class PromiseViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    selector = staticmethod(selectors.promise_list)
    serializer_class = PromiseSerializer
    write_roles = STAFF
    filterset_fields = ["account", "status"]
    ordering_fields = ["promised_on", "created_at"]
    ordering = ["-promised_on", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.promise_create(actor=self.request.user, **serializer.validated_data)
