"""Writes to the interaction log and to message templates."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from collections_crm.errors import Conflict, DomainError, Forbidden
from collections_crm.roles import Role
from collections_crm.validators import check_moment
from communications.models import Cadence, CadenceStep, Interaction, MessageTemplate
from compliance.services import audit_record, audited_create, audited_update, refuse_other_fields
from debtors.models import Account

# Clocks differ a little between a phone system and the server; anything later is a typing mistake.
CLOCK_SKEW = timedelta(minutes=5)


@transaction.atomic
def interaction_log(*, actor, account: Account, channel: str, direction: str = Interaction.Direction.OUTBOUND,
                    occurred_at=None, outcome: str = "", contact_point=None, notes: str = "",
                    duration_seconds: int | None = None) -> Interaction:
    """Log a contact, an attempt or a note, now or after the fact; the account's last contact moves with it."""
    occurred_at = occurred_at or timezone.now()
    check_moment(occurred_at, field="occurred_at")
    if occurred_at > timezone.now() + CLOCK_SKEW:
        raise DomainError("An interaction cannot be logged in the future.", field="occurred_at")
    if contact_point is not None and contact_point.debtor_id != account.debtor_id:
        raise DomainError("This contact point is not the account's debtor's.", field="contact_point")
    if channel == Interaction.Channel.NOTE and outcome:
        raise DomainError("A note has no outcome.", field="outcome")
    interaction = audited_create(actor=actor, instance=Interaction(
        account=account, channel=channel, direction=direction, occurred_at=occurred_at, outcome=outcome,
        contact_point=contact_point, notes=notes, duration_seconds=duration_seconds, user=actor),
        action="interaction.logged", data={"account": account.pk, "channel": channel, "outcome": outcome})
    if channel != Interaction.Channel.NOTE:
        Account.objects.filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=occurred_at),
                               pk=account.pk).update(last_contact_at=occurred_at)
    return interaction


TEMPLATE_EDITABLE = frozenset({"code", "name", "channel", "language", "subject", "body", "mentions_legal_action",
                               "is_active"})


def _require_admin(actor) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("Only admins edit and approve message templates.")


@transaction.atomic
def template_create(*, actor, **fields) -> MessageTemplate:
    """A new template, in draft until someone else approves it."""
    _require_admin(actor)
    refuse_other_fields(fields, TEMPLATE_EDITABLE)
    return audited_create(actor=actor, instance=MessageTemplate(edited_by=actor, **fields), action="template.created",
                          data={"code": fields.get("code"), "channel": fields.get("channel")})


@transaction.atomic
def template_update(*, actor, template: MessageTemplate, **changes) -> MessageTemplate:
    """Edit a template; a change of what it says sends it back to draft, to be approved again."""
    _require_admin(actor)
    template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    wording = {"channel", "language", "subject", "body", "mentions_legal_action"}
    if any(changes.get(field, getattr(template, field)) != getattr(template, field) for field in wording):
        changes = {**changes, "status": MessageTemplate.Status.DRAFT, "approved_by": None, "approved_at": None,
                   "edited_by": actor}
    audited_update(actor=actor, instance=template, changes=changes,
                   editable=TEMPLATE_EDITABLE | {"status", "approved_by", "approved_at", "edited_by"},
                   action="template.updated")
    return template


@transaction.atomic
def template_approve(*, actor, template: MessageTemplate) -> MessageTemplate:
    """Approve a draft for use: a second pair of eyes, so never its last editor."""
    _require_admin(actor)
    template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status == MessageTemplate.Status.APPROVED:
        raise Conflict("This template is approved already.")
    if template.edited_by_id == actor.pk:
        raise Forbidden("You edited this template last: another admin approves it.")
    audited_update(actor=actor, instance=template, changes={
        "status": MessageTemplate.Status.APPROVED, "approved_by": actor, "approved_at": timezone.now()},
        editable=frozenset({"status", "approved_by", "approved_at"}), action="template.approved")
    return template


@transaction.atomic
def cadence_save(*, actor, cadence: Cadence | None = None, name: str, steps: list[dict], description: str = "",
                 applies_to_all: bool = False, segments=(), accounts=(), is_active: bool = True) -> Cadence:
    """Create or replace a cadence and its ordered steps (each: trigger, offset_days, template, local_hour)."""
    _require_admin(actor)
    if not steps:
        raise DomainError("A cadence has at least one step.", field="steps")
    cadence = cadence or Cadence()
    for field, value in {"name": name, "description": description, "applies_to_all": applies_to_all,
                         "is_active": is_active}.items():
        setattr(cadence, field, value)
    cadence.full_clean()
    cadence.save()
    cadence.segments.set(segments)
    cadence.accounts.set(accounts)
    cadence.steps.all().delete()
    for position, step in enumerate(steps, 1):
        CadenceStep(cadence=cadence, position=position, **step).full_clean(exclude=["cadence"])
        CadenceStep.objects.create(cadence=cadence, position=position, **step)
    audit_record(actor=actor, action="cadence.saved", target=cadence, data={
        "name": name, "steps": [f"{step['trigger']} {step['offset_days']:+d}d {step['template'].code}"
                                for step in steps]})
    return cadence
