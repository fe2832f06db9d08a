"""The compliance engine beyond the reference scenarios: daylight saving, unknown and conflicting zones, the edges
of every window, each hold kind, disputes by status, and a query count that does not grow with the history."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communications.services import interaction_log
from compliance.engine import check_contact
from compliance.models import Rule
from compliance.services import dispute_raise, hold_place, validation_notice_record
from debtors.ledger import payment_record
from tests.factories import AccountFactory, ContactPointFactory

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def account(admin_user):
    """A New York debtor with a consenting mobile and a validation notice sent long ago."""
    account = AccountFactory(debtor__timezone="America/New_York", debtor__region="NY",
                             delinquent_since=date(2025, 9, 1))
    ContactPointFactory(debtor=account.debtor, is_primary=True, consent_sms=True)
    validation_notice_record(actor=admin_user, account=account, sent_at=utc(2026, 1, 5, 15))
    return account


def rules(verdict) -> set[str]:
    return {violation.rule for violation in verdict.violations}


def call(account, actor, at, outcome="no_answer", **fields):
    point = account.debtor.contact_points.filter(kind="phone").first()
    return interaction_log(actor=actor, account=account, channel=fields.pop("channel", "call"), occurred_at=at,
                           outcome=outcome, contact_point=point, **fields)


@pytest.mark.parametrize(("at", "verdict"), [
    (utc(2026, 3, 6, 12, 30), "block"),   # 07:30 EST, the Friday before clocks go forward
    (utc(2026, 3, 9, 12, 30), "allow"),   # 08:30 EDT, the Monday after
    (utc(2026, 10, 30, 12, 30), "allow"),  # 08:30 EDT, the Friday before clocks go back
    (utc(2026, 11, 2, 12, 30), "block"),  # 07:30 EST, the Monday after
])
def test_contact_hours_follow_daylight_saving(account, at, verdict):
    assert check_contact(account, "call", at).verdict == verdict


@pytest.mark.parametrize(("local", "verdict"), [
    ("07:59:59", "block"), ("08:00:00", "allow"), ("21:00:00", "allow"), ("21:00:01", "block"),
])
def test_both_ends_of_the_contact_hours_are_allowed(account, local, verdict):
    hours, minutes, seconds = map(int, local.split(":"))
    at = utc(2026, 6, 10, hours, minutes, seconds) + timedelta(hours=4)  # New York is UTC-4 in June
    assert check_contact(account, "call", at).verdict == verdict


def test_without_a_zone_the_attempt_must_suit_every_zone_of_the_region(account):
    debtor = account.debtor
    debtor.timezone = ""
    debtor.region = "AZ"  # Phoenix (no daylight saving) and the Navajo Nation's Denver time
    debtor.save()
    at = utc(2026, 6, 10, 14, 30)  # 07:30 in Phoenix, 08:30 in Denver
    verdict = check_contact(account, "call", at)
    assert verdict.zones == ["America/Phoenix", "America/Denver"]
    assert rules(verdict) == {"contact_hours"}
    assert "America/Phoenix" in verdict.violations[0].message
    assert check_contact(account, "call", at + timedelta(hours=1)).verdict == "allow"


def test_without_a_zone_or_region_every_zone_of_the_country_applies(account):
    debtor = account.debtor
    debtor.timezone, debtor.region = "", ""
    debtor.save()
    assert "Pacific/Honolulu" in check_contact(account, "call", utc(2026, 6, 10, 16)).zones
    # 12:00 in New York is 06:00 in Honolulu.
    assert check_contact(account, "call", utc(2026, 6, 10, 16)).verdict == "block"
    # 14:00 in Honolulu is 20:00 in New York: every US zone is within 08:00-21:00.
    assert check_contact(account, "call", utc(2026, 6, 11, 0)).verdict == "allow"


def test_a_contact_point_in_another_zone_must_suit_both(account):
    point = account.debtor.contact_points.get()
    point.timezone = "America/Los_Angeles"
    point.save()
    verdict = check_contact(account, "call", utc(2026, 6, 10, 14))  # 10:00 in New York, 07:00 in Los Angeles
    assert verdict.zones == ["America/New_York", "America/Los_Angeles"]
    assert verdict.verdict == "block"


def test_the_seventh_call_in_seven_days_is_allowed_and_the_eighth_is_not(account, admin_user):
    for day in range(4, 10):  # six calls, 4 to 9 June
        call(account, admin_user, utc(2026, 6, day, 15))
    at = utc(2026, 6, 10, 15)
    assert check_contact(account, "call", at).verdict == "allow"
    call(account, admin_user, at - timedelta(hours=2))
    assert rules(check_contact(account, "call", at)) == {"frequency_cap"}
    # On 11 June the window is 5-11 June: the call of 4 June has left it.
    assert check_contact(account, "call", utc(2026, 6, 11, 15)).verdict == "allow"


def test_busy_signals_do_not_count_toward_the_cap(account, admin_user):
    for hour in range(13, 20):
        call(account, admin_user, utc(2026, 6, 9, hour), outcome="busy")
    assert check_contact(account, "call", utc(2026, 6, 10, 15)).verdict == "allow"


def test_the_quiet_period_after_a_conversation_ends_with_its_seventh_day(account, admin_user):
    call(account, admin_user, utc(2026, 6, 1, 23, 30), outcome="right_party_contact")  # 19:30 on 1 June locally
    assert rules(check_contact(account, "call", utc(2026, 6, 8, 0, 59))) == {"conversation_cooloff"}  # 7 June 20:59
    assert check_contact(account, "call", utc(2026, 6, 8, 12, 0)).verdict == "allow"  # 8 June 08:00
    assert check_contact(account, "sms", utc(2026, 6, 3, 15)).verdict == "allow"  # other channels may go on


@pytest.mark.parametrize(("kind", "country", "verdict"), [
    ("cease_communication", "US", "block"), ("attorney_represented", "US", "block"), ("bankruptcy", "US", "block"),
    ("deceased", "US", "block"), ("military", "US", "warn"), ("breathing_space", "US", "allow"),
    ("breathing_space", "GB", "block"), ("attorney_represented", "GB", "allow"),
])
def test_each_hold_kind_stops_contact_where_its_pack_says(account, admin_user, kind, country, verdict):
    debtor = account.debtor
    debtor.country, debtor.region, debtor.timezone = country, "", "Europe/London" if country == "GB" else \
        "America/New_York"
    debtor.save()
    hold_place(actor=admin_user, debtor=debtor, kind=kind, starts_at=utc(2026, 5, 1))
    result = check_contact(account, "call", utc(2026, 6, 10, 15))
    assert result.verdict == verdict
    assert rules(result) == ({"hold_block"} if verdict != "allow" else set())


def test_a_hold_on_the_account_applies_only_while_it_runs(account, admin_user):
    hold_place(actor=admin_user, account=account, kind="cease_communication", starts_at=utc(2026, 5, 1),
               ends_at=utc(2026, 6, 1))
    assert check_contact(account, "call", utc(2026, 4, 30, 15)).verdict == "allow"
    assert rules(check_contact(account, "call", utc(2026, 5, 15, 15))) == {"hold_block"}
    assert check_contact(account, "call", utc(2026, 6, 1, 15)).verdict == "allow"


@pytest.mark.parametrize(("status", "verdict"), [("open", "block"), ("verification_sent", "allow"),
                                                 ("resolved", "allow")])
def test_only_an_open_dispute_stops_collection(account, admin_user, status, verdict):
    dispute_raise(actor=admin_user, account=account, raised_at=utc(2026, 5, 1), status=status)
    assert check_contact(account, "call", utc(2026, 6, 10, 15)).verdict == verdict


def test_an_open_dispute_makes_the_account_disputed_and_resolving_it_returns_it_to_work(account, admin_user):
    from compliance.services import dispute_update

    dispute = dispute_raise(actor=admin_user, account=account, raised_at=utc(2026, 5, 1))
    account.refresh_from_db()
    assert account.status == "disputed"
    dispute_update(actor=admin_user, dispute=dispute, status="resolved")
    account.refresh_from_db()
    assert account.status == "active"


def test_the_validation_notice_warns_then_blocks_and_letters_are_exempt(admin_user):
    account = AccountFactory(debtor__region="NY")
    ContactPointFactory(debtor=account.debtor, is_primary=True)
    ContactPointFactory(debtor=account.debtor, kind="address", value="1 Main St", phone_type="", is_primary=True)
    assert check_contact(account, "call", utc(2026, 6, 10, 15)).verdict == "warn"
    call(account, admin_user, utc(2026, 6, 10, 15))
    assert check_contact(account, "call", utc(2026, 6, 14, 15)).verdict == "warn"  # 4 days after the first contact
    verdict = check_contact(account, "call", utc(2026, 6, 15, 15))  # 5 days after
    assert (verdict.verdict, rules(verdict)) == ("block", {"validation_period"})
    assert check_contact(account, "letter", utc(2026, 6, 15, 15)).verdict == "allow"
    validation_notice_record(actor=admin_user, account=account, sent_at=utc(2026, 6, 15, 14))
    assert check_contact(account, "call", utc(2026, 6, 15, 15)).verdict == "allow"


@pytest.mark.parametrize(("region", "barred"), [("TX", False), ("NY", True)])
def test_a_payment_restarts_the_limitation_period_except_where_it_does_not(admin_user, region, barred):
    account = AccountFactory(debtor__region=region, delinquent_since=date(2020, 1, 10))
    ContactPointFactory(debtor=account.debtor, is_primary=True)
    validation_notice_record(actor=admin_user, account=account, sent_at=utc(2026, 1, 5, 15))
    payment_record(actor=admin_user, account=account, amount=Decimal("10.00"), method="card",
                   received_on=date(2024, 3, 1))
    verdict = check_contact(account, "call", utc(2026, 6, 10, 15))
    assert (rules(verdict) == {"time_barred"}) is barred
    assert verdict.verdict == ("warn" if barred else "allow")


def test_opt_out_consent_and_workplace_follow_the_contact_point_used(account, admin_user):
    work = ContactPointFactory(debtor=account.debtor, is_workplace=True, phone_type="landline")
    at = utc(2026, 6, 10, 15)
    assert rules(check_contact(account, "call", at, work)) == {"workplace"}
    assert rules(check_contact(account, "sms", at, work)) == {"consent_required"}
    work.opted_out_at = utc(2026, 6, 1)
    work.save()
    assert rules(check_contact(account, "sms", at, work)) == {"consent_required", "opt_out"}
    assert check_contact(account, "sms", utc(2026, 5, 30, 15), work).verdict == "block"  # consent still lacking


def test_no_usable_contact_point_blocks(account):
    verdict = check_contact(account, "email", utc(2026, 6, 10, 15))
    assert (verdict.verdict, rules(verdict)) == ("block", {"no_contact_point"})


def test_rest_days_and_inactive_rules(account, admin_user):
    from compliance.services import rule_update

    christmas = utc(2026, 12, 25, 15)
    assert rules(check_contact(account, "call", christmas)) == {"rest_days"}
    rule = Rule.objects.get(kind="rest_days", pack__code="ORG")
    rule_update(actor=admin_user, rule=rule, is_active=False)
    assert check_contact(account, "call", christmas).verdict == "allow"


def test_the_checks_queries_do_not_grow_with_the_history(account, admin_user):
    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            check_contact(account, "call", utc(2026, 6, 10, 15))
        return len(captured)

    call(account, admin_user, utc(2026, 6, 9, 15))
    few = count_queries()
    for day in range(1, 40):
        call(account, admin_user, utc(2026, 4, 1, 15) + timedelta(days=day), outcome="busy")
    assert count_queries() == few
