"""Helpers for pandas columns that the whole engine uses."""

from __future__ import annotations

from typing import Any, cast

import pandas as pd


def none_for_missing(column: pd.Series, present: pd.Series | None = None) -> pd.Series:
    """``column`` as Python objects with ``None`` wherever a value is missing (NaN, NA,
    NaT) — or, given ``present``, wherever it is False — as SQL backends and the Django side
    expect."""
    keep = column.notna() if present is None else present
    # pandas accepts None as the replacement; pandas-stubs' overloads do not list it
    return column.astype(object).where(keep, cast(Any, None))


def frame_none_for_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`none_for_missing` for every column of ``frame``."""
    return frame.astype(object).where(frame.notna(), cast(Any, None))
