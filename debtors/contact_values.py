"""Contact values stored in one form, so search and duplicate checks find them however they were typed."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Calling codes of the countries whose numbers are commonly written without one (national format).
NATIONAL_PREFIXES = {"US": ("1", 10), "CA": ("1", 10), "GB": ("44", 10), "IN": ("91", 10)}


def normalize_phone(value: str, *, country: str) -> str:
    """+<country code><number>; national numbers (555 123 4567, 07700 900123) take the debtor's country code."""
    digits = re.sub(r"[^\d+]", "", value.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+"):
        national = digits.lstrip("0") if country in ("GB", "IN") else digits
        prefix = NATIONAL_PREFIXES.get(country)
        if prefix and len(national) == prefix[1]:
            digits = f"+{prefix[0]}{national}"
        elif prefix and country in ("US", "CA") and len(national) == 11 and national.startswith("1"):
            digits = f"+{national}"
        else:
            raise ValidationError("Write the number with its country code, e.g. +44 7700 900123.")
    if not re.fullmatch(r"\+\d{7,15}", digits):
        raise ValidationError("A phone number has 7 to 15 digits after the country code.")
    return digits


def normalize_contact_value(kind: str, value: str, *, country: str) -> str:
    if kind == "phone":
        return normalize_phone(value, country=country)
    if kind == "email":
        email = value.strip().lower()
        validate_email(email)
        return email
    address = "\n".join(line.strip() for line in value.strip().splitlines() if line.strip())
    if not address:
        raise ValidationError("Enter the address.")
    return address
