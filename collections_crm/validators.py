import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


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
