"""Writes to users, teams and authority limits. Each validates the whole record, saves it and appends an audit
event in one transaction. Update services take only the fields an admin may change: superuser and staff flags
are granted in the Django admin, never through these."""

import socket

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from collections_crm.models import AuthorityLimit, Heartbeat, Team, User
from collections_crm.roles import Role
from compliance.services import audit_record, audited_create, audited_update


def heartbeat_record(*, name: str) -> Heartbeat:
    heartbeat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now(), "hostname": socket.gethostname()})
    return heartbeat


@transaction.atomic
def team_create(*, actor: User, name: str, timezone: str, postal_address: str = "") -> Team:
    return audited_create(actor=actor, instance=Team(name=name, timezone=timezone, postal_address=postal_address),
                          action="team.created", data={"name": name, "timezone": timezone})


TEAM_EDITABLE = frozenset({"name", "timezone", "postal_address"})
USER_EDITABLE = frozenset({"first_name", "last_name", "email", "role", "team", "agency", "is_active"})
AUTHORITY_LIMIT_EDITABLE = frozenset({"role", "team", "currency", "max_discount_pct", "max_installments",
                                      "max_plan_months", "min_installment_amount"})


@transaction.atomic
def team_update(*, actor: User, team: Team, **changes) -> Team:
    audited_update(actor=actor, instance=team, changes=changes, editable=TEAM_EDITABLE, action="team.updated")
    return team


@transaction.atomic
def user_create(*, actor: User, username: str, password: str, role: str, team: Team | None = None,
                agency=None, first_name: str = "", last_name: str = "", email: str = "") -> User:
    user = User(username=username, role=role, team=team, agency=agency, first_name=first_name,
                last_name=last_name, email=email)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action="user.created", target=user,
                 data={"role": role, "team": team, "agency": agency})
    return user


def refuse_superuser_takeover(actor: User, user: User) -> None:
    """Only a superuser changes a superuser: an admin resetting one's password could sign in as them."""
    if user.is_superuser and not actor.is_superuser:
        raise ValidationError("Only a superuser can change a superuser's account.")


def refuse_self_lockout(actor: User, user: User, changes: dict) -> None:
    """An admin cannot take away their own admin role or access: someone else must, so one always remains."""
    if actor.pk != user.pk:
        return
    if changes.get("role", user.role) != Role.ADMIN:
        raise ValidationError({"role": "You cannot remove your own admin role; ask another admin."})
    if not changes.get("is_active", user.is_active):
        raise ValidationError({"is_active": "You cannot deactivate yourself; ask another admin."})


@transaction.atomic
def user_update(*, actor: User, user: User, **changes) -> User:
    """Change a user's profile, role, team, agency or active state; their sessions and tokens follow at once."""
    refuse_superuser_takeover(actor, user)
    refuse_self_lockout(actor, user, changes)
    audited_update(actor=actor, instance=user, changes=changes, editable=USER_EDITABLE, action="user.updated",
                   validate=lambda: user.full_clean(exclude=["password"]))
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    """Set a new password (one's own, or an admin's reset). Sessions elsewhere end and API tokens are revoked,
    so whoever knew the old password loses access with it."""
    refuse_superuser_takeover(actor, user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    Token.objects.filter(user=user).delete()
    audit_record(actor=actor, action="user.password_set" if actor.pk != user.pk else "user.password_changed",
                 target=user)
    return user


@transaction.atomic
def authority_limit_create(*, actor: User, **fields) -> AuthorityLimit:
    return audited_create(actor=actor, instance=AuthorityLimit(**fields), action="authority_limit.created",
                          data=fields)


@transaction.atomic
def authority_limit_update(*, actor: User, limit: AuthorityLimit, **changes) -> AuthorityLimit:
    audited_update(actor=actor, instance=limit, changes=changes, editable=AUTHORITY_LIMIT_EDITABLE,
                   action="authority_limit.updated")
    return limit


@transaction.atomic
def authority_limit_delete(*, actor: User, limit: AuthorityLimit) -> None:
    audit_record(actor=actor, action="authority_limit.deleted", target=limit,
                 data={"role": limit.role, "team": limit.team, "currency": limit.currency})
    limit.delete()
