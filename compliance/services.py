from decimal import Decimal

from django.db import models

from compliance.models import AuditEvent


def _json_value(value):
    """A field value as the audit log stores it: related rows by id, money and dates as text."""
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_record(*, actor, action: str, target: models.Model | None = None, data: dict | None = None) -> AuditEvent:
    """Append one event to the audit log, in the caller's transaction so it commits with the change it describes."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        data={key: _json_value(value) for key, value in (data or {}).items()},
    )


def audited_changes(instance: models.Model, changes: dict) -> dict:
    """Apply changes to an instance and return {field: [old, new]} for those that differ, for the audit log."""
    diff = {}
    for field, new in changes.items():
        old = getattr(instance, field)
        if old != new:
            diff[field] = [_json_value(old), _json_value(new)]
        setattr(instance, field, new)
    return diff
