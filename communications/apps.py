from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    """Every contact with a debtor: the interaction log, message templates rendered in a sandbox, cadences
    of reminders, and the outbox that sends each message exactly once through email and SMS providers after
    a compliance check at send time."""

    name = "communications"
    default_auto_field = "django.db.models.BigAutoField"
