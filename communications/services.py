"""Writes to the interaction log and to message templates."""

from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from collections_crm.errors import BlockedAttempt, Conflict, DomainError, Forbidden
from collections_crm.roles import STAFF, SUPERVISORS, Role
from collections_crm.validators import check_moment
from communications.models import RIGHT_PARTY_OUTCOMES, Cadence, CadenceStep, Interaction, MessageTemplate
from compliance.engine import CHANNEL_CONTACT_KIND, default_contact_point
from compliance.services import (
    audit_record,
    audited_create,
    audited_update,
    contact_check,
    dispute_raise,
    refuse_other_fields,
)
from debtors.models import Account
from payment_plans.models import PaymentPlan
from payment_plans.services import plan_propose, promise_create

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
    if contact_point is not None and contact_point.kind != CHANNEL_CONTACT_KIND.get(channel, contact_point.kind):
        raise DomainError(f"A {Interaction.Channel(channel).label.lower()} goes to a {CHANNEL_CONTACT_KIND[channel]}, "
                          f"not to this {contact_point.kind}.", field="contact_point")
    if channel == Interaction.Channel.NOTE and outcome:
        raise DomainError("A note has no outcome.", field="outcome")
    interaction = audited_create(actor=actor, instance=Interaction(
        account=account, channel=channel, direction=direction, occurred_at=occurred_at, outcome=outcome,
        contact_point=contact_point, notes=notes, duration_seconds=duration_seconds, user=actor),
        action="interaction.logged", data={"account": account.pk, "channel": channel, "direction": direction,
                                           "outcome": outcome, "occurred_at": occurred_at.isoformat()})
    if channel != Interaction.Channel.NOTE:
        Account.objects.filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=occurred_at),
                               pk=account.pk).update(last_contact_at=occurred_at)
    return interaction


TEMPLATE_EDITABLE = frozenset({"code", "name", "channel", "language", "subject", "body", "mentions_legal_action",
                               "is_active"})


def _require_admin(actor) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("Only admins edit and approve message templates.")


def _normalised(fields: dict) -> dict:
    """Browsers send CRLF line ends and APIs LF: the same words are the same wording."""
    return {name: value.replace("\r\n", "\n") if name in ("subject", "body") and isinstance(value, str) else value
            for name, value in fields.items()}


@transaction.atomic
def template_create(*, actor, **fields) -> MessageTemplate:
    """A new template, in draft until someone else approves it."""
    _require_admin(actor)
    refuse_other_fields(fields, TEMPLATE_EDITABLE)
    fields = _normalised(fields)
    template = audited_create(actor=actor, instance=MessageTemplate(edited_by=actor, **fields),
                              action="template.created", data={"code": fields.get("code"),
                                                               "channel": fields.get("channel")})
    template.authors.add(actor)
    return template


@transaction.atomic
def template_update(*, actor, template: MessageTemplate, **changes) -> MessageTemplate:
    """Edit a template; a change of what it says sends it back to draft, to be approved again by someone who
    has not changed its wording since its last approval."""
    _require_admin(actor)
    template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    changes = _normalised(changes)
    reworded = any(changes.get(field, getattr(template, field)) != getattr(template, field)
                   for field in MessageTemplate.WORDING)
    if reworded:
        changes = {**changes, "status": MessageTemplate.Status.DRAFT, "approved_by": None, "approved_at": None,
                   "edited_by": actor}
    audited_update(actor=actor, instance=template, changes=changes,
                   editable=TEMPLATE_EDITABLE | {"status", "approved_by", "approved_at", "edited_by"},
                   action="template.updated")
    if reworded:
        template.authors.add(actor)
    return template


def approval_refusal(*, actor, template: MessageTemplate) -> str:
    """Why this admin may not approve the template now ("" when they may): a second pair of eyes means someone
    who did not write any of the wording waiting for approval."""
    if template.status == MessageTemplate.Status.APPROVED:
        return "This template is approved already."
    if template.edited_by_id == actor.pk or template.authors.filter(pk=actor.pk).exists():
        return "You changed the wording of this template since it was last approved: another admin approves it."
    return ""


@transaction.atomic
def template_approve(*, actor, template: MessageTemplate, version: str | None = None) -> MessageTemplate:
    """Approve a draft for use. `version` is the wording the approver read (`wording_version`): if it changed
    since, nothing is approved."""
    _require_admin(actor)
    template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    if refusal := approval_refusal(actor=actor, template=template):
        raise (Conflict if template.status == MessageTemplate.Status.APPROVED else Forbidden)(refusal)
    if version is not None and version != template.wording_version:
        raise Conflict("The wording changed since you read it: read it again before you approve it.",
                       field="version")
    audited_update(actor=actor, instance=template, changes={
        "status": MessageTemplate.Status.APPROVED, "approved_by": actor, "approved_at": timezone.now()},
        editable=frozenset({"status", "approved_by", "approved_at"}), action="template.approved")
    template.authors.clear()
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


@transaction.atomic
def cadence_account_set(*, actor, cadence: Cadence, account: Account, on: bool) -> None:
    """Put one account on a cadence (beyond the segments it reaches), or take it off again; audited."""
    if actor.role not in STAFF:
        raise Forbidden("Your role cannot change an account's reminders.")
    if on and not cadence.is_active:
        raise DomainError("This cadence is switched off.", field="cadence")
    (cadence.accounts.add if on else cadence.accounts.remove)(account)
    audit_record(actor=actor, action="cadence.account_added" if on else "cadence.account_removed", target=account,
                 data={"cadence": cadence.pk, "name": cadence.name})


# When no callback is agreed, an unanswered attempt brings the account back to the queue the next day.
RETRY_AFTER_NO_CONTACT = timedelta(days=1)
NO_CONTACT = frozenset({Interaction.Outcome.NO_ANSWER, Interaction.Outcome.BUSY, Interaction.Outcome.LEFT_MESSAGE})
# An attempt logged within this long of happening is checked as if it were happening now.
JUST_NOW = timedelta(minutes=15)
CALLBACK_HORIZON = timedelta(days=365)


@contextmanager
def _errors_named(prefix: str):
    """A next step's own service names its fields plainly (`amount`); the contact form prefixes them."""
    try:
        yield
    except DomainError as error:
        error.field = f"{prefix}_{error.field}" if error.field else f"{prefix}_details"
        raise


def contact_record(*, actor, account: Account, channel: str, direction: str = Interaction.Direction.OUTBOUND,
                   outcome: str = "", notes: str = "", duration_seconds: int | None = None, contact_point=None,
                   occurred_at=None, override_reason: str = "", callback_at=None, promise: dict | None = None,
                   plan: dict | None = None, dispute_reason: str | None = None) -> Interaction:
    """Log a call, message or note (the account page and the API), with the next step, all or nothing.

    An outbound attempt happening now is checked first, at the contact point used (the primary one of the
    channel's kind unless another is named, and that is the one recorded). If compliance blocks it, it is logged
    only with a manager's (or admin's) override and its reason, both audited; a refusal stays in the audit log,
    which is why this function is not one transaction itself (`BlockedAttempt`). What the debtor started
    (inbound) and what is logged after the fact are records, not attempts, and are not checked. The next step is a
    callback (`callback_at`, aware), a promise (`amount`, `promised_on`), an installment plan of the balance
    (`frequency`, `start_on`, `installment_count`) or a dispute (its reason); the last three come from speaking to
    the debtor. Without a next step, an attempt that reached nobody brings the account back tomorrow.
    """
    now = timezone.now()
    occurred_at = occurred_at or now
    override = None
    if (channel != Interaction.Channel.NOTE and direction == Interaction.Direction.OUTBOUND
            and abs(now - occurred_at) <= JUST_NOW):
        contact_point = contact_point or default_contact_point(list(account.debtor.contact_points.all()), channel)
        override = _override_if_blocked(actor=actor, account=account, channel=channel, at=occurred_at,
                                        contact_point=contact_point, override_reason=override_reason)
    return _contact_save(
        actor=actor, account=account, channel=channel, direction=direction, outcome=outcome, notes=notes,
        duration_seconds=duration_seconds, contact_point=contact_point, occurred_at=occurred_at, override=override,
        callback_at=callback_at, promise=promise, plan=plan, dispute_reason=dispute_reason)


def _override_if_blocked(*, actor, account: Account, channel: str, at, contact_point, override_reason: str):
    """None when compliance allows the attempt now; the override's audit data when a supervisor overrides a block
    with a reason; else `BlockedAttempt` (the blocked check is audited already and stays so)."""
    verdict = contact_check(actor=actor, account=account, channel=channel, at=at, contact_point=contact_point)
    if verdict.verdict != "block":
        return None
    reasons = " ".join(violation.message for violation in verdict.violations if violation.severity == "block")
    if actor.role not in SUPERVISORS:
        raise BlockedAttempt(f"Blocked: {reasons} A manager may override this with a reason.", field="channel")
    if not override_reason.strip():
        raise BlockedAttempt(f"Blocked: {reasons} To go ahead, give the reason for overriding.",
                             field="override_reason")
    return {"channel": channel, "reason": override_reason.strip(),
            "contact_point": contact_point.pk if contact_point else None,
            "violations": [vars(violation) for violation in verdict.violations]}


@transaction.atomic
def _contact_save(*, actor, account: Account, channel: str, direction: str, outcome: str, notes: str,
                  duration_seconds, contact_point, occurred_at, override: dict | None, callback_at, promise, plan,
                  dispute_reason) -> Interaction:
    now = timezone.now()
    if callback_at is not None:
        check_moment(callback_at, field="callback_at")
        if not now < callback_at <= now + CALLBACK_HORIZON:
            raise DomainError("A callback is in the future, within a year.", field="callback_at")
    agreed = [step for step, given in (("promise", promise), ("plan", plan), ("dispute", dispute_reason is not None))
              if given]
    if len(agreed) > 1:
        raise DomainError("Choose one next step.", field="next_step")
    if agreed and outcome not in RIGHT_PARTY_OUTCOMES:
        raise DomainError(f"A {agreed[0]} is agreed with the debtor: choose an outcome where you reached them.",
                          field="outcome")
    if override is not None:
        audit_record(actor=actor, action="compliance.override", target=account, data=override)
    interaction = interaction_log(actor=actor, account=account, channel=channel, direction=direction,
                                  occurred_at=occurred_at, outcome=outcome, contact_point=contact_point, notes=notes,
                                  duration_seconds=duration_seconds)
    if promise:
        with _errors_named("promise"):
            promise_create(actor=actor, account=account, **promise)
    if plan:
        with _errors_named("plan"):
            plan_propose(actor=actor, account=account, kind=PaymentPlan.Kind.INSTALLMENTS,
                         total_amount=Account.objects.get(pk=account.pk).balance, **plan)
    if dispute_reason is not None:
        with _errors_named("dispute"):
            dispute_raise(actor=actor, account=account, raised_at=occurred_at, reason=dispute_reason)
    next_action = callback_at or (now + RETRY_AFTER_NO_CONTACT if outcome in NO_CONTACT else None)
    if next_action is not None:
        Account.objects.filter(pk=account.pk).update(next_action_at=next_action)
    return interaction
