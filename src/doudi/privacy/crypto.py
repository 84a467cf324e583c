"""Field encryption at rest and keyed look-up hashes (blind indexes).

Sensitive values (resident ID numbers first) are stored encrypted with Fernet (AES-128-CBC with
HMAC-SHA256). ``settings.FIELD_ENCRYPTION_KEYS`` lists Fernet keys newest first, so keys can be
rotated: new values use the first key, old ones still decrypt. Exact look-up uses an HMAC-SHA256
"blind index" whose key is derived (HKDF) from the first key, so the stored hash reveals nothing
without it.

National deployments that must use commercial cryptography (SM4/SM3, GB/T 39786) replace this
module; nothing else touches the keys.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _keys() -> tuple[str, ...]:
    keys = tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", ()) or ())
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: set DOUDI_FIELD_ENCRYPTION_KEYS"
        )
    return keys


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("a field-encryption key is not a valid Fernet key") from exc


@cache
def _index_key(first_key: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"doudi blind index v1"
    ).derive(first_key.encode())


def encrypt(plaintext: str) -> str:
    return _fernet(_keys()).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong key or altered value") from exc


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash of an already-normalised value; ``purpose`` separates namespaces."""
    key = _index_key(_keys()[0])
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
