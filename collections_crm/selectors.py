from django.db.models import Count, F, Q, QuerySet

from collections_crm.models import AuthorityLimit, Team, User


def user_list(*, viewer: User) -> QuerySet[User]:
    return User.objects.visible_to(viewer).select_related("team", "agency")


def team_list(*, viewer: User) -> QuerySet[Team]:
    return Team.objects.visible_to(viewer).annotate(
        member_count=Count("members", filter=Q(members__is_active=True)))


def authority_limit_list(*, viewer: User) -> QuerySet[AuthorityLimit]:
    """Limits are configuration: admins see all of them, everyone else only those that bind their own role."""
    limits = AuthorityLimit.objects.select_related("team")
    if viewer.role == User.Role.ADMIN:
        return limits
    return limits.filter(Q(team__isnull=True) | Q(team=viewer.team_id), role=viewer.role)


def authority_limit_for(*, user: User, currency: str) -> AuthorityLimit | None:
    """The limit that binds this user in this currency: their team's if one exists, else their role's."""
    return (
        AuthorityLimit.objects.filter(role=user.role, currency=currency)
        .filter(Q(team__isnull=True) | Q(team=user.team_id))
        .order_by(F("team").asc(nulls_last=True))
        .first()
    )
