from django.conf import settings
from django.db import models

from collections_crm.scoping import ScopedQuerySet


class AuditEventQuerySet(ScopedQuerySet):
    """Admins read the audit log; no other role is granted it (later issues show each debtor's own entries)."""

    def update(self, **kwargs):
        raise TypeError("Audit events are append-only")

    def delete(self):
        raise TypeError("Audit events are append-only")


class AuditEvent(models.Model):
    """Who did what, to what, and when. Append-only: the model refuses changes and PostgreSQL refuses
    UPDATE and DELETE on the table (migration 0002), so history cannot be rewritten."""

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+", help_text="Empty for work the system did on its own.")
    action = models.CharField(max_length=64, help_text="What happened, e.g. user.updated or auth.login.")
    target_type = models.CharField(max_length=64, blank=True, help_text="app_label.model of the record acted on.")
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True, help_text="The record as it read at the time.")
    data = models.JSONField(default=dict, blank=True, help_text="Details, e.g. each changed field's old and new value.")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # The history of one record (configuration pages, later the debtor timeline).
        indexes = [models.Index(fields=["target_type", "target_id", "-occurred_at"], name="compliance_audit_target")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only")
