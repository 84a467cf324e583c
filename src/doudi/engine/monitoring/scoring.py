"""The expert scorecard, suppression, triggers and the combination with the statistical model.

**Scorecard.** Each fired, unsuppressed indicator adds its ``points`` to its dimension
(counter-indicators have negative points). A dimension's contribution is its sum limited to
``[-cap, cap]``; the scorecard score is the sum of the contributions limited to ``[0, 100]``.

**Suppression.** A household *holds* a category when one of its members has a tag of that
category from an assistance feed (``minzheng_recipients``, ``nongye_fangfanpin``) valid on
``as_of`` (``valid_from ≤ as_of`` and no ``valid_to`` before it); the help's start is the
earliest ``valid_from`` of those tags. A ``suppression`` rule ``{category, answers}`` removes
the answered indicators (listed by id, or by dimension id) of a household holding the
category — unless the indicator has an onset (the newest fact's date, for dated kinds, see
:func:`~.kinds.dated_kinds`) *after* the help's start: a new cause is warned. Suppressed
indicators are listed in ``suppressed`` with the category and the dates, and count neither
in the scorecard nor in the model's features.

**Combination** (policy ``combination``; rule ``weighted_average``): while the statistical
model is off (no model given, or trained on fewer than ``model.min_outcomes`` outcomes) the
score is the scorecard score. Once it is on,
``score = (1 - model_weight) × scorecard + model_weight × 100 × probability``. Rule
``scorecard_only`` ignores the model (its probability is still reported). With the model on,
the combined score is also given as a calibrated probability of hardship
(:func:`hardship_probability`: the model version's calibration map — Platt's, fitted with the
random visits' design weights — :mod:`.model`). The score is rounded to one decimal; the level
is the highest band whose ``min_score`` the score reaches (``None`` below every band); a fired trigger then raises the level to at least its ``raise_to`` (the
highest such trigger is reported). A trigger with ``requires_low_resources`` raises it only
when the household's resources per head are at or below the line (:func:`check_triggers`);
otherwise its ``points`` are added to the scorecard score after the dimension caps (the
largest of such triggers' points), and the explanation's ``triggers`` says which.

**Levels by expected precision and capacity** (issue 16; when the policy's combination gives
``warning_min_precision`` / ``urgent_min_probability`` and the model is on with a calibration
map — otherwise the bands above): the calibrated probability of hardship sets the level
(:func:`probability_levels`). Households are ranked by probability, then combined score, then
household number; the mean probability of a group of households is the share of them
expected in hardship — its *expected precision*.

- 紧急 (the highest band): probability ≥ ``urgent_min_probability`` *and* a sudden event
  concerns the household (a trigger fired, or an indicator of the ``sudden_event`` dimension
  adds points);
- 预警 (the next band): the rest of the longest head of the ranking whose expected precision
  is at least ``warning_min_precision`` — so 预警 and above is expected to be right that often;
- 关注 (the lowest band): the ranking continues while the whole list's expected precision stays
  at least ``list_min_precision`` (when given) and only where the household's community has
  visit capacity left (policy ``capacity``, a month's home visits): 紧急 and 预警 households
  take their community's places first and are never dropped for capacity; a household with a
  trigger is always on the list (at least 关注: a hard trigger always sends someone). A
  trigger's ``raise_to`` is not applied under this rule.
- ``keep_band_level`` (optional, default false): a household's level is never below the level
  the score bands give its combined score (level = the higher of the two; a trigger's
  ``raise_to`` is not part of the band level). The floor applies to 紧急, 预警 and 关注 alike
  and is not limited by capacity: such households take their community's places first, like
  紧急 and 预警, and count in the list's expected precision; capacity and
  ``list_min_precision`` only limit the households the ranking adds to 关注. For a weak or
  over-cautious calibration (a bureau's first months), so the probability rule adds to the
  score bands' list and never removes from it.

**Help review** (在保复核): a household whose every fired indicator that adds points is
suppressed by a help it holds, and which no trigger raises, is not warned again for those
causes: its help already answers them. Yet the help's answered indicators still fire — the
household is still poor enough for them — and whether the help is delivered and enough is what
the periodic review of households on help (动态管理: POLICY.md §1.11, 低保 reviewed yearly or
every six months; §4.3, "people already receiving help: is the help actually delivered, and are
other needs unmet?") asks. With the policy's ``combination.help_review`` every such household is
listed on the lowest band whatever its score or probability, with ``help_review`` in its
explanation; under levels by expected precision these households are left out of the ranking,
the list's expected precision and the communities' visit capacity (:func:`probability_levels`
``skip``), so they never push out a new case. Without it (the behaviour before) such a household
stays listed, on the lowest band, only when its score or probability gives it a level. Either
way it is a prompt for a caseworker's review, never an escalation, and nothing changes its help.

**Visit verdicts**: a home visit is a person's verdict on a household, and for the policy's
``combination.visit_verdict_days`` after it the run follows that verdict rather than the
scores (:func:`visit_verdicts`; each household's latest visit). Found **not** in hardship: the
household is not listed again for what the visitor saw — unless an indicator adding points (not
suppressed) or a trigger has a fact dated after the visit, a new cause, which the scores then
judge as usual; under levels by expected precision a held-off household is left out of the
ranking and the capacity, like a help review. Found **in** hardship: listed at the warning
level at least (the second-highest band) until help begun after the visit answers every cause
that fired (then it is a help review, if the policy lists those), whatever the scores —
the statistical model, trained on a few hundred such outcomes, need not remember each one.
With the model on, such a household's probability of hardship is the visit's verdict
(:data:`VISIT_CONFIRMED_PROBABILITY`), not the model's estimate: a person has seen the
hardship, and the levels' expected precision counts it as found (under levels by expected
precision a sudden event then makes it 紧急, its probability being above any
``urgent_min_probability``). (Before, such households kept
the model's 0.6–0.9 on the worlds of ``benchmarks/worlds``: the warnings' calibration by tenth
then mixed what the visits had seen with the estimate for households nobody has seen yet, and
the head of the ranking at 预警 was shorter than its expected precision allowed.)
Each listed household's explanation carries its visit (``visit``); the run counts both kinds.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from doudi.engine.frames import none_for_missing

from . import model as model_mod
from .indicators import HELP_CATEGORIES, INCOME_FEATURES, PROFILE_COLUMNS, IndicatorTables
from .kinds import dated_kinds
from .policy import Policy

# hukou_no -> {help category: the help's start, ISO date}
Helps = dict[str, dict[str, str]]

QUIET_KIND = "quiet_hardship"

# the probability of hardship of a household whose home visit found it in hardship, while the
# verdict holds (see "Visit verdicts" above)
VISIT_CONFIRMED_PROBABILITY = 1.0

MAX_FACTS = 20  # facts listed per indicator in an explanation (the count is always given)


def fired_table(tables: IndicatorTables, policy: Policy) -> pd.DataFrame:
    """One row per (household, fired indicator): value, onset (ISO date of the newest fact,
    dated kinds only), fact count."""
    dated = dated_kinds()
    dated_ids = [i.id for i in policy.indicators if i.kind in dated]
    out = tables.fired.copy(deep=False)  # the columns are not changed in place: shared
    # the onset (an ISO date or None) of dated kinds only: None elsewhere
    dated_rows = out["indicator"].isin(dated_ids).to_numpy()
    onset = out["onset"].to_numpy(dtype=object, copy=True)
    onset[~dated_rows] = None
    out["onset"] = pd.Series(onset, index=out.index, dtype=object)
    return out


def suppress(fired: pd.DataFrame, helps: Helps, policy: Policy) -> pd.Series:
    """For each fired row, the suppressing ``(category, help_start)`` or ``None``."""
    dim_of = {i.id: i.dimension for i in policy.indicators}
    rules: dict[str, set[str]] = {}
    for s in policy.suppression:
        rules.setdefault(s.category, set()).update(s.answers)
    out = np.full(len(fired), None, dtype=object)
    mask = np.zeros(len(fired), dtype=bool)
    if helps and rules:
        mask = fired["hukou_no"].isin(list(helps)).to_numpy()
    held = fired[mask]  # only households holding a help can be suppressed
    for pos, hukou, ind, onset in zip(
        np.flatnonzero(mask),
        held["hukou_no"].tolist(),
        held["indicator"].tolist(),
        held["onset"].tolist(),
        strict=True,
    ):
        hit = None
        for cat, start in sorted(helps[hukou].items()):
            answers = rules.get(cat)
            if not answers or (ind not in answers and dim_of[ind] not in answers):
                continue
            if onset is not None and onset > start:
                continue  # a new cause, after the help began
            hit = (cat, start)
            break
        out[pos] = hit
    return pd.Series(out, index=fired.index, dtype=object)


def indicator_matrix(
    fired: pd.DataFrame, households: list[str], policy: Policy, *, rows: np.ndarray | None = None
) -> np.ndarray:
    """0/1 matrix households × policy indicators of the unsuppressed fired rows (``rows``:
    each fired row's position in ``households``, when the caller has them)."""
    live = (fired["suppressed_by"].isna() & fired["indicator"].notna()).to_numpy()
    col = {i.id: n for n, i in enumerate(policy.indicators)}
    m = np.zeros((len(households), len(col)), dtype=np.float64)
    if rows is None:
        rows = pd.Index(households).get_indexer(pd.Index(fired["hukou_no"]))
    cols = fired["indicator"][live].map(col).to_numpy(dtype=np.int64)
    m[np.asarray(rows)[live], cols] = 1.0
    return m


def scorecard(
    flags: np.ndarray, households: list[str], policy: Policy
) -> tuple[pd.DataFrame, pd.Series]:
    """Dimension contributions (households × dimensions) and the scorecard score."""
    dims = [d.id for d in policy.dimensions]
    weights = np.zeros((len(policy.indicators), len(dims)))
    for n, i in enumerate(policy.indicators):
        weights[n, dims.index(i.dimension)] = i.points
    raw = flags @ weights
    caps = np.array([d.cap for d in policy.dimensions])
    contrib = np.clip(raw, -caps, caps)
    table = pd.DataFrame(contrib, index=households, columns=dims)
    score = pd.Series(np.clip(contrib.sum(axis=1), 0, 100), index=households)
    return table, score


def features(
    flags: np.ndarray,
    households_table: pd.DataFrame,
    score: pd.Series,
    policy: Policy,
    window: int,
    helps: Helps,
    *,
    rows: np.ndarray[Any, Any] | None = None,
    values: dict[str, np.ndarray[Any, Any]] | None = None,
    extra: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The statistical model's features for the households of ``score`` (index hukou_no):
    the household's facts and profile, the income estimate against the lines, the help
    categories it holds (``helps``), the scorecard score, one 0/1 column per indicator
    (suppressed ones count as not fired) and ``values`` (further columns, e.g. the number
    of quiet-hardship signals). ``rows``: each household's row in ``households_table``
    (-1: none), when known. ``extra``: further columns, indexed by ``hukou_no`` (a
    household without a row: missing)."""
    pos: np.ndarray[Any, Any] = (
        pd.Index(households_table["hukou_no"]).get_indexer(score.index) if rows is None else rows
    )
    more: dict[str, np.ndarray[Any, Any]] = {}
    if extra is not None and len(extra.columns):  # kept as they come (float32: memory)
        at = extra.index.get_indexer(score.index)
        # column-major: each feature's values lie together, as the frame keeps them
        block = np.full((len(extra.columns), len(score)), np.nan, dtype=np.float32)
        if len(extra):
            block[:, at >= 0] = extra.to_numpy(dtype=np.float32)[at[at >= 0]].T
        more = {str(c): block[n] for n, c in enumerate(extra.columns)}
    if (pos < 0).any():  # a household missing from the table has no facts: all missing
        h = households_table.set_index("hukou_no").reindex(score.index).reset_index(drop=True)
        pos = np.arange(len(score))
    else:
        h = households_table

    def column(c: str, missing: float = 0.0) -> np.ndarray[Any, Any]:
        values: np.ndarray[Any, Any] = pd.to_numeric(h[c]).to_numpy(
            dtype=np.float64, na_value=missing
        )[pos]
        return values

    size = column("size")
    cols: dict[str, np.ndarray] = {
        "income_per_head": column("income") / (np.clip(size, 1, None) * window) * (size > 0)
    }
    for c in (
        "best_wage",
        "best_pension",
        "medical_spend",
        "size",
        "n_minor",
        "n_working",
        "n_elderly",
        "n_deceased",
    ):
        cols[c] = column(c)
    cols["head_age"] = column("head_age", -1.0)
    # the income estimate against the area's lines, and its uncertainty
    # (:func:`.indicators.add_income_estimate`)
    for c in INCOME_FEATURES:
        missing = -1.0 if c.endswith("_ratio") or c.startswith("income_ratio") else 0.0
        cols[c] = column(c, missing) if c in h.columns else np.full(len(score), missing)
    for c in PROFILE_COLUMNS:  # missing (no such record): -1, a value of its own for the trees
        cols[c] = column(c, -1.0)
    holds = {cat: np.zeros(len(score)) for cat in HELP_CATEGORIES}
    row_of = {hk: n for n, hk in enumerate(score.index)}
    for hk, cats in helps.items():  # a few households hold a help
        n = row_of.get(hk)
        if n is not None:
            for cat in cats:
                if cat in holds:
                    holds[cat][n] = 1.0
    for cat in HELP_CATEGORIES:
        cols[f"holds_{cat}"] = holds[cat]
    cols["scorecard"] = score.to_numpy(dtype=np.float64)
    for n, i in enumerate(policy.indicators):
        cols[f"ind_{i.id}"] = flags[:, n]
    for c, v in (values or {}).items():
        cols[c] = v
    cols.update(more)  # the further columns last, as given
    return pd.DataFrame(cols, index=pd.Index(score.index, name="hukou_no"), copy=False)


def levels_of(scores: np.ndarray, policy: Policy) -> list[str | None]:
    """Per score, the highest band whose ``min_score`` it reaches (``None``: below every
    band)."""
    levels = [b.level for b in policy.bands]  # validated: increasing min_score
    band = (
        np.searchsorted(
            np.array([b.min_score for b in policy.bands], dtype=np.float64), scores, side="right"
        )
        - 1
    )
    return [levels[n] if n >= 0 else None for n in band.tolist()]


def probability_levels(
    probability: np.ndarray[Any, Any],
    rank_score: np.ndarray[Any, Any],
    communities: list[str | None],
    sudden: np.ndarray[Any, Any],
    held: np.ndarray[Any, Any],
    policy: Policy,
    band_level: list[str | None] | None = None,
    skip: np.ndarray[Any, Any] | None = None,
) -> list[str | None]:
    """Levels by expected precision and capacity (see the module's documentation), one per
    household in the given order (households sorted by number: the last tie-break).
    ``probability``: calibrated; ``rank_score``: the combined score (second key of the
    ranking); ``communities``: each household's community (area) code; ``sudden``: a sudden
    event concerns it; ``held``: it must stay on the list (a trigger fired); ``band_level``:
    each household's level by the score bands (:func:`levels_of`), its floor when the policy's
    ``keep_band_level`` is set (required then); ``skip``: households left out of the ranking,
    the expected precision and the capacity (level ``None`` here: help reviews, listed by the
    caller)."""
    c, cap = policy.combination, policy.capacity
    assert c.warning_min_precision is not None and c.urgent_min_probability is not None
    assert cap is not None
    bands = [b.level for b in policy.bands]
    watch, warning, urgent = bands[0], bands[-2], bands[-1]
    p = np.asarray(probability, dtype=np.float64)
    n = len(p)
    out: list[str | None] = [None] * n
    if not n:
        return out
    score = np.asarray(rank_score, dtype=np.float64)
    order = np.lexsort((np.arange(n), -score, -p))  # best first
    skipped = np.zeros(n, dtype=bool) if skip is None else np.asarray(skip, dtype=bool)
    order = order[~skipped[order]]
    if not len(order):
        return out
    # the longest head of the ranking with mean probability ≥ warning_min_precision
    mean = np.cumsum(p[order]) / np.arange(1, len(order) + 1)
    good = np.flatnonzero(mean >= c.warning_min_precision - 1e-12)
    head = np.zeros(n, dtype=bool)
    if len(good):
        head[order[: good[-1] + 1]] = True
    is_urgent = (p >= c.urgent_min_probability) & np.asarray(sudden, dtype=bool) & ~skipped
    is_warning = head & ~is_urgent
    keep = np.asarray(held, dtype=bool) & ~is_urgent & ~is_warning & ~skipped
    rank = {level: k for k, level in enumerate(bands)}
    least: list[str | None] = [None] * n
    if c.keep_band_level:
        assert band_level is not None and len(band_level) == n
        least = [None if s else b for b, s in zip(band_level, skipped.tolist(), strict=True)]
    used: dict[str | None, int] = {}
    total, listed = 0.0, 0
    for i in range(n):
        level = urgent if is_urgent[i] else warning if is_warning[i] else watch if keep[i] else None
        band = least[i]
        if band is not None and (level is None or rank[band] > rank[level]):
            level = band
        if level is not None:
            out[i] = level
            used[communities[i]] = used.get(communities[i], 0) + 1
            total, listed = total + p[i], listed + 1
    floor = c.list_min_precision
    for i in order.tolist():
        if out[i] is not None:
            continue
        if floor is not None and (total + p[i]) / (listed + 1) < floor - 1e-12:
            break  # ranked by probability: the list's expected precision only falls further
        code = communities[i]
        if used.get(code, 0) < cap.of(code):
            out[i] = watch
            used[code] = used.get(code, 0) + 1
            total, listed = total + p[i], listed + 1
    return out


# hukou_no -> (visited_on, hardship_confirmed) of the household's latest home visit
Visits = Mapping[str, tuple[dt.date, bool]]


def visit_verdicts(
    households: Sequence[str],
    visits: Visits,
    causes: Iterable[tuple[str, str | None]],
    as_of: dt.date,
    days: int | None,
    *,
    answered: np.ndarray[Any, Any] | None = None,
    helps: Helps | None = None,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], dict[str, dict[str, Any]]]:
    """Where a home visit's verdict holds (the module's "Visit verdicts"), over ``households``
    (sorted register numbers): ``(held_off, confirmed, visit_of)`` — a household found not in
    hardship with nothing new since; a household found in hardship whose causes no help begun
    after the visit answers; and per household with a visit in the window, what its explanation
    says of it. ``causes``: ``(hukou_no, ISO date)`` of each fact that can be a new cause
    (``None``: undated, never new); ``days``: the policy's ``visit_verdict_days`` (``None``:
    off); ``answered``: per household, every fired cause is answered by help it holds;
    ``helps``: the helps held and their starts. A visit holds from its day for ``days`` days,
    and never before its day (a run as of an earlier date)."""
    n = len(households)
    held_off, confirmed = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    visit_of: dict[str, dict[str, Any]] = {}
    if days is None or not visits:
        return held_off, confirmed, visit_of
    first = as_of - dt.timedelta(days=days - 1)
    recent = {h: v for h, v in visits.items() if first <= v[0] <= as_of}
    newest: dict[str, str] = {}
    for hukou, day in causes:
        if day is not None and hukou in recent and day > newest.get(hukou, ""):
            newest[hukou] = day
    for hukou, (visited_on, found) in recent.items():
        i = bisect.bisect_left(households, hukou)
        if i == n or households[i] != hukou:
            continue  # nothing fired there: no row to list
        iso = visited_on.isoformat()
        new_cause = not found and newest.get(hukou, "") > iso
        # help begun after the visit that answers every cause: the verdict was acted on
        helped_since = (
            answered is not None
            and bool(answered[i])
            and any(start > iso for start in (helps or {}).get(hukou, {}).values())
        )
        confirmed[i] = found and not helped_since
        held_off[i] = not found and not new_cause
        visit_of[hukou] = {
            "visited_on": iso,
            "hardship_confirmed": found,
            "new_cause": new_cause,
            "helped_since": helped_since,
        }
    return held_off, confirmed, visit_of


def raise_level(level: str | None, to: str, policy: Policy) -> str:
    order = [b.level for b in policy.bands]
    if level is None or order.index(to) > order.index(level):
        return to
    return level


def combine(
    scorecard_score: pd.Series, probability: np.ndarray | None, policy: Policy
) -> pd.Series:
    c = policy.combination
    if probability is None or c.rule == "scorecard_only":
        combined = scorecard_score.astype(float)
    else:
        combined = (1 - c.model_weight) * scorecard_score.astype(
            float
        ) + c.model_weight * 100.0 * pd.Series(probability, index=scorecard_score.index)
    # round half up on the decimal, identically on every platform
    return pd.Series(np.floor(combined.to_numpy() * 10 + 0.5 + 1e-9) / 10, index=combined.index)


def explain_facts(
    facts: pd.DataFrame | dict[str, list[Any]], key: str
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(hukou_no, indicator or trigger) → its facts, JSON-ready, at most :data:`MAX_FACTS`.
    ``facts``: a frame, or columns as lists (missing values ``None``)."""
    return {
        (hukou, k): listed
        for hukou, per in explain_facts_by_household(facts, key).items()
        for k, listed in per.items()
    }


def explain_facts_by_household(
    facts: pd.DataFrame | dict[str, list[Any]], key: str
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """:func:`explain_facts` as hukou_no → {indicator or trigger → its facts}; fastest with the
    rows ordered by household and ``key``, as the backend fetches them (each household's and
    key's rows together)."""
    if isinstance(facts, pd.DataFrame):
        facts = {
            c: none_for_missing(facts[c]).tolist()
            for c in ("hukou_no", key, "feed", "record_key", "fact_date", "amount", "label")
        }
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    per: dict[str, list[dict[str, Any]]] = {}
    listed: list[dict[str, Any]] = []
    at: tuple[Any, Any] = (None, None)
    for hukou, k, feed, rk, day, amount, label in zip(
        facts["hukou_no"],
        facts[key],
        facts["feed"],
        facts["record_key"],
        facts["fact_date"],
        facts["amount"],
        facts["label"],
        strict=True,
    ):
        if k != at[1] or hukou != at[0]:
            per = out.setdefault(hukou, {})
            listed = per.setdefault(k, [])
            at = (hukou, k)
        if feed is not None and len(listed) < MAX_FACTS:
            listed.append(
                {
                    "feed": feed,
                    "record_key": rk,
                    "date": day,
                    "amount": None if amount is None else int(amount),
                    "label": label,
                }
            )
    return out


def probability_of(
    model: bytes | None,
    feats: pd.DataFrame,
    policy: Policy,
    *,
    envelope: dict[str, Any] | None = None,
) -> tuple[np.ndarray[Any, Any] | None, str | None, str]:
    """(probability array or None, model version or None, model status). ``envelope``:
    ``model`` already loaded (:func:`.model.load`)."""
    if model is None:
        return None, None, "off: no model"
    envelope = model_mod.load(model) if envelope is None else envelope
    version = model_mod.model_version(model)
    n = int(envelope["evaluation"].get("outcomes", 0))
    if n < policy.model.min_outcomes:
        return None, version, f"off: {n} outcomes, {policy.model.min_outcomes} needed"
    return model_mod.predict(envelope, feats), version, "on"


def hardship_probability(
    envelope: dict[str, Any] | None,
    score: pd.Series,
    probability: np.ndarray[Any, Any] | None,
    policy: Policy,
) -> np.ndarray[Any, Any] | None:
    """The calibrated probability of hardship of each combined score: ``None`` while the
    model is off, under rule ``scorecard_only``, or for a model trained before calibration."""
    if envelope is None or probability is None or policy.combination.rule == "scorecard_only":
        return None
    return model_mod.calibrate(envelope, score.to_numpy(dtype=np.float64))


def indicator_values(
    fired: pd.DataFrame, households: list[str], policy: Policy, *, rows: np.ndarray
) -> dict[str, np.ndarray[Any, Any]]:
    """``ind_<id>_signals`` per quiet-hardship indicator: the number of its weak signals where
    it fired unsuppressed (0 elsewhere), a feature beside its 0/1 column."""
    out: dict[str, np.ndarray[Any, Any]] = {}
    live = fired["suppressed_by"].isna().to_numpy()
    for i in policy.indicators:
        if i.kind != QUIET_KIND:
            continue
        v = np.zeros(len(households))
        m = live & (fired["indicator"] == i.id).to_numpy()
        v[np.asarray(rows)[m]] = pd.to_numeric(fired["value"][m]).to_numpy(
            dtype=np.float64, na_value=0.0
        )
        out[f"ind_{i.id}_signals"] = v
    return out


def check_triggers(
    triggers: pd.DataFrame,
    tables: IndicatorTables,
    policy: Policy,
    as_of: Any,
    with_assets: set[str],
) -> dict[tuple[str, str], dict[str, Any]]:
    """(hukou_no, trigger) → the resources check of each fired trigger:

    - ``raises``: whether it raises the level — always, for a trigger without
      ``requires_low_resources``; else when the household's resources per head (income
      estimate of the living members plus help already held, per head and month) are at or
      below ``dibao_standard`` × ``resource_ratio`` and no asset counter-indicator fired
      (``with_assets``). A household whose area has no 低保 standard is not checked: it
      raises, and a caseworker looks;
    - ``checked``, ``resources_per_head``, ``line`` (fen per head and month), ``assets``,
      ``points`` (what a trigger that does not raise adds to the scorecard)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    if triggers.empty:
        return out
    by_id = {t.id: t for t in policy.triggers}
    pairs = sorted(set(zip(triggers["hukou_no"], triggers["trigger"], strict=True)))
    hh = tables.households
    rows = tables.household_rows([h for h, _ in pairs])
    area = hh["area_code"].to_numpy(dtype=object)
    has = {c: c in hh.columns for c in ("resources_per_head", "dibao_line")}
    for (hukou, tid), row in zip(pairs, rows.tolist(), strict=True):
        t = by_id[tid]
        entry: dict[str, Any] = {"checked": False, "raises": True, "points": t.points}
        if t.requires_low_resources and row >= 0 and all(has.values()):
            std = int(hh["dibao_line"].to_numpy()[row])
            ratio = t.resource_ratio
            if isinstance(ratio, str):
                code = tables.area_lookup.get("" if area[row] is None else str(area[row]))
                try:
                    ratio = float(policy.parameter(ratio, area_code=code or "", on=as_of))
                except KeyError:
                    std = 0  # the ratio is not in force for this area: not checked
            if std > 0:
                line = int(round(std * float(ratio)))
                resources = int(hh["resources_per_head"].to_numpy()[row])
                assets = hukou in with_assets
                entry = {
                    "checked": True,
                    "raises": resources <= line and not assets,
                    "resources_per_head": resources,
                    "line": line,
                    "assets": assets,
                    "points": t.points,
                }
        out[(hukou, tid)] = entry
    return out
