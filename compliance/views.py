"""Compliance pages. On the account page: holds, disputes and validation notices, each recorded by a service.
For admins, under Configuration: rule packs and their rules (with each rule's history), the contact simulator and
the audit log. For staff: the complaints register."""

import copy

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from collections_crm.form_pages import form_page, list_page, submitted
from collections_crm.pagination import EstimatedCountPaginator
from collections_crm.permissions import area_required, roles_required
from collections_crm.roles import STAFF, SUPERVISORS, Area
from collections_crm.scoping import get_visible_or_404
from compliance import selectors, services
from compliance.engine import check_contact, check_every_channel
from compliance.filters import AuditEventFilter, ComplaintFilter
from compliance.forms import MOMENT, DisputeForm, DisputeUpdateForm, HoldEndForm, HoldForm, ValidationNoticeForm
from compliance.models import COMPLAINT_RESPONSE_DAYS, Complaint, Dispute, Hold, Rule, RulePack
from compliance.rule_forms import (
    CHANNEL_LABELS,
    DAY,
    ComplaintRegisterForm,
    ComplaintUpdateForm,
    RuleForm,
    RuleKindForm,
    RulePackForm,
    SimulateForm,
)
from debtors.models import Account


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
@roles_required(*SUPERVISORS)
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


# Compliance administration: admins, under Configuration.

PAGE_SIZE = 50


def _rule_packs_crumbs():
    return (("Configuration", reverse("configuration")), ("Rule packs", reverse("compliance:rule_pack_list")))


def _pack_anchor(pack: RulePack) -> str:
    return f"{reverse('compliance:rule_pack_list')}#pack-{pack.pk}"


def _text(value) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{key}={item}" for key, item in value.items())
    return str(value)


def _audit_lines(data: dict) -> list[tuple[str, str]]:
    """An audit event's details as (what, text) lines. A change, stored as [old, new], reads "old → new"; a
    rule's parameters are listed one by one, so a rule's history shows which parameter changed."""
    lines = []
    for name, value in data.items():
        is_change = isinstance(value, list) and len(value) == 2
        if name == "params" and is_change and all(isinstance(side, dict) for side in value):
            old, new = value
            lines += [(key, f"{_text(old.get(key))} → {_text(new.get(key))}")
                      for key in [*old, *(key for key in new if key not in old)] if old.get(key) != new.get(key)]
        elif name == "params" and isinstance(value, dict):
            lines += [(key, _text(item)) for key, item in value.items()]
        else:
            lines.append((name, f"{_text(value[0])} → {_text(value[1])}" if is_change else _text(value)))
    return lines


@area_required(Area.CONFIGURATION)
def rule_pack_list(request):
    rules = Prefetch("rules", queryset=selectors.rule_list(viewer=request.user))
    return render(request, "compliance/rule_pack_list.html", {
        "packs": selectors.rule_pack_list(viewer=request.user).prefetch_related(rules)})


@area_required(Area.CONFIGURATION)
def rule_pack_new(request):
    return form_page(request, RulePackForm(submitted(request)), title="New rule pack",
                     done="Rule pack {.code} created. Add its rules.", success_url=_pack_anchor,
                     save=lambda data: services.rule_pack_create(actor=request.user, **data),
                     breadcrumbs=_rule_packs_crumbs())


@area_required(Area.CONFIGURATION)
def rule_pack_edit(request, pk: int):
    pack = get_visible_or_404(RulePack.objects, request.user, pk=pk)
    # A copy for the form: validating a ModelForm writes into its instance, and the service audits old values.
    return form_page(request, RulePackForm(submitted(request), instance=copy.deepcopy(pack)),
                     title=f"Edit rule pack {pack.code}", done="Rule pack {.code} saved.", success_url=_pack_anchor,
                     save=lambda data: services.rule_pack_update(actor=request.user, pack=pack, **data),
                     breadcrumbs=_rule_packs_crumbs())


def _is_active(request) -> bool:
    """The on/off buttons of packs and rules post is_active=true or is_active=false."""
    return request.POST.get("is_active") == "true"


@area_required(Area.CONFIGURATION)
@require_POST
def rule_pack_set_active(request, pk: int):
    pack = get_visible_or_404(RulePack.objects, request.user, pk=pk)
    services.rule_pack_update(actor=request.user, pack=pack, is_active=_is_active(request))
    messages.success(request, f"Rule pack {pack.code} enabled." if pack.is_active else
                     f"Rule pack {pack.code} disabled: checks skip its rules until it is enabled again.")
    return redirect(_pack_anchor(pack))


@area_required(Area.CONFIGURATION)
@require_POST
def rule_set_active(request, pk: int):
    rule = get_visible_or_404(Rule.objects.select_related("pack"), request.user, pk=pk)
    services.rule_update(actor=request.user, rule=rule, is_active=_is_active(request))
    messages.success(request, f"{rule} enabled." if rule.is_active else
                     f"{rule} disabled: checks skip it until it is enabled again.")
    return redirect(_pack_anchor(rule.pack))


def _rule_page(rule: Rule) -> str:
    return reverse("compliance:rule_edit", args=[rule.pk])


@area_required(Area.CONFIGURATION)
def rule_new(request, pack_pk: int):
    """Pick a kind (the page reloads its form for that kind, by htmx or by the Show button), then fill it in."""
    pack = get_visible_or_404(RulePack.objects, request.user, pk=pack_pk)
    picker = RuleKindForm(request.GET if "kind" in request.GET else None)
    kind = picker.cleaned_data["kind"] if picker.is_valid() else None
    title = f"New rule in {pack.code}"
    context = {"pack": pack, "picker": picker}
    if kind is None:
        return render(request, "compliance/rule_form.html", {
            **context, "title": title, "breadcrumbs": _rule_packs_crumbs()})
    return form_page(
        request, RuleForm(submitted(request), kind=kind), template="compliance/rule_form.html", context=context,
        title=title, done="{} created.", success_url=_rule_page, submit_label="Create rule",
        save=lambda data: services.rule_create(actor=request.user, pack=pack, kind=kind, **data),
        breadcrumbs=_rule_packs_crumbs())


@area_required(Area.CONFIGURATION)
def rule_edit(request, pk: int):
    """A rule's parameters, and below them its history: every change, newest first, old → new."""
    rule = get_visible_or_404(Rule.objects.select_related("pack"), request.user, pk=pk)
    history = selectors.record_history(viewer=request.user, record=rule)
    return form_page(
        request, RuleForm(submitted(request), kind=rule.kind, rule=rule), template="compliance/rule_form.html",
        context={"rule": rule, "pack": rule.pack,
                 "history": [(event, _audit_lines(event.data)) for event in history]},
        title=f"Edit {rule}", done="{} saved.", success_url=_rule_page,
        save=lambda data: services.rule_update(actor=request.user, rule=copy.deepcopy(rule), **data),
        breadcrumbs=_rule_packs_crumbs())


@area_required(Area.CONFIGURATION)
def simulate(request):
    """What would the engine say about contacting this account at this moment? Reading only, so not audited."""
    form = SimulateForm(request.GET or None, viewer=request.user)
    verdicts = {}
    if form.is_valid():
        account, at, channel = (form.cleaned_data[name] for name in ("account", "at", "channel"))
        verdicts = {channel: check_contact(account, channel, at)} if channel else check_every_channel(account, at)
    return render(request, "compliance/simulate.html", {
        "form": form, "verdicts": verdicts, "account": form.cleaned_data["account"] if verdicts else None,
        "results": [(channel, CHANNEL_LABELS[channel], verdict) for channel, verdict in verdicts.items()],
        "breadcrumbs": (("Configuration", reverse("configuration")),)})


@area_required(Area.CONFIGURATION)
def audit_log(request):
    """Every audit event, newest first, filtered by who, what and when; a page at a time."""
    filterset = AuditEventFilter(request.GET, queryset=selectors.audit_event_list(viewer=request.user),
                                 request=request)
    fields = filterset.form.fields
    fields["actor"].empty_label = "Anyone"
    fields["action"].label, fields["action"].help_text = "Action starts with", "e.g. rule. or complaint."
    fields["target_type"].help_text = "e.g. compliance.rule"
    for name, label in (("occurred_after", "From (UTC)"), ("occurred_before", "Before (UTC)")):
        fields[name].widget, fields[name].label = copy.deepcopy(MOMENT), label
    events = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = EstimatedCountPaginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return list_page(request, page_template="compliance/audit_log.html",
                            results_template="compliance/_audit_results.html", context={
                                "filterset": filterset, "page": page,
                                "rows": [(event, _audit_lines(event.data)) for event in page],
                                "filtered": any(value for key, value in request.GET.items() if key != "page"),
                                "breadcrumbs": (("Configuration", reverse("configuration")),)})


# The complaints register: managers work their team's complaints, admins all; collectors read and register them.

@area_required(Area.COMPLAINTS)
def complaint_list(request):
    """Complaints by the date they must be answered; overdue ones are flagged."""
    complaints = selectors.complaint_list(viewer=request.user).select_related("debtor", "account")
    filterset = ComplaintFilter(request.GET, queryset=complaints.order_by("due_on", "id"), request=request)
    fields = filterset.form.fields
    fields["status"].widget.choices = [("", "Any status"), *Complaint.Status.choices]
    fields["category"].widget.choices = [("", "Any category"), *Complaint.Category.choices]
    fields["due_before"].widget, fields["due_before"].label = copy.deepcopy(DAY), "Due on or before"
    complaints = filterset.qs if filterset.is_valid() else complaints.none()
    page = EstimatedCountPaginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    return list_page(request, page_template="compliance/complaint_list.html",
                            results_template="compliance/_complaint_results.html", context={
                                "filterset": filterset, "page": page,
                                "response_days": COMPLAINT_RESPONSE_DAYS,
                                "filtered": any(value for key, value in request.GET.items() if key != "page")})


def _complaints_crumbs():
    return (("Complaints", reverse("compliance:complaint_list")),)


@area_required(Area.COMPLAINTS)
@roles_required(*STAFF)
def complaint_new(request):
    """Register a complaint; the account page can link here with ?account= (or ?debtor=) filled in."""
    initial = {name: request.GET[name] for name in ("debtor", "account") if request.GET.get(name, "").isdigit()}
    return form_page(request, ComplaintRegisterForm(submitted(request), viewer=request.user, initial=initial),
                     title="Register a complaint", submit_label="Register complaint",
                     done="Complaint from {0.debtor} registered; it must be answered by {0.due_on:%Y-%m-%d}.",
                     save=lambda data: services.complaint_register(actor=request.user, **data),
                     success_url=lambda complaint: reverse("compliance:complaint_detail", args=[complaint.pk]),
                     breadcrumbs=_complaints_crumbs())


def _complaint_page(request, complaint: Complaint):
    """The complaint, and for managers and admins the form that works it (collectors read it only)."""
    page = reverse("compliance:complaint_detail", args=[complaint.pk])
    form = ComplaintUpdateForm(submitted(request), initial={
        name: getattr(complaint, name) for name in ("status", "category", "due_on", "resolution")})
    return form_page(
        request, form, template="compliance/complaint_detail.html", context={
            "complaint": complaint, "can_work": request.user.role in SUPERVISORS,
            "action": reverse("compliance:complaint_update", args=[complaint.pk])},
        title=f"Complaint {complaint.pk}: {complaint.get_category_display()}", done="Complaint {.pk} saved.",
        success_url=page, breadcrumbs=_complaints_crumbs(),
        save=lambda data: services.complaint_update(actor=request.user, complaint=copy.deepcopy(complaint),
                                                    **data))


def _visible_complaint(request, pk: int) -> Complaint:
    return get_visible_or_404(Complaint.objects.select_related("debtor", "account", "created_by"), request.user,
                              pk=pk)


@area_required(Area.COMPLAINTS)
@require_safe  # changes go to complaint_update, which only managers and admins may post to
def complaint_detail(request, pk: int):
    return _complaint_page(request, _visible_complaint(request, pk))


@area_required(Area.COMPLAINTS)
@roles_required(*SUPERVISORS)
@require_POST
def complaint_update(request, pk: int):
    return _complaint_page(request, _visible_complaint(request, pk))
