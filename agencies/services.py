from django.db import transaction

from agencies.models import Agency
from compliance.services import audit_record, audited_create, audited_update

AGENCY_EDITABLE = frozenset({"name", "code", "is_active"})


@transaction.atomic
def agency_create(*, actor, name: str, code: str, is_active: bool = True) -> Agency:
    return audited_create(actor=actor, instance=Agency(name=name, code=code, is_active=is_active),
                          action="agency.created", data={"name": name, "code": code})


@transaction.atomic
def agency_update(*, actor, agency: Agency, **changes) -> Agency:
    """Change an agency. Deactivating it deactivates its users too: an agency we stopped working with keeps no
    access. Reactivating it does not bring them back; an admin reactivates each user who should return."""
    diff = audited_update(actor=actor, instance=agency, changes=changes, editable=AGENCY_EDITABLE,
                          action="agency.updated")
    if diff.get("is_active") == [True, False]:
        for user in agency.users.filter(is_active=True):
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit_record(actor=actor, action="user.updated", target=user,
                         data={"is_active": [True, False], "reason": f"agency {agency.code} deactivated"})
    return agency
