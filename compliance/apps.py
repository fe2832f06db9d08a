from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    """The rules every contact attempt is checked against before it happens, in the debtor's local time:
    rule packs by country and region, holds, disputes, validation notices, complaints, and the append-only
    audit log."""

    name = "compliance"
    default_auto_field = "django.db.models.BigAutoField"
