from django.db.models import Count, F, Q, QuerySet

from agencies.models import Agency
from collections_crm.models import AuthorityLimit, Team, User
from compliance.models import AuditEvent


def user_list(*, viewer: User) -> QuerySet[User]:
    return User.objects.visible_to(viewer).select_related("team", "agency")


def team_list(*, viewer: User) -> QuerySet[Team]:
    return Team.objects.visible_to(viewer).annotate(
        member_count=Count("members", filter=Q(members__is_active=True)))


def agency_list(*, viewer: User) -> QuerySet[Agency]:
    return Agency.objects.visible_to(viewer).annotate(user_count=Count("users", filter=Q(users__is_active=True)))


def authority_limit_list(*, viewer: User) -> QuerySet[AuthorityLimit]:
    return AuthorityLimit.objects.visible_to(viewer).select_related("team")


CONFIGURATION_TARGETS = ("collections_crm.team", "collections_crm.user", "collections_crm.authoritylimit",
                         "agencies.agency")


def configuration_history(*, viewer: User, limit: int = 20) -> QuerySet[AuditEvent]:
    """The latest changes to teams, users, agencies and limits, newest first."""
    return (AuditEvent.objects.visible_to(viewer).filter(target_type__in=CONFIGURATION_TARGETS)
            .exclude(action__startswith="auth.").select_related("actor")[:limit])


def authority_limit_for(*, user: User, currency: str) -> AuthorityLimit | None:
    """The limit that binds this user in this currency: their team's if one exists, else their role's."""
    return (
        AuthorityLimit.objects.filter(role=user.role, currency=currency)
        .filter(Q(team__isnull=True) | Q(team=user.team_id))
        .order_by(F("team").asc(nulls_last=True))
        .first()
    )
