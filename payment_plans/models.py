from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from debtors.models import MONEY, ScopedThroughAccountQuerySet

# Plans that hold the account: at most one of these per account.
OPEN_PLAN_STATUSES = ("proposed", "pending_approval", "active")


class PaymentPlanQuerySet(ScopedThroughAccountQuerySet):
    pass


class PaymentPlan(models.Model):
    """What the debtor agreed to pay, and when: installments of the balance, a settlement (a discount on the
    balance, paid at once or in installments), or a hardship deferral."""

    class Kind(models.TextChoices):
        INSTALLMENTS = "installments", "Installments"
        SETTLEMENT = "settlement", "Settlement"
        HARDSHIP_DEFERRAL = "hardship_deferral", "Hardship deferral"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        BIWEEKLY = "biweekly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        PENDING_APPROVAL = "pending_approval", "Waiting for approval"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        BROKEN = "broken", "Broken"
        CANCELLED = "cancelled", "Cancelled"
        REJECTED = "rejected", "Rejected"

    account = models.ForeignKey("debtors.Account", models.PROTECT, related_name="payment_plans")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    currency = models.CharField(max_length=3)
    total_amount = models.DecimalField(**MONEY, help_text="What the debtor pays under the plan.")
    discount_amount = models.DecimalField(**MONEY, default=Decimal("0.00"),
                                          help_text="What a settlement forgives of the balance.")
    down_payment = models.DecimalField(**MONEY, default=Decimal("0.00"))
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    start_on = models.DateField()
    installment_count = models.PositiveSmallIntegerField(help_text="Installments after any down payment.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    approval_reasons = models.JSONField(default=list, blank=True,
                                        help_text="Why the plan needs a manager: the limits it goes beyond.")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", help_text="Who approved or rejected it.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    grace_days = models.PositiveSmallIntegerField(default=5, help_text="Days after a due date before it is missed.")
    resumes_on = models.DateField(null=True, blank=True,
                                  help_text="After a hardship deferral: nothing falls due before this date.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaymentPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gt=0), name="payment_plans_plan_total_positive"),
            models.CheckConstraint(condition=Q(discount_amount__gte=0),
                                   name="payment_plans_plan_discount_non_negative"),
            models.CheckConstraint(condition=Q(down_payment__gte=0, down_payment__lte=F("total_amount")),
                                   name="payment_plans_plan_down_payment_within_total"),
            models.CheckConstraint(condition=Q(kind="settlement") | Q(discount_amount=0),
                                   name="payment_plans_plan_discount_only_in_settlements"),
            models.UniqueConstraint(fields=["account"], condition=Q(status__in=OPEN_PLAN_STATUSES),
                                    name="payment_plans_plan_one_open_per_account",
                                    violation_error_message="This account already has a plan in force or "
                                                            "waiting for approval."),
        ]
        # The approval queue: plans waiting for a manager, oldest first.
        indexes = [models.Index(fields=["status", "created_at"], name="payment_plans_plan_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} plan of {self.total_amount} {self.currency}"

    @property
    def discount_pct(self) -> Decimal:
        owed = self.total_amount + self.discount_amount
        return (self.discount_amount * 100 / owed).quantize(Decimal("0.01")) if owed else Decimal("0")


class Installment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    plan = models.ForeignKey(PaymentPlan, models.CASCADE, related_name="installments")
    sequence = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount = models.DecimalField(**MONEY)
    paid_amount = models.DecimalField(**MONEY, default=Decimal("0.00"))
    is_down_payment = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta:
        ordering = ["plan", "sequence"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_plans_installment_amount_positive"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0, paid_amount__lte=F("amount")),
                                   name="payment_plans_installment_paid_within_amount"),
            models.UniqueConstraint(fields=["plan", "sequence"], name="payment_plans_installment_sequence"),
        ]
        # The daily task: pending installments by due date.
        indexes = [models.Index(fields=["status", "due_on"], name="payment_plans_installment_due")]

    def __str__(self) -> str:
        return f"{self.amount} due {self.due_on}"


class PromiseToPayQuerySet(ScopedThroughAccountQuerySet):
    pass


class PromiseToPay(models.Model):
    """The debtor's word to pay an amount by a date; kept when payments after it reach the amount in time."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        KEPT = "kept", "Kept"
        BROKEN = "broken", "Broken"
        CANCELLED = "cancelled", "Cancelled"

    account = models.ForeignKey("debtors.Account", models.PROTECT, related_name="promises")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    promised_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = PromiseToPayQuerySet.as_manager()

    class Meta:
        ordering = ["-promised_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_plans_promise_amount_positive"),
        ]
        # The daily task: pending promises by date.
        indexes = [models.Index(fields=["status", "promised_on"], name="payment_plans_promise_due")]

    def __str__(self) -> str:
        return f"Promise of {self.amount} {self.currency} by {self.promised_on}"


class PaymentAllocation(models.Model):
    """The share of a payment that went to an installment; a reversal of the payment gives it back."""

    payment = models.ForeignKey("debtors.Payment", models.PROTECT, related_name="allocations")
    installment = models.ForeignKey(Installment, models.PROTECT, related_name="allocations")
    amount = models.DecimalField(**MONEY)
    is_reversed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["installment__sequence", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_plans_allocation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} of payment {self.payment_id} to installment {self.installment_id}"
