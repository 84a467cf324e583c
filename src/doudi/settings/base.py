"""Settings shared by every environment. Secrets come from local/test/production modules."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from doudi.settings.env import env_list, env_str, proxy_ssl_header

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Where the embedded SQLite database, demo data and local secrets live.
VAR_DIR = Path(env_str("DOUDI_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = False
ALLOWED_HOSTS = env_list("DOUDI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

# No Django admin site: accounts are managed on doudi's own pages under separation of duties.
# doudi.accounts comes before django.contrib.auth so that its ``createsuperuser`` (a refusal)
# replaces Django's.
INSTALLED_APPS = [
    "doudi.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks_db",
    "doudi.web",
    "doudi.audit",
    "doudi.registry",
    "doudi.intake",
    "doudi.identity",
    "doudi.monitoring",
    "doudi.workdays",
    "doudi.parameters",
    "doudi.casework",
    "doudi.assistance",
    "doudi.integrity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "doudi.web.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "doudi.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "doudi.accounts.middleware.LoginRequiredEverywhere",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "doudi.urls"
WSGI_APPLICATION = "doudi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "doudi.web.context_processors.navigation",
            ],
            # Display filters every template uses: cn_date, cn_datetime, yuan, or_none.
            "builtins": ["doudi.common.display"],
        },
    }
]


def database_from_env(default_sqlite: Path) -> dict:
    """PostgreSQL (or any dj-database-url URL) when DATABASE_URL is set, else SQLite in var/."""
    url = env_str("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(default_sqlite),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
    }


DATABASES = {"default": database_from_env(VAR_DIR / "doudi.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# 等保 level 3: lock an account after repeated failures; end idle sessions.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
# Lock a username at one client address (an outsider cannot lock staff out from elsewhere),
# and limit failures per address across usernames (doudi.accounts.lockout).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "doudi.accounts.lockout.client_ip"
DOUDI_LOGIN_FAILURES_PER_ADDRESS = 20
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "doudi.accounts.views.locked_out"
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy: every script, style, image and connection from this site only, no
# inline script or style (templates use static files; the vendored htmx needs no eval), no
# framing, no plug-ins, forms post only here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# Behind a TLS-terminating proxy: DOUDI_PROXY_SSL_HEADER="X-Forwarded-Proto=https" (the header
# the proxy sets and its value on HTTPS requests). Only set it if the proxy always sets or
# strips that header; otherwise a client could claim HTTPS.
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(env_str("DOUDI_PROXY_SSL_HEADER"))
OTP_TOTP_ISSUER = "doudi 兜底"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
# Static files are served by the application itself (WhiteNoise), straight from the package
# in development and tests; production serves the collected, compressed copies.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a refused or missing credential answers 401 with WWW-Authenticate.
        "doudi.accounts.api.BearerTokenAuthentication",
        "doudi.accounts.api.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "doudi.accounts.api.TokenScopePermission",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "doudi API",
    "DESCRIPTION": "兜底 social-assistance platform — versioned REST API (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The schema maps every route an attacker could try: signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "doudi.accounts.api.BearerTokenAuthentication",
        "doudi.accounts.api.VerifiedSessionAuthentication",
    ],
}
# API tokens expire after this many days (issued on the account's token page).
DOUDI_API_TOKEN_DAYS = 90

# Field encryption (ID numbers) — keys come from the environment-specific modules.
# DOUDI_FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys, newest first (rotation).
FIELD_ENCRYPTION_KEYS: list[str] = []

# The audit chain is signed (HMAC-SHA256) with a key that is never stored in the database.
# DOUDI_AUDIT_KEYS: comma-separated ``id:base64key``, the current (signing) key first; older keys
# stay listed so entries they signed still verify. Set by the environment-specific modules.
DOUDI_AUDIT_KEYS: dict[str, bytes] = {}
# `doudi backup` encrypts its archive with this key (base64 of 32 bytes; keep a copy away from
# the backups). Development and test settings set one; production takes DOUDI_BACKUP_KEY.
DOUDI_BACKUP_KEY = env_str("DOUDI_BACKUP_KEY", "")
# `doudi audit anchor` appends the chain head here (outside the database; keep a copy elsewhere).
DOUDI_AUDIT_ANCHOR_FILE = Path(
    env_str("DOUDI_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl"))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"doudi": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

# Background work (ingestion of uploads …) through Django's Tasks framework, stored in the
# database so the embedded default needs no broker; `doudi db_worker` runs the tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Intake: the lake (Parquet, read by DuckDB) and delivery limits.
DOUDI_LAKE_DIR = Path(env_str("DOUDI_LAKE_DIR") or VAR_DIR / "lake").resolve()
DOUDI_CATALOGUE_DIR = env_str("DOUDI_CATALOGUE_DIR")  # None: the shipped default catalogue
DOUDI_INGEST_MAX_BYTES = 4 * 1024**3  # command line
# A snapshot delivery with fewer rows than this share of the one in force is held until a data
# officer confirms or withdraws it: per feed id, "*" for every other feed.
DOUDI_SNAPSHOT_MIN_RATIO = {"*": 0.8}
DOUDI_UPLOAD_MAX_BYTES = 200 * 1024**2  # upload page and push API
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024**2  # larger uploads spool to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024**2  # JSON batches pushed to the API

# Identity resolution: where each run's persons table is written, and the match threshold
# (a match probability; configuration, not code).
DOUDI_RESULTS_DIR = Path(env_str("DOUDI_RESULTS_DIR") or VAR_DIR / "results").resolve()
DOUDI_LINK_THRESHOLD = 0.5
# DuckDB's memory per connection during linkage (it spills to disk beyond it). 1.5GB keeps a
# 130 000-household district's `doudi link` under 3 GiB in all (its scored pairs are narrow:
# ids and weights); that district also links, a little slower, with 1GB.
DOUDI_LINK_MEMORY_LIMIT = env_str("DOUDI_LINK_MEMORY_LIMIT", "1.5GB")
# Where monitoring runs: "duckdb" (a district, one server) or "spark" (a province). On DuckDB
# each link run also stores the feeds keyed to its persons, which the daily runs read.
DOUDI_MONITOR_BACKEND = env_str("DOUDI_MONITOR_BACKEND", "duckdb")
# Called with run=… after every successful monitoring run (dotted paths), so apps above
# monitoring act on its results without monitoring importing them: casework makes one task
# per open warning, escalates overdue tasks and chases assist-first paperwork.
DOUDI_MONITORING_POST_RUN = [
    "doudi.casework.actions.casework_after_monitoring_run",
    "doudi.assistance.actions.assistance_after_monitoring_run",
]
# Visit attachments (photos, PDFs): outside static and media, served only through casework's
# access layer. Keep it on an encrypted volume, like the lake.
DOUDI_PRIVATE_DIR = VAR_DIR / "private"
DOUDI_ATTACHMENT_MAX_BYTES = 10 * 1024**2

# The demo district (Wuchang, Wuhan).
DOUDI_DISTRICT_CODE = "420106"
DOUDI_DEMO = False
