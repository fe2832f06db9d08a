from dataclasses import dataclass

from django.db.models import Q, QuerySet

from compliance.engine import Verdict, Violation, check_every_channel
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


def record_history(*, viewer, record, limit: int = 100) -> list[AuditEvent]:
    """The audit events of one record, newest first (a rule's changes on its page)."""
    return list(audit_event_list(viewer=viewer).filter(target_type=record._meta.label_lower,
                                                       target_id=str(record.pk))[:limit])


@dataclass
class AccountCompliance:
    """What the account page shows of compliance: the verdict per channel now, holds, disputes, notices."""

    verdicts: dict[str, Verdict]
    holds: list[Hold]
    disputes: list[Dispute]
    notices: list[ValidationNotice]

    @property
    def time_barred(self) -> Violation | None:
        """The limitation rule's violation when the debt is time-barred (every channel reports it alike)."""
        return next((violation for verdict in self.verdicts.values() for violation in verdict.violations
                     if violation.rule == "time_barred"), None)

    @property
    def validation_notice(self) -> ValidationNotice | None:
        return self.notices[0] if self.notices else None


def account_compliance(*, account) -> AccountCompliance:
    """A fixed number of queries whatever the account's history (the engine's plus three lists)."""
    holds = Hold.objects.filter(Q(debtor=account.debtor_id) | Q(account=account.pk)).select_related("created_by")
    return AccountCompliance(
        verdicts=check_every_channel(account),
        holds=list(holds.order_by("-starts_at")[:20]),
        disputes=list(account.disputes.select_related("created_by").order_by("-raised_at")[:20]),
        notices=list(account.validation_notices.order_by("-sent_at")[:5]),
    )
