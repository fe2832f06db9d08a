from django.db.models import QuerySet

from compliance.models import AuditEvent, Complaint, Dispute, Hold, Rule, RulePack, ValidationNotice


def rule_pack_list(*, viewer) -> QuerySet[RulePack]:
    return RulePack.objects.visible_to(viewer)


def rule_list(*, viewer) -> QuerySet[Rule]:
    return Rule.objects.visible_to(viewer).select_related("pack")


def hold_list(*, viewer) -> QuerySet[Hold]:
    return Hold.objects.visible_to(viewer)


def dispute_list(*, viewer) -> QuerySet[Dispute]:
    return Dispute.objects.visible_to(viewer)


def validation_notice_list(*, viewer) -> QuerySet[ValidationNotice]:
    return ValidationNotice.objects.visible_to(viewer)


def complaint_list(*, viewer) -> QuerySet[Complaint]:
    return Complaint.objects.visible_to(viewer)


def audit_event_list(*, viewer) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.visible_to(viewer).select_related("actor")
