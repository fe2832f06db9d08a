"""The test suite: the real PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set, else the embedded default."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-secret-key-not-used-anywhere-else")

from collections_crm.settings.base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; hashing is not under test
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so a real Celery worker started by a test can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
# Tests run without collectstatic: whitenoise serves from the finders instead of scanning STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
