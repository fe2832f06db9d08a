"""Forms of the compliance administration pages: rule packs, one rule's parameters (per kind), the contact
simulator and the complaints register.

The rule form shows one input per parameter its kind takes (`rule_params.PARAMETERS`, with that help text) and
leaves judging the values to `clean_params`, whose "name: message" errors it puts back on the named inputs.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from communications.models import Channel, Outcome
from compliance.engine import CHANNELS
from compliance.forms import MOMENT
from compliance.models import COMPLAINT_RESPONSE_DAYS, Complaint, Hold, Rule, RulePack
from compliance.rule_params import CONSENTS, CONTACT_CHANNELS, HOLD_KINDS, LOCATIONS, OUTCOMES, PARAMETERS, clean_params
from debtors.models import Account, ContactPoint, Debtor

DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHANNEL_LABELS = dict(Channel.choices)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _labelled(values, labels: dict) -> list[tuple[str, str]]:
    """Choices for the values a parameter accepts, in rule_params' order, with a readable label when one exists."""
    return [(value, labels.get(value, value.replace("_", " ").capitalize())) for value in values]


class RegionYearsField(forms.CharField):
    """Years per region, one `NY=3` line each, read as {"NY": 3}; whether the years are sensible is clean_params'
    to say."""

    widget = forms.Textarea(attrs={"rows": 8, "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{region}={years}" for region, years in value.items())
        return value

    def to_python(self, value):
        years_by_region = {}
        for number, line in enumerate(super().to_python(value).splitlines(), 1):
            region, equals, years = (part.strip() for part in line.partition("="))
            if not (line.strip() or equals):
                continue
            if not (equals and region and years.isdigit()):
                raise ValidationError(f"Line {number} reads {line.strip()!r}: write one region per line as "
                                      f"CODE=YEARS, e.g. NY=3.")
            years_by_region[region.upper()] = int(years)
        return years_by_region


class ListField(forms.CharField):
    """Several short values typed in one box, separated by commas, spaces or new lines (regions, dates)."""

    def __init__(self, *, lines: bool = False, **kwargs):
        widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}) if lines else forms.TextInput
        super().__init__(widget=widget, **kwargs)
        self.separator = "\n" if lines else ", "

    def prepare_value(self, value):
        return self.separator.join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return super().to_python(value).replace(",", " ").split()


def _checkboxes(values, labels: dict | None = None, *, coerce=str):
    """A parameter listing several values, e.g. channels (the rule form lays the boxes out under a legend)."""
    return lambda **options: forms.TypedMultipleChoiceField(
        choices=_labelled(values, labels or {}), coerce=coerce,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}), **options)


def _select(choices, *, blank: str | None = None):
    """A drop-down; `blank` labels the option that leaves an optional parameter unset."""
    return lambda **options: forms.ChoiceField(choices=[*([] if blank is None else [("", blank)]), *choices],
                                               **options)


def _time(**options):
    return forms.CharField(widget=forms.TextInput(attrs={"type": "time", "placeholder": "HH:MM"}), **options)


# How each parameter is typed in. Choice values are exactly those rule_params accepts (a test holds them to it).
PARAMETER_INPUTS = {
    "start": _time,
    "end": _time,
    "channels": _checkboxes(CONTACT_CHANNELS, CHANNEL_LABELS),
    "max_attempts": forms.IntegerField,
    "window_days": forms.IntegerField,
    "days": forms.IntegerField,
    "notice_within_days": forms.IntegerField,
    "default_years": forms.IntegerField,
    "per": _select([("account", "This account"), ("debtor", "Every account of the debtor")]),
    "location": _select(_labelled(LOCATIONS, {"any": "Any contact point", "personal": "Personal (not workplace)",
                                              "workplace": "Workplace"})),
    "exclude_outcomes": _checkboxes(OUTCOMES, dict(Outcome.choices)),
    "hold_kinds": _checkboxes(HOLD_KINDS, {**dict(Hold.Kind.choices), "open_dispute": "Open dispute"}),
    "consent": _select(_labelled(CONSENTS, {"consent_sms": "SMS consent", "consent_autodial": "Autodialer consent",
                                            "consent_email": "Email consent"})),
    "phone_type": _select(ContactPoint.PhoneType.choices, blank="Every phone"),
    "years_by_region": lambda **options: RegionYearsField(**options),
    "no_restart_regions": lambda **options: ListField(**options),
    "weekdays": _checkboxes([str(day) for day in range(7)], {str(day): name for day, name in enumerate(WEEKDAYS)},
                            coerce=int),
    "dates": lambda **options: ListField(lines=True, **options),
    "notice": lambda **options: forms.CharField(max_length=300, **options),
}
PARAMETER_LABELS = {
    "per": "Count attempts about", "location": "Contact points counted", "notice_within_days": "Notice within (days)",
    "window_days": "Window (days)", "days": "Quiet days", "default_years": "Default years",
    "years_by_region": "Years by region (one CODE=YEARS per line)", "no_restart_regions": "No-restart regions",
    "dates": "Dates (YYYY-MM-DD, one per line)", "phone_type": "Phone type", "notice": "Opt-out wording",
}
PARAMETER_HINTS = {
    "no_restart_regions": " Separate region codes with commas, e.g. NV, NY.",
}
RULE_FIELDS = ("severity", "citation", "is_active")


class RuleKindForm(forms.Form):
    """The first step of a new rule: its kind decides which parameters the rule form asks for."""

    kind = forms.ChoiceField(choices=[("", "Choose a kind…"), *Rule.Kind.choices], label="Kind of rule",
                             help_text="The parameters to fill in depend on the kind.")


class RuleForm(forms.Form):
    """A rule of one kind: an input per parameter, then severity, citation and whether it is active.

    Its cleaned data is what rule_create and rule_update take: `severity`, `citation`, `is_active` and `params`.
    """

    severity = forms.ChoiceField(choices=Rule.Severity.choices,
                                 help_text="Block stops the contact; warn lets it go ahead with the reason shown.")
    citation = forms.CharField(max_length=300, required=False,
                               help_text="The law or policy the rule encodes, e.g. 12 CFR 1006.6(b)(1)(i).")
    is_active = forms.BooleanField(required=False, initial=True, label="Active",
                                   help_text="Checks skip an inactive rule.")

    def __init__(self, data=None, *, kind: str, rule: Rule | None = None):
        initial = {**rule.params, **{name: getattr(rule, name) for name in RULE_FIELDS}} if rule else None
        super().__init__(data, initial=initial)
        self.kind, self.rule = kind, rule
        parameters = {
            name: PARAMETER_INPUTS[name](required=required, help_text=help_text + PARAMETER_HINTS.get(name, ""),
                                         label=PARAMETER_LABELS.get(name, name.replace("_", " ").capitalize()))
            for name, (_check, required, help_text) in PARAMETERS[kind].items()}
        self.fields = {**parameters, **self.fields}
        self.parameter_names = list(parameters)

    @property
    def kind_label(self) -> str:
        return Rule.Kind(self.kind).label

    def parameter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.parameter_names]

    def rule_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in RULE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        given = {name: cleaned[name] for name in self.parameter_names if cleaned.get(name) not in (None, "")}
        try:
            params = clean_params(self.kind, given)
        except ValidationError as error:
            for message in error.message_dict.get("params", error.messages):
                name, _colon, reason = message.partition(": ")
                if name not in self.parameter_names:
                    self.add_error(None, message)
                elif name not in self.errors:  # the input's own error (e.g. "required") already says it
                    self.add_error(name, reason)
            return cleaned
        if self.errors:
            return cleaned
        if self.rule is not None and params == clean_params(self.kind, self.rule.params):
            # Unchanged in meaning: keep the stored form, so that a rule stored otherwise (some shipped rules list
            # values in another order) does not record a change no one made.
            params = self.rule.params
        return {**{name: cleaned[name] for name in RULE_FIELDS}, "params": params}


class RulePackForm(forms.ModelForm):
    class Meta:
        model = RulePack
        fields = ["code", "name", "country", "region", "is_active"]
        labels = {"is_active": "Active"}
        help_texts = {"is_active": "Checks skip every rule of an inactive pack."}


class SimulateForm(forms.Form):
    """Which contact to try: an account the admin may see, a moment in UTC (now when empty), one or every
    channel."""

    account = forms.ModelChoiceField(
        queryset=Account.objects.none(), widget=forms.NumberInput, label="Account id",
        error_messages={"invalid_choice": "No account has this id."},
        help_text="The number in the account page's address, e.g. 42 for /accounts/42/.")
    at = forms.DateTimeField(required=False, widget=MOMENT, label="Moment (UTC)",
                             help_text="In UTC, not your own time; leave empty for now. The result shows the "
                                       "debtor's local time.")
    channel = forms.ChoiceField(required=False, choices=[("", "All channels"), *_labelled(CHANNELS, CHANNEL_LABELS)])

    def __init__(self, data=None, *, viewer):
        super().__init__(data)
        self.fields["account"].queryset = Account.objects.visible_to(viewer).select_related("debtor", "team")

    def clean_at(self):
        return self.cleaned_data["at"] or timezone.now()


class ComplaintRegisterForm(forms.Form):
    debtor = forms.ModelChoiceField(
        queryset=Debtor.objects.none(), widget=forms.NumberInput, label="Debtor id", required=False,
        error_messages={"invalid_choice": "None of your debtors has this id."},
        help_text="Leave empty when you give the account: the complaint is then its debtor's.")
    account = forms.ModelChoiceField(
        queryset=Account.objects.none(), widget=forms.NumberInput, label="Account id", required=False,
        error_messages={"invalid_choice": "None of your accounts has this id."},
        help_text="The account complained about, if one is: the number in its page's address, e.g. 42 for "
                  "/accounts/42/.")
    received_at = forms.DateTimeField(required=False, widget=MOMENT, label="Received at (UTC)",
                                      help_text="In UTC; leave empty for now.")
    category = forms.ChoiceField(choices=Complaint.Category.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text="What the debtor complains about, in their words where you can.")
    due_on = forms.DateField(required=False, widget=DAY, label="Answer due on",
                             help_text=f"Leave empty for {COMPLAINT_RESPONSE_DAYS} days after it was received.")

    field_order = ["debtor", "account", "received_at", "category", "description", "due_on"]

    def __init__(self, data=None, *, viewer, initial=None):
        super().__init__(data, initial=initial)
        self.fields["debtor"].queryset = Debtor.objects.visible_to(viewer)
        self.fields["account"].queryset = Account.objects.visible_to(viewer).select_related("debtor")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("debtor") and cleaned.get("account"):
            cleaned["debtor"] = cleaned["account"].debtor
        elif not cleaned.get("debtor") and "debtor" not in self.errors and "account" not in self.errors:
            self.add_error("debtor", "Give the debtor's id, or the account's.")
        cleaned["received_at"] = cleaned.get("received_at") or timezone.now()
        return cleaned


class ComplaintUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=Complaint.Status.choices)
    category = forms.ChoiceField(choices=Complaint.Category.choices)
    due_on = forms.DateField(widget=DAY, label="Answer due on")
    resolution = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text="Needed to resolve the complaint: what you found and what the debtor "
                                           "was told.")
