"""Strict parsing of settings from the environment (no Django import)."""

from __future__ import annotations

import os


class ImproperlyConfiguredEnv(RuntimeError):
    pass


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfiguredEnv(f"environment variable {name} is required")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfiguredEnv(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_audit_keys(value: str | None) -> dict[str, bytes]:
    """``id:base64key,...`` (current key first) → {key id: key}; the keys sign the audit chain.

    Each key must decode to at least 32 bytes and each id be 1–16 letters, digits, '-' or '_'.
    """
    import base64
    import binascii
    import re

    if not value or not value.strip():
        raise ImproperlyConfiguredEnv(
            "DOUDI_AUDIT_KEYS is missing: set it to id:base64key (32+ random bytes), "
            "e.g. a1:$(openssl rand -base64 32)"
        )
    keys: dict[str, bytes] = {}
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        key_id = key_id.strip()
        if not sep or not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", key_id):
            raise ImproperlyConfiguredEnv(
                "DOUDI_AUDIT_KEYS: each key must be id:base64key with an id of 1-16 letters or digits"
            )
        try:
            raw = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfiguredEnv(
                f"DOUDI_AUDIT_KEYS: key {key_id!r} is not valid base64"
            ) from None
        if len(raw) < 32:
            raise ImproperlyConfiguredEnv(
                f"DOUDI_AUDIT_KEYS: key {key_id!r} is too short ({len(raw)} bytes; use 32 or more)"
            )
        if key_id in keys:
            raise ImproperlyConfiguredEnv(f"DOUDI_AUDIT_KEYS: key id {key_id!r} appears twice")
        keys[key_id] = raw
    if not keys:
        raise ImproperlyConfiguredEnv("DOUDI_AUDIT_KEYS is empty: set it to id:base64key")
    return keys


def proxy_ssl_header(value: str | None) -> tuple[str, str] | None:
    """``X-Forwarded-Proto=https`` → ``("HTTP_X_FORWARDED_PROTO", "https")`` (Django's form)."""
    import re

    if not value or not value.strip():
        return None
    name, sep, expected = value.partition("=")
    name, expected = name.strip(), expected.strip()
    if not sep or not expected or not re.fullmatch(r"[A-Za-z0-9-]+", name):
        raise ImproperlyConfiguredEnv(
            f"DOUDI_PROXY_SSL_HEADER must be Header-Name=value, e.g. X-Forwarded-Proto=https, got {value!r}"
        )
    return "HTTP_" + name.upper().replace("-", "_"), expected


# Keys published in this repository (test settings, documentation): never valid in production.
PUBLIC_KEYS = frozenset(
    {
        "test-only-secret-key-not-for-production-use-0123456789",
        "mwAOzS5WyyxTXjgI-QjrrdZCpCe6Ipwhso3KYhzO0Ak=",
    }
)
_DEMO_MARKERS = ("django-insecure", "test-only", "change-me", "changeme", "demo", "example")


def check_secret_key(value: str) -> str:
    """A production SECRET_KEY: 50+ characters, not repetitive, not a known demo or test key."""
    lowered = value.lower()
    if value in PUBLIC_KEYS or any(marker in lowered for marker in _DEMO_MARKERS):
        raise ImproperlyConfiguredEnv(
            "DOUDI_SECRET_KEY is a demo or test key: generate one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if len(value) < 50 or len(set(value)) < 16:
        raise ImproperlyConfiguredEnv(
            f"DOUDI_SECRET_KEY is too weak ({len(value)} characters, {len(set(value))} distinct; "
            "need 50+ random characters): generate one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return value


def check_fernet_keys(value: str) -> list[str]:
    """Comma-separated Fernet keys (url-safe base64 of 32 bytes), newest first."""
    import base64
    import binascii

    keys = [k.strip() for k in value.split(",") if k.strip()]
    if not keys:
        raise ImproperlyConfiguredEnv("DOUDI_FIELD_ENCRYPTION_KEYS is empty")
    for n, key in enumerate(keys, start=1):
        try:
            raw = base64.urlsafe_b64decode(key.encode()) if len(key) == 44 else b""
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ImproperlyConfiguredEnv(
                f"DOUDI_FIELD_ENCRYPTION_KEYS: key {n} is not a Fernet key (44 characters of "
                "url-safe base64): generate one with python -c 'from cryptography.fernet import "
                "Fernet; print(Fernet.generate_key().decode())'"
            )
        if key in PUBLIC_KEYS:
            raise ImproperlyConfiguredEnv(
                f"DOUDI_FIELD_ENCRYPTION_KEYS: key {n} is the published test key: generate your own"
            )
    return keys
