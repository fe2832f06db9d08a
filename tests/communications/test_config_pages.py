"""The admin pages of message templates and cadences: a template with a placeholder outside the whitelist is refused
on its body, naming it; a new one is a draft that only another admin approves; a change of wording sends it back to
draft; a preview fills it in for a real account, opt-out wording included. Letters print as A4 pages (and PDFs), a
sent one for whoever sees its account. Cadences are edited with their ordered steps, a bad step refused on its row.
Only admins enter, except the sent letter, which follows the account."""

import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from communications import services
from communications.builtin_reminders import CADENCE_NAME
from communications.config_forms import TEMPLATE_FIELDS
from communications.models import Cadence, MessageTemplate, OutboundMessage
from communications.outbox import message_schedule
from compliance.models import AuditEvent
from debtors.models import Segment
from tests.factories import ContactPointFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_admin(db):
    return UserFactory(username="grace", first_name="Grace", last_name="Hopper", admin=True)


def template_post(**changes):
    return {"channel": "sms", "code": "reminder-sms", "name": "Installment reminder", "language": "en",
            "body": "Hi {{ debtor_first_name }}, {{ balance }} {{ currency }} is owed. Pay at {{ payment_link }}",
            "is_active": "on", **changes}


@pytest.fixture
def draft(admin_user):
    return services.template_create(actor=admin_user, code="reminder-sms", name="Installment reminder",
                                    channel="sms", body=template_post()["body"])


@pytest.fixture
def approved(draft, second_admin):
    return services.template_approve(actor=second_admin, template=draft)


@pytest.fixture
def letter(admin_user, second_admin):
    template = services.template_create(
        actor=admin_user, code="final-demand", name="Final demand", channel="letter",
        subject="Your account {{ account_reference }}",
        body="<p>Dear {{ debtor_name }},</p><p>You owe {{ balance }} {{ currency }} to {{ creditor_name }}.</p>")
    return services.template_approve(actor=second_admin, template=template)


@pytest.fixture
def postal_address(team_account):
    return ContactPointFactory(debtor=team_account.debtor, kind="address", phone_type="", is_primary=True,
                               value="12 High Street\nSpringfield, NY 10001")


def detail_url(template) -> str:
    return reverse("communications:template_detail", args=[template.pk])


def text(response) -> str:
    return response.content.decode()


# Who may enter

def test_the_form_edits_what_the_services_accept():
    assert set(TEMPLATE_FIELDS) == services.TEMPLATE_EDITABLE


@pytest.mark.parametrize("persona", ["collector", "manager", "agency_user"])
def test_only_admins_open_the_template_and_cadence_pages(request, login, persona, draft, letter, team_account):
    client = login(request.getfixturevalue(persona))
    cadence = Cadence.objects.get(name=CADENCE_NAME)
    for url in (reverse("communications:template_list"), reverse("communications:template_new"), detail_url(draft),
                reverse("communications:template_edit", args=[draft.pk]),
                reverse("communications:template_letter", args=[letter.pk, team_account.pk]),
                reverse("communications:template_letter_pdf", args=[letter.pk, team_account.pk]),
                reverse("communications:cadence_list"), reverse("communications:cadence_new"),
                reverse("communications:cadence_edit", args=[cadence.pk])):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("communications:template_approve", args=[draft.pk])).status_code == 403
    assert client.post(reverse("communications:template_new"), template_post(code="other")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not MessageTemplate.objects.filter(code="other").exists()


def test_admins_find_the_pages_in_the_configuration_menu(login, admin_user):
    page = text(login(admin_user).get(reverse("configuration")))
    assert f'href="{reverse("communications:template_list")}">Message templates</a>' in page
    assert f'href="{reverse("communications:cadence_list")}">Cadences</a>' in page


# The list

def test_the_list_shows_status_editors_and_filters(login, admin_user, second_admin, draft, letter):
    client = login(admin_user)
    page = text(client.get(reverse("communications:template_list")))
    assert "Installment reminder" in page
    assert "Final demand" in page
    assert "Built in" in page  # the reminders shipped with the product have no editor
    assert "Grace Hopper" in page  # approved the letter
    letters = text(client.get(reverse("communications:template_list"), {"channel": "letter"}))
    assert "Final demand" in letters
    assert "Installment reminder" not in letters
    drafts = text(client.get(reverse("communications:template_list"), {"status": "draft", "channel": "sms"},
                             headers={"HX-Request": "true"}))
    assert "Installment reminder" in drafts
    assert "Final demand" not in drafts
    assert "<html" not in drafts  # htmx gets the results alone
    none = text(client.get(reverse("communications:template_list"), {"status": "approved", "channel": "email"}))
    assert "No templates match these filters" in none


def test_with_no_templates_the_list_says_what_to_do(login, admin_user):
    Cadence.objects.all().delete()
    MessageTemplate.objects.all().delete()
    page = text(login(admin_user).get(reverse("communications:template_list")))
    assert "No message templates yet" in page
    assert f'href="{reverse("communications:template_new")}"' in page


def test_the_list_queries_do_not_grow(login, admin_user, second_admin, django_assert_max_num_queries):
    client = login(admin_user)
    for batch in (3, 30):
        for number in range(batch):
            template = services.template_create(actor=admin_user, code=f"t-{batch}-{number}", name=f"T {number}",
                                                channel="email", subject="Hello", body="Hello")
            if number % 2:
                services.template_approve(actor=second_admin, template=template)
        # session, user, savepoint, navigation (approvals waiting), templates joined to their editor and approver,
        # release savepoint
        with django_assert_max_num_queries(6):
            response = client.get(reverse("communications:template_list"))
        assert text(response).count("<tr>") == 1 + MessageTemplate.objects.count()  # the head and a row each


def test_the_cadence_list_queries_do_not_grow(login, admin_user, approved, django_assert_max_num_queries):
    client = login(admin_user)
    for batch in (3, 30):
        for number in range(batch):
            services.cadence_save(actor=admin_user, name=f"C {batch}-{number}", applies_to_all=True, steps=[
                {"trigger": "placement", "offset_days": day, "template": approved, "local_hour": 10}
                for day in (1, 5)])
        # session, user, savepoint, navigation, cadences, their steps, the steps' templates, their segments,
        # release savepoint
        with django_assert_max_num_queries(9):
            client.get(reverse("communications:cadence_list"))


def test_the_cadence_editor_queries_do_not_grow_with_its_steps(login, admin_user, approved,
                                                                django_assert_max_num_queries):
    client = login(admin_user)
    for size in (2, 12):
        cadence = services.cadence_save(actor=admin_user, name=f"Steps {size}", applies_to_all=True, steps=[
            {"trigger": "placement", "offset_days": day, "template": approved, "local_hour": 10}
            for day in range(size)])
        # session, user, savepoint, navigation, the cadence, its steps (twice), segments, the cadence's segments,
        # templates, accounts, release savepoint: none per step
        with django_assert_max_num_queries(12):
            assert client.get(reverse("communications:cadence_edit", args=[cadence.pk])).status_code == 200


# Writing a template

def test_an_unknown_placeholder_is_refused_on_the_body_and_nothing_is_saved(login, admin_user):
    client = login(admin_user)
    response = client.post(reverse("communications:template_new"),
                           template_post(body="Hi {{ debtor_frist_name }}, pay at {{ payment_link }}"))
    assert response.status_code == 200
    assert "Unknown placeholder: {{ debtor_frist_name }}" in response.context["form"].errors["body"][0]
    assert "{{ debtor_frist_name }}" in text(response)
    assert not MessageTemplate.objects.filter(code="reminder-sms").exists()


@pytest.mark.parametrize(("field", "value", "named"), [
    ("body", "{% if balance %}pay{% endif %}", "{% if balance %}"),
    ("body", "Owed: {{ balance|upper }}", "balance|upper"),
    ("subject", "Hello", "Text messages have no subject."),
])
def test_broken_markup_and_a_subject_on_a_text_are_refused_on_their_field(login, admin_user, field, value, named):
    response = login(admin_user).post(reverse("communications:template_new"), template_post(**{field: value}))
    assert response.status_code == 200
    assert named in " ".join(response.context["form"].errors[field])
    assert not MessageTemplate.objects.filter(code="reminder-sms").exists()


def test_a_new_template_is_a_draft_edited_by_its_author(login, admin_user):
    response = login(admin_user).post(reverse("communications:template_new"), template_post())
    template = MessageTemplate.objects.get(code="reminder-sms")
    assert response.status_code == 302
    assert response.url == detail_url(template)
    assert (template.status, template.edited_by, template.approved_by) == ("draft", admin_user, None)
    assert AuditEvent.objects.filter(action="template.created", actor=admin_user).exists()


# Approval

def test_its_last_editor_cannot_approve_and_is_told_why(login, admin_user, draft):
    client = login(admin_user)
    page = text(client.get(detail_url(draft)))
    assert "You changed the wording of this template since it was last approved: another admin approves it." in page
    assert reverse("communications:template_approve", args=[draft.pk]) not in page
    response = client.post(reverse("communications:template_approve", args=[draft.pk]), follow=True)
    assert "Not approved: You changed the wording" in text(response)
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by) == ("draft", None)


def test_another_admin_approves(login, admin_user, second_admin, draft):
    client = login(second_admin)
    assert reverse("communications:template_approve", args=[draft.pk]) in text(client.get(detail_url(draft)))
    response = client.post(reverse("communications:template_approve", args=[draft.pk]),
                           {"version": draft.wording_version}, follow=True)
    assert "approved: cadences may now send it" in text(response)
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by) == ("approved", second_admin)
    assert "Grace Hopper" in text(client.get(detail_url(draft)))


def test_any_admin_approves_a_built_in_template(login, admin_user):
    built_in = MessageTemplate.objects.filter(edited_by=None).first()
    client = login(admin_user)
    assert "Built in" in text(client.get(detail_url(built_in)))
    client.post(reverse("communications:template_approve", args=[built_in.pk]),
                {"version": built_in.wording_version})
    built_in.refresh_from_db()
    assert (built_in.status, built_in.approved_by) == ("approved", admin_user)


def test_an_approval_of_a_page_read_before_the_wording_changed_is_refused(login, admin_user, second_admin, draft):
    read = draft.wording_version
    services.template_update(actor=admin_user, template=draft, body="Pay {{ balance }} {{ currency }} today.")
    response = login(second_admin).post(reverse("communications:template_approve", args=[draft.pk]),
                                        {"version": read}, follow=True)
    assert "The wording changed since you read it" in text(response)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_change_of_wording_sends_it_back_to_draft_and_the_page_says_so(login, admin_user, second_admin, approved):
    client = login(second_admin)
    edit = reverse("communications:template_edit", args=[approved.pk])
    assert "sends the template back to draft" in text(client.get(edit))
    client.post(edit, template_post(name="Reminder"))
    approved.refresh_from_db()
    assert (approved.name, approved.status) == ("Reminder", "approved")  # the name is not what the debtor reads
    client.post(edit, template_post(name="Reminder", body="Hi {{ debtor_first_name }}, please call us."))
    approved.refresh_from_db()
    assert (approved.status, approved.approved_by, approved.edited_by) == ("draft", None, second_admin)
    assert approved.body == "Hi {{ debtor_first_name }}, please call us."


def test_an_edit_with_an_unknown_placeholder_changes_nothing(login, second_admin, approved):
    response = login(second_admin).post(reverse("communications:template_edit", args=[approved.pk]),
                                        template_post(body="Hi {{ name }}"))
    assert "Unknown placeholder: {{ name }}" in response.context["form"].errors["body"][0]
    approved.refresh_from_db()
    assert approved.status == "approved"
    assert "{{ name }}" not in approved.body


# Preview

@pytest.mark.parametrize("typed", ["ACME-00012345", "acme-00012345", "id"])
def test_the_preview_fills_in_the_account_with_the_opt_out(login, admin_user, draft, team_account, typed):
    typed = str(team_account.pk) if typed == "id" else typed
    response = login(admin_user).get(detail_url(draft), {"account": typed})
    page = text(response)
    assert response.context["rendered"].body.startswith("Hi Maria, 1,200.00 USD is owed. Pay at https://")
    assert "Hi Maria, 1,200.00 USD is owed." in page
    assert "Reply STOP to opt out." in page
    assert "Maria Gonzalez" in page


@pytest.mark.parametrize("typed", ["NOPE-1", "999999", "9" * 40, "²"])
def test_the_preview_of_an_unknown_account_is_a_form_error(login, admin_user, draft, typed):
    response = login(admin_user).get(detail_url(draft), {"account": typed})
    assert response.status_code == 200
    assert response.context["preview_form"].errors["account"] == [f"No account has the reference or id “{typed}”."]
    assert response.context["rendered"] is None


# Letters

def test_a_letter_template_prints_for_an_account(login, admin_user, letter, team_account, postal_address):
    client = login(admin_user)
    preview = text(client.get(detail_url(letter), {"account": team_account.reference}))
    letter_url = reverse("communications:template_letter", args=[letter.pk, team_account.pk])
    assert letter_url in preview
    page = text(client.get(letter_url))
    assert "<p>Dear Maria Gonzalez,</p><p>You owe 1,200.00 USD to Acme Bank.</p>" in page
    assert f"Your account {team_account.masked_reference}" in page
    assert "12 High Street<br>Springfield, NY 10001" in page
    assert "css/letter.css" in page
    assert "data-print" in page
    assert 'aria-label="Main"' not in page  # no navigation on paper
    pdf = client.get(reverse("communications:template_letter_pdf", args=[letter.pk, team_account.pk]))
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    printed = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "You owe 1,200.00 USD to Acme Bank." in printed
    assert f"Your account {team_account.masked_reference}" in printed  # the • of the mask, in an embedded font


def test_only_letter_templates_print(login, admin_user, draft, team_account):
    response = login(admin_user).get(reverse("communications:template_letter", args=[draft.pk, team_account.pk]))
    assert response.status_code == 404


def sent_letter(account, template, key="letter:1") -> OutboundMessage:
    message, _ = message_schedule(account=account, template=template, idempotency_key=key,
                                  scheduled_for=datetime(2026, 7, 1, 15, tzinfo=UTC))
    OutboundMessage.objects.filter(pk=message.pk).update(
        status="sent", sent_at=datetime(2026, 7, 1, 15, tzinfo=UTC), subject="Your account as sent",
        body="<p>Dear Maria, as sent.</p>")
    return message


def test_a_sent_letter_prints_for_whoever_sees_its_account(login, collector, manager, other_manager, letter,
                                                           team_account):
    message = sent_letter(team_account, letter)
    url = reverse("communications:sent_letter", args=[message.pk])
    page = text(login(collector).get(url))
    assert "<p>Dear Maria, as sent.</p>" in page
    assert "Your account as sent" in page
    assert "1 July 2026" in page
    assert "No postal address on file" in page
    team_account.team.postal_address = "200 Liberty Street\nNew York, NY 10281"
    team_account.team.save()
    assert "200 Liberty Street<br>New York, NY 10281" in text(login(collector).get(url))  # the sender's address
    pdf = login(collector).get(reverse("communications:sent_letter_pdf", args=[message.pk]))
    assert pdf.content.startswith(b"%PDF")
    assert url in text(login(manager).get(reverse("communications:outbox")))
    assert url in text(login(collector).get(reverse("debtors:account_detail", args=[team_account.pk])))  # timeline
    assert login(other_manager).get(url).status_code == 404
    assert login(other_manager).get(reverse("communications:sent_letter_pdf", args=[message.pk])).status_code == 404


def test_a_sent_letter_is_dated_in_the_debtors_time(login, collector, letter, team_account):
    team_account.debtor.timezone = "America/Los_Angeles"
    team_account.debtor.save()
    message = sent_letter(team_account, letter)
    OutboundMessage.objects.filter(pk=message.pk).update(sent_at=datetime(2026, 7, 2, 3, tzinfo=UTC))
    assert "1 July 2026" in text(login(collector).get(reverse("communications:sent_letter", args=[message.pk])))


def test_a_letter_not_sent_yet_has_no_printable_page(login, admin_user, letter, team_account):
    message, _ = message_schedule(account=team_account, template=letter, idempotency_key="letter:2",
                                  scheduled_for=datetime(2026, 7, 1, 15, tzinfo=UTC))
    assert login(admin_user).get(reverse("communications:sent_letter", args=[message.pk])).status_code == 404


# Cadences

def cadence_post(*steps, **fields):
    data = {"name": "Early stage", "description": "", "is_active": "on", "steps-TOTAL_FORMS": str(len(steps)),
            "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000", **fields}
    for index, step in enumerate(steps):
        data.update({f"steps-{index}-{name}": value for name, value in step.items()})
    return data


def step(template, offset_days, trigger="placement", local_hour=10, **extra):
    return {"trigger": trigger, "offset_days": str(offset_days), "template": str(template.pk),
            "local_hour": str(local_hour), **extra}


def test_a_cadence_is_created_with_its_steps_in_order(login, admin_user, approved, letter):
    segment = Segment.objects.create(name="Early")
    response = login(admin_user).post(reverse("communications:cadence_new"), cadence_post(
        step(letter, 5), step(approved, -3, trigger="installment_due", local_hour=18),
        {"trigger": "placement", "offset_days": "", "template": "", "local_hour": "10"},  # a row left alone
        segments=[segment.pk]))
    cadence = Cadence.objects.get(name="Early stage")
    assert response.status_code == 302
    assert [(s.position, s.template, s.trigger, s.offset_days, s.local_hour) for s in cadence.steps.all()] == [
        (1, letter, "placement", 5, 10), (2, approved, "installment_due", -3, 18)]
    assert list(cadence.segments.all()) == [segment]
    assert AuditEvent.objects.filter(action="cadence.saved", actor=admin_user).exists()


def test_a_bad_step_is_refused_on_its_row_and_nothing_is_saved(login, admin_user, approved):
    response = login(admin_user).post(reverse("communications:cadence_new"), cadence_post(
        step(approved, 5), step(approved, 999), applies_to_all="on"))
    assert response.status_code == 200
    rows = response.context["form"].steps
    assert rows[0].errors == {}
    assert rows[1].errors["offset_days"] == ["Ensure this value is less than or equal to 365."]
    assert "Nothing was saved: correct the steps marked below." in text(response)
    assert not Cadence.objects.filter(name="Early stage").exists()


def test_a_cadence_needs_a_step(login, admin_user):
    response = login(admin_user).post(reverse("communications:cadence_new"), cadence_post(applies_to_all="on"))
    assert "A cadence has at least one step." in text(response)
    assert not Cadence.objects.filter(name="Early stage").exists()


def test_editing_a_cadence_replaces_its_steps(login, admin_user, approved, letter, team_account):
    cadence = services.cadence_save(actor=admin_user, name="Early stage", applies_to_all=True,
                                    accounts=[team_account], steps=[
                                        {"trigger": "placement", "offset_days": 1, "template": approved,
                                         "local_hour": 10},
                                        {"trigger": "placement", "offset_days": 7, "template": letter,
                                         "local_hour": 10}])
    client = login(admin_user)
    edit = reverse("communications:cadence_edit", args=[cadence.pk])
    form = client.get(edit).context["form"]
    assert [row.initial["offset_days"] for row in form.steps.initial_forms] == [1, 7]
    data = cadence_post(step(letter, 2), step(approved, 1, DELETE="on"), step(approved, 30), name="Renamed",
                        **{"steps-INITIAL_FORMS": "2"})
    assert client.post(edit, data).status_code == 302
    cadence.refresh_from_db()
    assert cadence.name == "Renamed"
    assert [(s.position, s.template, s.offset_days) for s in cadence.steps.all()] == [(1, letter, 2), (2, approved, 30)]
    assert list(cadence.accounts.all()) == [team_account]  # chosen through the API, kept


def test_the_cadence_list_shows_steps_in_words_and_flags_unapproved_templates(login, admin_user, draft, approved):
    pending = services.template_create(actor=admin_user, code="pending", name="Pending letter", channel="letter",
                                       body="<p>Hello</p>")
    services.cadence_save(actor=admin_user, name="Early stage", applies_to_all=True, steps=[
        {"trigger": "placement", "offset_days": 3, "template": approved, "local_hour": 9},
        {"trigger": "installment_due", "offset_days": -2, "template": pending, "local_hour": 10}])
    page = text(login(admin_user).get(reverse("communications:cadence_list")))
    assert "Installment reminder, 3 days after the placement date" in page
    assert "Pending letter, 2 days before the installment due date (while unpaid)" in page
    assert page.count("Will not send until the template is approved") >= 1 + 6  # the built-in drafts too
