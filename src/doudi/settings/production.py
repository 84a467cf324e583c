"""Production settings: secrets have no default; refuse to start without them."""

from doudi.settings.base import *  # noqa: F403
from doudi.settings.base import VAR_DIR
from doudi.settings.env import (
    check_fernet_keys,
    check_secret_key,
    env_bool,
    env_str,
    parse_audit_keys,
)

# Weak, demo or malformed secrets stop the start with one line naming the cause and the fix.
SECRET_KEY = check_secret_key(env_str("DOUDI_SECRET_KEY", required=True))
FIELD_ENCRYPTION_KEYS = check_fernet_keys(env_str("DOUDI_FIELD_ENCRYPTION_KEYS", required=True))
# The audit chain's signing keys: never in the database, required.
DOUDI_AUDIT_KEYS = parse_audit_keys(env_str("DOUDI_AUDIT_KEYS"))
DEBUG = False
STATIC_ROOT = VAR_DIR / "static"  # `doudi collectstatic` fills it
WHITENOISE_USE_FINDERS = False
SESSION_COOKIE_SECURE = env_bool("DOUDI_HTTPS", True)
CSRF_COOKIE_SECURE = env_bool("DOUDI_HTTPS", True)
SECURE_SSL_REDIRECT = env_bool("DOUDI_HTTPS", True)
# HSTS (sent on HTTPS responses only): browsers refuse plain HTTP to this site for a year.
SECURE_HSTS_SECONDS = 31536000 if env_bool("DOUDI_HTTPS", True) else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DOUDI_HSTS_SUBDOMAINS", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
