import sys

from django.core.exceptions import ImproperlyConfigured


def load_settings_or_exit() -> None:
    """Load settings now, so a bad environment variable stops start-up with one line that names it."""
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - touching a setting imports the settings module
    except ImproperlyConfigured as exc:
        sys.exit(f"Configuration error: {exc}")
