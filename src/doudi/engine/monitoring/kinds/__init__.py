"""Indicator and trigger kinds: one registered function per kind, in a module per dimension
(:mod:`.age`, :mod:`.economic`, :mod:`.health`, :mod:`.disability_care`,
:mod:`.employment_education`, :mod:`.sudden_event`); the registry is :mod:`.registry`.

Adding a kind is one function in one of these modules (or a module of its own, imported
before the policy is validated)::

    @indicator_kind("pets", dimension="economic", params={"min": INT}, label_zh="…",
                    label_en="…", reference="…")
    def pets(item, ctx):
        return person_count(records("some_feed", "…", f"f.date <= {ctx.d}"), 1)
"""

from __future__ import annotations

from . import age, disability_care, economic, employment_education, health, sudden_event
from .registry import (
    DIMENSIONS,
    FLOAT,
    INT,
    LIST,
    PARAM_TYPE_TEXT,
    RATE,
    Kind,
    KindItem,
    dated_kinds,
    indicator_kind,
    item_sql,
    kind,
    kinds,
    line_kinds,
    param,
    reference_markdown,
    trigger_kind,
    unregister,
)
from .sql import SqlContext

BUILTIN_MODULES = (age, economic, health, disability_care, employment_education, sudden_event)

__all__ = [
    "BUILTIN_MODULES",
    "DIMENSIONS",
    "FLOAT",
    "INT",
    "LIST",
    "PARAM_TYPE_TEXT",
    "RATE",
    "Kind",
    "KindItem",
    "SqlContext",
    "dated_kinds",
    "indicator_kind",
    "item_sql",
    "kind",
    "kinds",
    "line_kinds",
    "param",
    "reference_markdown",
    "trigger_kind",
    "unregister",
]
