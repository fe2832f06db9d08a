import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q

from collections_crm.scoping import ScopedQuerySet
from communications.sandbox import check_template
from debtors.models import ScopedThroughAccountQuerySet


class Channel(models.TextChoices):
    CALL = "call", "Call"
    SMS = "sms", "SMS"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    VISIT = "visit", "Visit"
    NOTE = "note", "Note"


class Outcome(models.TextChoices):
    NO_ANSWER = "no_answer", "No answer"
    BUSY = "busy", "Busy"
    LEFT_MESSAGE = "left_message", "Left a message"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    THIRD_PARTY = "third_party", "Spoke to a third party"
    RIGHT_PARTY_CONTACT = "right_party_contact", "Spoke to the debtor"
    PROMISE_TO_PAY = "promise_to_pay", "Promise to pay"
    REFUSED_TO_PAY = "refused_to_pay", "Refused to pay"
    DISPUTE_RAISED = "dispute_raised", "Dispute raised"
    CALLBACK_REQUESTED = "callback_requested", "Callback requested"
    HARDSHIP = "hardship", "Hardship"


# SPEC 2: outcomes that mean the debtor was reached; on a call, such an interaction is a "conversation".
RIGHT_PARTY_OUTCOMES = frozenset({
    Outcome.RIGHT_PARTY_CONTACT, Outcome.PROMISE_TO_PAY, Outcome.REFUSED_TO_PAY, Outcome.DISPUTE_RAISED,
    Outcome.CALLBACK_REQUESTED, Outcome.HARDSHIP})


class InteractionQuerySet(ScopedThroughAccountQuerySet):
    pass


class Interaction(models.Model):
    """One contact or attempt with a debtor about an account, or a note. The compliance engine counts these
    (attempts in a window, the last conversation), so they may be logged after the fact with a past time."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", "Outbound"
        INBOUND = "inbound", "Inbound"

    Channel = Channel
    Outcome = Outcome

    account = models.ForeignKey("debtors.Account", models.PROTECT, related_name="interactions")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.OUTBOUND)
    occurred_at = models.DateTimeField()
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(86_400)])
    notes = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                             help_text="Who logged it; empty for messages the system sent.")
    contact_point = models.ForeignKey("debtors.ContactPoint", models.PROTECT, null=True, blank=True,
                                      related_name="interactions")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="communications_interaction_channel"),
            models.CheckConstraint(condition=Q(outcome="") | Q(outcome__in=Outcome.values),
                                   name="communications_interaction_outcome"),
        ]
        # Account timeline, and the compliance engine's look-ups of one account's recent history.
        indexes = [models.Index(fields=["account", "-occurred_at"], name="communications_interact_acct")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_direction_display().lower()} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def is_conversation(self) -> bool:
        return self.channel == Channel.CALL and self.outcome in RIGHT_PARTY_OUTCOMES


class StaffConfigurationQuerySet(ScopedQuerySet):
    """Templates and cadences are configuration: every internal user reads them, admins write them."""

    def _all(self, user):
        return self

    scope_for_manager = scope_for_collector = _all


class MessageTemplateQuerySet(StaffConfigurationQuerySet):
    def usable(self):
        return self.filter(status=MessageTemplate.Status.APPROVED, is_active=True)


class MessageTemplate(models.Model):
    """An SMS, email or letter with `{{ placeholders }}` from a fixed whitelist (communications/sandbox.py).

    A template is used only once approved by someone other than its last editor; any edit sends it back to draft.
    The built-in reminders (communications/builtin_reminders.py) ship as drafts without an editor: an admin reads
    and approves their wording before any is sent.
    """

    class TemplateChannel(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (waiting for approval)"
        APPROVED = "approved", "Approved"

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=150)
    channel = models.CharField(max_length=10, choices=TemplateChannel.choices)
    language = models.CharField(max_length=10, default="en")
    subject = models.CharField(max_length=200, blank=True, help_text="Email and letters only.")
    body = models.TextField()
    mentions_legal_action = models.BooleanField(
        default=False, help_text="It speaks of suing or other legal action: never sent on time-barred debt.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_active = models.BooleanField(default=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                  help_text="Who changed the wording last; empty for the built-in templates.")
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                     help_text="Everyone who changed the wording since it was last approved: none of "
                                               "them approves it.")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MessageTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["channel", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=["sms", "email", "letter"]),
                                   name="communications_template_channel"),
            models.CheckConstraint(condition=Q(status="draft") | Q(approved_by__isnull=False, edited_by__isnull=True)
                                   | (Q(approved_by__isnull=False) & ~Q(approved_by=F("edited_by"))),
                                   name="communications_template_approved_by_another",
                                   violation_error_message="A template is approved by someone other than its "
                                                           "last editor."),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_display()})"

    WORDING = ("channel", "language", "subject", "body", "mentions_legal_action")

    @property
    def wording_version(self) -> str:
        """A fingerprint of what the template says: an approval names the version its approver read."""
        wording = "\x1f".join(str(getattr(self, field)) for field in self.WORDING)
        return hashlib.sha256(wording.encode()).hexdigest()[:16]

    def clean(self):
        check_template(self.body, field="body")
        check_template(self.subject, field="subject")
        if self.channel == self.TemplateChannel.SMS and self.subject:
            raise ValidationError({"subject": "Text messages have no subject."})


class OutboundMessageQuerySet(ScopedThroughAccountQuerySet):
    pass


class OutboundMessage(models.Model):
    """The outbox: a message is a committed row before anything is sent, and moves scheduled -> sending -> sent by
    conditional UPDATEs (each takes the row's lock and finds nothing if another worker moved it first), so a crash
    mid-send is recovered without sending twice (the provider call carries `idempotency_key`)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        BLOCKED = "blocked", "Blocked"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    account = models.ForeignKey("debtors.Account", models.PROTECT, related_name="outbound_messages")
    contact_point = models.ForeignKey("debtors.ContactPoint", models.PROTECT, null=True, blank=True,
                                      related_name="outbound_messages")
    template = models.ForeignKey(MessageTemplate, models.PROTECT, related_name="messages")
    channel = models.CharField(max_length=10, choices=MessageTemplate.TemplateChannel.choices)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True, help_text="As rendered when it was sent.")
    scheduled_for = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    reason = models.CharField(max_length=500, blank=True, help_text="Why it is blocked, rescheduled or failed.")
    verdict = models.JSONField(default=dict, blank=True, help_text="The compliance check at send time.")
    idempotency_key = models.CharField(max_length=150, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    interaction = models.OneToOneField(Interaction, models.PROTECT, null=True, blank=True, related_name="message")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["scheduled", "blocked", "sending", "sent", "delivered",
                                                           "failed", "cancelled"]),
                                   name="communications_outbound_status"),
            models.CheckConstraint(condition=~Q(status__in=["sent", "delivered"]) | Q(sent_at__isnull=False),
                                   name="communications_outbound_sent_has_time"),
        ]
        indexes = [
            # The dispatcher: scheduled messages that are due, oldest first.
            models.Index(fields=["scheduled_for"], name="communications_outbound_due",
                         condition=Q(status="scheduled")),
            # The sweeper: sends claimed long ago and never finished.
            models.Index(fields=["claimed_at"], name="communications_outbound_stuck", condition=Q(status="sending")),
            # The account timeline.
            models.Index(fields=["account", "-scheduled_for"], name="communications_outbound_acct"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to account {self.account_id} ({self.get_status_display().lower()})"


class Cadence(models.Model):
    """Ordered reminder steps for the accounts of some segments, some accounts, or every account (the built-in
    reminders). Planning turns each due step into one outbox message."""

    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    applies_to_all = models.BooleanField(default=False, help_text="Every account, whatever its segment.")
    segments = models.ManyToManyField("debtors.Segment", blank=True, related_name="cadences")
    accounts = models.ManyToManyField("debtors.Account", blank=True, related_name="cadences")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StaffConfigurationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CadenceStep(models.Model):
    class Trigger(models.TextChoices):
        PLACEMENT = "placement", "Placement date"
        INSTALLMENT_DUE = "installment_due", "Installment due date (while unpaid)"
        PROMISE_DUE = "promise_due", "Promise date (while pending)"
        PLAN_BROKEN = "plan_broken", "Plan broken"

    cadence = models.ForeignKey(Cadence, models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    offset_days = models.SmallIntegerField(help_text="Days after the trigger date; negative for days before.")
    template = models.ForeignKey(MessageTemplate, models.PROTECT, related_name="cadence_steps")
    local_hour = models.PositiveSmallIntegerField(default=10, validators=[MaxValueValidator(23)],
                                                  help_text="Preferred hour in the debtor's own time.")

    class Meta:
        ordering = ["cadence", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cadence", "position"], name="communications_cadencestep_position"),
            models.CheckConstraint(condition=Q(offset_days__gte=-90, offset_days__lte=365),
                                   name="communications_cadencestep_offset_range"),
            models.CheckConstraint(condition=Q(local_hour__lte=23), name="communications_cadencestep_hour"),
        ]

    def __str__(self) -> str:
        days = abs(self.offset_days)
        when = f"{days} day{'s' if days != 1 else ''} {'before' if self.offset_days < 0 else 'after'}" if days else "on"
        return f"{self.template.name}, {when} the {self.get_trigger_display().lower()}"
