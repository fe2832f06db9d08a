"""Production: secrets and service addresses have no defaults, and debug is off whatever the environment says."""

import os

from collections_crm.settings.base import *
from collections_crm.settings.environment import env_bool, env_int, refuse_insecure_secret_key, require

require(os.environ, "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "EMAIL_URL")
DEBUG = False
refuse_insecure_secret_key(debug=DEBUG, secret_key=SECRET_KEY)
# Container health checks call http://localhost:8000/healthz from inside the container.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "localhost"]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool(os.environ, "SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int(os.environ, "SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Browser preload lists are hard to leave, so the operator opts in; until then Django's reminder is silenced.
SECURE_HSTS_PRELOAD = env_bool(os.environ, "SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
