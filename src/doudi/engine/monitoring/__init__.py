"""Dynamic monitoring and early warning (动态监测预警): the engine half.

The operational side calls exactly::

    from doudi.engine.monitoring import monitor, MonitorResult, Policy, PolicyError, default_policy
    result = monitor(lake, catalogue, persons, policy=policy, as_of=date, households=None,
                     backend="duckdb", model=None, spark=None, progress=None, keyed=None,
                     delivered=None)

Steps: indicators (:mod:`.indicators`, SQL on DuckDB or Spark) → scorecard, suppression,
triggers (:mod:`.scoring`) → the statistical model when on (:mod:`.model`) → the combined
score and level, with an explanation per household; and which feeds the policy reads are
missing, late or partial (:mod:`.coverage`) — a missing feed never fails the run, its
indicators just do not fire, and the result says so. No Django; nothing is written anywhere.
Same inputs → identical output.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import itertools
import os
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from doudi.engine.backends import SqlBackend
from doudi.engine.catalogue import Catalogue
from doudi.engine.frames import none_for_missing
from doudi.engine.lake import Lake

from . import model as model_mod
from . import scoring
from .backend import make_monitor_backend
from .coverage import feed_coverage
from .feed_features import PREFIX as FEED_PREFIX
from .feed_features import compute_feed_features, feed_specs
from .feeds import FEEDS
from .indicators import IndicatorTables, compute_indicators
from .policy import Indicator, Policy, PolicyError, default_policy

__all__ = ["monitor", "MonitorResult", "Policy", "PolicyError", "default_policy"]

HOUSEHOLD_COLUMNS = (
    "hukou_no",
    "score",
    "level",
    "scorecard_score",
    "model_probability",
    "dimensions",
    "reasons",
    "suppressed",
    "trigger",
    "explanation",
)
# the household columns that are always Python objects (text, lists, dicts; None)
OBJECT_COLUMNS = frozenset(
    {"hukou_no", "level", "dimensions", "reasons", "suppressed", "trigger", "explanation"}
)
TAG_COLUMNS = ("person_key", "category", "valid_from", "valid_to", "source")
GANGXING_VALID_DAYS = 365


@dataclass
class MonitorResult:
    """What a run produced.

    - ``households``: one row per household with at least one fired indicator that adds
      points (suppressed or not) or a trigger — :data:`HOUSEHOLD_COLUMNS`, sorted by
      ``hukou_no``; ``level`` is ``None`` below every band; ``explanation`` is ``None`` for
      a household below every band that holds no help (shown to nobody);
    - ``persons_tags``: category tags per person (:data:`TAG_COLUMNS`): from the assistance
      and 防返贫 feeds, plus computed ``dibian`` / ``gangxing`` (``source`` ``"computed"``);
    - ``features``: the statistical model's features per household (index ``hukou_no``),
      to train the model on home-visit outcomes (:func:`.model.train`) — empty when the run
      was asked for none (``features=False``, no model, not training);
    - ``timings``: seconds per step, ``engine`` the total; ``counts``: households per level,
      dimension and street, warnings, indicators fired;
    - ``policy_version``, ``model_version`` (``None`` when off), ``model_status``;
    - ``feeds``: each feed the policy reads, its status (ok, missing, late, partial) and the
      estimated cost in recall of its absence (:meth:`.coverage.FeedStatus.as_dict`);
    - ``helps``: the help each household holds on ``as_of`` (hukou_no → {category: the help's
      start, ISO date}), every household of the district, warned or not (what suppression
      and help review read).
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
    feeds: list[dict[str, Any]] = field(default_factory=list)
    helps: dict[str, dict[str, str]] = field(default_factory=dict)


def monitor(
    lake: Lake,
    catalogue: Catalogue,
    persons: pd.DataFrame,
    *,
    policy: Policy,
    as_of: dt.date,
    households: pd.DataFrame | None = None,
    backend: str = "duckdb",
    model: bytes | None = None,
    spark: Any = None,
    progress: Callable[[int, int], None] | None = None,
    keyed: str | os.PathLike[str] | None = None,
    delivered: dict[str, dt.date | None] | None = None,
    training: bool = False,
    features: bool = True,
    visits: scoring.Visits | None = None,
) -> MonitorResult:
    """Compute indicators, scores and warnings for every household of the lake, as of
    ``as_of``.

    ``persons``: ``source``, ``record_key``, ``person_key`` per record (identity resolution).
    ``households``: ``person_key``, ``hukou_no`` — overrides membership from the register.
    ``backend``: ``"duckdb"`` or ``"spark"`` (``spark``: a session, else a local one).
    ``model``: bytes from :func:`.model.train`; used only when trained on at least the
    policy's ``model.min_outcomes`` outcomes. ``progress(done, total)`` is called between
    steps. ``keyed``: the path of a keyed store built for these persons (:mod:`.keyed`):
    DuckDB reads the feeds it still holds from it instead of joining them to the persons —
    same results, less time. ``delivered``: each feed's last delivery date, when the caller
    keeps them (a feed delivered longer ago than its freshness limit is reported late).
    ``training``: the run's ``features`` will train a model — with the policy's
    ``model.feed_features`` they then include the generic feed features
    (:mod:`.feed_features`), which are otherwise computed only for a model that reads them.
    ``features``: false when the caller has no use for the run's ``features`` (no model is
    given and none is trained from them): they are then empty, and the household profile —
    which only the model reads — is not computed (a model given, or ``training``, computes
    them anyway). ``visits``: hukou_no → ``(visited_on, hardship_confirmed)`` of each
    household's latest home visit, whose verdict the levels follow for the policy's
    ``combination.visit_verdict_days`` (:mod:`.scoring`, "Visit verdicts").
    """
    # The run builds many small containers (frames of strings, explanations), none in a
    # cycle: the cyclic garbage collector would rescan them again and again, so it pauses.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _monitor(
            lake,
            catalogue,
            persons,
            policy=policy,
            as_of=as_of,
            households=households,
            backend=backend,
            model=model,
            spark=spark,
            progress=progress,
            keyed=keyed,
            delivered=delivered,
            training=training,
            features=features or training or model is not None,
            visits=visits,
        )
    finally:
        if gc_was_enabled:
            gc.enable()


def _monitor(
    lake: Lake,
    catalogue: Catalogue,
    persons: pd.DataFrame,
    *,
    policy: Policy,
    as_of: dt.date,
    households: pd.DataFrame | None,
    backend: str,
    model: bytes | None,
    spark: Any,
    progress: Callable[[int, int], None] | None,
    keyed: str | os.PathLike[str] | None,
    delivered: dict[str, dt.date | None] | None = None,
    training: bool = False,
    features: bool = True,
    visits: scoring.Visits | None = None,
) -> MonitorResult:
    t0 = time.perf_counter()
    total = 4  # steps: connect, indicators, scores, tags
    timings: dict[str, float] = {}

    def step(n: int) -> None:
        if progress is not None:
            progress(n, total)

    step(0)
    loading = _load_model(model)
    coverage = _in_thread(
        "doudi-feeds", lambda: feed_coverage(lake, catalogue, policy, as_of, delivered=delivered)
    )
    be = make_monitor_backend(backend, lake, catalogue, spark=spark, feeds=FEEDS, keyed=keyed)
    tables: IndicatorTables | None = None
    extra: pd.DataFrame | Future[pd.DataFrame] | None = None
    try:
        timings["connect"] = round(time.perf_counter() - t0, 3)
        step(1)
        # the household profile is computed beside the rest, until the scores need it; the
        # person tags' first half while the indicators' facts are computed
        plans: list[dict[str, Any]] = []
        tables = compute_indicators(
            be,
            persons,
            policy=policy,
            as_of=as_of,
            households=households,
            timings=timings,
            lazy_facts=True,
            defer_profile=True,
            profile=features,
            meanwhile=lambda early: plans.append(_tag_plan(early, policy, as_of)),
        )
        envelope = None if loading is None else loading.result()
        wanted = _feed_features_wanted(policy, envelope, training)
        extra = (
            _feed_features_beside(be, catalogue, tables, persons, as_of, wanted, timings)
            if wanted is None or wanted
            else None
        )
        step(2)
        t = time.perf_counter()
        # facts are fetched for the warned households only, while the backend is open
        result = score_tables(
            tables,
            policy=policy,
            as_of=as_of,
            model=model,
            envelope=envelope,
            more_features=extra,
            features=features,
            visits=visits,
        )
        timings["scores"] = round(time.perf_counter() - t, 3)
    finally:
        # failed before the scores: what runs beside finishes before the backend closes
        if tables is not None and tables.profile is not None:
            tables.profile.exception()
        if isinstance(extra, Future):
            extra.exception()
        be.close()
    step(3)
    t = time.perf_counter()
    result.persons_tags = _person_tags(tables, policy, as_of, plans[0] if plans else None)
    timings["tags"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    # the feed coverage ran in a thread beside the SQL: what is left is waiting for it
    result.feeds = [s.as_dict() for s in coverage.result()]
    timings["feeds"] = round(time.perf_counter() - t, 3)
    timings["engine"] = round(time.perf_counter() - t0, 3)
    result.timings = timings
    step(4)
    return result


def _feed_features_beside(
    be: SqlBackend,
    catalogue: Catalogue,
    tables: IndicatorTables,
    persons: pd.DataFrame,
    as_of: dt.date,
    wanted: list[str] | None,
    timings: dict[str, float],
) -> Future[pd.DataFrame]:
    """The generic feed features of the households a warning can concern (see
    :func:`score_tables`: an indicator or a trigger fired). On DuckDB they are computed on a
    second cursor in a thread, beside the first scoring steps, until the model's features
    need them; elsewhere now (a future either way)."""
    hh = tables.households
    scope = pd.unique(np.concatenate([tables.fired["hukou_no"], tables.triggers["hukou_no"]]))
    households = hh.loc[hh["hukou_no"].isin(scope), ["hukou_no", "size"]]

    def compute(on: SqlBackend) -> pd.DataFrame:
        return compute_feed_features(
            on, feed_specs(catalogue), as_of, households, persons, wanted=wanted, timings=timings
        )

    return be.run_beside(compute)


def _feed_features_wanted(
    policy: Policy, envelope: dict[str, Any] | None, training: bool
) -> list[str] | None:
    """The generic feed features this run computes (``None``: all of them). They are the
    model's: none unless the policy gives them to the model (``model.feed_features``); all
    when the run's features will train a model; else those the model in use keeps (none for a
    model trained without them)."""
    if not policy.model.feed_features:
        return []
    if training:
        return None
    return [str(c) for c in (envelope or {}).get("features", ()) if str(c).startswith(FEED_PREFIX)]


def _load_model(model: bytes | None) -> Future[dict[str, Any]] | None:
    """The model's envelope (:func:`.model.load`), loaded in a thread: unpickling it imports
    scikit-learn (about a second the first time in a process), which then happens while the
    SQL runs and leaves the interpreter free. ``None`` without a model; a model that does not
    load raises when its result is asked for, where scoring would have loaded it."""
    if model is None:
        return None
    from .model import load

    return _in_thread("doudi-model", lambda: load(model))


def _in_thread[T](name: str, work: Callable[[], T]) -> Future[T]:
    """``work()`` in a thread of its own, started now; its result (or its exception) comes
    from the future. For work that waits on files or on DuckDB, which release the
    interpreter, while the run's SQL goes on."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    try:
        return pool.submit(work)
    finally:
        pool.shutdown(wait=False)


def score_tables(
    tables: IndicatorTables,
    *,
    policy: Policy,
    as_of: dt.date,
    model: bytes | None = None,
    envelope: dict[str, Any] | None = None,
    more_features: pd.DataFrame | Future[pd.DataFrame] | None = None,
    features: bool = True,
    visits: scoring.Visits | None = None,
) -> MonitorResult:
    """Scorecard, suppression, triggers, model and explanations from computed indicators.
    ``envelope``: ``model`` already loaded (:func:`.model.load`); ``more_features``: further model
    features, indexed by ``hukou_no`` (the generic feed features), or their future (asked for
    when the model's features are built); ``features``: false when no model is given and the
    result's ``features`` are not wanted (they are then empty); ``visits``: the latest home
    visit of each visited household (:func:`monitor`)."""
    # Explanations are many small containers, none in a cycle: the cyclic garbage collector
    # would rescan them again and again, so it pauses while they are built.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _score_tables(
            tables,
            policy=policy,
            as_of=as_of,
            model=model,
            envelope=envelope,
            more_features=more_features,
            features=features or model is not None,
            visits=visits,
        )
    finally:
        if gc_was_enabled:
            gc.enable()


def _score_tables(
    tables: IndicatorTables,
    *,
    policy: Policy,
    as_of: dt.date,
    model: bytes | None,
    envelope: dict[str, Any] | None,
    more_features: pd.DataFrame | Future[pd.DataFrame] | None = None,
    features: bool = True,
    visits: scoring.Visits | None = None,
) -> MonitorResult:
    helps = tables.helps(as_of)
    fired = scoring.fired_table(tables, policy)
    fired["suppressed_by"] = scoring.suppress(fired, helps, policy)
    trig = tables.triggers
    # Households a warning can concern: an indicator adding points fired (suppressed or
    # not), or a trigger. Counter-indicators alone make no row. Households are integer codes
    # in sorted order, indicators codes of their own: no repeated hashing of strings.
    codes, uniques = _sorted_codes(fired["hukou_no"])
    icodes, ids = pd.factorize(fired["indicator"])
    ind = {i.id: i for i in policy.indicators}
    position = {i.id: n for n, i in enumerate(policy.indicators)}
    ipoints = np.array([ind[i].points for i in ids], dtype=np.float64)[icodes]
    positive_code = np.zeros(len(uniques), dtype=bool)
    positive_code[codes[ipoints > 0]] = True
    keep = np.flatnonzero(positive_code[codes])
    # the fired rows of those households, by household, then in the policy's order
    ipos = np.array([position[i] for i in ids], dtype=np.int64)[icodes]
    order = keep[np.lexsort((ipos[keep], codes[keep]))]
    # taken column by column: a frame's take would stack its text columns into one block
    live_fired = pd.DataFrame(
        {
            c: fired[c].array.take(order)
            if isinstance(fired[c].dtype, pd.api.extensions.ExtensionDtype)
            else fired[c].to_numpy()[order]
            for c in fired.columns
        },
        copy=False,
    )
    positive = uniques[positive_code].tolist()
    extra = set(trig["hukou_no"]) - set(positive)
    if extra:  # a trigger in a household with no indicator adding points
        all_households = sorted([*positive, *extra])
        rows = pd.Index(all_households).get_indexer(live_fired["hukou_no"])
    else:
        all_households = positive
        rows = (np.cumsum(positive_code) - 1)[codes[order]]
    flags = scoring.indicator_matrix(live_fired, all_households, policy, rows=rows)
    dims, card = scoring.scorecard(flags, all_households, policy)
    # triggers that check resources: those whose household has enough left add points to
    # the scorecard (after the dimension caps) instead of raising the level
    counter = {i.id for i in policy.indicators if i.points < 0}
    with_assets = set(
        fired.loc[fired["indicator"].isin(counter) & fired["suppressed_by"].isna(), "hukou_no"]
    )
    checks = scoring.check_triggers(trig, tables, policy, as_of, with_assets)
    added: dict[str, float] = {}
    for (hukou, _), c in checks.items():
        if not c["raises"]:
            added[hukou] = max(added.get(hukou, 0.0), float(c["points"]))
    if added:
        extra_points = pd.Series(added).reindex(card.index, fill_value=0.0)
        card = (card + extra_points).clip(0, 100)
    hh_rows = tables.household_rows(all_households)  # each one's row in tables.households
    tables.complete_profile()  # the model's features read it, and the feed features
    if isinstance(more_features, Future):
        more_features = more_features.result()
    feats = (
        scoring.features(
            flags,
            tables.households,
            card,
            policy,
            tables.income_window,
            helps,
            rows=hh_rows,
            values=scoring.indicator_values(live_fired, all_households, policy, rows=rows),
            extra=more_features,
        )
        if features
        else pd.DataFrame(index=pd.Index([], dtype=object, name="hukou_no"))
    )
    if model is not None and envelope is None:
        envelope = model_mod.load(model)
    prob, model_version, model_status = scoring.probability_of(
        model, feats, policy, envelope=envelope
    )
    score = scoring.combine(card, prob, policy)
    hardship = scoring.hardship_probability(envelope, score, prob, policy)

    # triggers: the highest raise_to per household
    band_rank = {b.level: n for n, b in enumerate(policy.bands)}
    trig_of: dict[str, str] = {}
    raise_to = {t.id: t.raise_to for t in policy.triggers}
    for hukou, tid in sorted(set(zip(trig["hukou_no"], trig["trigger"], strict=True))):
        if not checks[(hukou, tid)]["raises"]:
            continue
        cur = trig_of.get(hukou)
        if cur is None or band_rank[raise_to[tid]] > band_rank[raise_to[cur]]:
            trig_of[hukou] = tid

    score_a = score.to_numpy()
    score_l = score_a.tolist()
    # households with a live (unsuppressed) reason that adds points; the others hold a help
    # answering every such indicator that fired (a counter-indicator is no reason to warn):
    # help reviews (在保复核) when no trigger raises their level
    alive = live_fired["suppressed_by"].isna().to_numpy()
    adds = alive & (ipoints[order] > 0)
    live = set(live_fired["hukou_no"].to_numpy()[adds].tolist())
    answered = np.array([h not in live and h not in trig_of for h in all_households], dtype=bool)
    # where a home visit's verdict holds: a new cause is a live reason or a trigger dated after
    # it (the dates listed only when there are visits: none in most runs)
    held_off, confirmed, visit_of = scoring.visit_verdicts(
        all_households,
        visits or {},
        itertools.chain(
            zip(
                live_fired["hukou_no"].to_numpy()[adds].tolist(),
                live_fired["onset"].to_numpy()[adds].tolist(),
                strict=True,
            ),
            zip(trig["hukou_no"].tolist(), trig["fact_date"].tolist(), strict=True),
        )
        if visits
        else (),
        as_of,
        policy.combination.visit_verdict_days,
        answered=answered,
        helps=helps,
    )
    if hardship is not None and confirmed.any():
        # a visit found these households in hardship: the run knows, it need not estimate
        hardship = np.where(confirmed, scoring.VISIT_CONFIRMED_PROBABILITY, hardship)
    review_all = policy.combination.help_review
    by_probability = hardship is not None and policy.combination.by_probability
    if by_probability:
        assert hardship is not None
        area = np.append(tables.households["area_code"].to_numpy(dtype=object), [None])[hh_rows]
        sudden_dims = [n for n, d in enumerate(dims.columns) if d == "sudden_event"]
        sudden = np.array([h in trig_of for h in all_households], dtype=bool)
        if sudden_dims:
            sudden |= dims.to_numpy()[:, sudden_dims[0]] > 0
        level_l = scoring.probability_levels(
            np.round(hardship, 4),
            combined_unrounded(card, prob, policy),
            area.tolist(),
            sudden,
            np.array([h in trig_of for h in all_households], dtype=bool),
            policy,
            scoring.levels_of(score_a, policy) if policy.combination.keep_band_level else None,
            # help reviews are listed below, outside the ranking and the capacity, and so
            # are households a visit found not in hardship
            skip=(answered if review_all else np.zeros(len(answered), dtype=bool)) | held_off,
        )
    else:
        level_l = scoring.levels_of(score_a, policy)
    lowest = policy.bands[0].level
    review = set()
    for n in np.flatnonzero(answered).tolist():
        if review_all or level_l[n] is not None:
            # help review (在保复核): everything that fired is answered by the help held, so
            # it is not warned again for it as a new case; it is listed on the lowest band
            # for the periodic review of its help (with help_review whatever its score, else
            # only when its score or probability gives it a level)
            level_l[n] = lowest
            review.add(all_households[n])
    for hukou, tid in trig_of.items():
        if by_probability:
            break  # the trigger took part in the level (sudden event, kept on the list)
        n = bisect.bisect_left(all_households, hukou)
        level_l[n] = scoring.raise_level(level_l[n], raise_to[tid], policy)
    # the visits' verdicts stand over the scores
    for n in np.flatnonzero(held_off).tolist():
        level_l[n] = None
        review.discard(all_households[n])
    warning_band = policy.bands[-2 if len(policy.bands) > 1 else -1].level
    for n in np.flatnonzero(confirmed).tolist():
        level_l[n] = scoring.raise_level(level_l[n], warning_band, policy)
        review.discard(all_households[n])  # a case found in hardship, not a help review
    # Facts are listed for warned households only: nobody is shown a household below every
    # band, and listing them for all would cost more than the rest of the scoring.
    warned = {h for h, level in zip(all_households, level_l, strict=True) if level is not None}
    # an explanation lists the facts from a feed only: the others are not fetched
    facts = scoring.explain_facts_by_household(
        tables.fact_lists_of(warned, sourced=True), "indicator"
    )
    tfacts = scoring.explain_facts(trig[trig["hukou_no"].isin(warned)], "trigger")
    # each household's fired rows: a slice of live_fired (sorted by household)
    starts = np.searchsorted(rows, np.arange(len(all_households) + 1)).tolist()
    dim_ids = [d.id for d in policy.dimensions]
    used_model = model_version if prob is not None else None
    columns = _explained_rows(
        all_households,
        starts,
        live_fired,
        score_l,
        level_l,
        np.round(card.to_numpy(), 1),
        None if prob is None else np.round(prob, 4),
        np.round(dims.to_numpy(), 1),
        dim_ids,
        trig_of,
        raise_to,
        ind,
        facts,
        tfacts,
        helps,
        review,
        checks,
        visit_of,
        policy=policy,
        as_of=as_of,
        used_model=used_model,
        rule=policy.combination.rule if prob is not None else "scorecard_only",
        hardship=None if hardship is None else np.round(hardship, 4),
        level_by="probability" if by_probability else "score",
    )
    # the columns of Python objects made arrays here, element by element: pandas would scan
    # each list of dicts or lists to infer its type
    out = pd.DataFrame(
        {
            c: np.fromiter(columns[c], dtype=object, count=len(columns[c]))
            if c in OBJECT_COLUMNS
            else columns[c]
            for c in HOUSEHOLD_COLUMNS
        },
        copy=False,
    )
    # households per fired indicator (every fired row: one per household and indicator)
    fired_n = np.bincount(icodes, minlength=len(ids)).tolist()
    indicators_fired = {str(i): fired_n[n] for n, i in sorted(enumerate(ids), key=lambda x: x[1])}
    counts = _counts(
        out, np.round(dims.to_numpy(), 1), tables, policy, indicators_fired, rows=hh_rows
    )
    counts["visits"] = {
        "held_off": int(held_off.sum()),
        "confirmed": int(confirmed.sum()),
        "new_cause": sum(1 for v in visit_of.values() if v["new_cause"]),
    }
    counts["by_trigger"] = {
        t.id: {
            "fired": sum(1 for (_, tid) in checks if tid == t.id),
            "raised": sum(1 for (_, tid), c in checks.items() if tid == t.id and c["raises"]),
        }
        for t in policy.triggers
    }
    return MonitorResult(
        households=out,
        persons_tags=pd.DataFrame(columns=list(TAG_COLUMNS)),
        features=feats,
        counts=counts,
        policy_version=policy.version,
        model_version=used_model,
        model_status=model_status,
        household_facts=tables.households,
        helps=helps,
    )


def combined_unrounded(card: pd.Series, prob: Any, policy: Policy) -> np.ndarray:
    """The combined score before rounding (the ranking's second key: fewer ties)."""
    w = policy.combination.model_weight
    out: np.ndarray = (1 - w) * card.to_numpy(dtype=np.float64) + w * 100.0 * np.asarray(prob)
    return out


def _sorted_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, sort=True)``, without sorting when the values already come in
    order (the backend returns fired indicators ordered by household)."""
    a = values.to_numpy(dtype=object)
    if len(a) and bool((a[1:] >= a[:-1]).all()):
        new = np.ones(len(a), dtype=bool)
        new[1:] = a[1:] != a[:-1]
        return np.cumsum(new) - 1, a[new]
    codes, uniques = pd.factorize(values, sort=True)
    return codes, np.asarray(uniques, dtype=object)


def _explained_rows(
    all_households: Any,
    starts: Any,
    live_fired: pd.DataFrame,
    score_l: list[float],
    level_l: list[str | None],
    card: Any,
    prob: Any,
    dims: Any,
    dim_ids: list[str],
    trig_of: Any,
    raise_to: Any,
    ind: dict[str, Indicator],
    facts: Any,
    tfacts: Any,
    helps: dict[str, dict[str, str]],
    review: Any,
    checks: dict[tuple[str, str], dict[str, Any]],
    visit_of: dict[str, dict[str, Any]],
    *,
    policy: Policy,
    as_of: dt.date,
    used_model: str | None,
    rule: str,
    hardship: Any = None,
    level_by: str = "score",
) -> dict[str, list[Any]]:
    """The output columns, a row per household. Households below every band that hold no
    help (most of them) are shown to nobody: their row has the reasons by id and no
    explanation (building one would cost more than the rest of the scoring). The others
    have the full explanation; households on a help keep it to show what their help
    answers."""
    n_rows = len(all_households)
    ids = live_fired["indicator"].tolist()
    card_l, dim_rows = card.tolist(), dims.tolist()
    prob_l = [None] * n_rows if prob is None else prob.tolist()
    hard_l = [None] * n_rows if hardship is None else hardship.tolist()
    dim_points = [dict(zip(dim_ids, r, strict=True)) for r in dim_rows]
    # nothing is suppressed without a help: below every band, the reasons are what fired
    reasons = [ids[a:b] for a, b in zip(starts[:-1], starts[1:], strict=True)]
    suppressed: list[list[Any]] = [[] for _ in range(n_rows)]
    explanations: list[dict[str, Any] | None] = [None] * n_rows
    shown_rows = [
        n
        for n, (hukou, level) in enumerate(zip(all_households, level_l, strict=True))
        if level is not None or hukou in helps
    ]
    picked: list[tuple[Any, ...]] = []
    if shown_rows:
        # only the fired rows of the households shown become Python values (a third of
        # them with the model on, on the 130,000-household district): building, then
        # freeing, the others cost time for nothing. One tuple per row (values are Python
        # ints or None, as tolist() gives them): a household takes one slice of them.
        pick = _ranges(np.asarray(starts), np.asarray(shown_rows))
        picked = list(
            zip(
                live_fired["indicator"].to_numpy()[pick].tolist(),
                none_for_missing(live_fired["value"]).to_numpy()[pick].tolist(),
                live_fired["onset"].to_numpy()[pick].tolist(),
                live_fired["facts"].to_numpy(dtype=np.int64)[pick].tolist(),
                live_fired["suppressed_by"].to_numpy()[pick].tolist(),
                strict=True,
            )
        )
    as_of_iso = as_of.isoformat()
    version = policy.version
    checked_of: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for (hukou, tid), c in sorted(checks.items()):
        checked_of.setdefault(hukou, []).append((tid, c))
    caps = [d.cap for d in policy.dimensions]
    # per indicator id, its (dimension, points): one lookup per fired row
    meta = {k: (i.dimension, i.points) for k, i in ind.items()}
    k = 0  # the first of the household's rows in the picked values
    no_facts: dict[str, list[dict[str, Any]]] = {}
    for n in shown_rows:
        hukou, level = all_households[n], level_l[n]
        live, hidden_ids, shown, hidden = [], [], [], []
        m, k = k, k + starts[n + 1] - starts[n]
        listed = facts.get(hukou, no_facts)
        for iid, value, onset, total, sup in picked[m:k]:
            dimension, points = meta[iid]
            entry = {
                "id": iid,
                "dimension": dimension,
                "points": points,
                "value": value,
                "onset": onset,
                "facts_total": total,
                "facts": listed.get(iid, []),
            }
            if sup is None:
                live.append(iid)
                shown.append(entry)
            else:
                hidden_ids.append(iid)
                entry["suppressed_by"] = {"category": sup[0], "help_start": sup[1]}
                hidden.append(entry)
        reasons[n], suppressed[n] = live, hidden_ids
        tid = trig_of.get(hukou)
        explanations[n] = {
            "as_of": as_of_iso,
            "policy_version": version,
            "model_version": used_model,
            "combination": rule,
            "scorecard_score": card_l[n],
            "model_probability": prob_l[n],
            # the combined score as a calibrated probability of hardship (None: no model,
            # or a model trained before calibration)
            "probability": hard_l[n],
            "score": score_l[n],
            "level": level,
            # what set the level: "score" (the bands) or "probability" (expected precision
            # and the community's visit capacity)
            "level_by": level_by,
            "dimensions": {
                d: {"points": v, "cap": cap}
                for d, v, cap in zip(dim_ids, dim_rows[n], caps, strict=True)
            },
            "indicators": shown,
            "suppressed": hidden,
            "trigger": None
            if tid is None
            else {"id": tid, "raise_to": raise_to[tid], "facts": tfacts.get((hukou, tid), [])},
            # every trigger that fired, and whether it raised the level or only added points
            # (its household has resources left: other members' income, help held, assets)
            "triggers": [
                {
                    "id": t,
                    "raise_to": raise_to[t],
                    **c,
                    "facts": tfacts.get((hukou, t), []),
                }
                for t, c in checked_of.get(hukou, [])
            ],
            "helps": dict(sorted(helps[hukou].items())) if hukou in helps else {},
            "help_review": hukou in review,
            # the household's latest home visit while its verdict window lasts (None: none)
            "visit": visit_of.get(hukou),
        }
    return {
        "hukou_no": all_households,
        "score": score_l,
        "level": level_l,
        "scorecard_score": card_l,
        "model_probability": prob_l,
        "dimensions": dim_points,
        "reasons": reasons,
        "suppressed": suppressed,
        "trigger": [trig_of.get(h) for h in all_households],
        "explanation": explanations,
    }


def _ranges(starts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The positions ``starts[r]`` up to ``starts[r + 1]`` of each of ``rows``, in order, as
    one array."""
    lo, hi = starts[rows], starts[rows + 1]
    lengths = hi - lo
    offsets = np.cumsum(lengths) - lengths  # where each row's positions begin in the result
    out: np.ndarray = np.repeat(lo - offsets, lengths) + np.arange(int(lengths.sum()))
    return out


def _counts(
    out: pd.DataFrame,
    dims: np.ndarray,
    tables: IndicatorTables,
    policy: Policy,
    indicators_fired: dict[str, int],
    *,
    rows: np.ndarray,
) -> dict[str, Any]:
    """The run's counts. ``rows``: each row of ``out``'s row in ``tables.households``."""
    is_warned = out["level"].notna().to_numpy()
    warned, warned_dims = out[is_warned], dims[is_warned]
    rows = rows[is_warned]
    street = np.append(tables.households["street"].to_numpy(dtype=object), [None])[rows]
    counts: dict[str, Any] = {
        "households": int(len(tables.households)),
        "households_with_indicators": int(len(out)),
        "warnings": int(len(warned)),
        "by_level": {b.level: int((warned["level"] == b.level).sum()) for b in policy.bands},
        "by_dimension": {
            d.id: int((warned_dims[:, n] > 0).sum()) for n, d in enumerate(policy.dimensions)
        },
        "by_street": {
            str(k): int(v)
            for k, v in pd.Series(street, dtype=object)
            .fillna("")
            .value_counts()
            .sort_index()
            .items()
        },
        "indicators_fired": indicators_fired,
        "triggers": int(out["trigger"].notna().sum()),
    }
    return counts


def _person_tags(
    tables: IndicatorTables,
    policy: Policy,
    as_of: dt.date,
    plan: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Tags from the feeds, plus computed 低边 and 刚性支出 tags for living members of
    households that hold no 低保 / 特困 / 低边 help:

    - ``dibian``: income per head at or above the 低保 standard and below
      ``dibian_multiplier`` × the standard, and no asset counter-indicator fired;
    - ``gangxing``: income per head below ``previous_year_disposable_income`` / 12 and 12-month
      out-of-pocket medical spending at least ``gangxing_spending_share`` of the year's income
      (education spending is not in the feeds), valid 12 months (POLICY §4.1).
    Parameters missing from the policy switch the computed tag off. ``plan``:
    :func:`_tag_plan` of these tables, when made before (it does not read the fired
    indicators)."""
    plan = _tag_plan(tables, policy, as_of) if plan is None else plan
    # households where an asset counter-indicator fired (indicators as codes: few distinct)
    fired = tables.fired
    icodes, ids = pd.factorize(fired["indicator"])
    counter = {i.id for i in policy.indicators if i.points < 0}
    negative = np.array([i in counter for i in ids], dtype=bool)
    assets = tables.household_rows(pd.unique(fired["hukou_no"].to_numpy()[negative[icodes]]))
    no_assets = np.ones(len(tables.households), dtype=bool)
    no_assets[assets[assets >= 0]] = False
    # each living member of such a household gets the household's computed tag
    member_rows, found = plan["member_rows"], plan["found"]
    tagged = {}
    for category in ("dibian", "gangxing"):
        flag = plan[category] & no_assets
        pick = np.zeros(len(member_rows), dtype=bool)
        pick[found] = flag[member_rows[found]]
        tagged[category] = tables.members[pick]
    out = tables.tags[["person_key", "hukou_no", "category", "valid_from", "valid_to", "source"]]
    gangxing_to = as_of + dt.timedelta(days=GANGXING_VALID_DAYS - 1)
    add = [
        m.assign(
            category=c,
            valid_from=as_of,
            valid_to=gangxing_to if c == "gangxing" else None,
            source="computed",
        )
        for c, m in tagged.items()
        if len(m)
    ]
    if add:
        out = pd.concat([out, *(a[list(out.columns)] for a in add)], ignore_index=True)
    out = out.sort_values(
        ["person_key", "category", "valid_from", "source"], kind="mergesort"
    ).reset_index(drop=True)
    return out[list(TAG_COLUMNS)]


def _tag_plan(tables: IndicatorTables, policy: Policy, as_of: dt.date) -> dict[str, Any]:
    """What :func:`_person_tags` computes before it reads the fired indicators: per household
    (rows of ``tables.households``) the ``dibian`` and ``gangxing`` conditions as if no
    asset counter-indicator fired, and each living member's household row
    (``member_rows``; ``found`` where it has one)."""
    held = {
        h for h, cats in tables.helps(as_of).items() if {"dibao", "tekun", "dibian"} & set(cats)
    }
    hh = tables.households
    w = tables.income_window
    eligible = hh["size"].to_numpy() > 0
    held_rows = tables.household_rows(sorted(held))
    eligible[held_rows[held_rows >= 0]] = False

    def param(name: str, code: str | None) -> int | float | None:
        try:
            return None if code is None else policy.parameter(name, area_code=code, on=as_of)
        except KeyError:
            return None

    # parameters per area code (a handful), then one vectorised pass over the households
    acodes, areas = pd.factorize(hh["area_code"].fillna(""))
    params = {}
    for name in (
        "dibao_standard",
        "dibian_multiplier",
        "previous_year_disposable_income",
        "gangxing_spending_share",
    ):
        per_area = [param(name, tables.area_lookup.get(a)) for a in areas]
        params[name] = np.array(
            [np.nan if v is None else float(v) for v in per_area], dtype=np.float64
        )[acodes]
    std, mult = params["dibao_standard"], params["dibian_multiplier"]
    disp, share = params["previous_year_disposable_income"], params["gangxing_spending_share"]
    size = hh["size"].to_numpy(dtype=np.float64)
    income = hh["income"].to_numpy(dtype=np.float64)
    dibian = eligible & (std * size * w <= income) & (income < std * mult * size * w)
    yearly = income * 12 / w
    gangxing = (
        eligible
        & ~dibian
        & (yearly < disp * size)
        & (hh["medical_spend"].to_numpy(dtype=np.float64) >= share * np.clip(yearly, 1, None))
    )
    member_rows = tables.household_rows(tables.members["hukou_no"])
    return {
        "dibian": dibian,
        "gangxing": gangxing,
        "member_rows": member_rows,
        "found": member_rows >= 0,
    }
