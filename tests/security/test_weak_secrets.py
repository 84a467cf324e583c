"""F9: production refuses to start with a short or demo secret key, a malformed or published
field-encryption key, or a missing or malformed audit key — with one line naming the cause."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

STRONG_SECRET = "q8Zr2vLk-7mWcT1xYp4NfHb9sJd3GeUa0RiK6oVtQw5EyBnXzMhCgPlFjSuDI_A"
FIELD_KEY = "Qm9YUXg3c2lGdDJ6S1ZjZUpyTmJoV3lEcGE1THVtUTg="
AUDIT_KEYS = "a1:" + "c2VjcmV0LWF1ZGl0LWtleS1mb3ItdGVzdGluZy0xMjM0NTY="
GOOD = {
    "DOUDI_SECRET_KEY": STRONG_SECRET,
    "DOUDI_FIELD_ENCRYPTION_KEYS": FIELD_KEY,
    "DOUDI_AUDIT_KEYS": AUDIT_KEYS,
}


def _start(tmp_path, **overrides) -> subprocess.CompletedProcess:
    """`doudi check` with production settings in a fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOUDI_", "DATABASE_URL"))}
    env.update(GOOD)
    env.update({"DJANGO_SETTINGS_MODULE": "doudi.settings.production"})
    env["DOUDI_VAR_DIR"] = str(tmp_path)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "doudi", "check", "--deploy", "--fail-level", "CRITICAL"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_good_secrets_start(tmp_path):
    result = _start(tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("DOUDI_SECRET_KEY", "short-key-0123456789", "DOUDI_SECRET_KEY is too weak (20 characters"),
        ("DOUDI_SECRET_KEY", "ab" * 40, "DOUDI_SECRET_KEY is too weak (80 characters, 2 distinct"),
        (
            "DOUDI_SECRET_KEY",
            "test-only-secret-key-not-for-production-use-0123456789",
            "DOUDI_SECRET_KEY is a demo or test key",
        ),
        (
            "DOUDI_SECRET_KEY",
            "django-insecure-" + STRONG_SECRET,
            "DOUDI_SECRET_KEY is a demo or test key",
        ),
        ("DOUDI_SECRET_KEY", None, "environment variable DOUDI_SECRET_KEY is required"),
        (
            "DOUDI_FIELD_ENCRYPTION_KEYS",
            "not-a-key",
            "DOUDI_FIELD_ENCRYPTION_KEYS: key 1 is not a Fernet key",
        ),
        (
            "DOUDI_FIELD_ENCRYPTION_KEYS",
            f"{FIELD_KEY},{FIELD_KEY[:-2]}",
            "DOUDI_FIELD_ENCRYPTION_KEYS: key 2 is not a Fernet key",
        ),
        (
            "DOUDI_FIELD_ENCRYPTION_KEYS",
            "mwAOzS5WyyxTXjgI-QjrrdZCpCe6Ipwhso3KYhzO0Ak=",
            "DOUDI_FIELD_ENCRYPTION_KEYS: key 1 is the published test key",
        ),
        ("DOUDI_AUDIT_KEYS", None, "DOUDI_AUDIT_KEYS is missing"),
        ("DOUDI_AUDIT_KEYS", "a1:c2hvcnQ=", "DOUDI_AUDIT_KEYS: key 'a1' is too short (5 bytes"),
        ("DOUDI_AUDIT_KEYS", "a1:!!notbase64!!", "DOUDI_AUDIT_KEYS: key 'a1' is not valid base64"),
        ("DOUDI_AUDIT_KEYS", "no-id-here", "DOUDI_AUDIT_KEYS: each key must be id:base64key"),
        ("DOUDI_PROXY_SSL_HEADER", "https", "DOUDI_PROXY_SSL_HEADER must be Header-Name=value"),
    ],
)
def test_weak_or_malformed_secret_stops_the_start_with_one_line(tmp_path, variable, value, reason):
    result = _start(tmp_path, **{variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("doudi: cannot start: " + reason), lines[0]
    for secret in (STRONG_SECRET, FIELD_KEY, AUDIT_KEYS.split(":")[1]):
        assert secret not in result.stderr  # the reason never echoes a key


def test_wsgi_refuses_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOUDI_", "DATABASE_URL"))}
    env.update(GOOD, DOUDI_SECRET_KEY="too-short", DOUDI_VAR_DIR=str(tmp_path))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import doudi.wsgi"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "doudi: cannot start: DOUDI_SECRET_KEY is too weak (9 characters, 6 distinct; need 50+ "
        "random characters): generate one with python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'"
    ]
