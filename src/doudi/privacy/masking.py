"""Masking ID numbers inside free text (raw cells of a delivered row, notes …).

A quarantined row may hold an ID number that is malformed (that may be why it was quarantined),
so anything that looks like one — 15 to 18 digits, the last may be X, in ASCII or full-width,
with or without spaces inside — is masked like the register masks valid numbers:
the first 4 and the last 4 characters stay, the rest becomes ``*``.
"""

from __future__ import annotations

import re

from doudi.engine import idnumber

_DIGIT = r"[0-9０-９]"
_LAST = r"[0-9０-９XxＸｘ]"
# 14–17 digits (optionally split by single spaces) and a last digit or X, not inside a longer
# run of digits (a 20-digit account number is not an ID number).
_ID_LIKE = re.compile(rf"(?<![0-9０-９])(?:{_DIGIT} ?){{14,17}}{_LAST}(?![0-9０-９])")


def mask_id_numbers(text: str) -> str:
    """``text`` with every ID-number-like run masked (``4201**********123X``)."""
    if not text:
        return text
    return _ID_LIKE.sub(lambda m: idnumber.mask(m.group().replace(" ", "")), text)


def has_id_number(text: str) -> bool:
    return bool(text) and _ID_LIKE.search(text) is not None
