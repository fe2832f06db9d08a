from django.db import transaction

from agencies.models import Agency
from compliance.services import audit_record, audited_changes


@transaction.atomic
def agency_create(*, actor, name: str, code: str, is_active: bool = True) -> Agency:
    agency = Agency(name=name, code=code, is_active=is_active)
    agency.full_clean()
    agency.save()
    audit_record(actor=actor, action="agency.created", target=agency, data={"name": name, "code": code})
    return agency


@transaction.atomic
def agency_update(*, actor, agency: Agency, **changes) -> Agency:
    diff = audited_changes(agency, changes)
    if not diff:
        return agency
    agency.full_clean()
    agency.save()
    audit_record(actor=actor, action="agency.updated", target=agency, data=diff)
    return agency
