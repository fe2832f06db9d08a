"""User roles and the areas of the product each may enter: the single source for navigation and view access."""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    COLLECTOR = "collector", "Collector"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"
    AGENCY = "agency", "Agency user"


# The organisation's own people, who work and change accounts; agency users only log interactions and payments.
STAFF = frozenset({Role.COLLECTOR, Role.MANAGER, Role.ADMIN})
# Who oversees: approves plans beyond a collector's authority, overrides and reassigns, ends holds.
SUPERVISORS = frozenset({Role.MANAGER, Role.ADMIN})


class Area(StrEnum):
    WORK_QUEUE = "work_queue"
    ACCOUNTS = "accounts"
    APPROVALS = "approvals"
    COMPLAINTS = "complaints"
    OUTBOX = "outbox"
    DASHBOARDS = "dashboards"
    CONFIGURATION = "configuration"


# Admins configure and oversee; they do not work a queue of their own (SPEC 1).
AREA_ROLES: dict[Area, frozenset[str]] = {
    Area.WORK_QUEUE: frozenset({Role.COLLECTOR, Role.MANAGER, Role.AGENCY}),
    Area.ACCOUNTS: frozenset({Role.COLLECTOR, Role.MANAGER, Role.ADMIN, Role.AGENCY}),
    # Plans beyond a collector's authority wait here for a manager of the team, or an admin (SPEC 1).
    Area.APPROVALS: frozenset({Role.MANAGER, Role.ADMIN}),
    # Agency users only log interactions and payments (SPEC 1), so the register is staff's.
    Area.COMPLAINTS: frozenset({Role.COLLECTOR, Role.MANAGER, Role.ADMIN}),
    # Managers and admins watch what the outbox sent, blocked or failed, and retry or cancel.
    Area.OUTBOX: frozenset({Role.MANAGER, Role.ADMIN}),
    Area.DASHBOARDS: frozenset({Role.MANAGER, Role.ADMIN}),
    Area.CONFIGURATION: frozenset({Role.ADMIN}),
}


def can_enter(user, area: Area) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in AREA_ROLES[area])
