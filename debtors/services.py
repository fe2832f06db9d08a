"""Writes to debtors, contact points and accounts (money goes through debtors/ledger.py)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from collections_crm.errors import DomainError
from collections_crm.models import Team, User
from collections_crm.roles import SUPERVISORS, Role
from collections_crm.validators import check_moment
from compliance.services import audit_record, audited_create, audited_update, refuse_other_fields
from debtors.contact_values import normalize_contact_value
from debtors.ledger import account_status_change, lock_account, money, placement_post
from debtors.models import Account, ContactPoint, Creditor, Debtor, Segment

CREDITOR_EDITABLE = frozenset({"name", "code", "currency", "is_active"})
DEBTOR_EDITABLE = frozenset({
    "first_name", "last_name", "company_name", "date_of_birth", "timezone", "country", "region",
    "preferred_language", "preferred_channel", "employer", "monthly_income", "monthly_expenses", "income_currency",
    "hardship_notes"})
NAME_FIELDS = frozenset({"first_name", "last_name", "company_name"})
CONTACT_POINT_EDITABLE = frozenset({
    "value", "phone_type", "is_primary", "is_workplace", "consent_sms", "consent_autodial", "consent_email",
    "opted_out_at", "invalid_at", "timezone"})


@transaction.atomic
def creditor_create(*, actor: User, name: str, code: str, currency: str, is_active: bool = True) -> Creditor:
    return audited_create(actor=actor, instance=Creditor(name=name, code=code, currency=currency, is_active=is_active),
                          action="creditor.created", data={"code": code, "currency": currency})


@transaction.atomic
def creditor_update(*, actor: User, creditor: Creditor, **changes) -> Creditor:
    audited_update(actor=actor, instance=creditor, changes=changes, editable=CREDITOR_EDITABLE,
                   action="creditor.updated")
    return creditor


@transaction.atomic
def debtor_create(*, actor: User, **fields) -> Debtor:
    refuse_other_fields(fields, DEBTOR_EDITABLE)
    return audited_create(actor=actor, instance=Debtor(team_id=actor.team_id, **fields), action="debtor.created")


@transaction.atomic
def debtor_update(*, actor: User, debtor: Debtor, **changes) -> Debtor:
    changed = audited_update(actor=actor, instance=debtor, changes=changes, editable=DEBTOR_EDITABLE,
                             action="debtor.updated")
    if changed.keys() & NAME_FIELDS:
        # Re-read under the row lock our UPDATE holds: a concurrent change of another name field has committed
        # by now, and the copy must carry both.
        fresh = Debtor.objects.select_for_update().get(pk=debtor.pk)
        debtor.accounts.update(search_name=fresh.search_name)
    return debtor


def _prepare_contact_point(point: ContactPoint) -> None:
    """Normalise the value, check the record, and make room when it becomes the primary one of its kind."""
    try:
        point.value = normalize_contact_value(point.kind, point.value, country=point.debtor.country)
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from None
    check_moment(point.opted_out_at, field="opted_out_at")
    check_moment(point.invalid_at, field="invalid_at")
    if point.kind != ContactPoint.Kind.PHONE:
        point.phone_type = ""
    if point.is_primary:  # the caller's transaction undoes this if the point itself turns out invalid
        others = ContactPoint.objects.filter(debtor=point.debtor_id, kind=point.kind, is_primary=True)
        for other in others.exclude(pk=point.pk):
            other.is_primary = False
            other.save(update_fields=["is_primary"])
    point.full_clean()


@transaction.atomic
def contact_point_create(*, actor: User, debtor: Debtor, kind: str, value: str, **fields) -> ContactPoint:
    refuse_other_fields(fields, CONTACT_POINT_EDITABLE - {"value"})
    if kind not in ContactPoint.Kind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(ContactPoint.Kind.values)}."})
    point = ContactPoint(debtor=debtor, kind=kind, value=value, **fields)
    _prepare_contact_point(point)
    point.save()
    audit_record(actor=actor, action="contact_point.added", target=point, data={"debtor": debtor.pk, "kind": kind})
    return point


@transaction.atomic
def contact_point_update(*, actor: User, contact_point: ContactPoint, **changes) -> ContactPoint:
    """Change a contact point; consent and opt-out changes are audited with their old and new values."""
    audited_update(actor=actor, instance=contact_point, changes=changes, editable=CONTACT_POINT_EDITABLE,
                   action="contact_point.updated", validate=lambda: _prepare_contact_point(contact_point))
    return contact_point


def check_assignee(assignee: User, *, team_id: int | None) -> None:
    if assignee.role not in (Role.COLLECTOR, Role.MANAGER) or not assignee.is_active:
        raise DomainError("Accounts are assigned to active collectors or managers.", field="assigned_to")
    if assignee.team_id is None or assignee.team_id != team_id:
        raise DomainError("The assignee must belong to the account's team.", field="assigned_to")


def _team_for_new_account(actor: User, team: Team | None, assigned_to: User | None) -> Team | None:
    """Collectors and managers open accounts in their own team; admins choose (or leave them to distribute)."""
    if actor.role in (Role.COLLECTOR, Role.MANAGER):
        if team is not None and team.pk != actor.team_id:
            raise DomainError("You can only open accounts for your own team.", field="team")
        team = actor.team
    elif team is None and assigned_to is not None:
        team = assigned_to.team
    if assigned_to is not None:
        check_assignee(assigned_to, team_id=team.pk if team else None)
        if actor.role == Role.COLLECTOR and assigned_to.pk != actor.pk:
            raise DomainError("Collectors assign new accounts to themselves or leave them unassigned.",
                              field="assigned_to")
    return team


@transaction.atomic
def account_open(*, actor: User, debtor: Debtor, creditor: Creditor, reference: str, original_balance: Decimal,
                 currency: str | None = None, delinquent_since: date | None = None,
                 charged_off_on: date | None = None, placed_on: date | None = None,
                 assigned_to: User | None = None, team: Team | None = None,
                 segment: Segment | None = None) -> Account:
    """Open an account for a debtor and post its original balance to the ledger."""
    money(original_balance, field="original_balance", allow_zero=True)
    # Locked so that a rename cannot commit between our read of the names and this account becoming visible.
    names = Debtor.objects.select_for_update().only("first_name", "last_name", "company_name").get(pk=debtor.pk)
    today = timezone.localdate()
    if delinquent_since and delinquent_since > today:
        raise DomainError("An account cannot be delinquent from a future date.", field="delinquent_since")
    account = Account(
        debtor=debtor, creditor=creditor, reference=reference.strip(), currency=currency or creditor.currency,
        original_balance=original_balance, delinquent_since=delinquent_since, charged_off_on=charged_off_on,
        placed_on=placed_on or today, assigned_to=assigned_to, team=_team_for_new_account(actor, team, assigned_to),
        segment=segment, search_name=names.search_name)
    account.full_clean()
    account.save()
    placement_post(account=account, actor=actor)
    account.refresh_from_db()
    audit_record(actor=actor, action="account.opened", target=account,
                 data={"debtor": debtor.pk, "creditor": creditor.pk, "original_balance": original_balance})
    return account


ACCOUNT_EDITABLE = frozenset({"delinquent_since", "charged_off_on", "segment"})


@transaction.atomic
def account_update(*, actor: User, account: Account, **changes) -> Account:
    """Correct an account's dates or segment (its money moves only through the ledger)."""
    if (since := changes.get("delinquent_since")) and since > timezone.localdate():
        raise DomainError("An account cannot be delinquent from a future date.", field="delinquent_since")
    account = lock_account(account)
    audited_update(actor=actor, instance=account, changes=changes, editable=ACCOUNT_EDITABLE,
                   action="account.updated")
    return account


@transaction.atomic
def account_assign(*, actor: User, account: Account, assigned_to: User | None, team: Team | None = None) -> Account:
    """Give an account to a collector of its team, or back to the team's pool (None). Managers assign within
    their team; admins may also move an account to another team."""
    if actor.role not in SUPERVISORS:
        raise DomainError("Only managers and admins assign accounts.", field="assigned_to")
    if team is not None and team.pk != account.team_id and actor.role != Role.ADMIN:
        raise DomainError("Only admins move accounts to another team.", field="team")
    account = lock_account(account)
    target_team_id = team.pk if team is not None else account.team_id
    if assigned_to is not None:
        check_assignee(assigned_to, team_id=target_team_id)
    audited_update(actor=actor, instance=account, changes={"assigned_to": assigned_to, "team_id": target_team_id},
                   editable=frozenset({"assigned_to", "team_id"}), action="account.assigned")
    return account


UNCHANGED = object()


@transaction.atomic
def account_change(*, actor: User, account: Account, status: str | None = None, reason: str = "",
                   assigned_to=UNCHANGED, team: Team | None = None, **corrections) -> Account:
    """Several changes to one account at once (the API's PATCH): a status, an assignment, corrections; all or none.

    Moving an account to another team without naming an assignee returns it to that team's pool.
    """
    if status is not None:
        account = account_status_change(actor=actor, account=account, status=status, reason=reason)
    if assigned_to is not UNCHANGED or team is not None:
        if assigned_to is UNCHANGED:
            assigned_to = None if team is not None and team.pk != account.team_id else account.assigned_to
        account = account_assign(actor=actor, account=account, assigned_to=assigned_to, team=team)
    if corrections:
        account = account_update(actor=actor, account=account, **corrections)
    return account
