"""Why someone looks at a full ID number or phone: a purpose from a fixed list, and for 其他
(other) a real reason in words — at least 4 Chinese characters or 4 words — not "aaaa".

Every reveal (pages, API, any app) goes through ``reveal_reason``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# (value, label): the labels are what the audit log records.
PURPOSES = [
    ("home_visit", "入户核查"),
    ("review", "审核确认"),
    ("data_check", "数据核对"),
    ("other", "其他"),
]
PURPOSE_LABELS = dict(PURPOSES)
MIN_UNITS = 4
MAX_LENGTH = 500

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z]{2,}")

ERROR = "请选择查看目的；选“其他”时，请写明理由（至少4个汉字或4个词，如“核对低保申请材料”）。"


def is_real_reason(text: str) -> bool:
    """At least 4 Chinese characters (not all the same) or 4 words (not all the same)."""
    chars = _CJK.findall(text)
    if len(chars) >= MIN_UNITS and len(set(chars)) >= 2:
        return True
    words = [w.lower() for w in _WORD.findall(text)]
    return len(words) >= MIN_UNITS and len(set(words)) >= 2


def reveal_reason(purpose: str | None, text: str | None) -> str:
    """The reason to record, or ValidationError with one plain Chinese line.

    ``purpose`` is one of PURPOSES' values; blank counts as 其他 (so a caller that sends only
    a free-text reason must send a real one). A listed purpose needs no text; text given with
    it is appended.
    """
    purpose = (purpose or "other").strip()
    text = (text or "").strip()[:MAX_LENGTH]
    if purpose not in PURPOSE_LABELS:
        raise ValidationError(ERROR)
    if purpose == "other":
        if not is_real_reason(text):
            raise ValidationError(ERROR)
        return text
    label = PURPOSE_LABELS[purpose]
    return f"{label}：{text}" if text else label
