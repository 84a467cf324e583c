"""Settings for the test suite: fixed throwaway keys, fast hashing, same access rules."""

from doudi.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"
FIELD_ENCRYPTION_KEYS = ["mwAOzS5WyyxTXjgI-QjrrdZCpCe6Ipwhso3KYhzO0Ak="]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
DOUDI_DEMO = False
# Throwaway audit-chain key (base64 of 32 bytes), test only.
DOUDI_AUDIT_KEYS = {"t1": b"test-only-audit-key-0123456789abcdef"}
DOUDI_BACKUP_KEY = "dGVzdC1vbmx5LWJhY2t1cC1rZXktMDEyMzQ1Njc4OWE="  # test only
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# Visit attachments of the test run: a throwaway folder, never the developer's var/.
DOUDI_PRIVATE_DIR = Path(tempfile.mkdtemp(prefix="doudi-test-private-"))
