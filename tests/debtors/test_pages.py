"""The accounts list, the account page and its forms, for each role: filters, search, scoping by id, audit of
views, and payments recorded once even when a form is sent twice."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communications.models import Cadence
from communications.outbox import message_schedule
from communications.services import interaction_log, template_approve, template_create
from compliance.models import AuditEvent
from debtors.ledger import payment_record
from debtors.models import Account, ContactPoint, Debtor, Payment
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def account_url(account):
    return reverse("debtors:account_detail", args=[account.pk])


def test_the_list_shows_the_team_accounts_masked(login, manager, team_account, other_team_account):
    page = login(manager).get(reverse("debtors:account_list")).content.decode()
    assert "Maria Gonzalez" in page
    assert "••••••••••2345" in page or "2345" in page
    assert "ACME-00012345" not in page
    assert "Other" not in page


def test_filters_and_search_on_the_list(login, manager, team_account):
    client = login(manager)
    assert "Maria Gonzalez" in client.get(reverse("debtors:account_list"), {"search": "555-0147"}).content.decode()
    empty = client.get(reverse("debtors:account_list"), {"search": "Nobody"}).content.decode()
    assert "No accounts match your search" in empty
    bad = client.get(reverse("debtors:account_list"), {"dpd_min": "soon"}).content.decode()
    assert "These filters are not valid" in bad
    assert "Days past due from: Enter a whole number." in bad


def test_htmx_gets_the_results_alone(login, manager, team_account):
    response = login(manager).get(reverse("debtors:account_list"), {"status": ""}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert "Maria Gonzalez" in page
    assert response["Vary"].count("HX-Request") == 1


def test_list_queries_do_not_grow(login, manager, team, creditor, django_assert_num_queries):
    client = login(manager)
    AccountFactory.create_batch(3, creditor=creditor, team=team)
    # session, user, savepoint, count, the user's team (navigation), plans waiting for approval (navigation),
    # creditor and collector choices of the filters, one page of accounts with their joins, release
    with django_assert_num_queries(10):
        client.get(reverse("debtors:account_list"))
    AccountFactory.create_batch(30, creditor=creditor, team=team)
    with django_assert_num_queries(10):
        client.get(reverse("debtors:account_list"))


def test_the_account_page_queries_do_not_grow_with_its_history(login, manager, team_account, admin_user):
    """Interactions, messages, payments, holds and cadences on the page each cost a fixed number of queries."""
    client = login(manager)

    def history(size: int) -> None:
        template = template_approve(actor=UserFactory(admin=True), template=template_create(
            actor=admin_user, code=f"t{size}", name=f"T{size}", channel="sms", body="Hi"))
        for number in range(size):
            interaction_log(actor=manager, account=team_account, channel="call", outcome="no_answer")
            message_schedule(account=team_account, template=template, idempotency_key=f"{size}:{number}",
                             scheduled_for=timezone.now() + timedelta(days=1))
            payment_record(actor=manager, account=team_account, amount=Decimal("1.00"), method="card",
                           received_on=TODAY, idempotency_key=f"payment-{size}-{number}")
            Cadence.objects.create(name=f"Cadence {size}.{number}").accounts.add(team_account)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(account_url(team_account)).status_code == 200
        return len(captured)

    history(1)
    few = queries()
    history(12)
    assert queries() == few


def test_the_account_page_shows_everything_and_audits_the_view(login, collector, team_account):
    page = login(collector).get(account_url(team_account)).content.decode()
    for text in ("Maria Gonzalez", "1,200.00 USD", "+12125550147", "SMS no consent", "maria.gonzalez@example.com",
                 "Account placed", "Ledger"):
        assert text in page, text
    assert "ACME-00012345" not in page
    assert AuditEvent.objects.filter(action="debtor.viewed", actor=collector,
                                     target_id=str(team_account.debtor_id)).count() == 1


@pytest.mark.parametrize("persona", ["collector", "manager", "agency_user"])
def test_another_teams_account_is_not_found(request, login, other_team_account, persona):
    client = login(request.getfixturevalue(persona))
    for url in (account_url(other_team_account),
                reverse("debtors:payment_new", args=[other_team_account.pk]),
                reverse("debtors:contact_point_new", args=[other_team_account.pk]),
                reverse("debtors:debtor_edit", args=[other_team_account.debtor_id]),
                f"{reverse('debtors:account_new')}?debtor={other_team_account.debtor_id}"):
        assert client.get(url).status_code in (403, 404), url
    assert not AuditEvent.objects.filter(action="debtor.viewed").exists()


def test_a_collector_records_a_payment_once_even_if_the_form_is_sent_twice(login, collector, team_account):
    client = login(collector)
    form = {"amount": "200.00", "method": "card", "received_on": str(TODAY), "reference": "ch_9",
            "idempotency_key": "form-4f1c2b7e9d"}
    for _ in range(2):
        response = client.post(reverse("debtors:payment_new", args=[team_account.pk]), form)
        assert response["Location"] == account_url(team_account)
    team_account.refresh_from_db()
    assert team_account.balance == Decimal("1000.00")
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(("amount", "message"), [("-10", "more than zero"), ("5000", "more than the balance"),
                                                 ("ten", "Enter a number.")])
def test_a_bad_payment_is_explained_on_the_form(login, collector, team_account, amount, message):
    response = login(collector).post(reverse("debtors:payment_new", args=[team_account.pk]), {
        "amount": amount, "method": "card", "received_on": str(TODAY), "idempotency_key": "form-abcdef123"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Payment.objects.exists()


def test_a_payment_is_reversed_from_the_page(login, collector, team_account):
    client = login(collector)
    client.post(reverse("debtors:payment_new", args=[team_account.pk]), {
        "amount": "200.00", "method": "cheque", "received_on": str(TODAY), "idempotency_key": "form-0000000001"})
    payment = Payment.objects.get()
    assert "This field is required" in client.post(reverse("debtors:payment_reverse", args=[payment.pk]),
                                                   {}).content.decode()
    client.post(reverse("debtors:payment_reverse", args=[payment.pk]), {"reason": "Cheque bounced"})
    team_account.refresh_from_db()
    assert team_account.balance == Decimal("1200.00")
    assert "Payment reversed" in client.get(account_url(team_account)).content.decode()


def test_a_collector_adds_a_debtor_and_opens_their_account(login, collector, creditor):
    client = login(collector)
    response = client.post(reverse("debtors:debtor_new"), {"first_name": "Ann", "last_name": "Lee", "country": "us",
                                                           "timezone": "America/New_York"})
    debtor = Debtor.objects.get(last_name="Lee")
    assert response["Location"] == f"{reverse('debtors:account_new')}?debtor={debtor.pk}"
    assert debtor.country == "US"
    response = client.post(response["Location"], {"creditor": creditor.pk, "reference": "ACME-55",
                                                  "original_balance": "300.00", "assigned_to": collector.pk})
    account = Account.objects.get(reference="ACME-55")
    assert response["Location"] == account_url(account)
    assert (account.balance, account.team_id, account.assigned_to) == (Decimal("300.00"), collector.team_id,
                                                                         collector)


def test_contact_points_are_added_edited_and_opted_out(login, collector, team_account):
    client = login(collector)
    client.post(reverse("debtors:contact_point_new", args=[team_account.pk]), {
        "kind": "phone", "value": "(646) 555-0100", "phone_type": "landline"})
    point = ContactPoint.objects.get(value="+16465550100")
    client.post(reverse("debtors:contact_point_opt_out", args=[team_account.pk, point.pk]))
    point.refresh_from_db()
    assert point.opted_out_at is not None
    page = client.get(account_url(team_account)).content.decode()
    assert "Opted out" in page
    assert "Contact point updated" in page


def test_agency_users_cannot_edit_debtors(login, agency_user):
    assert login(agency_user).get(reverse("debtors:debtor_new")).status_code == 403
