"""Settings for the test suite: fixed throwaway keys, fast hashing, same access rules."""

from doudi.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"
FIELD_ENCRYPTION_KEYS = ["mwAOzS5WyyxTXjgI-QjrrdZCpCe6Ipwhso3KYhzO0Ak="]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
DOUDI_DEMO = False
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
