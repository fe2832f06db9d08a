from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Recovery metrics and dashboards: snapshots of the figures computed by Celery (liquidation, recovery,
    promise-kept and contact rates, aging, cash collected, collector productivity) so that a dashboard never
    scans raw tables on page load, and exports."""

    name = "reporting"
    default_auto_field = "django.db.models.BigAutoField"
