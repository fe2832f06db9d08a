import copy

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from collections_crm.form_pages import form_page, list_page, submitted
from collections_crm.pagination import EstimatedCountPaginator
from collections_crm.permissions import area_required, roles_required
from collections_crm.roles import STAFF, SUPERVISORS, Area
from collections_crm.scoping import get_visible_or_404
from communications.selectors import account_reminders
from compliance.selectors import account_compliance
from compliance.services import audit_record
from debtors import ledger, selectors, services
from debtors.forms import (
    AccountAssignForm,
    AccountEditForm,
    AccountOpenForm,
    AccountStatusForm,
    ContactPointForm,
    DebtorForm,
    PaymentForm,
    PaymentReverseForm,
)
from debtors.models import Account, ContactPoint, Debtor, Payment
from debtors.timeline import account_timeline
from payment_plans import selectors as plan_selectors

PAGE_SIZE = 50
# Sortable columns of the accounts list: the query parameter and what it orders by.
SORTS = {"balance": "balance", "-balance": "-balance", "dpd": "delinquent_since", "-dpd": "-delinquent_since",
         "next_action": "next_action_at", "-next_action": "-next_action_at", "newest": "-id"}


class OneOfMany(forms.Select):
    """A plain drop-down for a filter that accepts several values (status): the page offers one at a time."""

    def value_from_datadict(self, data, files, name):
        return [value for value in data.getlist(name) if value]  # "Any status" sends an empty value


@area_required(Area.WORK_QUEUE)
def work_queue(request):
    return render(request, "debtors/work_queue.html")


@area_required(Area.ACCOUNTS)
def account_list(request):
    """The accounts the user may see, filtered, sorted and paginated; htmx asks for the results alone."""
    filterset = selectors.account_filtered(viewer=request.user, params=request.GET, request=request)
    status = filterset.form.fields["status"]
    status.widget = OneOfMany(choices=[("", "Any status"), *status.choices])
    sort = request.GET.get("sort", "newest")
    accounts = filterset.qs.order_by(SORTS.get(sort, "-id"), "-id") if filterset.is_valid() else Account.objects.none()
    page = EstimatedCountPaginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filterset": filterset, "page": page, "sort": sort, "filtered": any(
        value for key, value in request.GET.items() if key not in ("page", "sort"))}
    return list_page(request, page_template="debtors/account_list.html",
                     results_template="debtors/_account_results.html", context=context)


@area_required(Area.ACCOUNTS)
def account_detail(request, pk: int):
    account = get_visible_or_404(selectors.account_list(viewer=request.user), request.user, pk=pk)
    contact_points = list(account.debtor.contact_points.all())
    compliance = account_compliance(account=account)
    audit_record(actor=request.user, action="debtor.viewed", target=account.debtor, data={"account": account.pk})
    return render(request, "debtors/account_detail.html", {
        "account": account, "debtor": account.debtor, "contact_points": contact_points, "compliance": compliance,
        "ledger": selectors.ledger_with_balances(account=account),
        "payments": account.payments.select_related("recorded_by")[:50],
        "timeline": account_timeline(account=account, contact_point_ids=[point.pk for point in contact_points],
                                     compliance=compliance),
        "can_edit": request.user.role in STAFF,
        "can_end_holds": request.user.role in SUPERVISORS,
        "plans": plan_selectors.account_plans(viewer=request.user, account=account),
        "reminders": account_reminders(account=account),
    })


def _id(value: str | None) -> int:
    """An id from the query string; anything else finds nothing (404) rather than failing."""
    return int(value) if value and value.isdigit() else 0


def _account_url(account: Account) -> str:
    return reverse("debtors:account_detail", args=[account.pk])


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def debtor_new(request):
    return form_page(
        request, DebtorForm(submitted(request)), title="New debtor", done="{} added. Now open their account.",
        save=lambda data: services.debtor_create(actor=request.user, **data),
        success_url=lambda debtor: f"{reverse('debtors:account_new')}?debtor={debtor.pk}",
        breadcrumbs=(("Accounts", reverse("debtors:account_list")),))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def debtor_edit(request, pk: int):
    debtor = get_visible_or_404(Debtor.objects, request.user, pk=pk)
    back = request.GET.get("account")
    account = get_visible_or_404(Account.objects, request.user, pk=_id(back)) if back else None
    return form_page(
        request, DebtorForm(submitted(request), instance=copy.deepcopy(debtor)),
        title=f"Edit {debtor}", done="{} saved.",
        save=lambda data: services.debtor_update(actor=request.user, debtor=debtor, **data),
        success_url=_account_url(account) if account else reverse("debtors:account_list"),
        breadcrumbs=(("Accounts", reverse("debtors:account_list")),
                     *(((str(account), _account_url(account)),) if account else ())))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def contact_point_new(request, account_pk: int):
    account = get_visible_or_404(Account.objects, request.user, pk=account_pk)
    form = ContactPointForm(submitted(request), instance=ContactPoint(debtor=account.debtor))
    return form_page(
        request, form, title=f"Add a contact point for {account.debtor}", done="{} added.",
        save=lambda data: services.contact_point_create(actor=request.user, debtor=account.debtor, **data),
        success_url=_account_url(account),
        breadcrumbs=(("Accounts", reverse("debtors:account_list")), (str(account), _account_url(account))))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def contact_point_edit(request, account_pk: int, pk: int):
    account = get_visible_or_404(Account.objects, request.user, pk=account_pk)
    point = get_object_or_404(ContactPoint, pk=pk, debtor=account.debtor_id)

    def save(data):
        data.pop("kind", None)
        return services.contact_point_update(actor=request.user, contact_point=point, **data)

    return form_page(
        request, ContactPointForm(submitted(request), instance=copy.deepcopy(point)),
        title=f"Edit {point}", done="{} saved.", save=save, success_url=_account_url(account),
        breadcrumbs=(("Accounts", reverse("debtors:account_list")), (str(account), _account_url(account))))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
@require_POST
def contact_point_opt_out(request, account_pk: int, pk: int):
    """The debtor asked not to be contacted here: record it now, it takes effect on every channel check."""
    account = get_visible_or_404(Account.objects, request.user, pk=account_pk)
    point = get_object_or_404(ContactPoint, pk=pk, debtor=account.debtor_id, opted_out_at__isnull=True)
    services.contact_point_update(actor=request.user, contact_point=point, opted_out_at=timezone.now())
    return redirect(_account_url(account))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def account_new(request):
    debtor = get_visible_or_404(Debtor.objects, request.user, pk=_id(request.GET.get("debtor")))
    form = AccountOpenForm(submitted(request), user=request.user)
    return form_page(
        request, form, title=f"Open an account for {debtor}", done="Account {} opened.",
        save=lambda data: services.account_open(actor=request.user, debtor=debtor, **data),
        success_url=_account_url, submit_label="Open account",
        breadcrumbs=(("Accounts", reverse("debtors:account_list")),))


def _account_breadcrumbs(account: Account):
    return (("Accounts", reverse("debtors:account_list")), (str(account), _account_url(account)))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def account_edit(request, pk: int):
    account = get_visible_or_404(Account.objects, request.user, pk=pk)
    return form_page(
        request, AccountEditForm(submitted(request), instance=copy.deepcopy(account), user=request.user),
        title=f"Edit account {account}", done="Account {} saved.", success_url=_account_url(account),
        save=lambda data: services.account_update(actor=request.user, account=account, **data),
        breadcrumbs=_account_breadcrumbs(account))


@area_required(Area.ACCOUNTS)
@roles_required(*SUPERVISORS)
def account_assign(request, pk: int):
    account = get_visible_or_404(Account.objects, request.user, pk=pk)
    return form_page(
        request, AccountAssignForm(submitted(request), account=account), title=f"Assign account {account}",
        done="Account {} assigned.", success_url=_account_url(account), submit_label="Assign",
        save=lambda data: services.account_assign(actor=request.user, account=account, **data),
        breadcrumbs=_account_breadcrumbs(account))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def account_status(request, pk: int):
    account = get_visible_or_404(Account.objects, request.user, pk=pk)
    return form_page(
        request, AccountStatusForm(submitted(request), account=account, user=request.user),
        title=f"Change the status of {account}",
        done="Account {} updated.", success_url=_account_url(account), submit_label="Change status",
        save=lambda data: ledger.account_status_change(actor=request.user, account=account, **data),
        breadcrumbs=_account_breadcrumbs(account))


@area_required(Area.ACCOUNTS)
def payment_new(request, account_pk: int):
    account = get_visible_or_404(Account.objects, request.user, pk=account_pk)

    def save(data):
        payment, _ = ledger.payment_record(actor=request.user, account=account, **data)
        return payment  # a form sent twice carries the same key: recorded once, shown as recorded

    return form_page(
        request, PaymentForm(submitted(request)), title=f"Record a payment on {account}",
        done="Payment {} recorded.", save=save, success_url=_account_url(account), submit_label="Record payment",
        breadcrumbs=(("Accounts", reverse("debtors:account_list")), (str(account), _account_url(account))))


@area_required(Area.ACCOUNTS)
def payment_reverse(request, pk: int):
    payment = get_visible_or_404(Payment.objects.select_related("account"), request.user, pk=pk)
    account = payment.account
    return form_page(
        request, PaymentReverseForm(submitted(request)), title=f"Reverse the payment of {payment}",
        done="Payment {} reversed; the balance is restored.", submit_label="Reverse payment",
        save=lambda data: ledger.payment_reverse(actor=request.user, payment=payment, **data),
        success_url=_account_url(account),
        breadcrumbs=(("Accounts", reverse("debtors:account_list")), (str(account), _account_url(account))))
