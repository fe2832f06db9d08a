"""Payment plan pages. On an account: the plan builder, whose schedule htmx previews as the collector types, and
recording a promise to pay. A plan's own page, where a manager of its team (or an admin) other than the proposer
approves or rejects it, and where staff cancel it; and the approval queue of plans waiting for a manager."""

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe

from collections_crm.errors import Conflict, DomainError, Forbidden
from collections_crm.form_pages import form_page, submitted
from collections_crm.permissions import area_required, roles_required
from collections_crm.roles import STAFF, Area, can_enter
from collections_crm.scoping import get_visible_or_404
from collections_crm.selectors import authority_limit_for
from debtors.models import Account
from payment_plans import selectors, services
from payment_plans.forms import CancelForm, DecisionForm, DeferForm, PlanForm, PromiseForm
from payment_plans.models import OPEN_PLAN_STATUSES, PaymentPlan

PAGE_SIZE = 50
DECISIONS = {"approve": services.plan_approve, "reject": services.plan_reject}
# What the user is told once a plan reaches a status: the pages' `save` returns it and `done="{}"` shows it.
OUTCOMES = {
    PaymentPlan.Status.ACTIVE: "Plan active: the account is on a plan now.",
    PaymentPlan.Status.PENDING_APPROVAL: "Plan proposed. It is beyond your authority, so it waits for a manager's "
                                         "approval; the account's timeline will show the decision.",
    PaymentPlan.Status.REJECTED: "Plan rejected. The collector sees your note on the account's timeline.",
    PaymentPlan.Status.CANCELLED: "Plan cancelled.",
}


class Outdated(Exception):
    """Someone decided on or cancelled the plan first (the service's Conflict)."""


def _refusals(act):
    """Wrap a service call for form_page: a refusal by role becomes PermissionDenied and a conflict Outdated, both
    leaving form_page, which shows every other refusal on the form."""

    def call(data):
        try:
            return act(data)
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        except Conflict as error:
            raise Outdated(error.message) from error

    return call


def _form_page(request, form, *, back_to: str, save, **kwargs):
    """form_page for plan actions: a refusal by role is a 403 like any page the role may not use, and a plan
    someone decided on or cancelled first sends the user `back_to` with a message instead of a form error."""
    try:
        return form_page(request, form, save=_refusals(save), **kwargs)
    except Outdated as outdated:
        messages.warning(request, str(outdated))
        return redirect(back_to)


def _outcome(plan: PaymentPlan) -> str:
    return OUTCOMES[plan.status]


def _account_url(account: Account) -> str:
    return reverse("debtors:account_detail", args=[account.pk])


def _plan_url(plan: PaymentPlan) -> str:
    return reverse("payment_plans:plan_detail", args=[plan.pk])


def _account_crumbs(account: Account):
    return (("Accounts", reverse("debtors:account_list")), (account.debtor.display_name, _account_url(account)))


def _visible_account(request, pk: int) -> Account:
    return get_visible_or_404(Account.objects.select_related("debtor"), request.user, pk=pk)


def _visible_plan(request, pk: int) -> PaymentPlan:
    return get_visible_or_404(selectors.plan_page_list(viewer=request.user), request.user, pk=pk)


def _problem(form, name: str | None, message: str) -> tuple[str | None, str | None, str]:
    """An error of the preview as (field label, field id, message); the label links the message to its input."""
    if name in form.fields and not form.fields[name].widget.is_hidden:
        return form[name].label, form[name].id_for_label, message
    return None, None, message


def _preview(request, account: Account, form: PlanForm) -> dict:
    """The builder's preview: the schedule, whether a manager must approve it and why, and the affordability hint;
    or what is wrong with the terms, each named on its field. Nothing is saved."""
    if not form.is_bound:
        return {}
    if not form.is_valid():
        return {"problems": [_problem(form, name, " ".join(errors)) for name, errors in form.errors.items()]}
    try:
        terms = services.plan_terms(proposer=request.user, account=account, **form.terms)
    except DomainError as error:
        return {"problems": [_problem(form, error.field, error.message)]}
    frequency = form.terms["frequency"]
    return {"terms": terms, "plan": form.terms, "frequency": PaymentPlan.Frequency(frequency).label,
            "affordability": selectors.plan_affordability(debtor=account.debtor, schedule=terms.schedule,
                                                          frequency=frequency, currency=account.currency)}


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def plan_new(request, account_pk: int):
    """The plan builder. As the collector types, htmx asks (GET) for the preview alone; the form posts the
    proposal, active at once within the proposer's authority and waiting for a manager beyond it."""
    account = _visible_account(request, account_pk)
    if request.method == "GET" and request.headers.get("HX-Request"):
        form = PlanForm(request.GET, account=account)
        response = render(request, "payment_plans/_plan_preview.html", {
            "account": account, "preview": _preview(request, account, form), "oob": True})
        patch_vary_headers(response, ["HX-Request"])
        return response
    form = PlanForm(submitted(request), account=account)
    context = {"account": account, "preview": _preview(request, account, form),
               "limit": authority_limit_for(user=request.user, currency=account.currency)}
    return _form_page(
        request, form, template="payment_plans/plan_form.html", context=context, back_to=_account_url(account),
        title=f"Build a plan for {account.debtor}", submit_label="Propose plan", done="{}",
        save=lambda data: _outcome(services.plan_propose(actor=request.user, account=account, **form.terms)),
        success_url=_account_url(account), breadcrumbs=_account_crumbs(account))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def promise_new(request, account_pk: int):
    account = _visible_account(request, account_pk)
    return _form_page(
        request, PromiseForm(submitted(request), account=account), submit_label="Record promise",
        title=f"Record a promise to pay from {account.debtor}", back_to=_account_url(account),
        done="Promise of {0.amount} {0.currency} by {0.promised_on:%Y-%m-%d} recorded.",
        save=lambda data: services.promise_create(actor=request.user, account=account, **data),
        success_url=_account_url(account), breadcrumbs=_account_crumbs(account))


def _plan_page(request, plan: PaymentPlan):
    """A plan, its schedule and its decision; for a manager who may decide on it, the form that does."""
    can_decide = (can_enter(request.user, Area.APPROVALS) and plan.proposed_by_id != request.user.pk
                  and plan.status == PaymentPlan.Status.PENDING_APPROVAL)
    account = plan.account
    crumbs = ((("Approvals", reverse("payment_plans:approval_queue")),) if can_decide else _account_crumbs(account))
    return _form_page(
        request, DecisionForm(submitted(request)), template="payment_plans/plan_detail.html", context={
            "plan": plan, "account": account, "can_decide": can_decide,
            "can_cancel": request.user.role in STAFF and plan.status in OPEN_PLAN_STATUSES,
            "installments": plan.installments.all()},
        title=f"{plan.get_kind_display()} plan for {account.debtor}", done="{}", back_to=_plan_url(plan),
        save=lambda data: _outcome(DECISIONS[data["decision"]](actor=request.user, plan=plan, note=data["note"])),
        success_url=reverse("payment_plans:approval_queue"), breadcrumbs=crumbs)


@area_required(Area.ACCOUNTS)
@require_safe
def plan_detail(request, pk: int):
    return _plan_page(request, _visible_plan(request, pk))


@area_required(Area.APPROVALS)
@require_POST
def plan_decide(request, pk: int):
    """Approve or reject a waiting plan with a note; the proposer, even a manager, may not (403)."""
    return _plan_page(request, _visible_plan(request, pk))


@area_required(Area.ACCOUNTS)
@roles_required(*STAFF)
def plan_cancel(request, pk: int):
    plan = _visible_plan(request, pk)
    account = plan.account
    return _form_page(
        request, CancelForm(submitted(request)), submit_label="Cancel plan", done="{}", back_to=_plan_url(plan),
        template="payment_plans/plan_cancel.html", context={"plan": plan},
        title=f"Cancel the {plan.get_kind_display().lower()} plan of {intcomma(plan.total_amount)} {plan.currency} "
              f"for {account.debtor}",
        save=lambda data: _outcome(services.plan_cancel(actor=request.user, plan=plan, **data)),
        success_url=_account_url(account), breadcrumbs=(*_account_crumbs(account), ("Plan", _plan_url(plan))))


@area_required(Area.APPROVALS)
def plan_defer(request, pk: int):
    """Pause a plan in force for hardship (managers and admins): the schedule is spread again from a later date."""
    plan = _visible_plan(request, pk)
    account = plan.account
    return _form_page(
        request, DeferForm(submitted(request)), submit_label="Defer plan", done="Plan deferred: payments resume on "
        "{0.resumes_on:%Y-%m-%d}.", back_to=_plan_url(plan),
        title=f"Defer the plan of {intcomma(plan.total_amount)} {plan.currency} for {account.debtor}",
        save=lambda data: services.plan_defer(actor=request.user, plan=plan, **data),
        success_url=_plan_url(plan), breadcrumbs=(*_account_crumbs(account), ("Plan", _plan_url(plan))))


@area_required(Area.APPROVALS)
@require_safe
def approval_queue(request):
    """Plans beyond their proposer's authority, oldest first, with the reasons they need a manager."""
    page = Paginator(selectors.approval_list(viewer=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "payment_plans/approval_queue.html", {"page": page})
