import zoneinfo
from datetime import UTC, datetime
from functools import cache

from django.core.exceptions import ValidationError

from collections_crm.errors import DomainError


@cache
def _iana_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_iana_timezone(value: str) -> None:
    """Debtor-facing times are computed in this zone, so only real IANA names (e.g. America/New_York) pass."""
    if value not in _iana_zones():
        raise ValidationError("%(value)s is not an IANA time zone name such as America/New_York.",
                              params={"value": value}, code="invalid_timezone")


def validate_currency_code(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError("Currency must be a three-letter ISO 4217 code such as USD.", code="invalid_currency")


# Moments outside this range are typing mistakes, and converting them to a far-off zone overflows.
EARLIEST_MOMENT = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(2100, 1, 1, tzinfo=UTC)


def check_moment(value: datetime | None, *, field: str) -> None:
    """Refuse a date and time before 1900 or after 2099, naming the field."""
    if value is not None and not EARLIEST_MOMENT <= value < LATEST_MOMENT:
        raise DomainError("Give a date and time between 1900 and 2099.", field=field)
