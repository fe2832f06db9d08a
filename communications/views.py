"""Pages of the contact log: logging a call, message, visit or note from the account page."""

from django.urls import reverse

from collections_crm.form_pages import form_page, submitted
from collections_crm.permissions import area_required
from collections_crm.roles import Area, Role
from collections_crm.scoping import get_visible_or_404
from communications import services
from communications.forms import ContactForm
from compliance.selectors import account_compliance
from debtors.models import Account


@area_required(Area.ACCOUNTS)
def contact_new(request, account_pk: int):
    """The verdict for each channel right now, then one form for what happened and what comes next."""
    account = get_visible_or_404(Account.objects.select_related("debtor", "team"), request.user, pk=account_pk)
    compliance = account_compliance(account=account)
    zone = compliance.verdicts["call"].zones[0]
    can_override = request.user.role in (Role.MANAGER, Role.ADMIN)
    page = reverse("debtors:account_detail", args=[account.pk])
    return form_page(
        request, ContactForm(submitted(request), account=account, zone=zone, can_override=can_override),
        title=f"Log a contact with {account.debtor}", template="communications/contact_form.html",
        context={"account": account, "compliance": compliance},
        save=lambda data: services.contact_record(actor=request.user, account=account, **data),
        done="{} logged.", success_url=page, submit_label="Log it",
        breadcrumbs=(("Accounts", reverse("debtors:account_list")), (str(account), page)))
