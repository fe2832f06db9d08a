from datetime import date, timedelta
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from agencies.models import Agency
from collections_crm.models import AuthorityLimit, Team, User
from collections_crm.roles import Role
from debtors.models import Account, ContactPoint, Creditor, Debtor
from debtors.services import account_open

PASSWORD = "correct-horse-battery"


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    timezone = "America/New_York"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    code = factory.Sequence(lambda n: f"agency-{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    role = Role.COLLECTOR
    team = factory.SubFactory(TeamFactory)
    password = factory.django.Password(PASSWORD)

    class Params:
        manager = factory.Trait(role=Role.MANAGER)
        admin = factory.Trait(role=Role.ADMIN, team=None)
        agency_user = factory.Trait(role=Role.AGENCY, team=None, agency=factory.SubFactory(AgencyFactory))


class AuthorityLimitFactory(DjangoModelFactory):
    class Meta:
        model = AuthorityLimit

    role = Role.COLLECTOR
    currency = "USD"
    max_discount_pct = "15.00"
    max_installments = 12
    max_plan_months = 12
    min_installment_amount = "25.00"


class CreditorFactory(DjangoModelFactory):
    class Meta:
        model = Creditor

    name = factory.Sequence(lambda n: f"Creditor {n}")
    code = factory.Sequence(lambda n: f"creditor-{n}")
    currency = "USD"


class DebtorFactory(DjangoModelFactory):
    class Meta:
        model = Debtor

    first_name = "Jane"
    last_name = factory.Sequence(lambda n: f"Doe{n}")
    country = "US"
    region = "NY"
    timezone = "America/New_York"


class AccountFactory(DjangoModelFactory):
    """Accounts open through the ledger service, so their placement is on the ledger like any real account's."""

    class Meta:
        model = Account

    debtor = factory.SubFactory(DebtorFactory)
    creditor = factory.SubFactory(CreditorFactory)
    reference = factory.Sequence(lambda n: f"REF-{n:08d}")
    original_balance = Decimal("1000.00")
    delinquent_since = factory.LazyFunction(lambda: date.today() - timedelta(days=45))
    team = None
    assigned_to = None

    @classmethod
    def _create(cls, model_class, *, team=None, assigned_to=None, **fields):
        admin = User.objects.filter(role=Role.ADMIN).first() or UserFactory(admin=True)
        team = team or (assigned_to.team if assigned_to else None)
        return account_open(actor=admin, team=team, assigned_to=assigned_to, **fields)


class ContactPointFactory(DjangoModelFactory):
    class Meta:
        model = ContactPoint

    debtor = factory.SubFactory(DebtorFactory)
    kind = ContactPoint.Kind.PHONE
    value = factory.Sequence(lambda n: f"+1212555{n:04d}")
    phone_type = ContactPoint.PhoneType.MOBILE
