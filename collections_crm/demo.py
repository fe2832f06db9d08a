"""Demo teams, users, an agency and authority limits for the embedded default. Idempotent: rows are matched by
their natural keys and brought back to the demo values, so running it again changes nothing."""

from dataclasses import dataclass
from decimal import Decimal

from agencies.models import Agency
from collections_crm.models import AuthorityLimit, Team, User
from collections_crm.roles import Role

DEMO_PASSWORD = "collect-demo-2026"  # noqa: S105 - printed for the newcomer; seed_demo refuses production


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str


TEAMS = (
    # name, time zone, login prefix, manager's name, collectors' names
    ("East Coast Recoveries", "America/New_York", "east", ("Maria", "Santos"),
     (("James", "Walker"), ("Priya", "Natarajan"), ("Tom", "Becker"))),
    ("West Coast Recoveries", "America/Los_Angeles", "west", ("Daniel", "Kim"),
     (("Sofia", "Alvarez"), ("Marcus", "Reed"), ("Hannah", "Olsen"))),
    ("UK Collections", "Europe/London", "uk", ("Fiona", "Campbell"),
     (("Oliver", "Hughes"), ("Amelia", "Shah"))),
)

# Where debtors write to each team: the sender's address on its letters.
TEAM_ADDRESSES = {"East Coast Recoveries": "200 Liberty Street, Suite 1400\nNew York, NY 10281",
                  "West Coast Recoveries": "555 Market Street, 9th Floor\nSan Francisco, CA 94105",
                  "UK Collections": "1 Wellington Place\nLeeds LS1 4AP"}

AGENCY = ("northgate", "Northgate Recovery Partners")

# Role-wide limits per currency; the West team's collectors are trusted with a little more.
AUTHORITY_LIMITS = (
    (Role.COLLECTOR, None, "USD", "15.00", 12, 12, "25.00"),
    (Role.MANAGER, None, "USD", "40.00", 36, 36, "10.00"),
    (Role.COLLECTOR, None, "GBP", "10.00", 12, 12, "20.00"),
    (Role.MANAGER, None, "GBP", "35.00", 36, 36, "10.00"),
    (Role.COLLECTOR, "West Coast Recoveries", "USD", "20.00", 18, 18, "25.00"),
)


def _user(username: str, *, first_name: str, last_name: str, role: str, team=None, agency=None,
          is_superuser: bool = False) -> User:
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "role": role, "team": team, "agency": agency,
                  "email": f"{username}@demo.example", "is_active": True,
                  "is_staff": is_superuser, "is_superuser": is_superuser},
    )
    if not user.check_password(DEMO_PASSWORD):  # a fresh hash on every run would change the row
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed(**options) -> list[DemoLogin]:
    logins = [DemoLogin("admin", Role.ADMIN.label, "everything, and the Django admin")]
    _user("admin", first_name="Ada", last_name="Admin", role=Role.ADMIN, is_superuser=True)
    # A second admin, because a message template is approved by someone other than the admin who wrote it.
    logins.append(DemoLogin("compliance-admin", Role.ADMIN.label, "everything; approves the templates admin writes"))
    _user("compliance-admin", first_name="Clara", last_name="Okafor", role=Role.ADMIN)

    teams = {}
    for name, zone, prefix, manager, collectors in TEAMS:
        team, _ = Team.objects.update_or_create(name=name, defaults={"timezone": zone,
                                                                    "postal_address": TEAM_ADDRESSES[name]})
        teams[name] = team
        _user(f"{prefix}-manager", first_name=manager[0], last_name=manager[1], role=Role.MANAGER, team=team)
        logins.append(DemoLogin(f"{prefix}-manager", Role.MANAGER.label, name))
        for number, (first, last) in enumerate(collectors, start=1):
            _user(f"{prefix}-collector-{number}", first_name=first, last_name=last, role=Role.COLLECTOR, team=team)
            logins.append(DemoLogin(f"{prefix}-collector-{number}", Role.COLLECTOR.label, name))

    agency, _ = Agency.objects.update_or_create(code=AGENCY[0], defaults={"name": AGENCY[1], "is_active": True})
    _user("agency-northgate", first_name="Nora", last_name="Gates", role=Role.AGENCY, agency=agency)
    logins.append(DemoLogin("agency-northgate", Role.AGENCY.label, agency.name))

    for role, team_name, currency, discount, installments, months, minimum in AUTHORITY_LIMITS:
        AuthorityLimit.objects.update_or_create(
            role=role, team=teams.get(team_name), currency=currency,
            defaults={"max_discount_pct": Decimal(discount), "max_installments": installments,
                      "max_plan_months": months, "min_installment_amount": Decimal(minimum)},
        )
    return logins
