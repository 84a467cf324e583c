"""The registry of indicator and trigger kinds.

A *kind* names an engine computation; a policy's indicator or trigger picks a kind and gives
its parameters (thresholds: policy data). Each kind is declared once, with
:func:`indicator_kind` or :func:`trigger_kind` on the function that builds its SQL: its
parameters and their types, whether its result is dated, whether it reads the area's income
line, its labels and its reference text. The policy validator (:mod:`..policy`), the SQL
(:mod:`..indicators`), the scoring's dated kinds (:mod:`..scoring`) and the reference page
(``docs/indicators.md``, :func:`reference_markdown`) all read this registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from .sql import SqlContext

INT, FLOAT, LIST, RATE = "int", "float", "list", "rate"
# RATE: a number, or the name of an area parameter holding it (e.g. "dibian_multiplier").
PARAM_TYPES = (INT, FLOAT, LIST, RATE)
PARAM_TYPE_TEXT = {
    INT: "a whole number ≥ 0",
    FLOAT: "a number ≥ 0",
    LIST: "a non-empty list of strings",
    RATE: "a number ≥ 0 or an area parameter name",
}

DIMENSIONS = (
    "age",
    "economic",
    "health",
    "disability_care",
    "employment_education",
    "sudden_event",
)

Role = Literal["indicator", "trigger"]


class KindItem(Protocol):
    """What a kind's SQL builder reads of a policy's indicator or trigger."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def params(self) -> dict[str, Any]: ...


SqlBuilder = Callable[[KindItem, SqlContext], str]


@dataclass(frozen=True)
class Kind:
    """One kind: ``sql(item, ctx)`` gives the facts of a policy item of this kind
    (``hukou_no, value, feed, record_key, fact_date, amount, label``; ``hukou_no`` the
    household's integer code, as the base tables give it)."""

    name: str
    role: Role
    dimension: str
    params: Mapping[str, str]
    sql: SqlBuilder
    label_zh: str
    label_en: str
    reference: str
    value: str = "count"  # what ``value`` measures: count, fen, basis points, flag
    # optional parameters and the value a policy item without them takes (read with
    # :func:`param`); the others are required
    defaults: Mapping[str, Any] = field(default_factory=dict)
    dated: bool = False  # the newest fact's date is the onset (see :mod:`..scoring`)
    line: bool = False  # reads the area's income line ``m_lines.line_<id>``
    module: str = field(default="", compare=False)


_KINDS: dict[tuple[Role, str], Kind] = {}


def _register(role: Role, name: str, **spec: Any) -> Callable[[SqlBuilder], SqlBuilder]:
    params = dict(spec.pop("params", {}))
    for pname in spec.get("defaults", {}):
        if pname not in params:
            raise ValueError(f"kind {name!r}: default for unknown param {pname!r}")
    for pname, typ in params.items():
        if typ not in PARAM_TYPES:
            raise ValueError(f"kind {name!r}: param {pname!r} has unknown type {typ!r}")
    if spec.get("dimension") not in DIMENSIONS:
        raise ValueError(f"kind {name!r}: dimension must be one of {', '.join(DIMENSIONS)}")

    def decorate(fn: SqlBuilder) -> SqlBuilder:
        if (role, name) in _KINDS:
            raise ValueError(f"{role} kind {name!r} is registered twice")
        _KINDS[(role, name)] = Kind(
            name=name,
            role=role,
            params=params,
            sql=fn,
            module=getattr(fn, "__module__", ""),
            **spec,
        )
        return fn

    return decorate


def indicator_kind(
    name: str,
    *,
    dimension: str,
    params: Mapping[str, str],
    label_zh: str,
    label_en: str,
    reference: str,
    value: str = "count",
    dated: bool = False,
    line: bool = False,
    defaults: Mapping[str, Any] | None = None,
) -> Callable[[SqlBuilder], SqlBuilder]:
    """Register the decorated function as the SQL of indicator kind ``name``. ``defaults``:
    the optional parameters (a subset of ``params``) and their values when left out."""
    return _register(
        "indicator",
        name,
        dimension=dimension,
        params=params,
        label_zh=label_zh,
        label_en=label_en,
        reference=reference,
        value=value,
        dated=dated,
        line=line,
        defaults=dict(defaults or {}),
    )


def param(item: KindItem, role: Role, name: str) -> Any:
    """The parameter ``name`` of a policy item: its value, else its kind's default."""
    if name in item.params:
        return item.params[name]
    return kind(item.kind, role).defaults[name]


def trigger_kind(
    name: str,
    *,
    dimension: str,
    params: Mapping[str, str],
    label_zh: str,
    label_en: str,
    reference: str,
) -> Callable[[SqlBuilder], SqlBuilder]:
    """Register the decorated function as the SQL of hard-trigger kind ``name``."""
    return _register(
        "trigger",
        name,
        dimension=dimension,
        params=params,
        label_zh=label_zh,
        label_en=label_en,
        reference=reference,
        value="flag",
    )


def unregister(name: str, role: Role = "indicator") -> None:
    """Remove a kind (tests that register one of their own)."""
    _KINDS.pop((role, name), None)


def kinds(role: Role) -> dict[str, Kind]:
    """Every registered kind of ``role``, by name (registration order)."""
    return {name: k for (r, name), k in _KINDS.items() if r == role}


def kind(name: str, role: Role = "indicator") -> Kind:
    """The kind ``name`` of ``role`` (``KeyError`` when none is registered)."""
    return _KINDS[(role, name)]


def dated_kinds() -> frozenset[str]:
    """Indicator kinds whose fired result has an onset (the newest fact's date)."""
    return frozenset(k.name for k in kinds("indicator").values() if k.dated)


def line_kinds() -> frozenset[str]:
    """Indicator kinds that compare with the area's income line."""
    return frozenset(k.name for k in kinds("indicator").values() if k.line)


def item_sql(item: KindItem, role: Role, ctx: SqlContext) -> str:
    """The facts of one policy indicator or trigger, by its kind's SQL builder."""
    return kind(item.kind, role).sql(item, ctx)


# ------------------------------------------------------------------------- reference page

ROLE_TITLE = {"indicator": "Indicator kinds 指标类型", "trigger": "Hard-trigger kinds 硬触发类型"}
DIMENSION_TITLE = {
    "age": "age 年龄结构",
    "economic": "economic 经济状况",
    "health": "health 健康",
    "disability_care": "disability_care 残疾与照护",
    "employment_education": "employment_education 就业与教育",
    "sudden_event": "sudden_event 突发事件",
}
VALUE_TEXT = {
    "count": "a count (persons or records)",
    "fen": "money in fen",
    "flag": "1 (fired)",
}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _kind_section(k: Kind) -> list[str]:
    params = (
        ", ".join(
            f"`{p}` ({PARAM_TYPE_TEXT[t]}"
            + (f"; optional, default {k.defaults[p]!r}" if p in k.defaults else "")
            + ")"
            for p, t in k.params.items()
        )
        or "none"
    )
    lines = [
        f'<a id="{k.role}-{k.name}"></a>',
        "",
        f"### `{k.name}` — {k.label_zh}",
        "",
        f"*{k.label_en}*",
        "",
        k.reference,
        "",
        f"- **Parameters 参数**: {params}",
        f"- **Value 数值**: {VALUE_TEXT.get(k.value, k.value)}",
    ]
    if k.role == "indicator":
        lines.append(
            "- **Dated 有发生日期**: "
            + (
                "yes — the newest fact's date is the onset; a help that answers it does not "
                "suppress a newer onset"
                if k.dated
                else "no — a standing state"
            )
        )
    lines.append(f"- **Defined in 定义位置**: `{k.module}`")
    return [*lines, ""]


def reference_markdown() -> str:
    """The reference page of every registered kind (``docs/indicators.md``), grouped by
    role and dimension. Derived from the registry only, so a test checks the file is
    current."""
    out = [
        "<!-- Generated by `python -m doudi.engine.monitoring.kinds --out docs/indicators.md` "
        "from the kind registry; do not edit by hand. -->",
        "",
        "# Indicator and trigger kinds 指标与触发类型",
        "",
        "A policy's indicator or hard trigger names a *kind* (an engine computation) and gives "
        "its parameters. Each kind is one registered function in "
        "`src/doudi/engine/monitoring/kinds/<dimension>.py`; the policy validator, the SQL, "
        "the scoring and this page all read the registry.",
        "",
    ]
    for role in ("indicator", "trigger"):
        entries = list(kinds(role).values())
        out += [f"## {ROLE_TITLE[role]}", ""]
        for dim in DIMENSIONS:
            of_dim = [k for k in entries if k.dimension == dim]
            if not of_dim:
                continue
            out += [f"#### Dimension {DIMENSION_TITLE[dim]}", ""]
            out += ["| kind | 名称 | parameters |", "|---|---|---|"]
            out += [
                f"| [`{k.name}`](#{k.role}-{k.name}) | {_cell(k.label_zh)} | "
                f"{_cell(', '.join(k.params) or '—')} |"
                for k in of_dim
            ]
            out.append("")
            for k in of_dim:
                out += _kind_section(k)
    return "\n".join(out).rstrip("\n") + "\n"
