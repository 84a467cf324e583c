"""The monitoring policy: dimensions, indicators, bands, triggers, suppression, area parameters
and the combination rule — all data, validated before use.

A policy document is a plain dict (TOML or JSON) with the keys ``dimensions``, ``indicators``,
``bands``, ``triggers``, ``suppression``, ``area_parameters``, ``combination`` and ``model``.
:meth:`Policy.from_dict` checks every part and raises :class:`PolicyError` listing *every*
problem found (not just the first); :meth:`Policy.to_dict` gives the document back, so the
operational side can store and edit it.

Indicator and trigger ``kind`` names an engine computation (code, see :mod:`.indicators`);
``params`` holds its thresholds (policy data). The kind registry (:mod:`.kinds`) declares the
parameters each kind takes and their types; a kind registered there is accepted here.

**Area parameters.** ``{name, area_code, value, unit, effective_from, source}``. The value in
force for an area on a date is the one with the longest ``area_code`` that is a prefix of the
area's code, and among those the latest ``effective_from`` on or before the date
(:meth:`Policy.parameter`). Money values are integer fen.

**Levels by expected precision and capacity** (issue 16; optional). ``combination`` may give
``urgent_min_probability`` (a household's calibrated probability for 紧急), and
``warning_min_precision`` (the expected precision of 预警 and above) — both numbers in (0, 1],
urgent ≥ warning — and optionally ``list_min_precision`` (≤ warning: the expected precision
of the whole list, where 关注 stops even when capacity is left) and ``keep_band_level`` (true or
false, default false: under this rule a household's level is never below the level the score
bands give it); then ``capacity`` is required:
``visits_per_community_month`` (a whole number ≥ 0, the home visits a community makes in a
month) and optionally ``communities`` (a table area code → whole number ≥ 0; the longest code
that is a prefix of a community's code wins, so a street's code sets all its communities). The
policy then needs at least three bands: the highest is the urgent level, the next the warning
level, the lowest the watch level (:func:`doudi.engine.monitoring.scoring.probability_levels`).

**Help review** (在保复核; optional). ``combination.help_review`` (true or false, default false):
true lists every household whose fired indicators are all answered by help it holds at the
lowest band, as a help review, whatever its score, outside the visit capacity; false keeps such
a household listed only when its score or probability gives it a level
(:mod:`doudi.engine.monitoring.scoring`, "Help review").

**Visit verdicts** (optional). ``combination.visit_verdict_days`` (a whole number ≥ 1; absent:
off): a home visit's verdict holds that many days after the visit. Within them a household the
visit found **not** in hardship is not listed again unless an indicator adding points or a
trigger has a fact dated after the visit (a new cause); one found in hardship is listed at the
warning level at least (the second-highest band), until help begun after the visit answers
every cause that fired. A
person decided both; the run only follows the decision (:mod:`doudi.engine.monitoring.scoring`,
"Visit verdicts").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import kinds

DEFAULT_POLICY_FILE = Path(__file__).with_name("default_policy.toml")

DIMENSIONS = kinds.DIMENSIONS
CATEGORIES = ("dibao", "tekun", "fangfanpin", "dibian", "gangxing", "other", "temp_assist")
COMBINATION_RULES = ("scorecard_only", "weighted_average")

# A kind's parameters and their types come from the kind registry (:mod:`.kinds`).
INT, FLOAT, LIST, RATE = kinds.INT, kinds.FLOAT, kinds.LIST, kinds.RATE


class PolicyError(ValueError):
    """A policy document that cannot be used; ``messages`` lists every problem."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class Dimension:
    id: str
    label_zh: str
    label_en: str
    cap: float


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    kind: str
    params: dict[str, Any]
    points: float
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Band:
    level: str
    label_zh: str
    label_en: str
    min_score: float


@dataclass(frozen=True)
class Trigger:
    id: str
    kind: str
    params: dict[str, Any]
    raise_to: str
    label_zh: str
    label_en: str
    # resources check (optional keys, left out of the document at their defaults): with
    # ``requires_low_resources`` the trigger raises the level only when what the household
    # has left per head (income estimate plus help already held, no asset counter-indicator)
    # is at or below ``dibao_standard`` × ``resource_ratio`` (a number or an area parameter
    # name); otherwise it adds ``points`` to the scorecard
    requires_low_resources: bool = False
    resource_ratio: float | str = 1.0
    points: float = 0.0


TRIGGER_DEFAULTS = {"requires_low_resources": False, "resource_ratio": 1.0, "points": 0.0}


@dataclass(frozen=True)
class Suppression:
    category: str
    answers: list[str]


@dataclass(frozen=True)
class AreaParameter:
    name: str
    area_code: str
    value: int | float
    unit: str
    effective_from: dt.date
    source: str


@dataclass(frozen=True)
class Combination:
    rule: str
    model_weight: float
    description: str
    # levels by expected precision (None: levels by the bands of the score)
    warning_min_precision: float | None = None
    urgent_min_probability: float | None = None
    # the list (关注) stops at capacity or at this probability, whichever comes first
    list_min_precision: float | None = None
    # under levels by expected precision, a household's level is never below its band level
    keep_band_level: bool = False
    # help review (在保复核) lists every household whose fired indicators are all answered by
    # help it holds, whatever its score (False: only when its score or probability gives it a
    # level)
    help_review: bool = False
    # days a home visit's verdict holds (None: visits change no level)
    visit_verdict_days: int | None = None

    @property
    def by_probability(self) -> bool:
        return self.warning_min_precision is not None


@dataclass(frozen=True)
class Capacity:
    """Home visits per community and month: the length of each community's list."""

    visits_per_community_month: int
    communities: dict[str, int] = field(default_factory=dict)

    def of(self, code: str | None) -> int:
        """The capacity of the community ``code`` (longest matching prefix, else the
        default)."""
        code = code or ""
        best = max((k for k in self.communities if code.startswith(k)), key=len, default=None)
        return self.visits_per_community_month if best is None else self.communities[best]


@dataclass(frozen=True)
class ModelSettings:
    min_outcomes: int
    # trim the design weights of random verification visits here (None: 1 / probability)
    max_weight: float | None = None
    # trim of the same weights in the calibration map of the combined score (None: 1 / p)
    calibration_max_weight: float | None = None
    # give the model the generic per-feed readings of every catalogue feed
    # (:mod:`.feed_features`) beside the scorecard's facts
    feed_features: bool = False


@dataclass(frozen=True)
class Policy:
    dimensions: list[Dimension]
    indicators: list[Indicator]
    bands: list[Band]
    triggers: list[Trigger]
    suppression: list[Suppression]
    area_parameters: list[AreaParameter]
    combination: Combination
    model: ModelSettings
    capacity: Capacity | None = None
    _doc: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ reading

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Policy:
        """Validate a policy document; raise :class:`PolicyError` listing every problem."""
        errors: list[str] = []
        if not isinstance(d, dict):
            raise PolicyError(["policy: must be a mapping"])
        known = {
            "dimensions",
            "indicators",
            "bands",
            "triggers",
            "suppression",
            "area_parameters",
            "combination",
            "model",
            "capacity",
        }
        for key in sorted(set(d) - known):
            errors.append(f"policy: unknown key {key!r}")
        dims = _dimensions(d.get("dimensions"), errors)
        dim_ids = {x.id for x in dims}
        inds = _indicators(d.get("indicators"), dim_ids, errors)
        bands = _bands(d.get("bands"), errors)
        levels = {b.level for b in bands}
        trigs = _triggers(d.get("triggers"), levels, errors)
        answerable = dim_ids | {i.id for i in inds}
        supp = _suppression(d.get("suppression"), answerable, errors)
        params = _area_parameters(d.get("area_parameters"), errors)
        names = {p.name for p in params}
        for ind in inds:
            spec = kinds.kinds("indicator").get(ind.kind)
            for pname, typ in (spec.params if spec else {}).items():
                v = ind.params.get(pname)
                if typ == RATE and isinstance(v, str) and v.strip() and v not in names:
                    errors.append(
                        f"indicator {ind.id!r}: param {pname!r} names no area parameter {v!r}"
                    )
        for trig in trigs:
            v = trig.resource_ratio
            if trig.requires_low_resources and isinstance(v, str) and v not in names:
                errors.append(
                    f"trigger {trig.id!r}: resource_ratio names no area parameter {v!r}; "
                    "give a number or add the parameter"
                )
        for needed in ("dibao_standard",):
            if params and needed not in names:
                errors.append(f"area_parameters: {needed!r} is required")
        comb = _combination(d.get("combination"), errors)
        model = _model(d.get("model"), errors)
        capacity = _capacity(d.get("capacity"), errors)
        if comb.by_probability:
            if capacity is None and "capacity" not in d:
                errors.append(
                    "capacity: levels by probability need [capacity] visits_per_community_month"
                )
            if len(bands) < 3:
                errors.append(
                    "bands: levels by probability need three bands (watch, warning, urgent)"
                )
        if errors:
            raise PolicyError(errors)
        policy = cls(dims, inds, bands, trigs, supp, params, comb, model, capacity)
        object.__setattr__(policy, "_doc", policy._as_doc())
        return policy

    def to_dict(self) -> dict[str, Any]:
        """The policy document (JSON-serialisable: dates as ISO strings)."""
        doc: dict[str, Any] = json.loads(json.dumps(self._doc or self._as_doc()))
        return doc

    def _as_doc(self) -> dict[str, Any]:
        out = {
            "dimensions": [asdict(x) for x in self.dimensions],
            "indicators": [asdict(x) for x in self.indicators],
            "bands": [asdict(x) for x in self.bands],
            "triggers": [
                {k: v for k, v in asdict(x).items() if TRIGGER_DEFAULTS.get(k, ...) != v}
                for x in self.triggers
            ],
            "suppression": [asdict(x) for x in self.suppression],
            "area_parameters": [
                {**asdict(x), "effective_from": x.effective_from.isoformat()}
                for x in self.area_parameters
            ],
            "combination": {
                k: v
                for k, v in asdict(self.combination).items()
                # a flag at its default is left out: the same document, the same version
                if v is not None and not (k in BOOLEAN_KEYS and v is False)
            },
            "model": {
                k: v
                for k, v in asdict(self.model).items()
                if v is not None and not (k == "feed_features" and v is False)  # same version
            },
        }
        if self.capacity is not None:
            out["capacity"] = asdict(self.capacity)
        return out

    @cached_property
    def version(self) -> str:
        """A content hash of the document: equal documents, equal versions."""
        text = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def dimension(self, dim_id: str) -> Dimension:
        return next(x for x in self.dimensions if x.id == dim_id)

    def parameter_entry(self, name: str, *, area_code: str, on: dt.date) -> AreaParameter:
        """The area parameter ``name`` in force for ``area_code`` on ``on``: the most specific
        area code prefix wins, then the latest ``effective_from`` on or before ``on``. Raises
        ``KeyError`` when none is in force."""
        candidates = [
            p
            for p in self.area_parameters
            if p.name == name and area_code.startswith(p.area_code) and p.effective_from <= on
        ]
        if not candidates:
            raise KeyError(f"no area parameter {name!r} in force for {area_code} on {on}")
        return max(candidates, key=lambda p: (len(p.area_code), p.effective_from))

    def parameter(self, name: str, *, area_code: str, on: dt.date) -> int | float:
        """The value of :meth:`parameter_entry`."""
        return self.parameter_entry(name, area_code=area_code, on=on).value


def default_policy() -> dict[str, Any]:
    """The shipped default policy document (a fresh dict each call)."""
    with DEFAULT_POLICY_FILE.open("rb") as fh:
        doc = tomllib.load(fh)
    # TOML dates load as datetime.date; the document form uses ISO strings.
    for p in doc.get("area_parameters", []):
        if isinstance(p.get("effective_from"), dt.date):
            p["effective_from"] = p["effective_from"].isoformat()
    return doc


# ---------------------------------------------------------------------- validation helpers


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _str_field(item: dict[str, Any], key: str, where: str, errors: list[str]) -> str:
    v = item.get(key)
    if not isinstance(v, str) or not v.strip():
        errors.append(f"{where}: {key} must be a non-empty string")
        return ""
    return v


def _list_of_dicts(
    value: Any, section: str, errors: list[str], *, allow_empty: bool = False
) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list) or (not value and not allow_empty):
        errors.append(
            f"{section}: must be a non-empty list"
            if not allow_empty
            else f"{section}: must be a list"
        )
        return []
    out = []
    for n, item in enumerate(value):
        if not isinstance(item, dict):
            errors.append(f"{section}[{n}]: must be a mapping")
        else:
            out.append((n, item))
    return out


def _unique(ids: list[str], section: str, errors: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            errors.append(f"{section}: duplicate id {i!r}")
        seen.add(i)


def _check_params(
    kind: str,
    params: Any,
    spec: Mapping[str, str],
    where: str,
    errors: list[str],
    optional: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    if not isinstance(params, dict):
        errors.append(f"{where}: params must be a mapping")
        return {}
    for name in sorted(set(spec) - set(params) - set(optional or {})):
        errors.append(f"{where}: kind {kind!r} needs param {name!r}")
    for name in sorted(set(params) - set(spec)):
        errors.append(f"{where}: kind {kind!r} has no param {name!r}")
    for name, typ in spec.items():
        if name not in params:
            continue
        v = params[name]
        ok = (
            (typ == INT and isinstance(v, int) and not isinstance(v, bool) and v >= 0)
            or (typ in (FLOAT, RATE) and _is_number(v) and v >= 0)
            or (typ == RATE and isinstance(v, str) and v.strip() != "")
            or (typ == LIST and isinstance(v, list) and v and all(isinstance(x, str) for x in v))
        )
        if not ok:
            what = kinds.PARAM_TYPE_TEXT[typ]
            errors.append(f"{where}: param {name!r} must be {what}")
    return dict(params)


def _dimensions(value: Any, errors: list[str]) -> list[Dimension]:
    out = []
    for n, item in _list_of_dicts(value, "dimensions", errors):
        where = f"dimensions[{n}]"
        did = _str_field(item, "id", where, errors)
        if did and did not in DIMENSIONS:
            errors.append(
                f"{where}: unknown dimension {did!r} (expected one of {', '.join(DIMENSIONS)})"
            )
        cap: Any = item.get("cap")
        if not _is_number(cap) or not 0 < cap <= 100:
            errors.append(f"{where}: cap must be a number in (0, 100]")
            cap = 0
        out.append(
            Dimension(
                did,
                _str_field(item, "label_zh", where, errors),
                _str_field(item, "label_en", where, errors),
                float(cap),
            )
        )
    _unique([x.id for x in out], "dimensions", errors)
    missing = [x for x in DIMENSIONS if x not in {d.id for d in out}]
    if value and missing:
        errors.append(f"dimensions: missing {', '.join(missing)}")
    return out


def _indicators(value: Any, dim_ids: set[str], errors: list[str]) -> list[Indicator]:
    out = []
    for n, item in _list_of_dicts(value, "indicators", errors):
        iid = _str_field(item, "id", f"indicators[{n}]", errors)
        where = f"indicator {iid!r}" if iid else f"indicators[{n}]"
        dim = _str_field(item, "dimension", where, errors)
        if dim and dim not in dim_ids:
            errors.append(f"{where}: unknown dimension {dim!r}")
        kind = _str_field(item, "kind", where, errors)
        params: dict[str, Any] = {}
        spec = kinds.kinds("indicator").get(kind)
        if kind and spec is None:
            errors.append(f"{where}: unknown kind {kind!r}")
        elif spec is not None:
            params = _check_params(
                kind, item.get("params", {}), spec.params, where, errors, optional=spec.defaults
            )
        pts: Any = item.get("points")
        if not _is_number(pts) or not -100 <= pts <= 100:
            errors.append(f"{where}: points must be a number in [-100, 100]")
            pts = 0
        out.append(
            Indicator(
                iid,
                dim,
                kind,
                params,
                float(pts),
                _str_field(item, "label_zh", where, errors),
                _str_field(item, "label_en", where, errors),
            )
        )
    _unique([x.id for x in out], "indicators", errors)
    return out


def _bands(value: Any, errors: list[str]) -> list[Band]:
    out = []
    for n, item in _list_of_dicts(value, "bands", errors):
        where = f"bands[{n}]"
        level = _str_field(item, "level", where, errors)
        ms: Any = item.get("min_score")
        if not _is_number(ms) or not 0 < ms <= 100:
            errors.append(f"{where}: min_score must be a number in (0, 100]")
            ms = 0
        out.append(
            Band(
                level,
                _str_field(item, "label_zh", where, errors),
                _str_field(item, "label_en", where, errors),
                float(ms),
            )
        )
    _unique([b.level for b in out], "bands", errors)
    scores = [b.min_score for b in out]
    if any(a >= b for a, b in zip(scores, scores[1:], strict=False)):
        errors.append("bands: min_score must increase strictly from the first band to the last")
    return out


def _triggers(value: Any, levels: set[str], errors: list[str]) -> list[Trigger]:
    out = []
    for n, item in _list_of_dicts(value, "triggers", errors, allow_empty=True):
        tid = _str_field(item, "id", f"triggers[{n}]", errors)
        where = f"trigger {tid!r}" if tid else f"triggers[{n}]"
        kind = _str_field(item, "kind", where, errors)
        params: dict[str, Any] = {}
        spec = kinds.kinds("trigger").get(kind)
        if kind and spec is None:
            errors.append(f"{where}: unknown kind {kind!r}")
        elif spec is not None:
            params = _check_params(kind, item.get("params", {}), spec.params, where, errors)
        raise_to = _str_field(item, "raise_to", where, errors)
        if raise_to and raise_to not in levels:
            errors.append(f"{where}: raise_to {raise_to!r} is not a band level")
        low: Any = item.get("requires_low_resources", False)
        if not isinstance(low, bool):
            errors.append(f"{where}: requires_low_resources must be true or false")
            low = False
        ratio: Any = item.get("resource_ratio", 1.0)
        if not (_is_number(ratio) and ratio >= 0) and not (
            isinstance(ratio, str) and ratio.strip()
        ):
            errors.append(f"{where}: resource_ratio must be a number ≥ 0 or an area parameter name")
            ratio = 1.0
        pts: Any = item.get("points", 0.0)
        if not _is_number(pts) or not 0 <= pts <= 100:
            errors.append(f"{where}: points must be a number in [0, 100]")
            pts = 0.0
        out.append(
            Trigger(
                tid,
                kind,
                params,
                raise_to,
                _str_field(item, "label_zh", where, errors),
                _str_field(item, "label_en", where, errors),
                low,
                ratio if isinstance(ratio, str) else float(ratio),
                float(pts),
            )
        )
    _unique([t.id for t in out], "triggers", errors)
    return out


def _suppression(value: Any, answerable: set[str], errors: list[str]) -> list[Suppression]:
    out = []
    for n, item in _list_of_dicts(value, "suppression", errors, allow_empty=True):
        where = f"suppression[{n}]"
        cat = _str_field(item, "category", where, errors)
        if cat and cat not in CATEGORIES:
            errors.append(f"{where}: unknown category {cat!r}")
        answers = item.get("answers")
        if (
            not isinstance(answers, list)
            or not answers
            or not all(isinstance(a, str) for a in answers)
        ):
            errors.append(
                f"{where}: answers must be a non-empty list of dimension or indicator ids"
            )
            answers = []
        for a in answers:
            if isinstance(a, str) and a not in answerable:
                errors.append(f"{where}: {a!r} is neither a dimension nor an indicator")
        out.append(Suppression(cat, [a for a in answers if isinstance(a, str)]))
    return out


def _area_parameters(value: Any, errors: list[str]) -> list[AreaParameter]:
    out = []
    for n, item in _list_of_dicts(value, "area_parameters", errors):
        where = f"area_parameters[{n}]"
        name = _str_field(item, "name", where, errors)
        code = item.get("area_code")
        if not isinstance(code, str) or not code.isdigit() or len(code) not in (2, 4, 6, 9, 12):
            errors.append(f"{where}: area_code must be 2, 4, 6, 9 or 12 digits")
            code = ""
        v: Any = item.get("value")
        if not _is_number(v) or v < 0:
            errors.append(f"{where}: value must be a number ≥ 0")
            v = 0
        unit = _str_field(item, "unit", where, errors)
        if unit == "fen" and not isinstance(v, int):
            errors.append(f"{where}: a value in fen must be a whole number")
        eff = item.get("effective_from")
        day = None
        if isinstance(eff, dt.date):
            day = eff
        elif isinstance(eff, str):
            try:
                day = dt.date.fromisoformat(eff)
            except ValueError:
                day = None
        if day is None:
            errors.append(f"{where}: effective_from must be a date (YYYY-MM-DD)")
            day = dt.date.min
        out.append(
            AreaParameter(name, code, v, unit, day, _str_field(item, "source", where, errors))
        )
    keys = [(p.name, p.area_code, p.effective_from) for p in out]
    for k in sorted({k for k in keys if keys.count(k) > 1}):
        errors.append(
            f"area_parameters: {k[0]!r} for {k[1]} from {k[2].isoformat()} is given twice"
        )
    return out


def _combination(value: Any, errors: list[str]) -> Combination:
    if not isinstance(value, dict):
        errors.append("combination: must be a mapping")
        return Combination("scorecard_only", 0.0, "")
    rule = value.get("rule")
    if rule not in COMBINATION_RULES:
        errors.append(f"combination: rule must be one of {', '.join(COMBINATION_RULES)}")
    w: Any = value.get("model_weight")
    if not _is_number(w) or not 0 <= w <= 1:
        errors.append("combination: model_weight must be a number in [0, 1]")
        w = 0.0
    desc = _str_field(value, "description", "combination", errors)
    known = {
        "rule",
        "model_weight",
        "description",
        "visit_verdict_days",
        *BOOLEAN_KEYS,
        *PROBABILITY_KEYS,
    }
    for key in sorted(set(value) - known):
        errors.append(f"combination: unknown key {key!r}")
    flags: dict[str, bool] = {}
    for key in BOOLEAN_KEYS:
        flag: Any = value.get(key, False)
        if not isinstance(flag, bool):
            errors.append(f"combination: {key} must be true or false")
            flag = False
        flags[key] = flag
    keep = flags["keep_band_level"]
    probs: dict[str, float | None] = {}
    for key in PROBABILITY_KEYS:
        v = value.get(key)
        if v is not None and (not _is_number(v) or not 0 < v <= 1):
            errors.append(f"combination: {key} must be a number in (0, 1]")
            v = None
        probs[key] = None if v is None else float(v)
    warn, urgent = probs["warning_min_precision"], probs["urgent_min_probability"]
    invalid = any(value.get(key) is not None and probs[key] is None for key in PROBABILITY_KEYS)
    if (warn is None) != (urgent is None) and not invalid:
        errors.append(
            "combination: give both warning_min_precision and urgent_min_probability, or neither"
        )
    elif warn is not None and urgent is not None and urgent < warn:
        errors.append("combination: urgent_min_probability must be at least warning_min_precision")
    floor = probs["list_min_precision"]
    if floor is not None and warn is None and not invalid:
        errors.append("combination: list_min_precision needs warning_min_precision")
    elif floor is not None and warn is not None and floor > warn:
        errors.append("combination: list_min_precision must be at most warning_min_precision")
    if keep and warn is None and not invalid:
        errors.append("combination: keep_band_level needs warning_min_precision")
    days: Any = value.get("visit_verdict_days")
    if days is not None and not (_whole(days) and days >= 1):
        errors.append("combination: visit_verdict_days must be a whole number of days, at least 1")
        days = None
    return Combination(
        str(rule),
        float(w),
        desc,
        warn,
        urgent,
        floor,
        keep,
        help_review=flags["help_review"],
        visit_verdict_days=days,
    )


PROBABILITY_KEYS = ("warning_min_precision", "urgent_min_probability", "list_min_precision")
BOOLEAN_KEYS = ("keep_band_level", "help_review")


def _whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _capacity(value: Any, errors: list[str]) -> Capacity | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        errors.append("capacity: must be a mapping")
        return None
    for key in sorted(set(value) - {"visits_per_community_month", "communities"}):
        errors.append(f"capacity: unknown key {key!r}")
    default: Any = value.get("visits_per_community_month")
    if not _whole(default):
        errors.append("capacity: visits_per_community_month must be a whole number ≥ 0")
        default = 0
    communities = value.get("communities", {})
    if not isinstance(communities, dict):
        errors.append("capacity: communities must be a table of area code = visits")
        communities = {}
    out: dict[str, int] = {}
    for code, n in sorted(communities.items()):
        if not isinstance(code, str) or not code.isdigit():
            errors.append(f"capacity: communities key {code!r} must be an area code (digits)")
        elif not _whole(n):
            errors.append(f"capacity: communities {code!r} must be a whole number ≥ 0")
        else:
            out[code] = n
    return Capacity(int(default), out)


def _model(value: Any, errors: list[str]) -> ModelSettings:
    if not isinstance(value, dict):
        errors.append("model: must be a mapping")
        return ModelSettings(0)
    known = {"min_outcomes", "max_weight", "calibration_max_weight", "feed_features"}
    for key in sorted(set(value) - known):
        errors.append(f"model: unknown key {key!r}")
    mo = value.get("min_outcomes")
    if not isinstance(mo, int) or isinstance(mo, bool) or mo < 1:
        errors.append("model: min_outcomes must be a whole number ≥ 1")
        mo = 0
    trims: list[float | None] = []
    for key in ("max_weight", "calibration_max_weight"):
        mw = value.get(key)
        if mw is not None and (not _is_number(mw) or mw < 1):
            errors.append(f"model: {key} must be a number ≥ 1")
            mw = None
        trims.append(None if mw is None else float(mw))
    ff = value.get("feed_features", False)
    if not isinstance(ff, bool):
        errors.append("model: feed_features must be true or false")
        ff = False
    return ModelSettings(mo, max_weight=trims[0], calibration_max_weight=trims[1], feed_features=ff)
