"""The embedded default for development and the one-command demo: debug on unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")

from collections_crm.settings.base import *

# Edited CSS and JS show at once; production serves hashed, compressed copies.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
