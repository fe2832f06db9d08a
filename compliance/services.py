from datetime import timedelta
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from collections_crm.errors import Conflict, DomainError, Forbidden
from collections_crm.roles import STAFF, SUPERVISORS, Role
from collections_crm.validators import check_moment
from compliance.models import (
    COMPLAINT_RESPONSE_DAYS,
    AuditEvent,
    Complaint,
    Dispute,
    Hold,
    Rule,
    RulePack,
    ValidationNotice,
)


def _json_value(value):
    """A field value as the audit log stores it: related rows by id, money and dates as text."""
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
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


def contact_check(*, actor, account, channel: str, at=None, contact_point=None):
    """Check a contact attempt (compliance.engine.check_contact); a blocked one is written to the audit log with
    its reasons as they read at that moment, so later rule changes never rewrite what was decided."""
    from compliance.engine import check_contact

    check_moment(at, field="at")
    verdict = check_contact(account, channel, at, contact_point)
    if verdict.verdict == "block":
        audit_record(actor=actor, action="compliance.check_blocked", target=account, data={
            "channel": channel, "at": verdict.at.isoformat(),
            "contact_point": contact_point.pk if contact_point else None,
            "violations": [vars(violation) for violation in verdict.violations]})
    return verdict


def _require_role(actor, roles, message: str) -> None:
    if actor.role not in roles:
        raise Forbidden(message)


@transaction.atomic
def hold_place(*, actor, kind: str, starts_at, ends_at=None, debtor=None, account=None, notes: str = "") -> Hold:
    """Stop contact with a debtor (or about one account) from `starts_at`, until `ends_at` if known."""
    _require_role(actor, STAFF, "Your role cannot place holds.")
    if (debtor is None) == (account is None):
        raise DomainError("Put the hold on the debtor or on one account.", field="debtor")
    check_moment(starts_at, field="starts_at")
    check_moment(ends_at, field="ends_at")
    return audited_create(actor=actor, instance=Hold(
        kind=kind, starts_at=starts_at, ends_at=ends_at, debtor=debtor, account=account, notes=notes,
        created_by=actor), action="hold.placed", data={"kind": kind, "starts_at": starts_at, "ends_at": ends_at,
                                                       "debtor": debtor, "account": account})


@transaction.atomic
def hold_end(*, actor, hold: Hold, ends_at=None, reason: str = "") -> Hold:
    """End a hold (now, or at a given moment): a manager's decision, since ending one early resumes contact."""
    _require_role(actor, SUPERVISORS, "Only managers and admins end holds.")
    if not reason.strip():
        raise DomainError("Say why the hold ends.", field="reason")
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    now = timezone.now()
    if hold.ends_at is not None and hold.ends_at <= now:
        raise Conflict("This hold has already ended.")
    ends_at = ends_at or now
    check_moment(ends_at, field="ends_at")
    if ends_at <= hold.starts_at:
        raise DomainError("A hold must end after it starts.", field="ends_at")
    audited_update(actor=actor, instance=hold, changes={"ends_at": ends_at}, editable=frozenset({"ends_at"}),
                   action="hold.ended")
    audit_record(actor=actor, action="hold.end_reason", target=hold, data={"reason": reason.strip()})
    return hold


def _follow_disputes(*, actor, account) -> None:
    """An open dispute makes a workable account `disputed`; when none is left open it is worked again."""
    from debtors.ledger import account_status_change, lock_account
    from debtors.models import Account

    account = lock_account(account)
    has_open = Dispute.objects.filter(account=account, status=Dispute.Status.OPEN).exists()
    if has_open and account.status in Account.WORKABLE_STATUSES:
        account_status_change(actor=actor, account=account, status=Account.Status.DISPUTED, reason="dispute raised",
                              automatic=True)
    elif not has_open and account.status == Account.Status.DISPUTED:
        account_status_change(actor=actor, account=account, status=Account.Status.ACTIVE,
                              reason="no dispute left open", automatic=True)


@transaction.atomic
def dispute_raise(*, actor, account, raised_at=None, status: str = Dispute.Status.OPEN, reason: str = "") -> Dispute:
    _require_role(actor, STAFF, "Your role cannot record disputes.")
    check_moment(raised_at, field="raised_at")
    dispute = audited_create(actor=actor, instance=Dispute(
        account=account, raised_at=raised_at or timezone.now(), status=status, reason=reason, created_by=actor),
        action="dispute.raised", data={"account": account, "status": status})
    _follow_disputes(actor=actor, account=account)
    return dispute


@transaction.atomic
def dispute_update(*, actor, dispute: Dispute, **changes) -> Dispute:
    """Move a dispute on (verification sent, resolved) or correct it; the account's status follows."""
    _require_role(actor, STAFF, "Your role cannot change disputes.")
    check_moment(changes.get("raised_at"), field="raised_at")
    audited_update(actor=actor, instance=dispute, changes=changes,
                   editable=frozenset({"status", "reason", "raised_at"}), action="dispute.updated")
    _follow_disputes(actor=actor, account=dispute.account)
    return dispute


@transaction.atomic
def validation_notice_record(*, actor, account, sent_at) -> ValidationNotice:
    _require_role(actor, STAFF, "Your role cannot record validation notices.")
    check_moment(sent_at, field="sent_at")
    if sent_at > timezone.now() + timedelta(minutes=5):
        raise DomainError("A notice cannot be sent in the future.", field="sent_at")
    return audited_create(actor=actor, instance=ValidationNotice(account=account, sent_at=sent_at, created_by=actor),
                          action="validation_notice.recorded", data={"account": account, "sent_at": sent_at})


@transaction.atomic
def complaint_register(*, actor, debtor, received_at, category: str, description: str, account=None,
                       due_on=None) -> Complaint:
    """Register a complaint; unless told otherwise it is due COMPLAINT_RESPONSE_DAYS after it was received."""
    _require_role(actor, STAFF, "Your role cannot register complaints.")
    if account is not None and account.debtor_id != debtor.pk:
        raise DomainError("The account is not this debtor's.", field="account")
    check_moment(received_at, field="received_at")
    due_on = due_on or received_at.date() + timedelta(days=COMPLAINT_RESPONSE_DAYS)
    return audited_create(actor=actor, instance=Complaint(
        debtor=debtor, account=account, received_at=received_at, category=category, description=description,
        due_on=due_on, created_by=actor), action="complaint.registered",
        data={"category": category, "due_on": due_on})


COMPLAINT_EDITABLE = frozenset({"status", "resolution", "due_on", "category"})


@transaction.atomic
def complaint_update(*, actor, complaint: Complaint, **changes) -> Complaint:
    """Work a complaint through to its resolution; resolving it needs the resolution written down."""
    _require_role(actor, SUPERVISORS, "Only managers and admins work complaints.")
    if changes.get("status") == Complaint.Status.RESOLVED and complaint.status != Complaint.Status.RESOLVED:
        changes.setdefault("resolved_at", timezone.now())
    elif changes.get("status", Complaint.Status.RESOLVED) != Complaint.Status.RESOLVED:
        changes["resolved_at"] = None  # reopened
    audited_update(actor=actor, instance=complaint, changes=changes, editable=COMPLAINT_EDITABLE | {"resolved_at"},
                   action="complaint.updated")
    return complaint


RULE_PACK_EDITABLE = frozenset({"code", "name", "country", "region", "is_active"})
RULE_EDITABLE = frozenset({"pack", "kind", "severity", "params", "citation", "is_active"})


@transaction.atomic
def rule_pack_create(*, actor, **fields) -> RulePack:
    _require_role(actor, (Role.ADMIN,), "Only admins configure rule packs.")
    refuse_other_fields(fields, RULE_PACK_EDITABLE)
    return audited_create(actor=actor, instance=RulePack(**fields), action="rule_pack.created", data=fields)


@transaction.atomic
def rule_pack_update(*, actor, pack: RulePack, **changes) -> RulePack:
    _require_role(actor, (Role.ADMIN,), "Only admins configure rule packs.")
    audited_update(actor=actor, instance=pack, changes=changes, editable=RULE_PACK_EDITABLE,
                   action="rule_pack.updated")
    return pack


@transaction.atomic
def rule_create(*, actor, **fields) -> Rule:
    _require_role(actor, (Role.ADMIN,), "Only admins configure rules.")
    refuse_other_fields(fields, RULE_EDITABLE)
    rule = Rule(**fields)
    return audited_create(actor=actor, instance=rule, action="rule.created",
                          data={"pack": rule.pack.code, "kind": rule.kind, "severity": rule.severity,
                                "params": rule.params, "is_active": rule.is_active})


@transaction.atomic
def rule_update(*, actor, rule: Rule, **changes) -> Rule:
    """Change a rule; its old and new parameters go to the audit log (past verdicts there stay as they were)."""
    _require_role(actor, (Role.ADMIN,), "Only admins configure rules.")
    audited_update(actor=actor, instance=rule, changes=changes, editable=RULE_EDITABLE, action="rule.updated")
    return rule
