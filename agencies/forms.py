from django import forms

from agencies.models import Agency


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "code", "is_active"]
        help_texts = {"code": "A short identifier used in placement files and reports, e.g. northgate."}
