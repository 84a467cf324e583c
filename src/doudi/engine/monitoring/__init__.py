"""Dynamic monitoring and early warning (动态监测预警): the engine half.

The operational side calls exactly::

    from doudi.engine.monitoring import monitor, MonitorResult, Policy, PolicyError, default_policy
    result = monitor(lake, catalogue, persons, policy=policy, as_of=date, households=None,
                     backend="duckdb", model=None, spark=None, progress=None)

Steps: indicators (:mod:`.indicators`, SQL on DuckDB or Spark) → scorecard, suppression,
triggers (:mod:`.scoring`) → the statistical model when on (:mod:`.model`) → the combined
score and level, with an explanation per household. No Django; nothing is written anywhere.
Same inputs → identical output.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import scoring
from .backend import make_monitor_backend
from .indicators import FEEDS, IndicatorTables, compute_indicators
from .policy import Policy, PolicyError, default_policy

__all__ = ["monitor", "MonitorResult", "Policy", "PolicyError", "default_policy"]

HOUSEHOLD_COLUMNS = ("hukou_no", "score", "level", "scorecard_score", "model_probability",
                     "dimensions", "reasons", "suppressed", "trigger", "explanation")  # fmt: skip
TAG_COLUMNS = ("person_key", "category", "valid_from", "valid_to", "source")
GANGXING_VALID_DAYS = 365


@dataclass
class MonitorResult:
    """What a run produced.

    - ``households``: one row per household with at least one fired indicator that adds
      points (suppressed or not) or a trigger — :data:`HOUSEHOLD_COLUMNS`, sorted by
      ``hukou_no``; ``level`` is ``None`` below every band;
    - ``persons_tags``: category tags per person (:data:`TAG_COLUMNS`): from the assistance
      and 防返贫 feeds, plus computed ``dibian`` / ``gangxing`` (``source`` ``"computed"``);
    - ``features``: the statistical model's features per household (index ``hukou_no``),
      to train the model on home-visit outcomes (:func:`.model.train`);
    - ``timings``: seconds per step, ``engine`` the total; ``counts``: households per level,
      dimension and street, warnings, indicators fired;
    - ``policy_version``, ``model_version`` (``None`` when off), ``model_status``.
    """

    households: pd.DataFrame
    persons_tags: pd.DataFrame
    features: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)
    policy_version: str = ""
    model_version: str | None = None
    model_status: str = "off: no model"
    household_facts: pd.DataFrame | None = None


def monitor(
    lake,
    catalogue,
    persons: pd.DataFrame,
    *,
    policy: Policy,
    as_of: dt.date,
    households: pd.DataFrame | None = None,
    backend: str = "duckdb",
    model: bytes | None = None,
    spark=None,
    progress: Callable[[int, int], None] | None = None,
) -> MonitorResult:
    """Compute indicators, scores and warnings for every household of the lake, as of
    ``as_of``.

    ``persons``: ``source``, ``record_key``, ``person_key`` per record (identity resolution).
    ``households``: ``person_key``, ``hukou_no`` — overrides membership from the register.
    ``backend``: ``"duckdb"`` or ``"spark"`` (``spark``: a session, else a local one).
    ``model``: bytes from :func:`.model.train`; used only when trained on at least the
    policy's ``model.min_outcomes`` outcomes. ``progress(done, total)`` is called between
    steps.
    """
    # The run builds many small containers (frames of strings, explanations), none in a
    # cycle: the cyclic garbage collector would rescan them again and again, so it pauses.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _monitor(lake, catalogue, persons, policy=policy, as_of=as_of,
                        households=households, backend=backend, model=model, spark=spark,
                        progress=progress)  # fmt: skip
    finally:
        if gc_was_enabled:
            gc.enable()


def _monitor(lake, catalogue, persons, *, policy, as_of, households, backend, model, spark,
             progress) -> MonitorResult:  # fmt: skip
    t0 = time.perf_counter()
    total = 4  # steps: connect, indicators, scores, tags
    timings: dict[str, float] = {}

    def step(n: int) -> None:
        if progress is not None:
            progress(n, total)

    step(0)
    be = make_monitor_backend(backend, lake, catalogue, spark=spark, feeds=FEEDS)
    try:
        timings["connect"] = round(time.perf_counter() - t0, 3)
        step(1)
        tables = compute_indicators(be, persons, policy=policy, as_of=as_of,
                                    households=households, timings=timings,
                                    lazy_facts=True)  # fmt: skip
        step(2)
        t = time.perf_counter()
        # facts are fetched for the warned households only, while the backend is open
        result = score_tables(tables, policy=policy, as_of=as_of, model=model)
        timings["scores"] = round(time.perf_counter() - t, 3)
    finally:
        be.close()
    step(3)
    t = time.perf_counter()
    result.persons_tags = _person_tags(tables, policy, as_of)
    timings["tags"] = round(time.perf_counter() - t, 3)
    timings["engine"] = round(time.perf_counter() - t0, 3)
    result.timings = timings
    step(4)
    return result


def score_tables(tables: IndicatorTables, *, policy: Policy, as_of: dt.date,
                 model: bytes | None = None) -> MonitorResult:  # fmt: skip
    """Scorecard, suppression, triggers, model and explanations from computed indicators."""
    # Explanations are many small containers, none in a cycle: the cyclic garbage collector
    # would rescan them again and again, so it pauses while they are built.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _score_tables(tables, policy=policy, as_of=as_of, model=model)
    finally:
        if gc_was_enabled:
            gc.enable()


def _score_tables(tables: IndicatorTables, *, policy: Policy, as_of: dt.date,
                  model: bytes | None) -> MonitorResult:
    helps = tables.helps(as_of)
    fired = scoring.fired_table(tables, policy)
    fired["suppressed_by"] = scoring.suppress(fired, helps, policy)
    trig = tables.triggers
    trig_households = sorted(set(trig["hukou_no"]))
    # Households a warning can concern: an indicator adding points fired (suppressed or
    # not), or a trigger. Counter-indicators alone make no row.
    # (households as integer codes in sorted order: no repeated hashing of strings)
    points = {i.id: i.points for i in policy.indicators}
    codes, uniques = pd.factorize(fired["hukou_no"], sort=True)
    positive_code = np.zeros(len(uniques), dtype=bool)
    positive_code[codes[(fired["indicator"].map(points) > 0).to_numpy()]] = True
    keep = positive_code[codes]
    positive = set(uniques[positive_code].tolist())
    all_households = sorted(positive | set(trig_households))
    live_fired = fired[keep].reset_index(drop=True)  # every row from the feeds has an indicator
    position = {i.id: n for n, i in enumerate(policy.indicators)}
    live_fired = live_fired.take(np.lexsort((
        live_fired["indicator"].map(position).to_numpy(), codes[keep])))
    fired = live_fired
    if set(trig_households) - positive:
        extra = pd.DataFrame({"hukou_no": sorted(set(trig_households) - positive)})
        fired = pd.concat([fired, extra.assign(indicator=None, value=None, onset=None, facts=0,
                                               suppressed_by=None)], ignore_index=True)  # fmt: skip
    flags = scoring.indicator_matrix(fired, all_households, policy)
    dims, card = scoring.scorecard(flags, all_households, policy)
    feats = scoring.features(flags, tables.households, card, policy, tables.income_window,
                             helps)
    prob, model_version, model_status = scoring.probability_of(model, feats, policy)
    score = scoring.combine(card, prob, policy)

    # triggers: the highest raise_to per household
    order = {b.level: n for n, b in enumerate(policy.bands)}
    trig_of: dict[str, str] = {}
    raise_to = {t.id: t.raise_to for t in policy.triggers}
    for hukou, tid in sorted(set(zip(trig["hukou_no"], trig["trigger"], strict=True))):
        cur = trig_of.get(hukou)
        if cur is None or order[raise_to[tid]] > order[raise_to[cur]]:
            trig_of[hukou] = tid

    score_l = score.to_numpy().tolist()
    # households with a live (unsuppressed) reason that adds points; the others hold a help
    # answering every such indicator that fired (a counter-indicator is no reason to warn)
    adds = live_fired["indicator"].map(points).to_numpy() > 0
    live = set(live_fired.loc[live_fired["suppressed_by"].isna().to_numpy() & adds, "hukou_no"])
    lowest = policy.bands[0].level
    level_l, review = [], set()
    for hukou, s in zip(all_households, score_l, strict=True):
        level = scoring.level_of(s, policy)
        tid = trig_of.get(hukou)
        if tid is not None:
            level = scoring.raise_level(level, raise_to[tid], policy)
        elif level is not None and hukou not in live:
            # help review (在保复核): everything that fired is answered by the help held, so
            # it is not warned again for it; only the statistical model still sees hardship.
            # The household stays on the lowest band, for the periodic review of its help.
            level = lowest
            review.add(hukou)
        level_l.append(level)
    # Facts are listed for warned households only: nobody is shown a household below every
    # band, and listing them for all would cost more than the rest of the scoring.
    warned = {h for h, level in zip(all_households, level_l, strict=True) if level is not None}
    facts = scoring.explain_facts(tables.facts_of(warned), "indicator")
    tfacts = scoring.explain_facts(trig[trig["hukou_no"].isin(warned)], "trigger")
    ind = {i.id: i for i in policy.indicators}
    by_household: dict[str, list] = {}
    values = live_fired["value"].astype(object).where(live_fired["value"].notna(), None).tolist()
    for hukou, iid, value, onset, nfacts, sup in zip(
        live_fired["hukou_no"].tolist(), live_fired["indicator"].tolist(), values,
        live_fired["onset"].tolist(), live_fired["facts"].tolist(),
        live_fired["suppressed_by"].tolist(), strict=True,
    ):
        by_household.setdefault(hukou, []).append((iid, value, onset, nfacts, sup))
    dim_ids = [d.id for d in policy.dimensions]
    caps = {d.id: d.cap for d in policy.dimensions}
    dim_rows = np.round(dims.to_numpy(), 1).tolist()
    card_l = np.round(card.to_numpy(), 1).tolist()
    prob_l = [None] * len(all_households) if prob is None else np.round(prob, 4).tolist()
    used_model = model_version if prob is not None else None
    rule = policy.combination.rule if prob is not None else "scorecard_only"
    rows = _explained_rows(all_households, score_l, level_l, card_l, prob_l, dim_rows, dim_ids,
                           caps,
                           trig_of, raise_to, by_household, ind, facts, tfacts, helps,
                           policy, as_of, used_model, rule, review)  # fmt: skip
    out = pd.DataFrame(rows, columns=list(HOUSEHOLD_COLUMNS))
    counts = _counts(out, np.round(dims.to_numpy(), 1), tables, policy)
    return MonitorResult(
        households=out,
        persons_tags=pd.DataFrame(columns=list(TAG_COLUMNS)),
        features=feats,
        counts=counts,
        policy_version=policy.version,
        model_version=used_model,
        model_status=model_status,
        household_facts=tables.households,
    )


def _explained_rows(all_households, score_l, level_l, card_l, prob_l, dim_rows, dim_ids, caps,
                    trig_of, raise_to, by_household, ind, facts, tfacts, helps, policy, as_of,
                    used_model, rule, review) -> list[tuple]:  # fmt: skip
    rows = []
    as_of_iso = as_of.isoformat()
    version = policy.version
    for n, hukou in enumerate(all_households):
        s, level = score_l[n], level_l[n]
        tid = trig_of.get(hukou)
        dim_points = dict(zip(dim_ids, dim_rows[n], strict=True))
        if level is None and hukou not in helps:
            # below every band and holding no help (most households): nobody is shown it, so
            # the explanation is a short stub — the indicators by id, no per-indicator entries
            # (they would cost more than the rest of the scoring). Households on a help keep
            # the full form, to show what their help answers.
            reasons = [r[0] for r in by_household.get(hukou, ())]
            explanation = {
                "as_of": as_of_iso, "policy_version": version, "model_version": used_model,
                "combination": rule, "scorecard_score": card_l[n],
                "model_probability": prob_l[n], "score": s, "level": None,
                "indicators": reasons, "suppressed": [], "trigger": None, "helps": {},
            }  # fmt: skip
            rows.append((hukou, s, level, card_l[n], prob_l[n], dim_points, reasons, [],
                         tid, explanation))  # fmt: skip
            continue
        reasons, suppressed, shown, hidden = [], [], [], []
        for r in by_household.get(hukou, ()):
            i = ind[r[0]]
            entry = {
                "id": i.id, "dimension": i.dimension, "points": i.points,
                "value": None if r[1] is None else int(r[1]),
                "onset": r[2], "facts_total": int(r[3]),
                "facts": facts.get((hukou, i.id), []),
            }  # fmt: skip
            if r[4] is None:
                reasons.append(i.id)
                shown.append(entry)
            else:
                suppressed.append(i.id)
                entry["suppressed_by"] = {"category": r[4][0], "help_start": r[4][1]}
                hidden.append(entry)
        explanation = {
            "as_of": as_of_iso,
            "policy_version": version,
            "model_version": used_model,
            "combination": rule,
            "scorecard_score": card_l[n],
            "model_probability": prob_l[n],
            "score": s,
            "level": level,
            "dimensions": {d: {"points": dim_points[d], "cap": caps[d]} for d in dim_ids},
            "indicators": shown,
            "suppressed": hidden,
            "trigger": None if tid is None else {
                "id": tid, "raise_to": raise_to[tid], "facts": tfacts.get((hukou, tid), [])},
            "helps": dict(sorted(helps[hukou].items())) if hukou in helps else {},
            "help_review": hukou in review,
        }  # fmt: skip
        rows.append((hukou, s, level, card_l[n], prob_l[n], dim_points, reasons, suppressed,
                     tid, explanation))  # fmt: skip
    return rows


def _counts(out: pd.DataFrame, dims: np.ndarray, tables: IndicatorTables,
            policy: Policy) -> dict[str, Any]:  # fmt: skip
    is_warned = out["level"].notna().to_numpy()
    warned, warned_dims = out[is_warned], dims[is_warned]
    street = tables.households.set_index("hukou_no")["street"]
    counts: dict[str, Any] = {
        "households": int(len(tables.households)),
        "households_with_indicators": int(len(out)),
        "warnings": int(len(warned)),
        "by_level": {b.level: int((warned["level"] == b.level).sum()) for b in policy.bands},
        "by_dimension": {d.id: int((warned_dims[:, n] > 0).sum())
                         for n, d in enumerate(policy.dimensions)},
        "by_street": {str(k): int(v) for k, v in
                      warned["hukou_no"].map(street).fillna("").value_counts().sort_index().items()},
        "indicators_fired": {i: int(n) for i, n in
                             tables.fired["indicator"].value_counts().sort_index().items()},
        "triggers": int(out["trigger"].notna().sum()),
    }  # fmt: skip
    return counts


def _person_tags(tables: IndicatorTables, policy: Policy, as_of: dt.date) -> pd.DataFrame:
    """Tags from the feeds, plus computed 低边 and 刚性支出 tags for living members of
    households that hold no 低保 / 特困 / 低边 help:

    - ``dibian``: income per head at or above the 低保 standard and below
      ``dibian_multiplier`` × the standard, and no asset counter-indicator fired;
    - ``gangxing``: income per head below ``previous_year_disposable_income`` / 12 and 12-month
      out-of-pocket medical spending at least ``gangxing_spending_share`` of the year's income
      (education spending is not in the feeds), valid 12 months (POLICY §4.1).
    Parameters missing from the policy switch the computed tag off."""
    feed_tags = tables.tags
    held = {h for h, cats in tables.helps(as_of).items()
            if {"dibao", "tekun", "dibian"} & set(cats)}  # fmt: skip
    assets = set(tables.fired.loc[tables.fired["indicator"].isin(
        [i.id for i in policy.indicators if i.points < 0]), "hukou_no"])  # fmt: skip
    hh = tables.households
    w = tables.income_window

    def param(name: str, code: str | None):
        try:
            return None if code is None else policy.parameter(name, area_code=code, on=as_of)
        except KeyError:
            return None

    # parameters per area code (a handful), then one vectorised pass over the households
    codes = hh["area_code"].fillna("").map(tables.area_lookup)
    params = {}
    for name in ("dibao_standard", "dibian_multiplier", "previous_year_disposable_income",
                 "gangxing_spending_share"):  # fmt: skip
        per_code = {c: param(name, c) for c in codes.dropna().unique()}
        params[name] = codes.map(per_code).astype(float)
    std, mult = params["dibao_standard"], params["dibian_multiplier"]
    disp, share = params["previous_year_disposable_income"], params["gangxing_spending_share"]
    size, income = hh["size"].astype(float), hh["income"].astype(float)
    eligible = (size > 0) & ~hh["hukou_no"].isin(held) & ~hh["hukou_no"].isin(assets)
    dibian = eligible & (std * size * w <= income) & (income < std * mult * size * w)
    yearly = income * 12 / w
    gangxing = eligible & ~dibian & (yearly < disp * size) & (
        hh["medical_spend"] >= share * yearly.clip(lower=1))
    computed = [(h, "dibian") for h in hh.loc[dibian.fillna(False), "hukou_no"]] + [
        (h, "gangxing") for h in hh.loc[gangxing.fillna(False), "hukou_no"]]
    out = feed_tags[["person_key", "hukou_no", "category", "valid_from", "valid_to", "source"]]
    if computed:
        comp = pd.DataFrame(computed, columns=["hukou_no", "category"])
        add = tables.members.merge(comp, on="hukou_no")
        add = add.assign(valid_from=as_of, valid_to=[
            as_of + dt.timedelta(days=GANGXING_VALID_DAYS - 1) if c == "gangxing" else None
            for c in add["category"]], source="computed")  # fmt: skip
        out = pd.concat([out, add[list(out.columns)]], ignore_index=True)
    out = out.sort_values(["person_key", "category", "valid_from", "source"],
                          kind="mergesort").reset_index(drop=True)  # fmt: skip
    return out[list(TAG_COLUMNS)]
