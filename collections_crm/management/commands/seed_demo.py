from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from collections_crm.demo import DEMO_PASSWORD

# Each app's demo data, in dependency order; each seeder is idempotent, takes the command's options and returns
# the logins it made.
SEEDERS = ("collections_crm.demo.seed", "debtors.demo.seed", "compliance.demo.seed", "payment_plans.demo.seed",
           "communications.demo.seed")


class Command(BaseCommand):
    help = "Create (or refresh) the demo teams, users and data, and print the demo logins. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Seed even with DEBUG off. Demo users have a published password.")
        parser.add_argument("--accounts-per-team", type=int, default=700, help="Demo accounts for each team.")

    def handle(self, *args, force: bool, accounts_per_team: int, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to create demo users with a published password while DEBUG is off; "
                               "pass --force if this really is a demo system.")
        with transaction.atomic():
            logins = [login for seeder in SEEDERS
                      for login in import_string(seeder)(accounts_per_team=accounts_per_team)]
        width = max(len(login.username) for login in logins)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at http://127.0.0.1:8000 with:"))
        self.stdout.write(f"  {'username':<{width}}  {'role':<12}  sees")
        for login in logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.role:<12}  {login.scope}")
        self.stdout.write(f"  password for all of them: {DEMO_PASSWORD}")
