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


def refuse_other_fields(changes: dict, editable: frozenset[str]) -> None:
    if unknown := set(changes) - editable:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")


def audited_create(*, actor, instance: models.Model, action: str, data: dict | None = None):
    """Validate and save a new record and log its creation; the caller holds the transaction."""
    instance.full_clean()
    instance.save()
    audit_record(actor=actor, action=action, target=instance, data=data)
    return instance


def audited_update(*, actor, instance: models.Model, changes: dict, editable: frozenset[str], action: str,
                   validate=None) -> dict:
    """Apply the allowed changes, validate, save and log them with old and new values; the caller holds the
    transaction. Returns {field: [old, new]}, empty when nothing changed (and then nothing is written)."""
    refuse_other_fields(changes, editable)
    diff = audited_changes(instance, changes)
    if diff:
        (validate or instance.full_clean)()
        # Only the changed columns: a full save of an instance read earlier could undo someone else's write.
        touched = [*diff, *(["updated_at"] if hasattr(instance, "updated_at") else [])]
        instance.save(update_fields=touched)
        audit_record(actor=actor, action=action, target=instance, data=diff)
    return diff


def audited_changes(instance: models.Model, changes: dict) -> dict:
    """Apply changes to an instance and return {field: [old, new]} for those that differ, for the audit log."""
    diff = {}
    for field, new in changes.items():
        old = getattr(instance, field)
        if old != new:
            diff[field] = [_json_value(old), _json_value(new)]
        setattr(instance, field, new)
    return diff
