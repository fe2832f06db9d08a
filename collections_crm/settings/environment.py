"""Parse the environment variables that settings depend on, failing with a message that names the variable.

Kept apart from base.py so the parsing is testable without reloading settings.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

# Recognisable so that the production guard below can refuse it; never valid outside development.
INSECURE_DEFAULT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105

SUPPORTED_DATABASE_SCHEMES = ("postgres", "postgresql", "sqlite")
SUPPORTED_REDIS_SCHEMES = ("redis", "rediss")


class ConfigurationError(ImproperlyConfigured):
    """A setting from the environment is missing or malformed; the message names the variable."""


TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off", "")


def env_bool(environ_: dict, name: str, *, default: bool) -> bool:
    """A yes/no variable; a typo such as DEBUG=ture is refused rather than silently read as false."""
    value = environ_.get(name)
    if value is None:
        return default
    if value.strip().lower() in TRUE_WORDS:
        return True
    if value.strip().lower() in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name} must be true or false (got {value!r})")


def env_int(environ_: dict, name: str, *, default: int, minimum: int = 0) -> int:
    value = environ_.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number (got {value!r})") from None
    if number < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum} (got {number})")
    return number


def email_config(url: str) -> dict:
    try:
        return environ.Env.email_url_config(url)
    except (ImproperlyConfigured, KeyError, ValueError):
        raise ConfigurationError("EMAIL_URL is malformed (expected e.g. smtp+tls://user:password@host:587)") from None


def require(environ_: dict, *names: str) -> None:
    """Production has no defaults for these: a missing one stops start-up."""
    for name in names:
        if not environ_.get(name, "").strip():
            raise ConfigurationError(f"{name} must be set in production")


def database_config(url: str, *, sqlite_path: Path) -> dict:
    """Django DATABASES['default'] from DATABASE_URL; SQLite in the data folder when it is empty."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_path),
            # WAL and immediate transactions let the web process and the Celery worker share the file.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    scheme = urlsplit(url).scheme
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ConfigurationError(
            f"DATABASE_URL must start with one of {', '.join(s + '://' for s in SUPPORTED_DATABASE_SCHEMES)}"
            f" (got {scheme + '://' if scheme else 'no scheme'})"
        )
    try:
        config = environ.Env.db_url_config(url)
    except ValueError as exc:
        raise ConfigurationError(f"DATABASE_URL is malformed: {exc}") from None
    if not config.get("NAME"):
        raise ConfigurationError("DATABASE_URL names no database (expected e.g. postgres://user@host:5432/name)")
    if scheme != "sqlite":
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    return config


def redis_url(url: str) -> str:
    """REDIS_URL checked for a scheme and a host; empty means 'no Redis server, use the embedded broker'."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in SUPPORTED_REDIS_SCHEMES or not parts.hostname:
        raise ConfigurationError("REDIS_URL is malformed (expected redis://host:6379/0)")
    try:
        parts.port  # noqa: B018 - urlsplit validates the port lazily
    except ValueError:
        raise ConfigurationError("REDIS_URL has a port that is not a number") from None
    return url


def redis_url_for_db(url: str, db: int) -> str:
    """The same Redis server with another logical database, so the cache never shares the broker's keys."""
    parts = urlsplit(url)
    return parts._replace(path=f"/{db}").geturl()


def refuse_insecure_secret_key(*, debug: bool, secret_key: str) -> None:
    """Production (DEBUG off) must never run with the development key: sessions and tokens would be forgeable."""
    if not debug and secret_key == INSECURE_DEFAULT_SECRET_KEY:
        raise ConfigurationError("SECRET_KEY must be set to a secret value when DEBUG is off")
    if not secret_key:
        raise ConfigurationError("SECRET_KEY is empty")
