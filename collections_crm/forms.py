import zoneinfo

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.db.models import Q

from agencies.models import Agency
from collections_crm.models import AuthorityLimit, Team, User


def timezone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())]


class TeamForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=timezone_choices, help_text="Dashboards count 'today' in this zone.")

    class Meta:
        model = Team
        fields = ["name", "timezone", "postal_address"]
        widgets = {"postal_address": forms.Textarea(attrs={"rows": 3})}


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "team", "agency", "is_active"]
        help_texts = {
            "team": "Collectors and managers work their team's accounts. Admins need no team.",
            "agency": "Only for agency users, who have no team.",
            "is_active": "Deactivated users cannot sign in; their history stays.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        # New users join active agencies only; a user of a since-deactivated agency can still be edited.
        self.fields["agency"].queryset = Agency.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.agency_id)).order_by("name")
        if self.instance.pk:
            self.fields["username"].disabled = True  # the audit log and tokens refer to it


class UserCreateForm(SetPasswordMixin, UserForm):
    password1, password2 = SetPasswordMixin.create_password_fields()

    class Meta(UserForm.Meta):
        fields = [field for field in UserForm.Meta.fields if field != "is_active"]

    def clean(self):
        self.validate_passwords()
        return super().clean()

    def _post_clean(self):
        super()._post_clean()
        self.validate_password_for_user(self.instance)


class PasswordSetForm(SetPasswordMixin, forms.Form):
    """An admin sets a new password for someone who forgot theirs."""

    password1, password2 = SetPasswordMixin.create_password_fields(label1="New password",
                                                                   label2="New password again")

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        self.validate_passwords()
        self.validate_password_for_user(self.user)
        return super().clean()


class AuthorityLimitForm(forms.ModelForm):
    class Meta:
        model = AuthorityLimit
        fields = ["role", "team", "currency", "max_discount_pct", "max_installments", "max_plan_months",
                  "min_installment_amount"]
        help_texts = {
            "team": "Leave empty for the limit of the role in every team; a team's own limit overrides it.",
            "currency": "Three-letter code, e.g. USD. Limits apply to plans in this currency.",
            "max_discount_pct": "The largest settlement discount this role may agree without approval.",
            "max_installments": "The most installments in a plan without approval.",
            "max_plan_months": "The longest plan, in months, without approval.",
            "min_installment_amount": "The smallest installment, in the currency above, without approval.",
        }

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()
