import os

from django.core.wsgi import get_wsgi_application

from doudi.settings.env import ImproperlyConfiguredEnv

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings.production")
try:
    application = get_wsgi_application()
except ImproperlyConfiguredEnv as exc:
    # A missing, weak or malformed secret: one line naming the cause and the fix.
    raise SystemExit(f"doudi: cannot start: {exc}") from None
