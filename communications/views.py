"""Pages of communications: logging a contact from the account page, and the outbox."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from collections_crm.errors import DomainError
from collections_crm.form_pages import form_page, list_page, submitted
from collections_crm.pagination import EstimatedCountPaginator
from collections_crm.permissions import area_required, roles_required
from collections_crm.roles import STAFF, SUPERVISORS, Area
from collections_crm.scoping import get_visible_or_404
from communications import selectors, services
from communications.filters import OutboundMessageFilter
from communications.forms import AccountCadenceForm, ContactForm, ReasonForm
from communications.models import OutboundMessage
from communications.outbox import message_cancel, message_retry
from compliance.selectors import account_compliance
from debtors.models import Account


@area_required(Area.ACCOUNTS)
def contact_new(request, account_pk: int):
    """The verdict for each channel right now, then one form for what happened and what comes next."""
    account = get_visible_or_404(Account.objects.select_related("debtor", "team"), request.user, pk=account_pk)
    compliance = account_compliance(account=account)
    zone = compliance.verdicts["call"].zones[0]
    can_override = request.user.role in SUPERVISORS
    page = reverse("debtors:account_detail", args=[account.pk])
    return form_page(
        request, ContactForm(submitted(request), account=account, zone=zone, can_override=can_override),
        title=f"Log a contact with {account.debtor}", template="communications/contact_form.html",
        context={"account": account, "compliance": compliance},
        save=lambda data: services.contact_record(actor=request.user, account=account, **data),
        done="{} logged.", success_url=page, submit_label="Log it",
        breadcrumbs=(("Accounts", reverse("debtors:account_list")), (str(account), page)))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
@require_POST
def account_cadence(request, account_pk: int):
    """Put the account on a cadence, or take it off (the account page's Reminders panel)."""
    account = get_visible_or_404(Account.objects, request.user, pk=account_pk)
    form = AccountCadenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the cadences that are switched on.")
        return redirect("debtors:account_detail", pk=account.pk)
    cadence, on = form.cleaned_data["cadence"], form.cleaned_data["on"]
    try:
        services.cadence_account_set(actor=request.user, cadence=cadence, account=account, on=on)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{'Put on' if on else 'Taken off'} {cadence.name}.")
    return redirect("debtors:account_detail", pk=account.pk)


PAGE_SIZE = 50


@area_required(Area.OUTBOX)
def outbox(request):
    """The outbox of the user's scope, newest first, filtered by status, channel, reason and date."""
    filterset = OutboundMessageFilter(request.GET, queryset=selectors.outbound_message_list(viewer=request.user)
                                      .select_related("account__debtor"), request=request)
    messages = filterset.qs.order_by("-scheduled_for", "-id") if filterset.is_valid() else filterset.queryset.none()
    page = EstimatedCountPaginator(messages, PAGE_SIZE).get_page(request.GET.get("page"))
    return list_page(request, page_template="communications/outbox.html",
                     results_template="communications/_outbox_results.html",
                     context={"filterset": filterset, "page": page, "reason_form": ReasonForm(),
                              "filtered": any(value for key, value in request.GET.items() if key != "page")})


@area_required(Area.OUTBOX)
@require_POST
def outbox_move(request, pk: int, move: str):
    """Retry or cancel one message, with the reason (audited)."""
    message = get_visible_or_404(OutboundMessage.objects, request.user, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why, then try again.")
        return redirect("communications:outbox")
    service = {"retry": message_retry, "cancel": message_cancel}[move]
    try:
        service(actor=request.user, message=message, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Message {message.pk} {'will be sent again' if move == 'retry' else 'cancelled'}.")
    return redirect(request.POST.get("next") or "communications:outbox")
