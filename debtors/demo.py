"""Demo creditors, debtors, accounts, contact points and payment histories, spread over the demo teams.

Written through the services (so every ledger balances and the audit log is real), from a fixed random seed.
Idempotent: when the demo accounts exist, nothing is added.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from collections_crm.models import Team, User
from collections_crm.roles import Role
from debtors.ledger import payment_record, payment_reverse
from debtors.models import Account, ContactPoint, Creditor, Debtor
from debtors.services import account_open

CREDITORS = (("Acme Consumer Bank", "acme-bank", "USD"), ("Northwind Telecom", "northwind", "USD"),
             ("Bluewater Energy", "bluewater", "GBP"), ("Harbor Auto Finance", "harbor-auto", "USD"))
FIRST_NAMES = ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
               "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Maria",
               "Wei", "Aisha", "Olivia", "Noah", "Amelia", "Harry", "Priya", "Arjun", "Chloe", "Mohammed")
LAST_NAMES = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
              "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
              "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Patel", "Khan", "Evans", "O'Brien")
# Per team: (country, [(region, zone)], phone prefix, creditors)
# Phone numbers come from ranges kept for drama and tests: 555-01xx in North America, 07700 900xxx in the UK.
PLACES = {
    "America/New_York": ("US", [("NY", "America/New_York"), ("MA", "America/New_York"), ("NJ", "America/New_York"),
                                ("FL", "America/New_York"), ("IL", "America/Chicago")], "+121255501{:02d}", "USD"),
    "America/Los_Angeles": ("US", [("CA", "America/Los_Angeles"), ("WA", "America/Los_Angeles"),
                                   ("AZ", "America/Phoenix"), ("TX", "America/Chicago")], "+141555501{:02d}", "USD"),
    "Europe/London": ("GB", [("ENG", "Europe/London"), ("SCT", "Europe/London"), ("WLS", "Europe/London")],
                      "+447700900{:03d}", "GBP"),
}

STREETS = ("Maple Avenue", "High Street", "Church Road", "Oak Lane", "Park Street", "Mill Road", "Station Road",
           "Elm Street", "Victoria Road", "Cedar Court")


def seed(*, accounts_per_team: int, **options) -> list:
    if Account.objects.filter(reference__startswith="DEMO-").exists():
        return []
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    admin = User.objects.get(username="admin")
    creditors = [Creditor.objects.update_or_create(code=code, defaults={"name": name, "currency": currency})[0]
                 for name, code, currency in CREDITORS]
    today = timezone.localdate()
    number = 0
    for team in Team.objects.order_by("name"):
        country, regions, phone_pattern, currency = PLACES.get(team.timezone, PLACES["America/New_York"])
        collectors = list(team.members.filter(role=Role.COLLECTOR, is_active=True))
        team_creditors = [creditor for creditor in creditors if creditor.currency == currency]
        for _ in range(accounts_per_team):
            number += 1
            region, zone = rng.choice(regions)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            debtor = Debtor.objects.create(
                first_name=first, last_name=last, country=country, region=region,
                timezone="" if rng.random() < 0.05 else zone,  # some zones are unknown, as in real files
                date_of_birth=today - timedelta(days=rng.randint(22 * 365, 75 * 365)),
                preferred_language="en", monthly_income=Decimal(rng.randrange(1500, 7000, 50)),
                monthly_expenses=Decimal(rng.randrange(1000, 5000, 50)), income_currency=currency, team=team)
            ContactPoint.objects.create(
                debtor=debtor, kind="phone", value=phone_pattern.format(number % 100), is_primary=True,
                phone_type=rng.choice(["mobile", "mobile", "landline"]), consent_sms=rng.random() < 0.6,
                consent_autodial=rng.random() < 0.3)
            if rng.random() < 0.7:
                ContactPoint.objects.create(
                    debtor=debtor, kind="email", value=f"{first}.{last}.{number}@example.com".lower().replace("'", ""),
                    is_primary=True, consent_email=rng.random() < 0.8)
            ContactPoint.objects.create(  # derived from the number, so the random sequence above is unchanged
                debtor=debtor, kind="address", is_primary=True,
                value=f"{10 + number % 890} {STREETS[number % len(STREETS)]}, {region}, {country}")
            delinquent_days = int(rng.triangular(5, 720, 90))
            placed_on = min(today, today - timedelta(days=delinquent_days) + timedelta(days=rng.randint(30, 120)))
            account = account_open(
                actor=admin, debtor=debtor, creditor=rng.choice(team_creditors), reference=f"DEMO-{number:07d}",
                original_balance=Decimal(round(rng.lognormvariate(7.0, 0.9), 2)).quantize(Decimal("0.01")),
                delinquent_since=today - timedelta(days=delinquent_days), placed_on=placed_on, team=team,
                assigned_to=rng.choice(collectors) if collectors and rng.random() < 0.7 else None)
            _payment_history(rng, account, admin, placed_on, today)
    _schedule_next_actions(rng)
    return []


def _payment_history(rng, account: Account, actor: User, placed_on, today) -> None:
    if (today - placed_on).days < 2:
        return
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3, 4])):
        account.refresh_from_db()
        if account.balance <= 0:
            return
        share = Decimal(rng.choice(["0.1", "0.15", "0.25", "0.5", "1"]))
        amount = max(Decimal("5.00"), (account.balance * share).quantize(Decimal("0.01")))
        payment, _ = payment_record(
            actor=actor, account=account, amount=min(amount, account.balance), received_on=placed_on + timedelta(
                days=rng.randint(1, (today - placed_on).days)), method=rng.choice(["card", "bank_transfer", "cheque"]),
            reference=f"txn-{rng.randrange(10**8):08d}")
        if rng.random() < 0.04:
            payment_reverse(actor=actor, payment=payment, reason=rng.choice(["Cheque bounced", "Card chargeback"]))


def _schedule_next_actions(rng) -> None:
    """Spread the workable accounts' next actions over the coming week, as in a queue that is being worked."""
    now = timezone.now()
    ids = list(Account.objects.filter(status__in=Account.WORKABLE_STATUSES, next_action_at__isnull=True)
               .values_list("id", flat=True))
    for day in range(7):
        Account.objects.filter(id__in=ids[day::7]).update(
            next_action_at=now + timedelta(days=day, hours=rng.randint(0, 8)))
