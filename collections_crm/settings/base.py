"""Settings shared by every environment; every value that differs between machines comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from collections_crm.settings.environment import (
    INSECURE_DEFAULT_SECRET_KEY,
    database_config,
    email_config,
    env_bool,
    env_int,
    redis_url,
    redis_url_for_db,
    refuse_insecure_secret_key,
)

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

# Where the embedded default keeps its SQLite file, broker queue and sent mail.
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))

DEBUG = env_bool(os.environ, "DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
refuse_insecure_secret_key(debug=DEBUG, secret_key=SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_celery_beat",
    "axes",
    "csp",
    "collections_crm",
    "agencies",
    "debtors",
    "payment_plans",
    "communications",
    "compliance",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says otherwise (login page, /healthz; the API authenticates itself).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "collections_crm.urls"
WSGI_APPLICATION = "collections_crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "collections_crm.navigation.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_config(env.str("DATABASE_URL", default=""), sqlite_path=DATA_DIR / "db.sqlite3")}
# Outside effects (tasks, messages) wait for the request's commit through transaction.on_commit.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url(env.str("REDIS_URL", default=""))
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": redis_url_for_db(REDIS_URL, 1),
                          "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "collections_crm.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A collector's working day, so nobody is logged out mid-shift.
SESSION_COOKIE_AGE = int(timedelta(hours=10).total_seconds())

# Login throttling: five failures for one username from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = env_int(os.environ, "AXES_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int(os.environ, "AXES_COOLOFF_MINUTES", default=15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a TLS proxy or load balancer every request comes from its address: count the proxies that append to
# X-Forwarded-For, so throttling sees each client's own address (collections_crm/security.py).
TRUSTED_PROXY_COUNT = env_int(os.environ, "TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "collections_crm.security.client_ip"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from the npm registry (package-lock.json) and are collected from node_modules.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

if env.str("EMAIL_URL", default=""):
    vars().update(email_config(env.str("EMAIL_URL")))
else:  # the embedded default keeps each sent email as a file, beside the texts and letters the outbox sent
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "outbox" / "email"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Collections CRM <no-reply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Where a debtor pays: `{{ payment_link }}` in message templates, with {reference} replaced by the account's
# reference (e.g. https://pay.example.com/acme?ref={reference}).
PAYMENT_LINK_URL = env.str("PAYMENT_LINK_URL", default="https://pay.example.com/?ref={reference}")
# The shared secret that signs the SMS provider's webhooks (delivery receipts, replies); empty refuses them all.
SMS_WEBHOOK_SECRET = env.str("SMS_WEBHOOK_SECRET", default="")
# How texts leave: "file" (DATA_DIR/outbox/sms/sent.jsonl, the default) or "twilio" (a Twilio-style REST API).
SMS_BACKEND = env.str("SMS_BACKEND", default="file")
if SMS_BACKEND not in ("file", "twilio"):
    raise ImproperlyConfigured(f"SMS_BACKEND must be file or twilio, not {SMS_BACKEND!r}")
TWILIO_API_BASE = env.str("TWILIO_API_BASE", default="https://api.twilio.com")
if not TWILIO_API_BASE.startswith(("https://", "http://")):
    raise ImproperlyConfigured("TWILIO_API_BASE must be an http(s) URL")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM = env.str("TWILIO_FROM", default="")
# Seconds to wait for the SMS API's answer; after that, whether the text went is unknown and it is not resent.
TWILIO_TIMEOUT = env.float("TWILIO_TIMEOUT", default=10.0)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws form controls with data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    # Token first, so an unauthenticated call gets 401 with a WWW-Authenticate header rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "collections_crm.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "collections_crm.api_errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Collections CRM API",
    "DESCRIPTION": "Accounts, payments, plans, communications and compliance checks for debt collection teams.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/favicon.svg",
    # Several models have a `status`; each set of choices gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "AccountStatusEnum": "debtors.models.AccountStatus",
        "DisputeStatusEnum": "compliance.models.Dispute.Status",
        "ComplaintStatusEnum": "compliance.models.Complaint.Status",
        "PlanStatusEnum": "payment_plans.models.PaymentPlan.Status",
        "PlanKindEnum": "payment_plans.models.PaymentPlan.Kind",
        "InteractionChannelEnum": "communications.models.Channel",
        "MessageChannelEnum": "communications.models.MessageTemplate.TemplateChannel",
        "OutboundStatusEnum": "communications.models.OutboundMessage.Status",
        "TemplateStatusEnum": "communications.models.MessageTemplate.Status",
        "InstallmentStatusEnum": "payment_plans.models.Installment.Status",
        "PromiseStatusEnum": "payment_plans.models.PromiseToPay.Status",
    },
}

# Celery: Redis when REDIS_URL is set; otherwise a broker in the data folder that needs no server.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if REDIS_URL:
    # Unacknowledged tasks come back after this long; every countdown stays below it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
else:
    CELERY_QUEUE_DIR = DATA_DIR / "celery" / "queue"
    CELERY_PROCESSED_DIR = DATA_DIR / "celery" / "processed"
    for folder in (CELERY_QUEUE_DIR, CELERY_PROCESSED_DIR):
        folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR),
        "data_folder_out": str(CELERY_QUEUE_DIR),
        "processed_folder": str(CELERY_PROCESSED_DIR),
        "control_folder": str(DATA_DIR / "celery" / "control"),  # else kombu writes ./control where it runs
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must not hang on a dead broker: try briefly, then fail (the outbox keeps messages safe).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
