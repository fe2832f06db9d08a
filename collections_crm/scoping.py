"""The one place that decides which rows a user may see.

Every queryset a user can reach starts at `Model.objects.visible_to(user)`. A model's QuerySet subclasses
ScopedQuerySet and says what a manager, a collector and an agency user see; anything it does not say is
denied, so a forgotten role sees nothing rather than everything. Out of scope is "not found" (404).
"""

from typing import Self

from django.db import models
from django.http import Http404

from collections_crm.roles import Role


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.ADMIN:
            return self
        if user.role == Role.MANAGER and user.team_id is not None:
            return self.scope_for_manager(user)
        if user.role == Role.COLLECTOR:
            return self.scope_for_collector(user)
        if user.role == Role.AGENCY and user.agency_id is not None:
            return self.scope_for_agency(user)
        return self.none()

    def scope_for_manager(self, user) -> Self:
        """Rows of the manager's team."""
        return self.none()

    def scope_for_collector(self, user) -> Self:
        """Rows assigned to the collector, and their team's unassigned rows."""
        return self.none()

    def scope_for_agency(self, user) -> Self:
        """Rows of accounts currently placed with the user's agency."""
        return self.none()


def get_visible_or_404(queryset: ScopedQuerySet, user, **lookup):
    """Fetch one row the user may see; rows outside their scope are indistinguishable from missing ones."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from None
