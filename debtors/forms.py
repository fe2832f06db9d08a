import uuid

from django import forms
from django.utils import timezone

from collections_crm.models import User
from collections_crm.roles import Role
from debtors.ledger import IDEMPOTENCY_KEY, manual_statuses
from debtors.models import Account, AccountStatus, ContactPoint, Creditor, Debtor, Payment, Segment
from debtors.status import TRANSITIONS

DATE = forms.DateInput(attrs={"type": "date"})


class DebtorForm(forms.ModelForm):
    class Meta:
        model = Debtor
        fields = ["first_name", "last_name", "company_name", "date_of_birth", "country", "region", "timezone",
                  "preferred_language", "preferred_channel", "employer", "monthly_income", "monthly_expenses",
                  "income_currency", "hardship_notes"]
        widgets = {"date_of_birth": DATE, "hardship_notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"country": "Two letters, e.g. US, GB, IN: the compliance rules of that country apply.",
                      "income_currency": "The currency of income and expenses, e.g. USD."}

    def clean_country(self):
        return self.cleaned_data["country"].upper()

    def clean_income_currency(self):
        return self.cleaned_data["income_currency"].upper()


class ContactPointForm(forms.ModelForm):
    class Meta:
        model = ContactPoint
        fields = ["kind", "value", "phone_type", "is_primary", "is_workplace", "consent_sms", "consent_autodial",
                  "consent_email", "timezone"]
        labels = {"consent_sms": "Consents to SMS", "consent_autodial": "Consents to autodialled calls",
                  "consent_email": "Consents to email", "is_workplace": "Workplace number or address"}
        help_texts = {"value": "Phone numbers may be typed as usual (617 555 0123); they are stored with the "
                               "country code."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["kind"].disabled = True

    def validate_unique(self):
        """Duplicates are judged on the normalised value, by the service."""


class AccountOpenForm(forms.Form):
    creditor = forms.ModelChoiceField(queryset=Creditor.objects.none())
    reference = forms.CharField(max_length=64, help_text="The creditor's account number.")
    original_balance = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = forms.CharField(max_length=3, required=False, help_text="Leave empty for the creditor's currency.")
    delinquent_since = forms.DateField(required=False, widget=DATE)
    assigned_to = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="Unassigned")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["creditor"].queryset = Creditor.objects.visible_to(user).filter(is_active=True)
        assignees = User.objects.visible_to(user).filter(is_active=True, role__in=[Role.COLLECTOR, Role.MANAGER])
        if user.role == Role.COLLECTOR:
            assignees = assignees.filter(pk=user.pk)
        self.fields["assigned_to"].queryset = assignees.order_by("first_name", "last_name")

    def clean_currency(self):
        return self.cleaned_data["currency"].upper() or None


class AccountEditForm(forms.ModelForm):
    class Meta:
        model = Account
        fields = ["delinquent_since", "charged_off_on", "segment"]
        widgets = {"delinquent_since": DATE, "charged_off_on": DATE}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.visible_to(user).filter(is_active=True)


class AccountAssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(queryset=User.objects.none(), required=False,
                                         empty_label="Unassigned (the team's pool)", label="Collector")

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = User.objects.filter(
            team=account.team_id, is_active=True, role__in=[Role.COLLECTOR, Role.MANAGER]).order_by("first_name")
        self.fields["assigned_to"].initial = account.assigned_to_id


class AccountStatusForm(forms.Form):
    status = forms.ChoiceField()
    reason = forms.CharField(max_length=300, required=False, help_text="Why, for whoever reads the timeline.")

    def __init__(self, *args, account: Account, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[account.status] & manual_statuses(user)
        self.fields["status"].choices = [(value, label) for value, label in AccountStatus.choices if value in allowed]


class PaymentForm(forms.Form):
    amount = forms.DecimalField(max_digits=14, decimal_places=2)
    method = forms.ChoiceField(choices=Payment.Method.choices)
    received_on = forms.DateField(widget=DATE, initial=timezone.localdate)
    reference = forms.CharField(max_length=100, required=False, help_text="The bank's or processor's reference.")
    # Sent with the form, so a double click or a resubmitted page records the payment once.
    idempotency_key = forms.RegexField(IDEMPOTENCY_KEY, widget=forms.HiddenInput,
                                       initial=lambda: f"form-{uuid.uuid4().hex}")


class PaymentReverseForm(forms.Form):
    reason = forms.CharField(max_length=500, help_text="e.g. cheque bounced, card chargeback, posted to the wrong "
                                                       "account.")
