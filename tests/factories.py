import factory
from factory.django import DjangoModelFactory

from agencies.models import Agency
from collections_crm.models import AuthorityLimit, Team, User
from collections_crm.roles import Role

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
