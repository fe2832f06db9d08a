from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from collections_crm.roles import Role
from collections_crm.scoping import ScopedQuerySet
from collections_crm.validators import validate_currency_code, validate_iana_timezone


class TeamQuerySet(ScopedQuerySet):
    def scope_for_manager(self, user):
        return self.filter(pk=user.team_id)

    def scope_for_collector(self, user):
        return self.filter(pk=user.team_id) if user.team_id else self.none()


class Team(models.Model):
    """A group of collectors under one or more managers; the unit that owns a queue of accounts."""

    name = models.CharField(max_length=100)
    timezone = models.CharField(
        max_length=64, default="UTC", validators=[validate_iana_timezone],
        help_text="IANA zone of the team's working day; dashboards count 'today' in it.")
    postal_address = models.TextField(blank=True, help_text="Where debtors write to the team: the sender's "
                                                            "address on its letters.")

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="collections_crm_team_name_ci_unique",
                                    violation_error_message="A team with this name already exists."),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def managers(self):
        return self.members.filter(role=Role.MANAGER, is_active=True)


class UserQuerySet(ScopedQuerySet):
    def scope_for_manager(self, user):
        return self.filter(team=user.team_id)

    def scope_for_collector(self, user):
        # Colleagues are visible so a collector can see who holds an account of their team.
        return self.filter(team=user.team_id) if user.team_id else self.filter(pk=user.pk)

    def scope_for_agency(self, user):
        return self.filter(agency=user.agency_id)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields["role"] = Role.ADMIN  # superusers are admins (SPEC 1), enforced by a constraint too
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    Role = Role

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.COLLECTOR)
    team = models.ForeignKey(Team, models.PROTECT, null=True, blank=True, related_name="members")
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, null=True, blank=True, related_name="users",
                               help_text="Required for agency users, empty for everyone else.")

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="collections_crm_user_username_ci_unique",
                                    violation_error_message="This username is taken (usernames ignore case)."),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="collections_crm_user_role_valid"),
            models.CheckConstraint(
                condition=(Q(role=Role.AGENCY, agency__isnull=False, team__isnull=True)
                           | (~Q(role=Role.AGENCY) & Q(agency__isnull=True))),
                name="collections_crm_user_agency_only_for_agency_role",
                violation_error_message="Agency users belong to an agency and no team; other users to no agency.",
            ),
            models.CheckConstraint(
                condition=Q(is_superuser=False) | Q(role=Role.ADMIN),
                name="collections_crm_user_superuser_is_admin",
                violation_error_message="A superuser must have the admin role.",
            ),
        ]
        # Team member lists and "who manages this team" look-ups.
        indexes = [models.Index(fields=["team", "role"], name="collections_crm_user_team_role")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AuthorityLimitQuerySet(ScopedQuerySet):
    """Limits are configuration: everyone but admins sees only the limits that bind their own role and team."""

    def _binding(self, user):
        return self.filter(Q(team__isnull=True) | Q(team=user.team_id), role=user.role)

    def scope_for_manager(self, user):
        return self._binding(user)

    def scope_for_collector(self, user):
        return self._binding(user)


class AuthorityLimit(models.Model):
    """How far a role (optionally within one team) may go in a plan or settlement without a manager's approval.

    A team-specific limit overrides the role-wide one for the same currency.
    """

    role = models.CharField(max_length=16, choices=Role.choices)
    team = models.ForeignKey(Team, models.CASCADE, null=True, blank=True, related_name="authority_limits")
    currency = models.CharField(max_length=3, validators=[validate_currency_code])
    max_discount_pct = models.DecimalField(
        "max discount %", max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    max_installments = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    max_plan_months = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    min_installment_amount = models.DecimalField(max_digits=14, decimal_places=2,
                                                 validators=[MinValueValidator(Decimal("0"))])

    objects = AuthorityLimitQuerySet.as_manager()

    class Meta:
        ordering = ["role", "team__name", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "team", "currency"], condition=Q(team__isnull=False),
                name="collections_crm_authoritylimit_one_per_team",
                violation_error_message="This team already has a limit for this role and currency; edit that one."),
            models.UniqueConstraint(
                fields=["role", "currency"], condition=Q(team__isnull=True),
                name="collections_crm_authoritylimit_one_per_role",
                violation_error_message="This role already has a limit for this currency; edit that one."),
            models.CheckConstraint(condition=Q(max_discount_pct__gte=0, max_discount_pct__lte=100),
                                   name="collections_crm_authoritylimit_discount_pct_range"),
            models.CheckConstraint(condition=Q(max_installments__gte=1, max_plan_months__gte=1),
                                   name="collections_crm_authoritylimit_counts_positive"),
            models.CheckConstraint(condition=Q(min_installment_amount__gte=0),
                                   name="collections_crm_authoritylimit_min_installment_non_negative"),
        ]

    def __str__(self) -> str:
        scope = f"{self.team} " if self.team_id else ""
        return f"{scope}{self.get_role_display()} limits ({self.currency})"


class Heartbeat(models.Model):
    """The last time a periodic job ran, so /healthz can tell whether the worker and its scheduler are alive."""

    name = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
