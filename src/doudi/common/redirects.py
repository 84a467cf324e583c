"""Where to send a user after sign-in: only a same-site relative path, never another site."""

from __future__ import annotations

import re

MAX_NEXT_LENGTH = 1000
# A path on this site: one leading "/", then printable ASCII only, no backslash, no second "/"
# right after the first (//evil is another host), no control characters or spaces.
_SAFE_PATH = re.compile(r"/(?![/\\])[!#-\[\]-~]*")


def safe_next(value: object, default: str = "/") -> str:
    """``value`` if it is a same-site relative path (``/casework/?page=2``), else ``default``.

    Absolute URLs, scheme-relative ``//host``, ``/\\host``, ``javascript:``, non-ASCII, control
    characters and anything longer than 1000 characters all fall back to ``default``.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_NEXT_LENGTH:
        return default
    if not _SAFE_PATH.fullmatch(value):
        return default
    return value
