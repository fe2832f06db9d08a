import zoneinfo
from datetime import datetime
from decimal import Decimal

from django import forms

from communications.models import Cadence, Interaction
from debtors.models import Account
from payment_plans.models import PaymentPlan

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContactForm(forms.Form):
    """A call, message, visit or note in one form, with the next step; times and dates are the debtor's own.

    The next step's fields are named `{step}_{service field}`, so that a refusal from the promise, plan or dispute
    service lands on the field it names.
    """

    NEXT_STEPS = (("", "Nothing yet"), ("callback", "Call back"), ("promise", "Promise to pay"),
                  ("plan", "Payment plan"), ("dispute", "Dispute"))
    # The outcome a next step implies when none was chosen.
    IMPLIED_OUTCOMES = {"callback": Interaction.Outcome.CALLBACK_REQUESTED,
                        "promise": Interaction.Outcome.PROMISE_TO_PAY, "plan": Interaction.Outcome.RIGHT_PARTY_CONTACT,
                        "dispute": Interaction.Outcome.DISPUTE_RAISED}

    channel = forms.ChoiceField(choices=Interaction.Channel.choices, initial=Interaction.Channel.CALL)
    outcome = forms.ChoiceField(choices=[("", "No outcome (a note)"), *Interaction.Outcome.choices], required=False,
                                widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    contact_point = forms.ModelChoiceField(queryset=None, required=False, empty_label="The primary one",
                                           help_text="The number or address used.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    duration_minutes = forms.IntegerField(required=False, min_value=0, max_value=600, label="Duration (minutes)")
    occurred_at = forms.DateTimeField(required=False, widget=MOMENT, label="When it happened")
    next_step = forms.ChoiceField(choices=NEXT_STEPS, required=False, initial="", label="Next step",
                                  widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    callback_at = forms.DateTimeField(required=False, widget=MOMENT, label="Call back at")
    promise_amount = forms.DecimalField(required=False, min_value=Decimal("0.01"), max_digits=14, decimal_places=2,
                                        label="Amount promised")
    promise_promised_on = forms.DateField(required=False, widget=DAY, label="To be paid on")
    plan_installment_count = forms.IntegerField(required=False, min_value=1, max_value=360,
                                                label="Number of installments")
    plan_frequency = forms.ChoiceField(choices=PaymentPlan.Frequency.choices, initial=PaymentPlan.Frequency.MONTHLY,
                                       required=False, label="Every")
    plan_start_on = forms.DateField(required=False, widget=DAY, label="First installment on")
    dispute_reason = forms.CharField(required=False, max_length=500, label="What the debtor disputes",
                                     widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(required=False, max_length=500, label="Override reason",
                                      help_text="Managers only: why this blocked contact goes ahead anyway.")

    CONTACT_FIELDS = ("channel", "outcome", "contact_point", "notes", "duration_minutes", "occurred_at")
    # next step -> its fields, all required once the step is chosen.
    STEP_FIELDS = {"callback": ("callback_at",), "promise": ("promise_amount", "promise_promised_on"),
                   "plan": ("plan_installment_count", "plan_frequency", "plan_start_on"),
                   "dispute": ("dispute_reason",)}

    def __init__(self, *args, account: Account, zone: str, can_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(zone)
        self.fields["contact_point"].queryset = account.debtor.contact_points.filter(invalid_at__isnull=True)
        self.fields["callback_at"].help_text = f"In the debtor's time ({zone}); the account comes back to the " \
                                               f"queue then."
        self.fields["occurred_at"].help_text = f"In the debtor's time ({zone}). Leave it empty for just now; a " \
                                               f"contact logged later is checked as of when it happened."
        self.fields["promise_amount"].label = f"Amount promised ({account.currency})"
        self.fields["promise_amount"].help_text = f"At most the balance of {account.balance} {account.currency}."
        self.fields["plan_installment_count"].help_text = (
            f"The balance of {account.balance} {account.currency} in equal installments; beyond your authority "
            f"it waits for a manager. For a settlement or a down payment, use Build a plan.")
        if not can_override:
            del self.fields["override_reason"]

    def step_fields(self):
        """(step, its bound fields) for the template, which shows a step's fields only while it is chosen."""
        return [(step, [self[name] for name in names]) for step, names in self.STEP_FIELDS.items()]

    def _debtors_moment(self, name: str) -> datetime | None:
        """The browser sends the debtor's wall-clock time; it is that moment in their zone."""
        value = self.cleaned_data[name]
        return value.replace(tzinfo=None).replace(tzinfo=self.zone) if value is not None else None

    def clean_callback_at(self):
        return self._debtors_moment("callback_at")

    def clean_occurred_at(self):
        return self._debtors_moment("occurred_at")

    def clean(self):
        """Turn the chosen next step into the service's arguments; the other steps' fields are ignored."""
        data = super().clean()
        minutes = data.pop("duration_minutes", None)
        data["duration_seconds"] = minutes * 60 if minutes is not None else None
        step = data.pop("next_step", "") or ("callback" if data.get("callback_at") else "")
        values = {name: data.pop(name, None) for names in self.STEP_FIELDS.values() for name in names}
        if not step:
            return data
        invalid = [name for name in self.STEP_FIELDS[step] if name in self.errors]
        missing = [name for name in self.STEP_FIELDS[step] if values[name] in (None, "") and name not in invalid]
        for name in missing:
            self.add_error(name, "Required for this next step.")
        if missing or invalid:
            return data
        if not data.get("outcome") and data.get("channel") != Interaction.Channel.NOTE:
            data["outcome"] = self.IMPLIED_OUTCOMES[step]
        if step == "callback":
            data["callback_at"] = values["callback_at"]
        elif step == "dispute":
            data["dispute_reason"] = values["dispute_reason"]
        else:
            data[step] = {name.removeprefix(f"{step}_"): values[name] for name in self.STEP_FIELDS[step]}
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Reason")


class AccountCadenceForm(forms.Form):
    """Put an account on a cadence (on) or take it off."""

    cadence = forms.ModelChoiceField(queryset=Cadence.objects.filter(is_active=True))
    on = forms.BooleanField(required=False)
