"""Installment schedules: amounts that add up to the plan's total to the cent, on dates that stay valid.

Pure functions (no database), shared by the plan builder's live preview, the API's preview and the service that
saves a plan.
"""

import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from dateutil.relativedelta import relativedelta

from collections_crm.errors import DomainError

CENT = Decimal("0.01")
MAX_INSTALLMENTS = 360
STEPS = {"weekly": relativedelta(weeks=1), "biweekly": relativedelta(weeks=2), "monthly": relativedelta(months=1)}


@dataclass(frozen=True)
class ScheduledInstallment:
    due_on: date
    amount: Decimal
    is_down_payment: bool = False


def due_dates(start_on: date, frequency: str, count: int, *, skip: int = 0) -> list[date]:
    """`count` dates one `frequency` apart, the first `skip` periods after `start_on`. Each is counted from the
    start, so monthly dates keep its day where the month has it and fall on the month's last day otherwise
    (31 January, 28 or 29 February, 31 March), never drifting."""
    step = STEPS[frequency]
    try:
        return [start_on + step * index for index in range(skip, skip + count)]
    except (OverflowError, ValueError):  # past the year 9999
        raise DomainError("The schedule would run past any date we can store: start sooner.",
                          field="start_on") from None


def split(amount: Decimal, count: int) -> list[Decimal]:
    """`count` amounts adding up to `amount` exactly: equal cents, the last one taking the remainder."""
    share = (amount / count).quantize(CENT, rounding=ROUND_DOWN)
    return [share] * (count - 1) + [amount - share * (count - 1)]


def build_schedule(*, total: Decimal, frequency: str, start_on: date, down_payment: Decimal = Decimal("0"),
                   installment_count: int | None = None,
                   installment_amount: Decimal | None = None) -> list[ScheduledInstallment]:
    """The schedule of a plan: an optional down payment on `start_on`, then the rest in `installment_count`
    installments (or as many of `installment_amount` as it takes), the first one period after a down payment."""
    if frequency not in STEPS:
        raise DomainError(f"Choose one of: {', '.join(STEPS)}.", field="frequency")
    if total <= 0:
        raise DomainError("The plan's total must be more than zero.", field="total_amount")
    if not 0 <= down_payment <= total:
        raise DomainError("The down payment must be between zero and the total.", field="down_payment")
    rest = total - down_payment
    if rest == 0:
        return [ScheduledInstallment(start_on, down_payment, is_down_payment=True)]
    if installment_count is None:
        if not installment_amount or installment_amount <= 0:
            raise DomainError("Give the number of installments or the amount of each.", field="installment_count")
        count = math.ceil(rest / installment_amount)  # the last one takes what is left
        if count > MAX_INSTALLMENTS:
            raise DomainError(f"A plan has at most {MAX_INSTALLMENTS} installments.", field="installment_amount")
        amounts = [installment_amount] * (count - 1) + [rest - installment_amount * (count - 1)]
    else:
        if installment_count < 1:
            raise DomainError("A plan has at least one installment.", field="installment_count")
        amounts = split(rest, installment_count)
    if len(amounts) > MAX_INSTALLMENTS:
        raise DomainError(f"A plan has at most {MAX_INSTALLMENTS} installments.", field="installment_count")
    if amounts[0] < CENT:
        raise DomainError("The installments would be less than a cent each.", field="installment_count")
    schedule = [ScheduledInstallment(start_on, down_payment, is_down_payment=True)] if down_payment else []
    days = due_dates(start_on, frequency, len(amounts), skip=1 if down_payment else 0)
    return schedule + [ScheduledInstallment(day, amount) for day, amount in zip(days, amounts, strict=True)]
