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

import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# Every file of the test session (lake, link results, uploads, visit attachments, anything
# under the data folder) in one throwaway folder, never the developer's var/; removed when the
# session ends. A test that needs its own folder still sets it (``settings.DOUDI_LAKE_DIR =``).
VAR_DIR = Path(tempfile.mkdtemp(prefix="doudi-test-var-"))
atexit.register(shutil.rmtree, VAR_DIR, ignore_errors=True)
DOUDI_LAKE_DIR = VAR_DIR / "lake"
DOUDI_RESULTS_DIR = VAR_DIR / "results"
DOUDI_PRIVATE_DIR = VAR_DIR / "private"
