from django.urls import include, path
from rest_framework.routers import DefaultRouter

from collections_crm.api import TeamViewSet, TokenObtainView, UserViewSet
from debtors import api as debtors_api

router = DefaultRouter()
router.register("teams", TeamViewSet, basename="team")
router.register("users", UserViewSet, basename="user")
router.register("creditors", debtors_api.CreditorViewSet, basename="creditor")
router.register("debtors", debtors_api.DebtorViewSet, basename="debtor")
router.register("contact-points", debtors_api.ContactPointViewSet, basename="contact-point")
router.register("accounts", debtors_api.AccountViewSet, basename="account")
router.register("transactions", debtors_api.TransactionViewSet, basename="transaction")
router.register("payments", debtors_api.PaymentViewSet, basename="payment")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="token-obtain"),
    path("", include(router.urls)),
]
