"""The parameters each rule kind accepts (../shared/compliance/README.md), checked before a rule is saved.

`clean_params(kind, params)` returns the parameters in their stored form or raises a ValidationError whose
messages name the parameter at fault, so an admin form and the API say exactly what to fix.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError

CONTACT_CHANNELS = ("call", "sms", "email", "letter", "visit")
HOLD_KINDS = ("cease_communication", "attorney_represented", "bankruptcy", "deceased", "breathing_space", "military",
              "open_dispute")
CONSENTS = ("consent_sms", "consent_autodial", "consent_email")
LOCATIONS = ("any", "personal", "workplace")
OUTCOMES = ("no_answer", "busy", "left_message", "wrong_number", "third_party", "right_party_contact",
            "promise_to_pay", "refused_to_pay", "dispute_raised", "callback_requested", "hardship")
HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ParamError(Exception):
    pass


def _channels(value):
    if not isinstance(value, list) or not value:
        raise ParamError(f"List one or more channels: {', '.join(CONTACT_CHANNELS)}.")
    return _choices(value, CONTACT_CHANNELS)


def _choices(value, allowed, *, allow_empty=True):
    if not isinstance(value, list) or (not value and not allow_empty):
        raise ParamError(f"List one or more of: {', '.join(allowed)}.")
    if unknown := [item for item in value if item not in allowed]:
        raise ParamError(f"Unknown {', '.join(map(str, unknown))}; choose from {', '.join(allowed)}.")
    return sorted(set(value), key=allowed.index)


def _one_of(allowed):
    def check(value):
        if value not in allowed:
            raise ParamError(f"Choose one of: {', '.join(allowed)}.")
        return value
    return check


def _whole(minimum, maximum):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise ParamError(f"Give a whole number from {minimum} to {maximum}.")
        return value
    return check


def _text(limit):
    def check(value):
        if not isinstance(value, str) or len(value) > limit:
            raise ParamError(f"Give a text of at most {limit} characters.")
        return value.strip()
    return check


def _clock(value):
    if not isinstance(value, str) or not HH_MM.fullmatch(value):
        raise ParamError("Give a time as HH:MM, e.g. 08:00.")
    return value


def _weekdays(value):
    if not isinstance(value, list) or any(isinstance(day, bool) or day not in range(7) for day in value):
        raise ParamError("List weekdays as numbers, 0 for Monday to 6 for Sunday.")
    return sorted(set(value))


def _dates(value):
    if not isinstance(value, list):
        raise ParamError("List dates as YYYY-MM-DD.")
    try:
        return sorted({date.fromisoformat(day).isoformat() for day in value})
    except (TypeError, ValueError):
        raise ParamError("List dates as YYYY-MM-DD.") from None


def _years_by_region(value):
    if not isinstance(value, dict) or any(
            not isinstance(region, str) or not region or isinstance(years, bool) or not isinstance(years, int)
            or not 1 <= years <= 50 for region, years in value.items()):
        raise ParamError("Map region codes to whole years from 1 to 50, e.g. {\"NY\": 3}.")
    return {region.upper(): years for region, years in sorted(value.items())}


def _regions(value):
    if not isinstance(value, list) or any(not isinstance(region, str) or not region for region in value):
        raise ParamError("List region codes, e.g. [\"NY\", \"NV\"].")
    return sorted({region.upper() for region in value})


# kind -> {parameter: (checker, required, help)}. The help text is what the rule form shows beside each field.
PARAMETERS = {
    "contact_hours": {
        "start": (_clock, True, "Earliest local time to contact (HH:MM); that minute itself is allowed."),
        "end": (_clock, True, "Latest local time to contact (HH:MM); 21:00 allows 21:00:00 but not a second later."),
        "channels": (_channels, True, "Channels the hours apply to."),
    },
    "frequency_cap": {
        "channels": (_channels, True, "Attempts on these channels count, and are capped."),
        "max_attempts": (_whole(1, 100), True, "Attempts allowed in the window; one more is refused."),
        "window_days": (_whole(1, 365), True, "Length of the window in local calendar days, today included."),
        "per": (_one_of(("account", "debtor")), True, "Count attempts about this account, or about every account "
                                                     "of the debtor."),
        "location": (_one_of(LOCATIONS), False, "Which contact points: any, personal (not workplace) or workplace."),
        "exclude_outcomes": (lambda value: _choices(value, OUTCOMES), False,
                             "Outcomes that do not count, e.g. busy (the call never reached the line)."),
    },
    "conversation_cooloff": {
        "channels": (_channels, True, "Channels that wait after a conversation."),
        "days": (_whole(1, 90), True, "Local days of quiet, the conversation's own day being day 1."),
    },
    "hold_block": {
        "hold_kinds": (lambda value: _choices(value, HOLD_KINDS, allow_empty=False), True,
                       "Holds that stop contact; open_dispute is an open dispute on the account."),
        "channels": (_channels, True, "Channels the holds stop."),
    },
    "consent_required": {
        "channels": (_channels, True, "Channels that need the consent."),
        "consent": (_one_of(CONSENTS), True, "The consent the contact point must have."),
        "phone_type": (_one_of(("mobile", "landline")), False, "Only for phones of this type (empty: all)."),
    },
    "opt_out": {
        "channels": (_channels, True, "Channels an opted-out contact point may not be reached on."),
        "notice": (_text(300), False, "The opt-out instruction added to every text and email, e.g. \"Reply STOP "
                                      "to opt out.\" (empty: the product's own wording)."),
    },
    "validation_period": {
        "notice_within_days": (_whole(1, 90), True, "Days after the first contact by which the validation notice "
                                                    "must have been sent; contact warns until then, blocks after."),
    },
    "time_barred": {
        "default_years": (_whole(1, 50), True, "Years after which a debt is time-barred where no region says."),
        "years_by_region": (_years_by_region, False, "Years per region code."),
        "no_restart_regions": (_regions, False, "Regions where a payment does not restart the clock."),
    },
    "rest_days": {
        "weekdays": (_weekdays, False, "Weekdays without contact, 0 for Monday to 6 for Sunday."),
        "dates": (_dates, False, "Dates without contact (YYYY-MM-DD), e.g. public holidays."),
        "channels": (_channels, True, "Channels that rest."),
    },
    "workplace": {
        "channels": (_channels, True, "Channels on which a workplace contact point is flagged."),
    },
}
DEFAULTS = {"frequency_cap": {"location": "any", "exclude_outcomes": []},
            "time_barred": {"years_by_region": {}, "no_restart_regions": []},
            "rest_days": {"weekdays": [], "dates": []}}


def clean_params(kind: str, params) -> dict:
    """The parameters of a rule of this kind, checked and normalised; a ValidationError names each bad one."""
    if kind not in PARAMETERS:
        raise ValidationError({"kind": f"Unknown rule kind {kind!r}."})
    if not isinstance(params, dict):
        raise ValidationError({"params": "Give the parameters as an object, e.g. {\"start\": \"08:00\"}."})
    spec, errors, cleaned = PARAMETERS[kind], {}, {**DEFAULTS.get(kind, {})}
    for name in params.keys() - spec.keys():
        errors[name] = f"A {kind} rule does not take {name!r}; it takes {', '.join(spec)}."
    for name, (check, required, _help) in spec.items():
        if name not in params or params[name] in (None, ""):
            if required:
                errors[name] = "This parameter is required."
            continue
        try:
            cleaned[name] = check(params[name])
        except ParamError as error:
            errors[name] = str(error)
    if kind == "contact_hours" and not errors and cleaned["end"] <= cleaned["start"]:
        errors["end"] = "The window must end after it starts."
    if kind == "rest_days" and not errors and not (cleaned["weekdays"] or cleaned["dates"]):
        errors["dates"] = "Give at least one weekday or date."
    if errors:
        raise ValidationError({"params": [f"{name}: {message}" for name, message in sorted(errors.items())]})
    return cleaned
