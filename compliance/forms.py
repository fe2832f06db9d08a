"""Forms of the compliance records kept on the account page: holds, disputes and validation notices."""

from django import forms

from compliance.models import Dispute, Hold

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
WHEN_HELP = "In UTC; leave empty for now."


class HoldForm(forms.Form):
    applies_to = forms.ChoiceField(choices=[("debtor", "The debtor (every account)"), ("account", "This account only")],
                                   initial="debtor", widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    kind = forms.ChoiceField(choices=Hold.Kind.choices)
    starts_at = forms.DateTimeField(required=False, widget=MOMENT, help_text=WHEN_HELP)
    ends_at = forms.DateTimeField(required=False, widget=MOMENT,
                                  help_text="In UTC; leave empty until it is known (a breathing space ends after 60 "
                                            "days).")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="What the debtor or their representative said, and any reference number.")


class HoldEndForm(forms.Form):
    ends_at = forms.DateTimeField(required=False, widget=MOMENT, help_text=WHEN_HELP)
    reason = forms.CharField(max_length=500, help_text="e.g. the attorney withdrew, the bankruptcy was dismissed.")


class DisputeForm(forms.Form):
    raised_at = forms.DateTimeField(required=False, widget=MOMENT, help_text=WHEN_HELP)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="What the debtor disputes: the amount, the debt itself, identity...")


class DisputeUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=Dispute.Status.choices,
                               help_text="Collection resumes once verification is sent or the dispute is resolved.")


class ValidationNoticeForm(forms.Form):
    sent_at = forms.DateTimeField(required=False, widget=MOMENT, help_text=WHEN_HELP)
