"""The REST API's scoping mixin, the token endpoint, and the users and teams endpoints."""

from collections.abc import Callable

from axes.handlers.proxy import AxesProxyHandler
from django.db import transaction
from django.db.models import QuerySet
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from collections_crm.filters import UserFilter
from collections_crm.models import Team, User
from collections_crm.selectors import team_list, user_list


@extend_schema_field(OpenApiTypes.INT)  # every primary key is an integer
class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key an API client may point at only if its user sees the target; otherwise "does not exist"."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.visible_to(self.context["request"].user)


class WriteRoles(BasePermission):
    """Everyone in scope reads; only the roles in the view's `write_roles` create, change or act."""

    message = "Your role cannot change these records."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS or view.action is None:  # no such action: DRF answers 405
            return True
        return request.user.role in view.write_roles


class ScopedViewSetMixin:
    """Every query goes through a selector that starts at visible_to(user), so out-of-scope ids answer 404."""

    selector: Callable[..., QuerySet]
    permission_classes = [IsAuthenticated, WriteRoles]
    write_roles: frozenset[str] = frozenset()

    def get_queryset(self):
        return self.selector(viewer=self.request.user)


LOCKED_OUT = {"detail": "Too many failed sign-in attempts. Try again later or ask an admin to unlock the account."}


# Not atomic: axes' record of a failed attempt must be kept whatever the response.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class TokenObtainView(APIView):
    """Exchange a username and password for an API token; failures count toward login throttling."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(
        request=AuthTokenSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        auth=[],
    )
    def post(self, request):
        username = request.data.get("username") if isinstance(request.data, dict) else None
        if not AxesProxyHandler.is_allowed(request, credentials={"username": username}):
            return Response(LOCKED_OUT, status=429)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return Response(LOCKED_OUT, status=429)
            return Response(serializer.errors, status=400)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


class TeamSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "timezone", "postal_address", "member_count"]


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "role", "team", "agency", "is_active"]


class TeamViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    selector = staticmethod(team_list)
    serializer_class = TeamSerializer
    ordering_fields = ["name"]
    ordering = ["name"]


class UserViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    selector = staticmethod(user_list)
    serializer_class = UserSerializer
    filterset_class = UserFilter
    ordering_fields = ["username", "last_name", "date_joined"]
    ordering = ["username"]

    @action(detail=False)
    def me(self, request):
        """The caller's own user record."""
        return Response(self.get_serializer(request.user).data)
