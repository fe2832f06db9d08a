"""Admin pages under Configuration for message templates and cadences, and printable letters.

Templates: a list filtered by channel and status, a form (with the placeholder whitelist beside the body), and a
detail page to approve one (never by its last editor) and preview it against a real account. Cadences: a list with
each step in words, and one form for a cadence and its ordered steps. Every write is a service call
(communications/services.py). Letters print from the browser, or download as PDF; a sent letter's page shows what
was sent to whoever sees its account.
"""

import copy
import io
from pathlib import Path

import reportlab
from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from xhtml2pdf import pisa

from collections_crm.errors import DomainError
from collections_crm.form_pages import form_page, list_page, submitted
from collections_crm.permissions import area_required
from collections_crm.roles import Area
from collections_crm.scoping import get_visible_or_404
from communications import selectors, services
from communications.config_forms import CadenceForm, PreviewForm, TemplateForm
from communications.filters import TemplateFilter
from communications.messages import debtor_zone, message_render
from communications.models import Cadence, MessageTemplate, OutboundMessage
from communications.sandbox import PLACEHOLDERS
from compliance.engine import default_contact_point
from debtors.models import Account

# What the edit page says; services.template_update decides which fields are wording and resets the approval.
WORDING_NOTE = ("Saving a change to the channel, language, subject, body or legal action sends the template back "
                "to draft: another admin must approve it again before anything is sent with it.")


def _templates_crumbs():
    return (("Configuration", reverse("configuration")), ("Message templates", reverse("communications:template_list")))


def _template_page(template: MessageTemplate) -> str:
    return reverse("communications:template_detail", args=[template.pk])


@area_required(Area.CONFIGURATION)
def template_list(request):
    filterset = TemplateFilter(request.GET, queryset=selectors.template_list(viewer=request.user)
                               .select_related("edited_by", "approved_by"))
    templates = filterset.qs.order_by("channel", "name") if filterset.is_valid() else filterset.queryset.none()
    return list_page(request, page_template="communications/config/template_list.html",
                     results_template="communications/config/_template_results.html",
                     context={"filterset": filterset, "templates": templates,
                              "filtered": any(request.GET.values())})


def _template_form(request, form, *, title: str, save, done: str, template: MessageTemplate | None = None):
    return form_page(request, form, title=title, save=save, done=done, success_url=_template_page,
                     template="communications/config/template_form.html", breadcrumbs=_templates_crumbs(),
                     context={"placeholders": PLACEHOLDERS.items(), "message_template": template,
                              "wording_note": WORDING_NOTE})


@area_required(Area.CONFIGURATION)
def template_new(request):
    return _template_form(request, TemplateForm(submitted(request)), title="New message template",
                          done="Template “{.name}” saved as a draft: another admin approves it before it is sent.",
                          save=lambda data: services.template_create(actor=request.user, **data))


@area_required(Area.CONFIGURATION)
def template_edit(request, pk: int):
    template = get_visible_or_404(MessageTemplate.objects, request.user, pk=pk)
    # A copy for the form: validating a ModelForm writes into its instance, and the service audits old values.
    return _template_form(
        request, TemplateForm(submitted(request), instance=copy.deepcopy(template)), title=f"Edit {template.name}",
        done="Template “{.name}” saved.", template=template,
        save=lambda data: services.template_update(actor=request.user, template=template, **data))


@area_required(Area.CONFIGURATION)
@require_safe
def template_detail(request, pk: int):
    """The template as written, its approval, and a preview filled in for an account the admin names (reading
    only: nothing is sent or recorded)."""
    template = get_visible_or_404(MessageTemplate.objects.select_related("edited_by", "approved_by"), request.user,
                                  pk=pk)
    preview_form = PreviewForm(request.GET if "account" in request.GET else None, viewer=request.user)
    account = preview_form.cleaned_data["account"] if preview_form.is_valid() else None
    return render(request, "communications/config/template_detail.html", {
        "message_template": template, "title": template.name, "breadcrumbs": _templates_crumbs(),
        "approval_refusal": services.approval_refusal(actor=request.user, template=template),
        "preview_form": preview_form,
        "preview_account": account,
        "rendered": message_render(template=template, account=account) if account else None,
        "is_sms": template.channel == MessageTemplate.TemplateChannel.SMS,
        "is_letter": template.channel == MessageTemplate.TemplateChannel.LETTER,
        "steps": template.cadence_steps.select_related("cadence").order_by("cadence__name", "position")})


@area_required(Area.CONFIGURATION)
@require_POST
def template_approve(request, pk: int):
    template = get_visible_or_404(MessageTemplate.objects, request.user, pk=pk)
    try:
        services.template_approve(actor=request.user, template=template, version=request.POST.get("version", ""))
    except DomainError as error:
        messages.error(request, f"Not approved: {error.message}")
    else:
        messages.success(request, f"Template “{template.name}” approved: cadences may now send it.")
    return redirect(_template_page(template))


# Letters

def _letter_context(*, account: Account, subject: str, body: str, dated, address) -> dict:
    return {"account": account, "debtor": account.debtor, "subject": subject, "body": body, "dated": dated,
            "address": address}


# The PDF's built-in fonts lack characters such as the • of masked references: it embeds reportlab's Bitstream Vera.
PDF_FONTS = {"normal": Path(reportlab.__file__).parent / "fonts" / "Vera.ttf",
             "bold": Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"}


def _letter_response(request, context: dict, *, pdf: bool, filename: str):
    """The letter as a printable page, or as a PDF of the same page and print styles."""
    if not pdf:
        return render(request, "communications/config/letter.html", context)
    html = render_to_string("communications/config/letter.html", {**context, "for_pdf": True,
                                                                  "pdf_fonts": PDF_FONTS}, request=request)
    document = io.BytesIO()
    result = pisa.CreatePDF(html, dest=document, link_callback=_static_file)
    if result.err:
        raise RuntimeError(f"The letter could not be made into a PDF ({result.err} errors).")
    response = HttpResponse(document.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


def _static_file(uri: str, _relative: str) -> str:
    """xhtml2pdf reads the letter's stylesheet from disk: a static file's address becomes its path."""
    if uri.startswith(settings.STATIC_URL):
        return finders.find(uri.removeprefix(settings.STATIC_URL)) or uri
    return uri


@area_required(Area.CONFIGURATION)
@require_safe
def template_letter(request, pk: int, account_pk: int, pdf: bool = False):
    """A letter template filled in for one account, dated today, to the debtor's primary postal address."""
    template = get_visible_or_404(MessageTemplate.objects, request.user, pk=pk,
                                  channel=MessageTemplate.TemplateChannel.LETTER)
    account = get_visible_or_404(Account.objects.select_related("debtor", "creditor", "team", "assigned_to"),
                                 request.user, pk=account_pk)
    rendered = message_render(template=template, account=account)
    address = default_contact_point(list(account.debtor.contact_points.all()), "letter")
    context = _letter_context(account=account, subject=rendered.subject, body=rendered.body,
                              dated=timezone.localdate(timezone=debtor_zone(account)), address=address)
    context.update(back_url=f"{_template_page(template)}?account={account.pk}#preview",
                   pdf_url=reverse("communications:template_letter_pdf", args=[template.pk, account.pk]),
                   is_preview=True)
    return _letter_response(request, context, pdf=pdf, filename=f"{template.code}-{account.pk}")


@area_required(Area.ACCOUNTS)
@require_safe
def sent_letter(request, pk: int, pdf: bool = False):
    """A letter as it was sent (the text stored when it went), for anyone who sees its account."""
    message = get_visible_or_404(
        OutboundMessage.objects.select_related("account__debtor", "account__creditor", "account__team",
                                                "contact_point"),
        request.user, pk=pk, channel=MessageTemplate.TemplateChannel.LETTER)
    if message.status not in (OutboundMessage.Status.SENT, OutboundMessage.Status.DELIVERED):
        raise Http404("This letter has not been sent.")
    account = message.account
    context = _letter_context(account=account, subject=message.subject, body=message.body,
                              dated=timezone.localdate(message.sent_at, timezone=debtor_zone(account)),
                              address=message.contact_point)
    context.update(back_url=reverse("debtors:account_detail", args=[account.pk]),
                   pdf_url=reverse("communications:sent_letter_pdf", args=[message.pk]))
    return _letter_response(request, context, pdf=pdf, filename=f"letter-{message.pk}")


# Cadences

def _cadences_crumbs():
    return (("Configuration", reverse("configuration")), ("Cadences", reverse("communications:cadence_list")))


@area_required(Area.CONFIGURATION)
@require_safe
def cadence_list(request):
    cadences = selectors.cadence_list(viewer=request.user).prefetch_related("steps__template").order_by("name")
    return render(request, "communications/config/cadence_list.html", {"cadences": cadences})


def _cadence_form(request, form: CadenceForm, *, title: str, save, done: str):
    return form_page(request, form, title=title, save=save, done=done, breadcrumbs=_cadences_crumbs(),
                     success_url=lambda cadence: f"{reverse('communications:cadence_list')}#cadence-{cadence.pk}",
                     template="communications/config/cadence_form.html")


@area_required(Area.CONFIGURATION)
def cadence_new(request):
    return _cadence_form(request, CadenceForm(submitted(request), viewer=request.user), title="New cadence",
                         done="Cadence “{.name}” saved.",
                         save=lambda data: services.cadence_save(actor=request.user, **data))


@area_required(Area.CONFIGURATION)
def cadence_edit(request, pk: int):
    cadence = get_visible_or_404(Cadence.objects.prefetch_related("steps"), request.user, pk=pk)
    accounts = list(cadence.accounts.all())  # chosen through the API; this page keeps them as they are
    return _cadence_form(
        request, CadenceForm(submitted(request), viewer=request.user, instance=copy.deepcopy(cadence)),
        title=f"Edit cadence {cadence.name}", done="Cadence “{.name}” saved.",
        save=lambda data: services.cadence_save(actor=request.user, cadence=cadence, accounts=accounts, **data))
