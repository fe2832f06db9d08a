"""Production: secrets and service addresses have no defaults, so a missing one stops start-up."""

from collections_crm.settings.base import *
from collections_crm.settings.environment import database_config, redis_url

SECRET_KEY = env.str("SECRET_KEY")
# Container health checks call http://localhost:8000/healthz from inside the container.
ALLOWED_HOSTS = [*env.list("ALLOWED_HOSTS"), "localhost"]
DATABASES = {"default": database_config(env.str("DATABASE_URL"), sqlite_path=DATA_DIR / "unused.sqlite3")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if not redis_url(env.str("REDIS_URL")):
    raise ConfigurationError("REDIS_URL must be set in production")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Browser preload lists are hard to leave, so the operator opts in; until then Django's reminder is silenced.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
