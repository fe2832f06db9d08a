from django.db import models
from django.db.models.functions import Lower

from collections_crm.scoping import ScopedQuerySet


class AgencyQuerySet(ScopedQuerySet):
    def scope_for_agency(self, user):
        return self.filter(pk=user.agency_id)


class Agency(models.Model):
    """An outside collection agency whose users work only the accounts placed with it."""

    name = models.CharField(max_length=150)
    code = models.SlugField(max_length=32, unique=True)
    is_active = models.BooleanField(default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [models.UniqueConstraint(Lower("name"), name="agencies_agency_name_ci_unique",
                                               violation_error_message="An agency with this name already exists.")]

    def __str__(self) -> str:
        return self.name
