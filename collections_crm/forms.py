import zoneinfo

from django import forms
from django.contrib.auth import password_validation

from agencies.models import Agency
from collections_crm.models import AuthorityLimit, Team, User


def timezone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())]


class TeamForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=timezone_choices, help_text="Dashboards count 'today' in this zone.")

    class Meta:
        model = Team
        fields = ["name", "timezone"]


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
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True).order_by("name")
        if self.instance.pk:
            self.fields["username"].disabled = True  # the audit log and tokens refer to it


class UserCreateForm(UserForm):
    password1 = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label="Password again", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    class Meta(UserForm.Meta):
        fields = [field for field in UserForm.Meta.fields if field != "is_active"]

    def clean_password2(self):
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise forms.ValidationError("The two passwords differ.")
        return password2

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password1", error)


class PasswordSetForm(forms.Form):
    """An admin sets a new password for someone who forgot theirs."""

    password1 = forms.CharField(label="New password", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label="New password again", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if password1 and password2:
            if password1 != password2:
                self.add_error("password2", "The two passwords differ.")
            else:
                try:
                    password_validation.validate_password(password1, self.user)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return self.cleaned_data


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
