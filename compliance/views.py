"""Compliance pages. On the account page: holds, disputes and validation notices, each recorded by a service."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from collections_crm.form_pages import form_page, submitted
from collections_crm.permissions import area_required, roles_required
from collections_crm.roles import Area, Role
from collections_crm.scoping import get_visible_or_404
from compliance import services
from compliance.forms import DisputeForm, DisputeUpdateForm, HoldEndForm, HoldForm, ValidationNoticeForm
from compliance.models import Dispute, Hold
from debtors.models import Account

STAFF = (Role.COLLECTOR, Role.MANAGER, Role.ADMIN)


def _account_page(account: Account) -> str:
    return reverse("debtors:account_detail", args=[account.pk])


def _breadcrumbs(account: Account):
    return (("Accounts", reverse("debtors:account_list")), (str(account), _account_page(account)))


def _now_if_empty(data: dict, field: str) -> dict:
    return {**data, field: data.get(field) or timezone.now()}


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def hold_new(request, account_pk: int):
    account = get_visible_or_404(Account.objects, request.user, pk=account_pk)

    def save(data):
        target = {"debtor": account.debtor} if data.pop("applies_to") == "debtor" else {"account": account}
        return services.hold_place(actor=request.user, **target, **_now_if_empty(data, "starts_at"))

    return form_page(request, HoldForm(submitted(request)), title=f"Place a hold on {account}",
                     done="{} hold placed: the contact it stops is now blocked.", save=save,
                     success_url=_account_page(account), submit_label="Place hold", breadcrumbs=_breadcrumbs(account))


@area_required(Area.ACCOUNTS)
@roles_required(Role.MANAGER, Role.ADMIN)
def hold_end(request, account_pk: int, pk: int):
    account = get_visible_or_404(Account.objects, request.user, pk=account_pk)
    hold = get_object_or_404(Hold.objects.visible_to(request.user), pk=pk, ends_at__isnull=True)
    return form_page(request, HoldEndForm(submitted(request)), title=f"End the {hold} hold",
                     done="{} hold ended.", success_url=_account_page(account), submit_label="End hold",
                     save=lambda data: services.hold_end(actor=request.user, hold=hold, **data),
                     breadcrumbs=_breadcrumbs(account))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def dispute_new(request, account_pk: int):
    account = get_visible_or_404(Account.objects, request.user, pk=account_pk)
    return form_page(request, DisputeForm(submitted(request)), title=f"Record a dispute of {account}",
                     done="Dispute recorded: collection contact stops until verification is sent.",
                     save=lambda data: services.dispute_raise(actor=request.user, account=account,
                                                              **_now_if_empty(data, "raised_at")),
                     success_url=_account_page(account), submit_label="Record dispute",
                     breadcrumbs=_breadcrumbs(account))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def dispute_update(request, account_pk: int, pk: int):
    account = get_visible_or_404(Account.objects, request.user, pk=account_pk)
    dispute = get_object_or_404(Dispute, pk=pk, account=account)
    return form_page(request, DisputeUpdateForm(submitted(request), initial={"status": dispute.status}),
                     title=f"Update the dispute of {account}", done="{} updated.",
                     save=lambda data: services.dispute_update(actor=request.user, dispute=dispute, **data),
                     success_url=_account_page(account), breadcrumbs=_breadcrumbs(account))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def validation_notice_new(request, account_pk: int):
    account = get_visible_or_404(Account.objects, request.user, pk=account_pk)
    return form_page(request, ValidationNoticeForm(submitted(request)),
                     title=f"Record the validation notice sent for {account}", done="{} recorded.",
                     save=lambda data: services.validation_notice_record(actor=request.user, account=account,
                                                                         **_now_if_empty(data, "sent_at")),
                     success_url=_account_page(account), submit_label="Record notice",
                     breadcrumbs=_breadcrumbs(account))
