"""How values are shown on pages: one date format (2024年6月30日), money in 元 with
separators, "无记录" for a blank. Registered as template builtins (settings.TEMPLATES), so
every template has the filters ``cn_date``, ``cn_datetime``, ``yuan`` and ``or_none``; the
functions serve Python code (charts, exports) too."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _chinese() -> bool:
    return not (get_language() or "zh-hans").startswith("en")


def no_record() -> str:
    return _("No record")


def _as_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(SHANGHAI)
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@register.filter
def cn_date(value) -> str:
    """2024年6月30日 (ISO in English); "无记录" when there is no date."""
    day = _as_date(value)
    if day is None:
        return str(value) if value not in (None, "") else no_record()
    return f"{day.year}年{day.month}月{day.day}日" if _chinese() else day.isoformat()


@register.filter
def cn_datetime(value) -> str:
    """2024年6月30日 14:05 in Asia/Shanghai."""
    if not isinstance(value, dt.datetime):
        return cn_date(value)
    local = value.astimezone(SHANGHAI) if value.tzinfo else value
    return f"{cn_date(local.date())} {local:%H:%M}"


@register.filter
def yuan(fen) -> str:
    """Integer fen → "12,345 元" (or "12,345.60 元"); "无记录" for none."""
    if fen in (None, ""):
        return no_record()
    amount = Decimal(int(fen)) / 100
    text = f"{amount:,.0f}" if int(fen) % 100 == 0 else f"{amount:,.2f}"
    return f"{text} 元" if _chinese() else f"¥{text}"


@register.filter
def or_none(value) -> str:
    """The value, or "无记录" when it is blank."""
    if value is None or value == "" or value == [] or value == {}:
        return no_record()
    return value
