from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from collections_crm.roles import SUPERVISORS
from payment_plans.models import OPEN_PLAN_STATUSES, Installment, PaymentPlan, PromiseToPay
from payment_plans.schedule import CENT, ScheduledInstallment


def plan_list(*, viewer) -> QuerySet[PaymentPlan]:
    return PaymentPlan.objects.visible_to(viewer).select_related("account").prefetch_related(
        Prefetch("installments", queryset=Installment.objects.order_by("sequence")))


def approval_queue(*, viewer) -> QuerySet[PaymentPlan]:
    """Plans waiting for a manager that this user may decide on: their team's (all, for admins), not their own;
    nothing for roles that do not decide."""
    if viewer.role not in SUPERVISORS:
        return PaymentPlan.objects.none()
    return plan_list(viewer=viewer).filter(status=PaymentPlan.Status.PENDING_APPROVAL).exclude(
        proposed_by=viewer).order_by("created_at")


def promise_list(*, viewer) -> QuerySet[PromiseToPay]:
    return PromiseToPay.objects.visible_to(viewer).select_related("account")


# Pages: the account page's plans and promises, the approval queue and its count, the builder's affordability hint.

@dataclass(frozen=True)
class AccountPlans:
    open_plan: PaymentPlan | None  # in force or waiting for approval: at most one
    upcoming: list[Installment]  # the open plan's next installments still to pay
    earlier_plans: list[PaymentPlan]
    promises: list[PromiseToPay]


def account_plans(*, viewer, account, limit: int = 5) -> AccountPlans:
    """The account page's plan panel: the open plan with its next installments, the latest earlier plans and
    promises. No plan is proposed while one is open, so the open plan is the newest and one query finds both."""
    plans = list(plan_list(viewer=viewer).filter(account=account).select_related("proposed_by", "approved_by")
                 [:limit + 1])
    open_plan = next((plan for plan in plans if plan.status in OPEN_PLAN_STATUSES), None)
    installments = open_plan.installments.all() if open_plan else []
    upcoming = [item for item in installments if item.status == Installment.Status.PENDING][:3]
    promises = list(promise_list(viewer=viewer).filter(account=account).select_related("created_by")[:limit])
    return AccountPlans(open_plan=open_plan, upcoming=upcoming,
                        earlier_plans=[plan for plan in plans if plan is not open_plan][:limit], promises=promises)


def plan_page_list(*, viewer) -> QuerySet[PaymentPlan]:
    """Plans with what their pages show: the account and debtor, who proposed and who decided."""
    return plan_list(viewer=viewer).select_related("account__debtor", "account__creditor", "proposed_by",
                                                   "approved_by")


def approval_list(*, viewer) -> QuerySet[PaymentPlan]:
    """The approval queue page: the queue with each plan's debtor and proposer, oldest first."""
    return approval_queue(viewer=viewer).select_related("account__debtor", "proposed_by")


def approval_count(*, viewer) -> int:
    """How many plans wait for this user's decision (the navigation's badge): one count on the status index."""
    return approval_queue(viewer=viewer).count()


# Payments a month at each frequency: 52 weeks and 26 fortnights make a year of 12 months.
PAYMENTS_A_MONTH = {PaymentPlan.Frequency.WEEKLY: Decimal(52) / 12, PaymentPlan.Frequency.BIWEEKLY: Decimal(26) / 12,
                    PaymentPlan.Frequency.MONTHLY: Decimal(1)}


@dataclass(frozen=True)
class Affordability:
    """A plan's installments as money a month, beside what the debtor has left each month after expenses."""

    per_month: Decimal  # the largest regular installment, times the payments a month; a single payment as is
    left_per_month: Decimal  # monthly income minus monthly expenses (negative when expenses are higher)
    currency: str
    is_single_payment: bool

    @property
    def fits(self) -> bool:
        return self.per_month <= self.left_per_month

    @property
    def share_pct(self) -> int | None:
        """The installments as a whole percentage of what is left; None when nothing is left."""
        return round(self.per_month * 100 / self.left_per_month) if self.left_per_month > 0 else None


def plan_affordability(*, debtor, schedule: list[ScheduledInstallment], frequency: str,
                       currency: str) -> Affordability | None:
    """The builder's affordability hint, or None when the debtor's income or expenses are unknown, or kept in
    another currency than the plan's (we do not convert)."""
    if debtor.monthly_income is None or debtor.monthly_expenses is None:
        return None
    if debtor.income_currency and debtor.income_currency != currency:
        return None
    amounts = [item.amount for item in schedule if not item.is_down_payment] or [item.amount for item in schedule]
    single = len(amounts) == 1
    per_month = max(amounts) * (1 if single else PAYMENTS_A_MONTH[frequency])
    return Affordability(per_month=per_month.quantize(CENT), currency=currency, is_single_payment=single,
                         left_per_month=debtor.monthly_income - debtor.monthly_expenses)
