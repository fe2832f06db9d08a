import os

from django.core.wsgi import get_wsgi_application

from collections_crm.startup import load_settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_crm.settings.production")
load_settings_or_exit()
application = get_wsgi_application()
