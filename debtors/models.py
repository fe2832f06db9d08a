from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower, Upper
from django.utils import timezone

from collections_crm.scoping import ScopedQuerySet
from collections_crm.validators import validate_currency_code, validate_iana_timezone
from debtors.aging import aging_bucket, days_past_due

MONEY = {"max_digits": 14, "decimal_places": 2}
country_code = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter ISO 3166-1 code, e.g. US or GB.")


class AccountQuerySet(ScopedQuerySet):
    def scope_for_manager(self, user):
        return self.filter(team=user.team_id)

    def scope_for_collector(self, user):
        if user.team_id is None:
            return self.filter(assigned_to=user)  # no team, so no team pool
        return self.filter(Q(assigned_to=user) | Q(team=user.team_id, assigned_to=None))

    # Agency users see accounts placed with their agency; placements arrive with the agencies issue, and until
    # then the default (nothing) applies.


class ScopedThroughAccountQuerySet(ScopedQuerySet):
    """For rows that belong to an account: a user sees them exactly when they see the account."""

    account_lookup = "account"

    def _through_visible_accounts(self, user):
        return self.filter(**{f"{self.account_lookup}__in": Account.objects.visible_to(user).values("pk")})

    scope_for_manager = scope_for_collector = scope_for_agency = _through_visible_accounts


class CreditorQuerySet(ScopedQuerySet):
    """Creditors are our clients: staff see them all (to open accounts for them), an agency only those whose
    accounts are placed with it."""

    def _all(self, user):
        return self

    def scope_for_agency(self, user):
        return self.filter(pk__in=Account.objects.visible_to(user).values("creditor_id"))

    scope_for_manager = scope_for_collector = _all


class Creditor(models.Model):
    """A client whose debts the team collects."""

    name = models.CharField(max_length=150)
    code = models.SlugField(max_length=32, unique=True)
    currency = models.CharField(max_length=3, validators=[validate_currency_code],
                                help_text="The currency its accounts are placed in unless stated otherwise.")
    is_active = models.BooleanField(default=True)

    objects = CreditorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SegmentQuerySet(ScopedQuerySet):
    """Segments are strategy configuration: every internal user reads them, agencies do not."""

    def _all(self, user):
        return self

    scope_for_manager = scope_for_collector = _all


class Segment(models.Model):
    """A group of accounts treated alike (priority in the queue, cadence); admins define them."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    priority = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers are worked first.")
    is_active = models.BooleanField(default=True)

    objects = SegmentQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "name"]

    def __str__(self) -> str:
        return self.name


class DebtorQuerySet(ScopedQuerySet):
    """A user sees a debtor with an account they see, and the debtors their team created that have no account
    yet (being set up)."""

    def _visible(self, user):
        with_visible_account = Q(pk__in=Account.objects.visible_to(user).values("debtor_id"))
        if user.team_id is None:
            return self.filter(with_visible_account)
        being_set_up = Q(team=user.team_id) & ~Exists(Account.objects.filter(debtor=OuterRef("pk")))
        return self.filter(with_visible_account | being_set_up)

    scope_for_manager = scope_for_collector = scope_for_agency = _visible


class Debtor(models.Model):
    class Channel(models.TextChoices):
        CALL = "call", "Call"
        SMS = "sms", "SMS"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"

    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    company_name = models.CharField(max_length=200, blank=True, help_text="For a business debtor.")
    date_of_birth = models.DateField(null=True, blank=True)
    timezone = models.CharField(max_length=64, blank=True, validators=[validate_iana_timezone],
                                help_text="IANA zone, e.g. America/New_York; empty when unknown.")
    country = models.CharField(max_length=2, validators=[country_code])
    region = models.CharField(max_length=10, blank=True, help_text="State or province code, e.g. MA.")
    preferred_language = models.CharField(max_length=10, blank=True, help_text="e.g. en, es, hi")
    preferred_channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    employer = models.CharField(max_length=200, blank=True)
    monthly_income = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    monthly_expenses = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    income_currency = models.CharField(max_length=3, blank=True, validators=[validate_currency_code])
    hardship_notes = models.TextField(blank=True)
    team = models.ForeignKey("collections_crm.Team", models.PROTECT, null=True, blank=True, related_name="+",
                             help_text="The team that set the debtor up; accounts decide who sees them later.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DebtorQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "company_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(last_name="") | ~Q(company_name=""),
                                   name="debtors_debtor_has_a_name",
                                   violation_error_message="Give a last name, or a company name."),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="debtors_debtor_country_code"),
            # Compliance packs match regions exactly.
            models.CheckConstraint(condition=Q(region=Upper("region")), name="debtors_debtor_region_upper_case"),
            models.CheckConstraint(condition=Q(monthly_income__gte=0) | Q(monthly_income__isnull=True),
                                   name="debtors_debtor_income_non_negative"),
            models.CheckConstraint(condition=Q(monthly_expenses__gte=0) | Q(monthly_expenses__isnull=True),
                                   name="debtors_debtor_expenses_non_negative"),
        ]
        # Search by name (accounts list, global search box).
        indexes = [models.Index(Lower("last_name"), Lower("first_name"), name="debtors_debtor_name_ci")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        person = " ".join(part for part in (self.first_name, self.last_name) if part)
        return self.company_name or person

    def clean(self):
        self.region = self.region.strip().upper()

    @property
    def search_name(self) -> str:
        """Every name the debtor goes by, lower-cased: what `Account.search_name` copies."""
        return " ".join(part for part in (self.first_name, self.last_name, self.company_name) if part).lower()


class ContactPointQuerySet(ScopedQuerySet):
    def _of_visible_debtors(self, user):
        return self.filter(debtor__in=Debtor.objects.visible_to(user).values("pk"))

    scope_for_manager = scope_for_collector = scope_for_agency = _of_visible_debtors


class ContactPoint(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        ADDRESS = "address", "Address"

    class PhoneType(models.TextChoices):
        MOBILE = "mobile", "Mobile"
        LANDLINE = "landline", "Landline"

    debtor = models.ForeignKey(Debtor, models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=300,
                             help_text="Phones in international form (+15551234567); emails in lower case.")
    phone_type = models.CharField(max_length=10, choices=PhoneType.choices, blank=True)
    is_primary = models.BooleanField(default=False)
    is_workplace = models.BooleanField(default=False)
    consent_sms = models.BooleanField(default=False)
    consent_autodial = models.BooleanField(default=False)
    consent_email = models.BooleanField(default=False)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    invalid_at = models.DateTimeField(null=True, blank=True, help_text="When it was found wrong or undeliverable.")
    # SPEC 3 sends null for "no override: use the debtor's zone".
    timezone = models.CharField(max_length=64, null=True, blank=True, validators=[validate_iana_timezone],  # noqa: DJ001
                                help_text="Overrides the debtor's zone for this number or address.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactPointQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-is_primary", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["phone", "email", "address"]),
                                   name="debtors_contactpoint_kind_valid"),
            models.CheckConstraint(condition=Q(kind="phone") | Q(phone_type=""),
                                   name="debtors_contactpoint_phone_type_only_for_phones",
                                   violation_error_message="Only phone numbers have a phone type."),
            models.UniqueConstraint(fields=["debtor", "kind"], condition=Q(is_primary=True),
                                    name="debtors_contactpoint_one_primary_per_kind",
                                    violation_error_message="This debtor already has a primary one of this kind."),
            models.UniqueConstraint(fields=["debtor", "kind", "value"], name="debtors_contactpoint_unique_value",
                                    violation_error_message="This debtor already has this contact point."),
        ]
        # Search by phone number or email address.
        indexes = [models.Index(fields=["value", "kind"], name="debtors_contact_value")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class AccountStatus(models.TextChoices):
    NEW = "new", "New"
    ACTIVE = "active", "Active"
    PROMISE = "promise", "Promise to pay"
    PLAN = "plan", "On a plan"
    DISPUTED = "disputed", "Disputed"
    SETTLED = "settled", "Settled"
    PAID = "paid", "Paid"
    CLOSED = "closed", "Closed"
    RECALLED = "recalled", "Recalled"
    WRITTEN_OFF = "written_off", "Written off"


# Statuses a collector works: the work queue's partial index covers exactly these.
WORKABLE_STATUSES = (AccountStatus.NEW, AccountStatus.ACTIVE, AccountStatus.PROMISE, AccountStatus.PLAN)


class Account(models.Model):
    """One debt of one debtor, placed by one creditor. `balance` is maintained only by the ledger service."""

    Status = AccountStatus

    WORKABLE_STATUSES = WORKABLE_STATUSES
    OPEN_STATUSES = (*WORKABLE_STATUSES, AccountStatus.DISPUTED)

    debtor = models.ForeignKey(Debtor, models.PROTECT, related_name="accounts")
    creditor = models.ForeignKey(Creditor, models.PROTECT, related_name="accounts")
    reference = models.CharField(max_length=64, help_text="The creditor's account number; shown masked.")
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    original_balance = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))])
    balance = models.DecimalField(**MONEY, default=Decimal("0.00"), editable=False)
    delinquent_since = models.DateField(null=True, blank=True)
    charged_off_on = models.DateField(null=True, blank=True)
    placed_on = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    # What a cleared balance interrupted: a reversed payment reopens the account to it (the ledger sets both).
    status_before_cleared = models.CharField(max_length=16, choices=Status.choices, blank=True, editable=False)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="assigned_accounts")
    team = models.ForeignKey("collections_crm.Team", models.PROTECT, null=True, blank=True, related_name="accounts")
    segment = models.ForeignKey(Segment, models.SET_NULL, null=True, blank=True, related_name="accounts")
    risk_score = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(1000)])
    next_action_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    last_payment_at = models.DateTimeField(null=True, blank=True)
    # A copy of the debtor's names, kept in step by the debtor services, so that searching a team's accounts by
    # name reads one trigram index instead of joining every matching debtor (migration 0004).
    search_name = models.CharField(max_length=400, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(original_balance__gte=0),
                                   name="debtors_account_original_balance_non_negative"),
            models.CheckConstraint(condition=Q(status__in=AccountStatus.values),
                                   name="debtors_account_status_valid"),
            models.CheckConstraint(condition=Q(risk_score__lte=1000) | Q(risk_score__isnull=True),
                                   name="debtors_account_risk_score_range"),
            models.UniqueConstraint(fields=["creditor", "reference"], name="debtors_account_reference_per_creditor",
                                    violation_error_message="This creditor already placed an account with this "
                                                            "reference."),
        ]
        indexes = [
            # Work queue: a collector's workable accounts in the order of their next action (SPEC 7).
            models.Index(fields=["assigned_to", "next_action_at", "balance"], name="debtors_account_queue",
                         condition=Q(status__in=WORKABLE_STATUSES)),
            # Accounts list of a team (managers), newest first.
            models.Index(fields=["team", "-id"], name="debtors_account_team"),
            # Accounts list filtered by days past due or aging bucket.
            models.Index(fields=["delinquent_since"], name="debtors_account_delinquent"),
            # Accounts list filtered or sorted by balance.
            models.Index(fields=["balance"], name="debtors_account_balance"),
            # Accounts list filtered by status.
            models.Index(fields=["status", "-id"], name="debtors_account_status"),
            # Search by reference (also its last characters, as shown masked).
            models.Index(fields=["reference"], name="debtors_account_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.masked_reference} ({self.creditor_id and self.creditor})"

    @property
    def masked_reference(self) -> str:
        visible = self.reference[-4:]
        return "•" * max(len(self.reference) - 4, 4) + visible

    @property
    def days_past_due(self) -> int:
        return days_past_due(self.delinquent_since, timezone.localdate())

    @property
    def aging_bucket(self) -> str:
        return aging_bucket(self.days_past_due)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model._meta.label} is append-only")

    def delete(self):
        raise TypeError(f"{self.model._meta.label} is append-only")


class TransactionQuerySet(ScopedThroughAccountQuerySet, AppendOnlyQuerySet):
    pass


class Transaction(models.Model):
    """The append-only ledger: an account's balance is the sum of its transactions. Corrections are new rows
    (a reversal, an adjustment), never edits; PostgreSQL refuses UPDATE and DELETE (migration 0002)."""

    class Kind(models.TextChoices):
        PLACEMENT = "placement", "Placement"
        INTEREST = "interest", "Interest"
        FEE = "fee", "Fee"
        PAYMENT = "payment", "Payment"
        REVERSAL = "reversal", "Reversal"
        ADJUSTMENT = "adjustment", "Adjustment"
        SETTLEMENT_DISCOUNT = "settlement_discount", "Settlement discount"

    account = models.ForeignKey(Account, models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    amount = models.DecimalField(**MONEY, help_text="Positive raises the balance, negative lowers it.")
    currency = models.CharField(max_length=3)
    effective_on = models.DateField()
    posted_at = models.DateTimeField(default=timezone.now)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    idempotency_key = models.CharField(max_length=120, unique=True)
    reverses = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="reversed_by")
    memo = models.CharField(max_length=500, blank=True)

    objects = TransactionQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="debtors_transaction_amount_not_zero"),
            models.CheckConstraint(
                condition=(Q(kind__in=["placement", "interest", "fee"], amount__gt=0)
                           | Q(kind__in=["payment", "settlement_discount"], amount__lt=0)
                           | Q(kind__in=["reversal", "adjustment"])),
                name="debtors_transaction_sign_matches_kind"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False) | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="debtors_transaction_reversal_names_what_it_reverses"),
        ]
        # Account page: one account's ledger, newest first.
        indexes = [models.Index(fields=["account", "-posted_at"], name="debtors_transaction_account")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Ledger transactions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Ledger transactions are append-only")


class PaymentQuerySet(ScopedThroughAccountQuerySet):
    pass


class Payment(models.Model):
    """Money received for an account, posted to the ledger once per idempotency key."""

    class Method(models.TextChoices):
        CARD = "card", "Card"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        DIRECT_DEBIT = "direct_debit", "Direct debit"
        CHEQUE = "cheque", "Cheque"
        CASH = "cash", "Cash"
        OTHER = "other", "Other"

    account = models.ForeignKey(Account, models.PROTECT, related_name="payments")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=16, choices=Method.choices)
    received_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True, help_text="The processor's or bank's reference.")
    # Unique per user who records payments (each API client has its own keys, as with card processors), so that
    # nobody learns from a 409 which keys somebody else used.
    idempotency_key = models.CharField(max_length=100)
    transaction = models.OneToOneField(Transaction, models.PROTECT, related_name="payment")
    reversal = models.OneToOneField(Transaction, models.PROTECT, null=True, blank=True,
                                    related_name="reversed_payment")
    reversal_reason = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="debtors_payment_amount_positive"),
            models.CheckConstraint(condition=Q(reversal__isnull=True) | ~Q(reversal_reason=""),
                                   name="debtors_payment_reversal_has_reason"),
            models.UniqueConstraint(fields=["recorded_by", "idempotency_key"],
                                    name="debtors_payment_idempotency_key_per_user"),
        ]
        # Account page: one account's payments, newest first.
        indexes = [models.Index(fields=["account", "-received_on"], name="debtors_payment_account")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} on {self.received_on}"

    @property
    def is_reversed(self) -> bool:
        return self.reversal_id is not None
