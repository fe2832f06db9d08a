"""The debtors, accounts, ledger and payments API: SPEC 3's writable fields, idempotent payments, clear 400s
that write nothing, every accounts filter, and scoping by id for every role."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from collections_crm.roles import Role
from debtors.models import Account, ContactPoint, Creditor, Debtor, Payment, Transaction
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def test_admin_creates_a_creditor_and_others_cannot(as_user, admin_user, collector):
    response = as_user(admin_user).post("/api/v1/creditors/", {"name": "Northwind", "code": "northwind",
                                                               "currency": "GBP"})
    assert response.status_code == 201
    assert response.json()["id"] == Creditor.objects.get(code="northwind").pk
    assert as_user(collector).post("/api/v1/creditors/", {"name": "X", "code": "x", "currency": "USD"}).status_code \
        == 403


def test_a_collector_sets_up_a_debtor_contact_points_and_an_account(as_user, collector, creditor):
    client = as_user(collector)
    debtor = client.post("/api/v1/debtors/", {"first_name": "Ann", "last_name": "Lee", "country": "US",
                                              "region": "MA", "timezone": ""})
    assert debtor.status_code == 201, debtor.json()
    debtor_id = debtor.json()["id"]
    phone = client.post("/api/v1/contact-points/", {
        "debtor": debtor_id, "kind": "phone", "value": "(617) 555-0123", "phone_type": "mobile", "is_primary": True,
        "is_workplace": False, "consent_sms": True, "consent_autodial": False, "consent_email": False,
        "opted_out_at": None, "timezone": None})
    assert phone.status_code == 201, phone.json()
    assert phone.json()["value"] == "+16175550123"
    account = client.post("/api/v1/accounts/", {
        "debtor": debtor_id, "creditor": creditor.pk, "reference": "ACME-777001", "currency": "USD",
        "original_balance": "850.40", "delinquent_since": str(TODAY - timedelta(days=75))})
    assert account.status_code == 201, account.json()
    body = account.json()
    assert (body["balance"], body["status"], body["aging_bucket"], body["days_past_due"]) == (
        "850.40", "new", "61-90", 75)
    assert body["team"] == collector.team_id
    placement = Transaction.objects.get(account=body["id"])
    assert (placement.kind, placement.amount) == ("placement", Decimal("850.40"))
    assert client.get(f"/api/v1/debtors/{debtor_id}/").status_code == 200


def test_a_second_primary_phone_takes_over_from_the_first(as_user, collector, team_account):
    response = as_user(collector).post("/api/v1/contact-points/", {
        "debtor": team_account.debtor_id, "kind": "phone", "value": "+1 212 555 0199", "is_primary": True})
    assert response.status_code == 201
    primaries = ContactPoint.objects.filter(debtor=team_account.debtor, kind="phone", is_primary=True)
    assert list(primaries.values_list("value", flat=True)) == ["+12125550199"]


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "email", "value": "not-an-email"}, "value"),
    ({"kind": "phone", "value": "12"}, "value"),
    ({"kind": "phone", "value": "+12125550100", "timezone": "Mars/Base"}, "timezone"),
    ({"kind": "pigeon", "value": "coop"}, "kind"),
    ({"kind": "phone", "value": "+12125550147"}, "__all__"),
])
def test_bad_contact_points_are_refused(as_user, collector, team_account, data, field):
    before = ContactPoint.objects.count()
    response = as_user(collector).post("/api/v1/contact-points/", {"debtor": team_account.debtor_id, **data})
    assert response.status_code == 400
    assert field in response.json() or (field == "__all__" and "non_field_errors" in response.json())
    assert ContactPoint.objects.count() == before


@pytest.mark.parametrize(("data", "field"), [
    ({"original_balance": "-1"}, "original_balance"),
    ({"original_balance": "ten"}, "original_balance"),
    ({"reference": "ACME-00012345"}, "__all__"),
    ({"delinquent_since": str(TODAY + timedelta(days=3))}, "delinquent_since"),
])
def test_bad_accounts_are_refused_and_nothing_is_posted(as_user, collector, team_account, creditor, data, field):
    payload = {"debtor": team_account.debtor_id, "creditor": creditor.pk, "reference": "NEW-1",
               "original_balance": "100.00", **data}
    before = (Account.objects.count(), Transaction.objects.count())
    response = as_user(collector).post("/api/v1/accounts/", payload)
    assert response.status_code == 400
    errors = response.json()
    assert field in errors or (field == "__all__" and "non_field_errors" in errors), errors
    assert (Account.objects.count(), Transaction.objects.count()) == before


def pay(client, account, amount="100.00", key="payment-key-0001", **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/payments/", {"account": account.pk, "amount": amount, "method": "card",
                                             "received_on": str(TODAY), "reference": "ch_123", **extra}, **headers)


def test_a_payment_with_a_repeated_key_is_posted_once(as_user, collector, team_account):
    client = as_user(collector)
    first = pay(client, team_account)
    assert first.status_code == 201
    again = pay(client, team_account)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    conflict = pay(client, team_account, amount="99.00")
    assert conflict.status_code == 409
    assert "idempotency_key" in conflict.json()
    team_account.refresh_from_db()
    assert team_account.balance == Decimal("1100.00")
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(("extra", "key", "field"), [
    ({"amount": "-5"}, "payment-key-0001", "amount"),
    ({"amount": "0"}, "payment-key-0001", "amount"),
    ({"amount": "lots"}, "payment-key-0001", "amount"),
    ({"amount": "10.001"}, "payment-key-0001", "amount"),
    ({"currency": "EUR"}, "payment-key-0001", "currency"),
    ({"method": "barter"}, "payment-key-0001", "method"),
    ({"received_on": "yesterday"}, "payment-key-0001", "received_on"),
    ({}, "short", "Idempotency-Key"),
    ({}, "has spaces in it", "Idempotency-Key"),
])
def test_bad_payments_get_a_400_naming_the_field_and_write_nothing(as_user, collector, team_account, extra, key,
                                                                    field):
    response = pay(as_user(collector), team_account, key=key, **extra)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Payment.objects.exists()
    assert team_account.transactions.count() == 1


def test_no_payment_on_a_closed_account(as_user, collector, team_account, admin_user):
    from debtors.ledger import account_status_change

    account_status_change(actor=admin_user, account=team_account, status="closed")
    response = pay(as_user(collector), team_account)
    assert response.status_code == 400
    assert "closed" in response.json()["account"][0]
    assert not Payment.objects.exists()


def test_a_payment_is_reversed_with_a_reason(as_user, collector, team_account):
    client = as_user(collector)
    payment_id = pay(client, team_account).json()["id"]
    assert client.post(f"/api/v1/payments/{payment_id}/reverse/", {}).status_code == 400
    response = client.post(f"/api/v1/payments/{payment_id}/reverse/", {"reason": "Card declined"})
    assert response.status_code == 200
    assert response.json()["is_reversed"] is True
    assert client.post(f"/api/v1/payments/{payment_id}/reverse/", {"reason": "again"}).status_code == 409
    team_account.refresh_from_db()
    assert team_account.balance == Decimal("1200.00")


def test_the_ledger_is_read_only(as_user, admin_user, team_account):
    client = as_user(admin_user)
    entries = client.get("/api/v1/transactions/", {"account": team_account.pk}).json()
    assert [entry["kind"] for entry in entries["results"]] == ["placement"]
    assert client.post("/api/v1/transactions/", {"account": team_account.pk, "amount": "-5"}).status_code == 405


def ids(response):
    assert response.status_code == 200, response.json()
    return sorted(account["id"] for account in response.json()["results"])


@pytest.fixture
def spread(team, collector, teammate, creditor, admin_user):
    """Accounts of the collector's team across balances, ages and statuses."""
    return {
        "fresh": AccountFactory(creditor=creditor, assigned_to=collector, original_balance=Decimal("200"),
                                delinquent_since=TODAY - timedelta(days=10)),
        "old": AccountFactory(creditor=creditor, assigned_to=collector, original_balance=Decimal("5000"),
                              delinquent_since=TODAY - timedelta(days=400)),
        "teammates": AccountFactory(creditor=creditor, assigned_to=teammate, original_balance=Decimal("700"),
                                    delinquent_since=TODAY - timedelta(days=95)),
        "unassigned": AccountFactory(creditor=creditor, team=team, original_balance=Decimal("900"),
                                     delinquent_since=TODAY - timedelta(days=45)),
    }


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["fresh", "old", "teammates", "unassigned"]),
    ({"aging_bucket": "365+"}, ["old"]),
    ({"aging_bucket": "31-60"}, ["unassigned"]),
    ({"dpd_min": 40, "dpd_max": 100}, ["teammates", "unassigned"]),
    ({"dpd_max": 30}, ["fresh"]),
    ({"balance_min": "700", "balance_max": "900"}, ["teammates", "unassigned"]),
    ({"status": "new"}, ["fresh", "old", "teammates", "unassigned"]),
    ({"status": "paid"}, []),
])
def test_accounts_filters(as_user, manager, spread, params, expected):
    response = as_user(manager).get("/api/v1/accounts/", params)
    assert ids(response) == sorted(spread[name].pk for name in expected)


def test_filter_by_assignee_team_and_creditor(as_user, manager, collector, team, creditor, spread):
    client = as_user(manager)
    assert ids(client.get("/api/v1/accounts/", {"assigned_to": collector.pk})) == sorted(
        [spread["fresh"].pk, spread["old"].pk])
    assert len(ids(client.get("/api/v1/accounts/", {"team": team.pk, "creditor": creditor.pk}))) == 4


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "sleeping"}, "status"), ({"aging_bucket": "1000+"}, "aging_bucket"), ({"dpd_min": "old"}, "dpd_min"),
    ({"dpd_max": "-3"}, "dpd_max"), ({"balance_min": "lots"}, "balance_min"), ({"assigned_to": 999999}, "assigned_to"),
])
def test_unknown_filter_values_are_a_400_naming_the_filter(as_user, manager, params, field):
    response = as_user(manager).get("/api/v1/accounts/", params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("term", ["Gonzalez", "maria gonz", "ACME-00012345", "2345", "(212) 555-0147",
                                  "212.555.0147", "Maria.Gonzalez@example.com"])
def test_search_by_name_reference_phone_or_email(as_user, collector, team_account, term):
    assert ids(as_user(collector).get("/api/v1/accounts/", {"search": term})) == [team_account.pk]


def test_search_misses(as_user, collector, team_account):
    assert ids(as_user(collector).get("/api/v1/accounts/", {"search": "Smith"})) == []


def test_search_finds_a_renamed_debtor_by_the_new_name_only(as_user, collector, team_account):
    client = as_user(collector)
    response = client.patch(f"/api/v1/debtors/{team_account.debtor_id}/", {"last_name": "Okafor"}, format="json")
    assert response.status_code == 200, response.json()
    assert ids(client.get("/api/v1/accounts/", {"search": "okafor"})) == [team_account.pk]
    assert ids(client.get("/api/v1/accounts/", {"search": "Gonzalez"})) == []


def test_search_finds_a_business_debtor_by_its_company_name(as_user, collector, creditor):
    account = AccountFactory(creditor=creditor, assigned_to=collector, debtor__first_name="",
                             debtor__last_name="", debtor__company_name="Harbour Freight Ltd")
    assert ids(as_user(collector).get("/api/v1/accounts/", {"search": "harbour ltd"})) == [account.pk]


def test_collector_sees_own_and_team_unassigned_accounts_only(as_user, collector, spread):
    assert ids(as_user(collector).get("/api/v1/accounts/")) == sorted(
        [spread["fresh"].pk, spread["old"].pk, spread["unassigned"].pk])


ENDPOINTS = ("accounts", "debtors", "payments", "transactions", "contact-points")


@pytest.fixture
def other_team_records(other_team_account, outsider):
    from debtors.ledger import payment_record

    payment, _ = payment_record(actor=outsider, account=other_team_account, amount=Decimal("10.00"), method="cash",
                                received_on=TODAY)
    contact = ContactPoint.objects.create(debtor=other_team_account.debtor, kind="phone", value="+12125550999")
    return {"accounts": other_team_account.pk, "debtors": other_team_account.debtor_id, "payments": payment.pk,
            "transactions": payment.transaction_id, "contact-points": contact.pk}


@pytest.mark.parametrize("persona", ["collector", "manager", "agency_user"])
def test_another_teams_records_are_not_found_by_id(request, as_user, other_team_records, team_account, persona):
    client = as_user(request.getfixturevalue(persona))
    for endpoint in ENDPOINTS:
        assert client.get(f"/api/v1/{endpoint}/{other_team_records[endpoint]}/").status_code == 404, endpoint
        listed = client.get(f"/api/v1/{endpoint}/").json()["results"]
        assert other_team_records[endpoint] not in [row["id"] for row in listed], endpoint


@pytest.mark.parametrize("persona", ["collector", "manager"])
def test_another_teams_account_cannot_be_paid_or_reversed(request, as_user, other_team_records, persona):
    client = as_user(request.getfixturevalue(persona))
    response = pay(client, Account.objects.get(pk=other_team_records["accounts"]), key="intruder-key-01")
    assert response.status_code == 400
    assert response.json()["account"] == [f'Invalid pk "{other_team_records["accounts"]}" - object does not exist.']
    assert client.post(f"/api/v1/payments/{other_team_records['payments']}/reverse/",
                       {"reason": "x"}).status_code == 404
    assert Payment.objects.count() == 1


def test_admin_sees_every_team(as_user, admin_user, other_team_records, team_account):
    client = as_user(admin_user)
    for endpoint in ENDPOINTS:
        assert client.get(f"/api/v1/{endpoint}/{other_team_records[endpoint]}/").status_code == 200


def test_agency_users_see_nothing_until_accounts_are_placed_with_them(as_user, agency_user, team_account):
    client = as_user(agency_user)
    for endpoint in (*ENDPOINTS, "creditors"):
        assert client.get(f"/api/v1/{endpoint}/").json()["count"] == 0, endpoint
    assert agency_user.role == Role.AGENCY


def test_a_debtor_being_set_up_is_visible_to_its_team_only(as_user, collector, teammate, outsider):
    debtor_id = as_user(collector).post("/api/v1/debtors/", {"last_name": "New", "country": "US"}).json()["id"]
    assert as_user(teammate).get(f"/api/v1/debtors/{debtor_id}/").status_code == 200
    assert as_user(outsider).get(f"/api/v1/debtors/{debtor_id}/").status_code == 404
    assert Debtor.objects.filter(pk=debtor_id).exists()


def test_accounts_list_queries_do_not_grow(as_user, manager, team, creditor, django_assert_num_queries):
    client = as_user(manager)
    AccountFactory.create_batch(3, creditor=creditor, team=team)
    # savepoint, count, one page of accounts joined to debtors, creditors, assignees, teams and segments, release
    with django_assert_num_queries(4):
        client.get("/api/v1/accounts/")
    AccountFactory.create_batch(20, creditor=creditor, team=team)
    with django_assert_num_queries(4):
        client.get("/api/v1/accounts/")


@pytest.mark.parametrize("search", ["", "Doe", "+12125550147", "REF-0000"])
def test_queries_per_page_do_not_depend_on_the_page_size(as_user, manager, team, creditor, search):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(manager)
    AccountFactory.create_batch(25, creditor=creditor, team=team)
    counts = set()
    for size in (5, 20, 200):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/accounts/", {"page_size": size, "search": search}).status_code == 200
        counts.add(len(captured.captured_queries))
    assert len(counts) == 1, counts


def test_long_lists_report_an_estimated_count(as_user, manager, team, creditor, monkeypatch):
    from django.db import connection

    from collections_crm import pagination

    AccountFactory.create_batch(6, creditor=creditor, team=team)
    client = as_user(manager)
    assert client.get("/api/v1/accounts/").json()["count"] == 6
    assert "count_is_estimate" not in client.get("/api/v1/accounts/").json()
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 3)
    body = client.get("/api/v1/accounts/", {"page_size": 2}).json()
    if connection.vendor == "postgresql":
        assert body["count_is_estimate"] is True
        assert body["count"] >= 4
    else:
        assert body["count"] == 6
    assert len(body["results"]) == 2
