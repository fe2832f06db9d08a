from django.urls import include, path
from rest_framework.routers import DefaultRouter

from collections_crm.api import TeamViewSet, TokenObtainView, UserViewSet

router = DefaultRouter()
router.register("teams", TeamViewSet, basename="team")
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="token-obtain"),
    path("", include(router.urls)),
]
