from django.db import transaction

from agencies.models import Agency
from collections_crm.services import refuse_other_fields
from compliance.services import audit_record, audited_changes

AGENCY_EDITABLE = frozenset({"name", "code", "is_active"})


@transaction.atomic
def agency_create(*, actor, name: str, code: str, is_active: bool = True) -> Agency:
    agency = Agency(name=name, code=code, is_active=is_active)
    agency.full_clean()
    agency.save()
    audit_record(actor=actor, action="agency.created", target=agency, data={"name": name, "code": code})
    return agency


@transaction.atomic
def agency_update(*, actor, agency: Agency, **changes) -> Agency:
    """Change an agency. Deactivating it deactivates its users too: an agency we stopped working with keeps no
    access. Reactivating it does not bring them back; an admin reactivates each user who should return."""
    refuse_other_fields(changes, AGENCY_EDITABLE)
    diff = audited_changes(agency, changes)
    if not diff:
        return agency
    agency.full_clean()
    agency.save()
    audit_record(actor=actor, action="agency.updated", target=agency, data=diff)
    if diff.get("is_active") == [True, False]:
        for user in agency.users.filter(is_active=True):
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit_record(actor=actor, action="user.updated", target=user,
                         data={"is_active": [True, False], "reason": f"agency {agency.code} deactivated"})
    return agency
