from django.apps import AppConfig


class DebtorsConfig(AppConfig):
    """Debtors and their debts: creditors, debtors with their contact points and consents, accounts, the
    append-only ledger that is the only source of an account's balance, payments, segments, and the accounts
    list, work queue and account page built on them."""

    name = "debtors"
    default_auto_field = "django.db.models.BigAutoField"
