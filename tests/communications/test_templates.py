"""Message templates: the sandbox refuses anything but whitelisted placeholders at save, naming it; a second admin
approves; any change of wording needs approval again; previews fill in a real account, escape what they insert
into HTML, and end texts and emails with the opt-out wording the debtor's packs require."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from communications.models import MessageTemplate
from compliance.models import Rule
from compliance.services import rule_update
from payment_plans.services import plan_propose
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TEMPLATES = "/api/v1/templates/"


@pytest.fixture
def second_admin(db):
    return UserFactory(username="grace", admin=True)


def sms(**changes):
    return {"code": "reminder-sms", "name": "Installment reminder", "channel": "sms",
            "body": "Hi {{ debtor_first_name }}, {{ next_installment_amount }} {{currency}} is due on "
                    "{{ next_installment_date }}. Pay at {{ payment_link }}", **changes}


@pytest.mark.parametrize(("body", "named"), [
    ("Hello {{ debtor.__class__ }}", "{{"),
    ("Hello {{ first_name }}", "{{ first_name }}"),
    ("Owed: {{ balance|upper }}", "balance|upper"),
    ("{% if balance %}pay{% endif %}", "{% if balance %}"),
    ("Hello {{ debtor_first_name }", "{{ debtor_first_name }"),
    ("{{ settings.SECRET_KEY }}", "{{"),
])
def test_the_sandbox_refuses_anything_but_whitelisted_placeholders_and_names_it(as_user, admin_user, body, named):
    response = as_user(admin_user).post(TEMPLATES, sms(body=body), format="json")
    assert response.status_code == 400
    assert named in response.json()["body"][0], response.json()
    assert not MessageTemplate.objects.filter(edited_by=admin_user).exists()


def test_a_second_admin_approves_and_an_edit_needs_approval_again(as_user, admin_user, second_admin, collector):
    created = as_user(admin_user).post(TEMPLATES, sms(), format="json")
    assert created.status_code == 201, created.json()
    url = f"{TEMPLATES}{created.json()['id']}/"
    assert created.json()["status"] == "draft"
    assert as_user(admin_user).post(f"{url}approve/").status_code == 403
    assert as_user(collector).post(f"{url}approve/").status_code == 403
    approved = as_user(second_admin).post(f"{url}approve/")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    renamed = as_user(second_admin).patch(url, {"name": "Reminder"}, format="json").json()
    assert renamed["status"] == "approved"  # the name is not what the debtor reads
    edited = as_user(second_admin).patch(url, {"body": "Hi {{ debtor_first_name }}"}, format="json").json()
    assert (edited["status"], edited["approved_by"]) == ("draft", None)
    assert as_user(second_admin).post(f"{url}approve/").status_code == 403
    assert as_user(admin_user).post(f"{url}approve/").status_code == 200


def test_no_one_who_wrote_any_of_the_waiting_wording_approves_it(as_user, admin_user, second_admin):
    url = f"{TEMPLATES}{as_user(admin_user).post(TEMPLATES, sms(), format='json').json()['id']}/"
    as_user(second_admin).patch(url, {"body": "Hi {{ debtor_first_name }}, please pay."}, format="json")
    refused = as_user(admin_user).post(f"{url}approve/")  # the first author, though not the last editor
    assert refused.status_code == 403
    assert "changed the wording" in refused.json()["detail"]
    third = as_user(UserFactory(username="hedy", admin=True))
    assert third.post(f"{url}approve/").json()["status"] == "approved"
    reworded = as_user(admin_user).patch(url, {"body": "Hi {{ debtor_first_name }}."}, format="json").json()
    assert reworded["status"] == "draft"
    assert as_user(second_admin).post(f"{url}approve/").status_code == 200  # approval cleared the earlier authors


def test_line_ends_are_not_a_change_of_wording(as_user, admin_user, second_admin):
    created = as_user(admin_user).post(TEMPLATES, sms(body="Hi {{ debtor_first_name }},\nplease pay."),
                                       format="json").json()
    url = f"{TEMPLATES}{created['id']}/"
    as_user(second_admin).post(f"{url}approve/")
    same = as_user(second_admin).patch(url, {"body": "Hi {{ debtor_first_name }},\r\nplease pay.",
                                             "name": "Polite"}, format="json").json()
    assert (same["status"], same["approved_by"]) == ("approved", second_admin.pk)


def test_an_approval_names_the_wording_it_read_and_a_change_since_is_a_conflict(as_user, admin_user, second_admin):
    created = as_user(admin_user).post(TEMPLATES, sms(), format="json").json()
    url = f"{TEMPLATES}{created['id']}/"
    read = as_user(second_admin).get(url).json()["wording_version"]
    as_user(admin_user).patch(url, {"body": "Pay {{ balance }} now or we sue."}, format="json")
    stale = as_user(second_admin).post(f"{url}approve/", {"version": read}, format="json")
    assert stale.status_code == 409
    assert MessageTemplate.objects.get(pk=created["id"]).status == "draft"
    current = as_user(second_admin).get(url).json()["wording_version"]
    assert as_user(second_admin).post(f"{url}approve/", {"version": current}, format="json").status_code == 200


def test_only_admins_write_templates(as_user, manager):
    assert as_user(manager).post(TEMPLATES, sms(), format="json").status_code == 403


def test_the_preview_fills_in_the_account_and_adds_the_opt_out(as_user, admin_user, collector, team_account):
    plan_propose(actor=admin_user, account=team_account, kind="installments", total_amount=Decimal("1200.00"),
                 frequency="monthly", start_on=date.today() + timedelta(days=3), installment_count=4)
    template = as_user(admin_user).post(TEMPLATES, sms(), format="json").json()
    preview = as_user(collector).post(f"{TEMPLATES}{template['id']}/preview/", {"account": team_account.pk},
                                      format="json")
    assert preview.status_code == 200, preview.json()
    body = preview.json()["body"]
    due = date.today() + timedelta(days=3)
    assert body.startswith(f"Hi Maria, 300.00 USD is due on {due.day} {due:%B %Y}. Pay at https://")
    assert body.endswith("Reply STOP to opt out.")


def test_a_pack_may_set_its_own_opt_out_wording_and_email_escapes_what_it_inserts(as_user, admin_user, collector,
                                                                                  team_account):
    debtor = team_account.debtor
    debtor.first_name = "<b>Maria</b>"
    debtor.save()
    rule = Rule.objects.get(pack__code="US-FED", kind="opt_out")
    rule_update(actor=admin_user, rule=rule, params={**rule.params, "notice": "Email STOP@acme.test to opt out."})
    template = as_user(admin_user).post(TEMPLATES, sms(code="letter-email", channel="email",
                                                       subject="About {{ account_reference }}",
                                                       body="<p>Dear {{ debtor_first_name }},</p>"), format="json")
    assert template.status_code == 201, template.json()
    preview = as_user(collector).post(f"{TEMPLATES}{template.json()['id']}/preview/", {"account": team_account.pk},
                                      format="json").json()
    assert preview["body"].startswith("<p>Dear &lt;b&gt;Maria&lt;/b&gt;,</p>")
    assert preview["body"].endswith("<p>Email STOP@acme.test to opt out.</p>")
    assert preview["subject"] == f"About {team_account.masked_reference}"


def test_a_preview_is_only_for_an_account_the_user_sees(as_user, admin_user, outsider, team_account):
    template = as_user(admin_user).post(TEMPLATES, sms(), format="json").json()
    response = as_user(outsider).post(f"{TEMPLATES}{template['id']}/preview/", {"account": team_account.pk},
                                      format="json")
    assert response.status_code == 400
    assert "account" in response.json()


def test_the_placeholders_are_listed(as_user, collector):
    names = [item["name"] for item in as_user(collector).get(f"{TEMPLATES}placeholders/").json()]
    assert {"debtor_first_name", "balance", "payment_link", "next_installment_date"} <= set(names)
