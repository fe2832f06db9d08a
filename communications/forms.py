import zoneinfo
from datetime import datetime

from django import forms

from communications.models import Interaction
from debtors.models import Account

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ContactForm(forms.Form):
    """A call, message, visit or note in one form, with the next step; times are the debtor's own."""

    channel = forms.ChoiceField(choices=Interaction.Channel.choices, initial=Interaction.Channel.CALL)
    outcome = forms.ChoiceField(choices=[("", "No outcome (a note)"), *Interaction.Outcome.choices], required=False,
                                widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    contact_point = forms.ModelChoiceField(queryset=None, required=False, empty_label="The primary one",
                                           help_text="The number or address used.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    duration_minutes = forms.IntegerField(required=False, min_value=0, max_value=600, label="Duration (minutes)")
    callback_at = forms.DateTimeField(required=False, widget=MOMENT, label="Call back at",
                                      help_text="In the debtor's time; the account comes back to the queue then.")
    override_reason = forms.CharField(required=False, max_length=500, label="Override reason",
                                      help_text="Managers only: why this blocked contact goes ahead anyway.")

    def __init__(self, *args, account: Account, zone: str, can_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(zone)
        self.fields["contact_point"].queryset = account.debtor.contact_points.filter(invalid_at__isnull=True)
        self.fields["callback_at"].help_text = f"In the debtor's time ({zone}); the account comes back to the " \
                                               f"queue then."
        if not can_override:
            del self.fields["override_reason"]

    def clean_callback_at(self):
        """The browser sends the debtor's wall-clock time; it is that moment in their zone."""
        value = self.cleaned_data["callback_at"]
        if value is None:
            return None
        naive = value.replace(tzinfo=None) if isinstance(value, datetime) else value
        return naive.replace(tzinfo=self.zone)

    def clean(self):
        data = super().clean()
        minutes = data.pop("duration_minutes", None)
        data["duration_seconds"] = minutes * 60 if minutes is not None else None
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Reason")
