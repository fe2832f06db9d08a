"""Installment schedules: no cent lost to rounding, month ends and 29 February stay valid dates, weekly and
biweekly steps, down payments and installment amounts."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collections_crm.errors import DomainError
from payment_plans.schedule import build_schedule


def amounts(schedule):
    return [str(item.amount) for item in schedule]


def days(schedule):
    return [item.due_on.isoformat() for item in schedule]


@pytest.mark.parametrize(("total", "count", "expected"), [
    ("100.00", 3, ["33.33", "33.33", "33.34"]),
    ("0.05", 3, ["0.01", "0.01", "0.03"]),
    ("1000.00", 4, ["250.00", "250.00", "250.00", "250.00"]),
    ("999.99", 7, ["142.85"] * 6 + ["142.89"]),
])
def test_the_last_installment_takes_the_remainder(total, count, expected):
    schedule = build_schedule(total=Decimal(total), frequency="monthly", start_on=date(2027, 1, 15),
                              installment_count=count)
    assert amounts(schedule) == expected


def test_month_ends_keep_to_the_last_day_without_drifting():
    schedule = build_schedule(total=Decimal("400"), frequency="monthly", start_on=date(2027, 1, 31),
                              installment_count=4)
    assert days(schedule) == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]


def test_a_leap_year_keeps_29_february_and_returns_to_the_28th_after():
    schedule = build_schedule(total=Decimal("300"), frequency="monthly", start_on=date(2028, 2, 29),
                              installment_count=13)
    assert days(schedule)[:2] == ["2028-02-29", "2028-03-29"]
    assert days(schedule)[-1] == "2029-02-28"


@pytest.mark.parametrize(("frequency", "expected"), [
    ("weekly", ["2027-12-27", "2028-01-03", "2028-01-10"]),
    ("biweekly", ["2027-12-27", "2028-01-10", "2028-01-24"]),
])
def test_weekly_and_biweekly_steps(frequency, expected):
    schedule = build_schedule(total=Decimal("90"), frequency=frequency, start_on=date(2027, 12, 27),
                              installment_count=3)
    assert days(schedule) == expected


def test_a_down_payment_comes_first_and_the_installments_a_period_later():
    schedule = build_schedule(total=Decimal("1000.00"), frequency="monthly", start_on=date(2028, 1, 31),
                              down_payment=Decimal("100.00"), installment_amount=Decimal("250.00"))
    assert [(item.due_on.isoformat(), str(item.amount), item.is_down_payment) for item in schedule] == [
        ("2028-01-31", "100.00", True), ("2028-02-29", "250.00", False), ("2028-03-31", "250.00", False),
        ("2028-04-30", "250.00", False), ("2028-05-31", "150.00", False)]


@pytest.mark.parametrize(("fields", "field"), [
    ({"installment_count": 0}, "installment_count"),
    ({}, "installment_count"),
    ({"installment_count": 3, "frequency": "daily"}, "frequency"),
    ({"installment_count": 3, "down_payment": Decimal("200")}, "down_payment"),
    ({"installment_count": 3, "total": Decimal("0")}, "total_amount"),
    ({"installment_count": 500}, "installment_count"),
])
def test_impossible_schedules_name_the_field(fields, field):
    options = {"total": Decimal("100"), "frequency": "monthly", "start_on": date(2027, 1, 1), **fields}
    with pytest.raises(DomainError) as refused:
        build_schedule(**options)
    assert refused.value.field == field


@given(total=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999"), places=2),
       count=st.integers(min_value=1, max_value=60),
       frequency=st.sampled_from(["weekly", "biweekly", "monthly"]),
       start=st.dates(min_value=date(2024, 1, 1), max_value=date(2035, 12, 31)))
def test_any_schedule_adds_up_to_its_total_on_ascending_dates(total, count, frequency, start):
    count = min(count, int(total * 100))  # never less than a cent each
    schedule = build_schedule(total=total, frequency=frequency, start_on=start, installment_count=count)
    assert sum(item.amount for item in schedule) == total
    assert all(item.amount >= Decimal("0.01") for item in schedule)
    assert [item.due_on for item in schedule] == sorted({item.due_on for item in schedule})
