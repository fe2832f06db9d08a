"""Forms of the admin pages for message templates and cadences (Configuration).

The template form is a ModelForm over exactly the fields `template_create` and `template_update` accept, so the
model's own validation (the sandbox's check of placeholders and markup, the unique code) comes back as errors on the
field at fault before the service is called. The cadence form carries its steps as a formset, one row per step, in
the order they are sent.
"""

from django import forms
from django.core.exceptions import ValidationError

from communications.models import Cadence, CadenceStep, MessageTemplate
from debtors.models import Account, Segment

# The order the form shows them in; a test holds this to services.TEMPLATE_EDITABLE.
TEMPLATE_FIELDS = ("channel", "code", "name", "language", "subject", "body", "mentions_legal_action", "is_active")


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = TEMPLATE_FIELDS
        labels = {"code": "Code", "is_active": "Active", "mentions_legal_action": "Mentions legal action"}
        help_texts = {
            "code": "A short name for the API and the audit log, e.g. reminder-sms: letters, digits and hyphens.",
            "body": "Placeholders are written {{ name }}, from the list beside this form; nothing else in braces is "
                    "allowed. Email and letter bodies are HTML.",
            "is_active": "Cadences send only active, approved templates.",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 12, "spellcheck": "true"})}


class PreviewForm(forms.Form):
    """Which account to fill the template in for: its reference or its id, among the accounts the user sees."""

    account = forms.CharField(max_length=64, label="Account reference or id",
                              help_text="The full reference, e.g. ACME-00012345, or the number in the account page's "
                                        "address.")

    def __init__(self, data=None, *, viewer):
        super().__init__(data)
        self.accounts = Account.objects.visible_to(viewer).select_related("debtor", "creditor", "team", "assigned_to")

    def clean_account(self) -> Account:
        typed = self.cleaned_data["account"].strip()
        found = list(self.accounts.filter(reference__iexact=typed)[:2])
        if not found and typed.isascii() and typed.isdigit() and len(typed) < 19:  # an id fits in 64 bits
            found = list(self.accounts.filter(pk=int(typed)))
        if not found:
            raise ValidationError(f"No account has the reference or id “{typed}”.")
        if len(found) > 1:
            raise ValidationError(f"Several creditors' accounts have the reference “{typed}”: give the account's "
                                  f"id instead.")
        return found[0]


def template_label(template: MessageTemplate) -> str:
    waiting = "" if template.status == MessageTemplate.Status.APPROVED else " · not approved yet"
    return f"{template.name} ({template.get_channel_display()}){waiting}"


class CadenceStepForm(forms.Form):
    # With these initial values, an extra row the admin left alone is unchanged, and so ignored.
    trigger = forms.ChoiceField(choices=CadenceStep.Trigger.choices, initial=CadenceStep.Trigger.PLACEMENT,
                                label="Counted from")
    # The bounds are the database's (constraint communications_cadencestep_offset_range), shown on the row at fault.
    offset_days = forms.IntegerField(min_value=-90, max_value=365, label="Days after",
                                     help_text="Negative for days before, e.g. -3.")
    template = forms.TypedChoiceField(label="Template", coerce=int)
    local_hour = forms.IntegerField(min_value=0, max_value=23, initial=10, label="Hour (debtor's time)")

    def __init__(self, *args, templates: dict[int, MessageTemplate], **kwargs):
        """`templates` (by id) are read once for every row, so the page's queries do not grow with its steps."""
        super().__init__(*args, **kwargs)
        self.templates = templates
        self.fields["template"].choices = [("", "---------")] + [
            (pk, template_label(template)) for pk, template in templates.items()]

    def clean_template(self) -> MessageTemplate:
        return self.templates[self.cleaned_data["template"]]


class BaseStepFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove"


CadenceStepFormSet = forms.formset_factory(CadenceStepForm, formset=BaseStepFormSet, extra=1, can_delete=True)


class CadenceForm(forms.ModelForm):
    """A cadence and, in `self.steps`, its ordered steps. Its cleaned data is what `cadence_save` takes, steps
    included (rows left empty or marked for removal are left out; the rest keep their order)."""

    class Meta:
        model = Cadence
        fields = ["name", "description", "applies_to_all", "segments", "is_active"]
        labels = {"applies_to_all": "Applies to every account", "is_active": "Active"}
        help_texts = {"segments": "The accounts of these segments receive it (ignored when it applies to every "
                                  "account).",
                      "is_active": "Planning skips an inactive cadence."}
        widgets = {"description": forms.Textarea(attrs={"rows": 2}),
                   "segments": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})}

    def __init__(self, data=None, *, viewer, instance: Cadence | None = None):
        super().__init__(data, instance=instance)
        self.fields["segments"].queryset = Segment.objects.visible_to(viewer)
        templates = {template.pk: template for template in MessageTemplate.objects.visible_to(viewer)}
        initial = [{"trigger": step.trigger, "offset_days": step.offset_days, "template": step.template_id,
                    "local_hour": step.local_hour} for step in instance.steps.all()] if instance and instance.pk \
            else None
        self.steps = CadenceStepFormSet(data, initial=initial, prefix="steps", form_kwargs={"templates": templates})

    def clean(self):
        cleaned = super().clean()
        if not self.steps.is_valid():
            raise ValidationError("Nothing was saved: correct the steps marked below.")
        cleaned["steps"] = [{name: row.cleaned_data[name] for name in ("trigger", "offset_days", "template",
                                                                       "local_hour")}
                            for row in self.steps if row.cleaned_data and not row.cleaned_data.get("DELETE")]
        return cleaned
