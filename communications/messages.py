"""What a template says to one debtor about one account: the sandbox's values, computed here and nowhere else."""

import zoneinfo

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import F
from django.utils.dateformat import format as date_format

from communications.models import MessageTemplate
from communications.sandbox import Rendered, render
from compliance.engine import debtor_zones, opt_out_notice
from debtors.models import Account
from payment_plans.models import Installment, PaymentPlan, PromiseToPay


def debtor_zone(account: Account) -> zoneinfo.ZoneInfo:
    """The zone a debtor lives the account's messages in: their own (the first, when their region spans several),
    else the team's."""
    return zoneinfo.ZoneInfo(debtor_zones(account.debtor, fallback=account.team.timezone if account.team_id
                                          else "UTC")[0])


def _money(amount) -> str:
    return intcomma(f"{amount:.2f}") if amount is not None else ""


def _day(day) -> str:
    return date_format(day, "j F Y") if day else ""


def message_contexts(accounts: list[Account]) -> dict[int, dict[str, str]]:
    """Every placeholder's value for each of these accounts, as text: two indexed queries however many accounts
    (the outbox renders a batch at a time)."""
    ids = [account.pk for account in accounts]
    installments, promises = {}, {}
    for installment in (Installment.objects.filter(plan__account__in=ids, plan__status=PaymentPlan.Status.ACTIVE)
                        .exclude(status=Installment.Status.PAID).annotate(account_pk=F("plan__account"))
                        .order_by("due_on", "sequence", "pk")):
        installments.setdefault(installment.account_pk, installment)
    for promise in PromiseToPay.objects.filter(account__in=ids, status=PromiseToPay.Status.PENDING).order_by(
            "promised_on", "pk"):
        promises.setdefault(promise.account_id, promise)
    return {account.pk: _values(account, installments.get(account.pk), promises.get(account.pk))
            for account in accounts}


def message_context(account: Account) -> dict[str, str]:
    """Every placeholder's value for this account, as text (a few indexed queries)."""
    return message_contexts([account])[account.pk]


def _values(account: Account, installment: Installment | None, promise: PromiseToPay | None) -> dict[str, str]:
    debtor = account.debtor
    collector = account.assigned_to.get_full_name() if account.assigned_to_id else ""
    return {
        "debtor_first_name": debtor.first_name or debtor.company_name or debtor.display_name,
        "debtor_name": debtor.display_name,
        "balance": _money(account.balance),
        "currency": account.currency,
        "account_reference": account.masked_reference,
        "creditor_name": account.creditor.name,
        "collector_name": collector or (f"the {account.team.name} team" if account.team_id else "our team"),
        "next_installment_date": _day(installment.due_on) if installment else "",
        "next_installment_amount": _money(installment.amount - installment.paid_amount) if installment else "",
        "promise_date": _day(promise.promised_on) if promise else "",
        "promise_amount": _money(promise.amount) if promise else "",
        "payment_link": settings.PAYMENT_LINK_URL.format(reference=account.reference),
    }


def message_render(*, template: MessageTemplate, account: Account, context: dict[str, str] | None = None) -> Rendered:
    """The template filled in for this account (with its `message_contexts` values when given); texts and emails
    end with the opt-out wording the debtor's compliance packs require."""
    context = message_context(account) if context is None else context
    html = template.channel != MessageTemplate.TemplateChannel.SMS
    body = render(template.body, context, html=html)
    if notice := opt_out_notice(account.debtor, template.channel):
        body = f"{body}\n\n{notice}" if not html else f"{body}\n<p>{notice}</p>"
    return Rendered(subject=render(template.subject, context), body=body)
