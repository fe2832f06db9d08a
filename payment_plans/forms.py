from decimal import Decimal

from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone

from debtors.models import Account
from payment_plans.models import PaymentPlan

DATE = forms.DateInput(attrs={"type": "date"})
LUMP_SUM = "settlement_lump_sum"
CENT = Decimal("0.01")


class MoneyField(forms.DecimalField):
    """An amount with cents, as typed "200" or "200.5" shows as 200.00 and 200.50 everywhere after."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return value.quantize(CENT) if value is not None else value


def money_field(label: str, **kwargs) -> MoneyField:
    return MoneyField(label=label, required=False, **kwargs)


class PlanForm(forms.Form):
    """The plan builder's terms, named as `plan_terms` and `plan_propose` take them, so the rules those refuse
    come back on the field at fault. A settlement paid at once is one installment; an empty total is the balance
    (for a settlement, the balance less the discount, or the other way round)."""

    kind = forms.ChoiceField(label="Kind of plan", choices=[
        (PaymentPlan.Kind.INSTALLMENTS, "Installments of the balance"),
        (LUMP_SUM, "Settlement paid at once"),
        (PaymentPlan.Kind.SETTLEMENT, "Settlement in installments"),
        (PaymentPlan.Kind.HARDSHIP_DEFERRAL, "Hardship deferral"),
    ])
    total_amount = money_field("Total to pay")
    discount_amount = money_field("Discount", min_value=0, help_text="Settlements only: what is forgiven.")
    down_payment = money_field("Down payment", min_value=0, help_text="Paid on the start date. Leave empty for none.")
    frequency = forms.ChoiceField(choices=PaymentPlan.Frequency.choices, initial=PaymentPlan.Frequency.MONTHLY)
    start_on = forms.DateField(label="Starts on", widget=DATE, initial=timezone.localdate)
    installment_count = forms.IntegerField(label="Number of installments", required=False, min_value=1)
    installment_amount = money_field("Or the amount of each", min_value=Decimal("0.01"),
                                     help_text="Give one of the two: the last installment takes what is left.")

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        balance = f"{intcomma(account.balance)} {account.currency}"
        self.fields["total_amount"].label = f"Total to pay ({account.currency})"
        self.fields["total_amount"].help_text = (f"Leave empty for the balance of {balance}. For a settlement, give "
                                                 "the total or the discount.")
        for name in ("discount_amount", "down_payment", "installment_amount"):
            self.fields[name].label += f" ({account.currency})"

    def clean(self):
        data = super().clean()
        if data.get("installment_count") and data.get("installment_amount"):
            self.add_error("installment_amount", "Give the number of installments or the amount of each, not both.")
        if data.get("kind") == LUMP_SUM:
            if data.get("down_payment"):
                self.add_error("down_payment", "A settlement paid at once has no down payment.")
            data.update(kind=PaymentPlan.Kind.SETTLEMENT, installment_count=1, installment_amount=None)
        total, discount = data.get("total_amount"), data.get("discount_amount")
        if data.get("kind") == PaymentPlan.Kind.SETTLEMENT and (total is None) != (discount is None):
            # One of the two is given: the other makes up the balance (the preview shows both).
            if total is None:
                data["total_amount"] = self.account.balance - discount
            else:
                data["discount_amount"] = self.account.balance - total
        elif total is None and "total_amount" not in self.errors:
            data["total_amount"] = self.account.balance
        return data

    @property
    def terms(self) -> dict:
        """The cleaned terms as the services take them."""
        data = self.cleaned_data
        return {"kind": data["kind"], "total_amount": data["total_amount"], "frequency": data["frequency"],
                "start_on": data["start_on"], "discount_amount": data["discount_amount"] or Decimal("0"),
                "down_payment": data["down_payment"] or Decimal("0"), "installment_count": data["installment_count"],
                "installment_amount": data["installment_amount"]}


class PromiseForm(forms.Form):
    amount = MoneyField()
    promised_on = forms.DateField(label="Will pay by", widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = f"Amount ({account.currency})"
        self.fields["amount"].help_text = f"At most the balance of {intcomma(account.balance)} {account.currency}."


class DecisionForm(forms.Form):
    """A manager's decision on a waiting plan: the page's two buttons send `decision`."""

    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.HiddenInput)
    note = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Required to reject: say why, so the collector can propose another plan.")


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Why the plan ends now, e.g. the debtor changed their mind or a better plan "
                                       "replaces it.")


class DeferForm(forms.Form):
    resume_on = forms.DateField(label="Payments resume on", widget=DATE,
                                help_text="Nothing falls due before this date; what is owed is spread again from it "
                                          "over as many installments as were left.")
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="The hardship the pause answers, e.g. a hospital stay or a lost job.")
