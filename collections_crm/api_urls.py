from django.urls import include, path
from rest_framework.routers import DefaultRouter

from collections_crm.api import TeamViewSet, TokenObtainView, UserViewSet
from communications import api as communications_api
from compliance import api as compliance_api
from debtors import api as debtors_api
from payment_plans import api as payment_plans_api

router = DefaultRouter()
router.register("teams", TeamViewSet, basename="team")
router.register("users", UserViewSet, basename="user")
router.register("creditors", debtors_api.CreditorViewSet, basename="creditor")
router.register("debtors", debtors_api.DebtorViewSet, basename="debtor")
router.register("contact-points", debtors_api.ContactPointViewSet, basename="contact-point")
router.register("accounts", debtors_api.AccountViewSet, basename="account")
router.register("transactions", debtors_api.TransactionViewSet, basename="transaction")
router.register("payments", debtors_api.PaymentViewSet, basename="payment")
router.register("interactions", communications_api.InteractionViewSet, basename="interaction")
router.register("templates", communications_api.MessageTemplateViewSet, basename="template")
router.register("cadences", communications_api.CadenceViewSet, basename="cadence")
router.register("outbound-messages", communications_api.OutboundMessageViewSet, basename="outbound-message")
router.register("payment-plans", payment_plans_api.PaymentPlanViewSet, basename="payment-plan")
router.register("promises", payment_plans_api.PromiseViewSet, basename="promise")
router.register("holds", compliance_api.HoldViewSet, basename="hold")
router.register("disputes", compliance_api.DisputeViewSet, basename="dispute")
router.register("validation-notices", compliance_api.ValidationNoticeViewSet, basename="validation-notice")
router.register("complaints", compliance_api.ComplaintViewSet, basename="complaint")
router.register("compliance/rule-packs", compliance_api.RulePackViewSet, basename="rule-pack")
router.register("compliance/rules", compliance_api.RuleViewSet, basename="rule")
router.register("audit-events", compliance_api.AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="token-obtain"),
    path("compliance/check/", compliance_api.ComplianceCheckView.as_view(), name="compliance-check"),
    path("", include(router.urls)),
]
