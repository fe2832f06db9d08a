from datetime import date, timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone

from collections_crm.scoping import ScopedQuerySet
from compliance.rule_params import PARAMETERS, clean_params

country_code = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter ISO 3166-1 code, e.g. US or GB.")
pack_code = RegexValidator(r"^[A-Z0-9][A-Z0-9-]{1,31}$", "Use capital letters, digits and dashes, e.g. US-MA.")


def assumed_receipt(sent_on: date) -> date:
    """Mail is assumed received five working days (Monday to Friday) after it is sent (Regulation F 1006.34)."""
    day, working_days = sent_on, 0
    while working_days < 5:
        day += timedelta(days=1)
        working_days += day.weekday() < 5
    return day


class AuditEventQuerySet(ScopedQuerySet):
    """Admins read the audit log; no other role is granted it (later issues show each debtor's own entries)."""

    def update(self, **kwargs):
        raise TypeError("Audit events are append-only")

    def delete(self):
        raise TypeError("Audit events are append-only")


class AuditEvent(models.Model):
    """Who did what, to what, and when. Append-only: the model refuses changes and PostgreSQL refuses
    UPDATE and DELETE on the table (migration 0002), so history cannot be rewritten."""

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+", help_text="Empty for work the system did on its own.")
    action = models.CharField(max_length=64, help_text="What happened, e.g. user.updated or auth.login.")
    target_type = models.CharField(max_length=64, blank=True, help_text="app_label.model of the record acted on.")
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True, help_text="The record as it read at the time.")
    data = models.JSONField(default=dict, blank=True, help_text="Details, e.g. each changed field's old and new value.")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # The history of one record (configuration pages, later the debtor timeline).
        indexes = [models.Index(fields=["target_type", "target_id", "-occurred_at"], name="compliance_audit_target")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only")


class ConfigurationQuerySet(ScopedQuerySet):
    """Rule packs and rules: every user reads them (a collector sees why a contact is refused), admins write."""

    def _all(self, user):
        return self

    scope_for_manager = scope_for_collector = scope_for_agency = _all


class RulePack(models.Model):
    """A set of rules that applies by the debtor's country and region; neither set means every debtor (an
    organisation's own policy), a region applies in addition to its country's pack."""

    code = models.CharField(max_length=32, unique=True, validators=[pack_code], help_text="e.g. US-FED")
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, blank=True, validators=[country_code],
                               help_text="ISO 3166-1 code; empty applies to every country.")
    region = models.CharField(max_length=10, blank=True, help_text="State or province code, e.g. MA; empty for all.")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConfigurationQuerySet.as_manager()

    class Meta:
        ordering = ["country", "region", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(region="") | ~Q(country=""),
                                   name="compliance_rulepack_region_in_country",
                                   violation_error_message="A pack for a region names its country too."),
            models.CheckConstraint(condition=Q(region=Upper("region")), name="compliance_rulepack_region_upper_case"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    def clean(self):
        self.region = self.region.strip().upper()

    def applies_to(self, country: str, region: str) -> bool:
        return (not self.country or self.country == country) and (not self.region or self.region == region)


class Rule(models.Model):
    class Kind(models.TextChoices):
        CONTACT_HOURS = "contact_hours", "Contact hours"
        FREQUENCY_CAP = "frequency_cap", "Frequency cap"
        CONVERSATION_COOLOFF = "conversation_cooloff", "Quiet period after a conversation"
        HOLD_BLOCK = "hold_block", "Holds and disputes"
        CONSENT_REQUIRED = "consent_required", "Consent required"
        OPT_OUT = "opt_out", "Opt-out"
        VALIDATION_PERIOD = "validation_period", "Validation notice"
        TIME_BARRED = "time_barred", "Statute of limitations"
        REST_DAYS = "rest_days", "Rest days"
        WORKPLACE = "workplace", "Workplace contact"

    class Severity(models.TextChoices):
        BLOCK = "block", "Block"
        WARN = "warn", "Warn"

    pack = models.ForeignKey(RulePack, models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.BLOCK)
    params = models.JSONField(default=dict, help_text="Checked per kind (compliance/rule_params.py).")
    citation = models.CharField(max_length=300, blank=True, help_text="The law or policy the rule encodes.")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConfigurationQuerySet.as_manager()

    class Meta:
        ordering = ["pack", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=list(PARAMETERS)),
                                   name="compliance_rule_kind_valid"),
            models.CheckConstraint(condition=Q(severity__in=["block", "warn"]), name="compliance_rule_severity_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.pack.code} {self.get_kind_display()}"

    def clean(self):
        self.params = clean_params(self.kind, self.params)


class HoldQuerySet(ScopedQuerySet):
    """A hold on a debtor is seen with the debtor, a hold on an account with the account."""

    def _visible(self, user):
        from debtors.models import Account, Debtor

        return self.filter(Q(account__in=Account.objects.visible_to(user).values("pk"))
                           | Q(debtor__in=Debtor.objects.visible_to(user).values("pk")))

    def active_at(self, moment):
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=moment), starts_at__lte=moment)

    scope_for_manager = scope_for_collector = scope_for_agency = _visible


class Hold(models.Model):
    """A reason not to contact a debtor (or about one account) from `starts_at` until `ends_at` (open-ended when
    empty): a cease request, an attorney, bankruptcy, death, a breathing space, military service."""

    class Kind(models.TextChoices):
        CEASE_COMMUNICATION = "cease_communication", "Cease communication"
        ATTORNEY_REPRESENTED = "attorney_represented", "Represented by an attorney"
        BANKRUPTCY = "bankruptcy", "Bankruptcy"
        DECEASED = "deceased", "Deceased"
        BREATHING_SPACE = "breathing_space", "Breathing space"
        MILITARY = "military", "Military service"

    debtor = models.ForeignKey("debtors.Debtor", models.CASCADE, null=True, blank=True, related_name="holds")
    account = models.ForeignKey("debtors.Account", models.CASCADE, null=True, blank=True, related_name="holds")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HoldQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(debtor__isnull=True) ^ Q(account__isnull=True),
                                   name="compliance_hold_debtor_or_account",
                                   violation_error_message="Put the hold on the debtor or on one account."),
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                                   name="compliance_hold_ends_after_start",
                                   violation_error_message="A hold must end after it starts."),
        ]
        # The compliance check: the holds of one debtor and of one account.
        indexes = [models.Index(fields=["debtor", "starts_at"], name="compliance_hold_debtor"),
                   models.Index(fields=["account", "starts_at"], name="compliance_hold_account")]

    def __str__(self) -> str:
        return self.get_kind_display()

    def is_active_at(self, moment) -> bool:
        return self.starts_at <= moment and (self.ends_at is None or moment < self.ends_at)


class ThroughAccountQuerySet(ScopedQuerySet):
    def _visible(self, user):
        from debtors.models import Account

        return self.filter(account__in=Account.objects.visible_to(user).values("pk"))

    scope_for_manager = scope_for_collector = scope_for_agency = _visible


class Dispute(models.Model):
    """The debtor disputes the debt: collection stops while it is open, until verification is sent."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        VERIFICATION_SENT = "verification_sent", "Verification sent"
        RESOLVED = "resolved", "Resolved"

    account = models.ForeignKey("debtors.Account", models.CASCADE, related_name="disputes")
    raised_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ThroughAccountQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(status__in=["open", "verification_sent", "resolved"]),
                                              name="compliance_dispute_status_valid")]
        indexes = [models.Index(fields=["account", "status"], name="compliance_dispute_account")]

    def __str__(self) -> str:
        return f"Dispute ({self.get_status_display().lower()})"


class ValidationNotice(models.Model):
    """The written notice of the debt (Regulation F 1006.34) and the validation period it opens."""

    account = models.ForeignKey("debtors.Account", models.CASCADE, related_name="validation_notices")
    sent_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    objects = ThroughAccountQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["account", "sent_at"], name="compliance_notice_account")]

    def __str__(self) -> str:
        return f"Validation notice sent {self.sent_at:%Y-%m-%d}"

    @property
    def assumed_received_on(self) -> date:
        return assumed_receipt(self.sent_at.date())

    @property
    def validation_period_ends_on(self) -> date:
        """30 days after the consumer is assumed to receive the notice (1006.34(b)(5))."""
        return self.assumed_received_on + timedelta(days=30)


class ComplaintQuerySet(ScopedQuerySet):
    def _visible(self, user):
        """A complaint about an account is seen with the account (a debtor may owe several teams); one about
        the debtor in general with the debtor."""
        from debtors.models import Account, Debtor

        return self.filter(Q(account__in=Account.objects.visible_to(user).values("pk"))
                           | Q(account__isnull=True, debtor__in=Debtor.objects.visible_to(user).values("pk")))

    scope_for_manager = scope_for_collector = scope_for_agency = _visible


# Days to answer a complaint unless an admin sets another date (CFPB: a response within 15 days).
COMPLAINT_RESPONSE_DAYS = 15


class Complaint(models.Model):
    """A debtor's complaint, kept in a register with the date by which it must be answered."""

    class Category(models.TextChoices):
        CONDUCT = "conduct", "Collector conduct or harassment"
        CONTACT = "contact", "Contact time, frequency or channel"
        DEBT_NOT_OWED = "debt_not_owed", "Debt not owed or wrong amount"
        PRIVACY = "privacy", "Privacy or third-party disclosure"
        PAYMENTS = "payments", "Payments or plans"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        INVESTIGATING = "investigating", "Investigating"
        RESOLVED = "resolved", "Resolved"

    debtor = models.ForeignKey("debtors.Debtor", models.PROTECT, related_name="complaints")
    account = models.ForeignKey("debtors.Account", models.PROTECT, null=True, blank=True, related_name="complaints")
    received_at = models.DateTimeField()
    category = models.CharField(max_length=20, choices=Category.choices)
    description = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField(help_text="The date by which the debtor must have an answer.")
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="resolved") | (~Q(resolution="") & Q(resolved_at__isnull=False)),
                                   name="compliance_complaint_resolved_with_resolution",
                                   violation_error_message="Say how the complaint was resolved."),
        ]
        # The complaints register: open complaints by due date.
        indexes = [models.Index(fields=["status", "due_on"], name="compliance_complaint_due")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.get_status_display().lower()})"

    @property
    def is_overdue(self) -> bool:
        return self.status != self.Status.RESOLVED and self.due_on < timezone.localdate()
