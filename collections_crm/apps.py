from django.apps import AppConfig


class CollectionsCrmConfig(AppConfig):
    """The project core: users, teams and their roles, authority limits, the scoping every queryset goes
    through, the page layout and navigation, health checks, the Celery app and its schedule, and demo data."""

    name = "collections_crm"
    verbose_name = "Users and teams"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from collections_crm import signals  # noqa: F401 - connects the audit receivers
