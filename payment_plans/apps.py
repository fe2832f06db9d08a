from django.apps import AppConfig


class PaymentPlansConfig(AppConfig):
    """What a debtor agrees to pay: payment plans and settlements with their installment schedules, promises
    to pay, the authority check that sends plans beyond a proposer's limits to a manager for approval, and
    the daily detection of missed installments, broken promises and broken plans."""

    name = "payment_plans"
    default_auto_field = "django.db.models.BigAutoField"
