"""One linkage run: ID-first, probabilistic where IDs fail, reviewable, on DuckDB or Spark.

:func:`link` takes the canonical record table (:func:`doudi.engine.linkage.schema.prepare`)
and runs these named steps on the chosen backend:

1. ``deterministic`` — records sharing a valid ID become one person unless birth date, sex or
   name disagree beyond tolerance; those pairs are *conflicts* (:mod:`.deterministic`).
2. ``train`` — Splink model (:mod:`.model`): u probabilities by random sampling, m
   probabilities by expectation maximisation over several blocking rules. No labels. Skipped
   when a fitted model (its JSON) is passed in.
3. ``predict`` — score the candidate pairs from the prediction blocking rules.
4. ``prior`` — estimate λ, the probability that two random records match, as the fixed point
   λ = Σ P(match | pair, λ) / (number of possible pairs) over the scored pairs (an EM step for
   λ with m and u held fixed; unscored pairs count as non-matches). The model JSON returned
   carries this λ, so the stored model reproduces the run's probabilities.
5. ``edges`` — a pair is linked when it shares a valid ID and passed the guard, or when its
   match probability under λ is ≥ ``threshold`` (default 0.5: the pair is more likely the same
   person than not). Never linked automatically: pairs of records holding different
   check-digit-valid resident IDs, and — under the default conflict policy ``"hold"`` — ID
   conflict pairs (under ``"model"`` a conflict pair is scored with the shared ID's evidence
   removed). Pairs from ``review_threshold`` up to the threshold, the refused pairs and the
   conflicts go to the review queue.
6. ``cluster`` — Splink's connected components over the linked pairs. A component that would
   join two records that must stay apart (different checked IDs; a held conflict) through
   other records is re-split greedily: its linked pairs are replayed strongest first and a
   pair is skipped when it would join two such records; the pairs cut go to review.
7. ``keys`` — stable integer cluster keys (:mod:`.keys`).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from splink import Linker
from splink.clustering import cluster_pairwise_predictions_at_threshold
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.unique_id_concat import CONCAT_SEPARATOR

from doudi.engine.backends import BackendName, make_backend
from doudi.engine.backends import LinkageBackend as Backend

from . import deterministic
from . import model as model_lib
from .keys import assign_keys
from .model import LinkType
from .schema import COLUMNS

ConflictPolicy = Literal["hold", "model"]

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.5
DEFAULT_REVIEW_THRESHOLD = 0.05


@dataclass
class LinkageResult:
    """What a run produces; every table is a pandas DataFrame.

    - ``clusters``: ``unique_id``, ``source``, ``cluster_key`` (int) — one row per record.
    - ``pairs``: the linked pairs — ``unique_id_l``, ``unique_id_r`` (l < r),
      ``match_probability`` (1.0 for an ID link), ``basis`` (``"id"`` or ``"model"``).
    - ``conflicts``: records sharing a valid ID with a reference record they disagree with —
      ``unique_id_l``, ``unique_id_r``, ``reasons`` (``"birth_date,sex,name"`` subset),
      ``same_cluster`` (true only if other evidence joined them anyway — never by the ID).
    - ``review``: pairs for a human — ``unique_id_l``, ``unique_id_r``, ``match_probability``,
      ``reason``: ``"uncertain"`` (review threshold ≤ p < threshold), ``"different_ids"``
      (p ≥ threshold but the records hold different checked IDs), ``"id_conflict"`` (a
      conflict pair, see ``conflicts``) or ``"split"`` (a linked pair whose records ended in
      different clusters when a component was re-split).
    - ``model``: the fitted Splink model (settings JSON with m, u and λ) — store it with the run.
    """

    clusters: pd.DataFrame
    pairs: pd.DataFrame
    conflicts: pd.DataFrame
    review: pd.DataFrame
    model: dict[str, Any]
    threshold: float
    probability_two_random_records_match: float
    backend: str
    link_type: str
    timings: dict[str, float] = field(default_factory=dict)
    resplit_clusters: int = 0


def _logit2(p: float) -> float:
    return math.log2(p / (1 - p))


def possible_pairs(records: pd.DataFrame, link_type: LinkType) -> int:
    """How many record pairs the link type allows (the denominator of λ)."""
    n = len(records)
    if link_type == "link_only":
        sizes = records["source"].value_counts().to_numpy(dtype=np.int64)
        return int((n * n - int((sizes * sizes).sum())) // 2)
    return n * (n - 1) // 2


def estimate_prior(
    weight_histogram: pd.DataFrame, *, prior: float, total_pairs: int, max_iter: int = 200
) -> float:
    """Fixed point of λ = Σ P(match | w, λ) / total_pairs.

    ``weight_histogram`` has ``w`` (match weight computed with prior ``prior``) and ``n``.
    """
    if total_pairs <= 0 or weight_histogram.empty:
        return prior
    w = weight_histogram["w"].to_numpy(dtype=float) - _logit2(prior)
    n = weight_histogram["n"].to_numpy(dtype=float)
    lam = prior
    for _ in range(max_iter):
        p = 1.0 / (1.0 + np.exp2(-(w + _logit2(lam))))
        new = float((p * n).sum()) / total_pairs
        new = min(max(new, 1e-12), 0.5)
        if abs(new - lam) <= 1e-6 * lam:
            return new
        lam = new
    return lam


EDGES_SQL = """
WITH model_pairs AS (
    SELECT least(unique_id_l, unique_id_r) AS a, greatest(unique_id_l, unique_id_r) AS b,
           match_weight + {shift} AS w
    FROM {predictions}
),
id_pairs AS (
    SELECT least(unique_id_l, unique_id_r) AS a, greatest(unique_id_l, unique_id_r) AS b,
           birth_ok AND sex_ok AND name_ok AS ok
    FROM {id_groups}
    WHERE {id_pair_filter}
),
conflict_pairs AS (
    SELECT DISTINCT a, b FROM id_pairs WHERE NOT ok
),
scored AS (
    -- a conflict pair is scored without the evidence of the ID it shares
    SELECT m.a, m.b,
           CASE WHEN c.a IS NULL THEN 1.0 / (1.0 + pow(2.0, -m.w))
                ELSE 1.0 / (1.0 + pow(2.0, -(m.w - {id_exact_weight}))) END AS p,
           0 AS by_id,
           CASE WHEN c.a IS NULL THEN 0 ELSE 1 END AS conflict
    FROM model_pairs AS m
    LEFT JOIN conflict_pairs AS c ON m.a = c.a AND m.b = c.b
),
candidates AS (
    -- A scored pair below the review threshold that is no conflict cannot change a kept
    -- edge (an ID pair's p is 1.0 anyway): drop it before grouping, most pairs are such.
    SELECT * FROM scored WHERE p >= {review_threshold} OR conflict = 1
    UNION ALL
    SELECT a, b, 1.0 AS p, 1 AS by_id, 0 AS conflict FROM id_pairs WHERE ok
    UNION ALL
    SELECT a, b, 0.0 AS p, 0 AS by_id, 1 AS conflict FROM conflict_pairs
),
best AS (
    SELECT a, b, max(p) AS p, max(by_id) AS by_id, max(conflict) AS conflict
    FROM candidates GROUP BY a, b
)
SELECT best.a AS unique_id_l, best.b AS unique_id_r, best.p AS match_probability,
       best.by_id, best.conflict,
       CASE WHEN ra.id_checked AND rb.id_checked AND ra.id_number <> rb.id_number
            THEN 1 ELSE 0 END AS different_ids
FROM best
JOIN {records} AS ra ON ra.unique_id = best.a
JOIN {records} AS rb ON rb.unique_id = best.b
WHERE best.p >= {review_threshold} OR best.by_id = 1 OR best.conflict = 1
"""

# With no ID groups the template still needs a table; an empty one with the right columns.
NO_ID_GROUPS_SQL = """
SELECT CAST(NULL AS VARCHAR) AS unique_id_l, CAST(NULL AS VARCHAR) AS unique_id_r,
       CAST(NULL AS VARCHAR) AS source_l, CAST(NULL AS VARCHAR) AS source_r,
       TRUE AS birth_ok, TRUE AS sex_ok, TRUE AS name_ok
FROM {records} WHERE 1 = 0
"""

# the linked pairs (the edges clustered); ``basis``: ``"id"`` or ``"model"``
ACCEPTED_SQL = """
SELECT unique_id_l, unique_id_r, CAST(match_probability AS DOUBLE) AS match_probability,
       CASE WHEN by_id = 1 THEN 'id' ELSE 'model' END AS basis
FROM {edges}
WHERE different_ids = 0 AND (by_id = 1 OR match_probability >= {threshold})
  AND (conflict = 0 OR {model_decides_conflicts})
"""

# the pairs for a person (see LinkageResult.review), in the order of their record ids; the
# first reason that holds wins
REVIEW_SQL = """
SELECT unique_id_l, unique_id_r, match_probability, reason FROM (
    SELECT unique_id_l, unique_id_r, CAST(match_probability AS DOUBLE) AS match_probability,
           CASE WHEN conflict = 1 THEN 'id_conflict'
                WHEN different_ids = 1 AND match_probability >= {threshold} THEN 'different_ids'
                WHEN by_id = 0 AND different_ids = 0 AND match_probability < {threshold}
                THEN 'uncertain'
                ELSE '' END AS reason
    FROM {e}
) AS r
WHERE reason <> ''
ORDER BY unique_id_l, unique_id_r
"""


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()
        self._start = self._t

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._t, 3)
        self._t = now

    def total(self) -> dict[str, float]:
        self.timings["total"] = round(time.perf_counter() - self._start, 3)
        return self.timings


def link(
    records: pd.DataFrame,
    *,
    link_type: LinkType = "link_and_dedupe",
    backend: BackendName = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    model: dict[str, Any] | None = None,
    prior: float | None = None,
    use_ids: bool = True,
    conflict_policy: ConflictPolicy = "hold",
    previous_keys: pd.DataFrame | None = None,
    key_floor: int | None = None,
    seed: int = 42,
    u_max_pairs: float = 3e6,
    threads: int = 2,
    spark: Any = None,
    comparisons: list[ComparisonCreator] | None = None,
    prediction_rules: list[BlockingRuleCreator] | None = None,
    training_rules: list[BlockingRuleCreator] | None = None,
    explain: bool = False,
    memory_limit: str | None = None,
    train_sample: int | None = None,
) -> LinkageResult:
    """Link ``records`` (the canonical table from :func:`~.schema.prepare`) into clusters.

    ``link_type``: ``"link_and_dedupe"`` (feeds that may hold duplicates; the default),
    ``"dedupe_only"`` (one table) or ``"link_only"`` (two or more duplicate-free sides, told
    apart by ``source``). ``backend``: ``"duckdb"`` (``threads`` threads) or ``"spark"``
    (``spark`` session, or a local one with ``threads`` cores).

    ``threshold`` is the match probability at or above which a pair is linked, under the
    prior λ estimated from the data (or ``prior`` when given). ``model`` is a fitted model's
    JSON from an earlier run: training is skipped. ``use_ids=False`` turns the deterministic
    ID step off (the ID still counts as evidence in the model). ``conflict_policy`` says what
    happens to an ID conflict pair until a person decides: ``"hold"`` keeps the two records
    apart; ``"model"`` links them only if the model, with the shared ID's evidence taken out,
    reaches the threshold (the pair stays in ``conflicts`` either way). ``previous_keys``
    (``unique_id``, ``cluster_key``) and ``key_floor`` make keys stable (:mod:`.keys`).
    ``comparisons``, ``prediction_rules`` and ``training_rules`` override the defaults of
    :mod:`.model` (for experiments and baselines). ``explain=True`` adds to ``review`` one
    column ``mw_<comparison>`` per comparison: that comparison's match weight (log2 of its
    Bayes factor, term-frequency adjustment included) for the pair; null for a pair the model
    did not score (an ID conflict outside the blocking rules). ``memory_limit``: DuckDB's
    memory limit (e.g. ``"3GB"``; it spills to disk beyond it). ``train_sample``: train on
    a seeded random sample of at most this many records (all records are scored).
    """
    missing = [c for c in COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"records lack canonical columns {missing}; run prepare() first")
    if not 0 < threshold < 1 or not 0 < review_threshold <= threshold:
        raise ValueError("need 0 < review_threshold <= threshold < 1")
    if conflict_policy not in ("hold", "model"):
        raise ValueError(f"unknown conflict_policy {conflict_policy!r}: expected 'hold' or 'model'")
    if (
        list(records.columns) != list(COLUMNS)
        or not isinstance(records.index, pd.RangeIndex)
        or records.index.start != 0
        or records.index.step != 1
    ):
        records = records[list(COLUMNS)].reset_index(drop=True)
    # else: prepare()'s output as it is — no copy of a table that can hold millions of rows
    timer = _Timer()
    be = make_backend(backend, threads=threads, spark=spark, memory_limit=memory_limit)
    try:
        result = _run(
            be,
            records,
            timer=timer,
            link_type=link_type,
            threshold=threshold,
            review_threshold=review_threshold,
            model=model,
            prior=prior,
            use_ids=use_ids,
            conflict_policy=conflict_policy,
            seed=seed,
            u_max_pairs=u_max_pairs,
            comparisons=comparisons,
            prediction_rules=prediction_rules,
            training_rules=training_rules,
            explain=explain,
            train_sample=train_sample,
        )
    finally:
        if backend == "duckdb":
            be.close()
    clusters, pairs, conflicts, review, fitted, lam, resplit = result
    keyed = assign_keys(clusters, previous=previous_keys, key_floor=key_floor)
    by_uid = dict(zip(keyed["unique_id"], keyed["cluster_key"], strict=True))
    out_clusters = pd.DataFrame(
        {
            "unique_id": records["unique_id"],
            "source": records["source"],
            "cluster_key": records["unique_id"].map(by_uid).astype("int64"),
        }
    )
    if len(conflicts):
        same = conflicts["unique_id_l"].map(by_uid) == conflicts["unique_id_r"].map(by_uid)
        conflicts = conflicts.assign(same_cluster=same.to_numpy())
    else:
        conflicts = conflicts.assign(same_cluster=pd.Series(dtype=bool))
    timer.lap("keys")
    return LinkageResult(
        clusters=out_clusters,
        pairs=pairs,
        conflicts=conflicts,
        review=review,
        model=fitted,
        threshold=threshold,
        probability_two_random_records_match=lam,
        backend=backend,
        link_type=link_type,
        timings=timer.total(),
        resplit_clusters=resplit,
    )


def id_exact_weight(fitted: dict[str, Any]) -> float:
    """log2(m/u) of the model's exact-ID level: the evidence an agreeing ID contributes."""
    for comparison in fitted.get("comparisons", []):
        if comparison.get("output_column_name") != "id_number":
            continue
        for level in comparison["comparison_levels"]:
            condition = level.get("sql_condition", "").replace('"', "").replace(" ", "")
            m, u = level.get("m_probability"), level.get("u_probability")
            if condition == "id_number_l=id_number_r" and m and u:
                return math.log2(m / u)
    return 0.0


def _scoring(model: dict[str, Any]) -> dict[str, Any]:
    """``model`` set to score narrow pairs: ids and weights only — not the compared values nor
    each comparison's weight, which made the table several times wider (a stored model may
    say otherwise: it keeps the settings of the run that fitted it). :func:`_explain` scores
    the review pairs again with their comparisons' weights."""
    return {
        **model,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }


def _train(
    linker: Linker, *, rules: list[BlockingRuleCreator], seed: int, u_max_pairs: float
) -> None:
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    for rule in rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)


def _release(trainer: Linker) -> None:
    """Drop the tables the training linker made (its sample, term frequencies, blocked pairs):
    scoring uses its own linker, and they would stay in memory beside the scored pairs."""
    cache = trainer._intermediate_table_cache
    for table in list(cache.data.values()):
        table.drop_table_from_database_and_remove_from_cache()
    cache.data = {}
    for table in trainer._input_tables_dict.values():
        if table.physical_name == "doudi_linkage_training_records":
            table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)


def _train_or_fix(
    trainer: Linker, *, rules: list[BlockingRuleCreator], seed: int, u_max_pairs: float
) -> tuple[dict[str, Any], list[str]]:
    """Train; where expectation maximisation cannot fit (a small district: a level with too
    few pairs ends with m = 0, or EM fails outright) use fixed m-probabilities instead. Returns
    the model and the comparisons that fell back (``"all (EM failed: …)"`` when EM raised)."""
    failed = ""
    try:
        _train(trainer, rules=rules, seed=seed, u_max_pairs=u_max_pairs)
    except Exception as exc:  # noqa: BLE001 - EM is a fit, it may not converge on little data
        logger.warning("linkage: EM could not fit (%s); fixed m-probabilities", type(exc).__name__)
        failed = type(exc).__name__
    model, fixed = model_lib.fix_m_probabilities(trainer.misc.save_model_to_json())
    if failed:
        model, _ = model_lib.fix_m_probabilities(model, every=True)
        fixed = [f"all (EM failed: {failed})"]
    return model, fixed


def _run(
    be: Backend,
    records: pd.DataFrame,
    *,
    timer: _Timer,
    link_type: LinkType,
    threshold: float,
    review_threshold: float,
    model: dict[str, Any] | None,
    prior: float | None,
    use_ids: bool,
    conflict_policy: ConflictPolicy,
    seed: int,
    u_max_pairs: float,
    comparisons: list[ComparisonCreator] | None,
    prediction_rules: list[BlockingRuleCreator] | None,
    training_rules: list[BlockingRuleCreator] | None,
    explain: bool = False,
    train_sample: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Any], float, int]:
    rec = be.register(records, "doudi_linkage_records")
    rec_name = rec.physical_name

    # 1. deterministic
    if use_ids and bool(records["id_valid"].any()):
        id_groups = deterministic.id_group_pairs(be, rec_name)
    else:
        id_groups = be.table(NO_ID_GROUPS_SQL, records=rec_name)
    # only the conflict pairs come to pandas: the groups' pairs are a pair per shared-ID record
    id_conflicts = be.frame(
        "SELECT * FROM {t} WHERE NOT (birth_ok AND sex_ok AND name_ok)",
        t=id_groups.physical_name,
    )
    timer.lap("deterministic")

    # 2. train (or reuse)
    settings = model_lib.settings(
        records,
        link_type=link_type,
        comparisons_=comparisons,
        blocking_rules=prediction_rules,
        retain_intermediate=explain,
    )
    fallback: list[str] = []
    if model is not None:
        dialect = be.db_api.sql_dialect.sql_dialect_str
        fallback = list(model.get(model_lib.FALLBACK_KEY, []))
        stored = model_lib.for_dialect(model_lib.splink_model(model), settings, dialect)
        linker = Linker(rec, _scoring(stored), log_level=logging.ERROR)
    else:
        rules = training_rules if training_rules is not None else model_lib.training_rules(records)
        if train_sample is None or len(records) <= train_sample:
            trainer = Linker(rec, settings, log_level=logging.ERROR)
        else:
            # EM's blocked pairs grow with the square of the records per block: train on a
            # seeded random sample (matches and non-matches thin alike), score everything.
            sample = records.sample(n=train_sample, random_state=seed).sort_values("unique_id")
            trec = be.register(sample.reset_index(drop=True), "doudi_linkage_training_records")
            trainer = Linker(trec, settings, log_level=logging.ERROR)
        trained, fallback = _train_or_fix(trainer, rules=rules, seed=seed, u_max_pairs=u_max_pairs)
        if be.name == "duckdb":
            _release(trainer)
        linker = Linker(rec, _scoring(trained), log_level=logging.ERROR)
    timer.lap("train")

    # 3. predict
    predictions = linker.inference.predict(warning_mode="never")
    timer.lap("predict")

    # 4. prior
    fitted = linker.misc.save_model_to_json()
    model_prior = float(fitted["probability_two_random_records_match"])
    if prior is None:
        histogram = be.frame(
            "SELECT round(match_weight, 3) AS w, count(*) AS n FROM {p} GROUP BY 1",
            p=predictions.physical_name,
        )
        lam = estimate_prior(
            histogram, prior=model_prior, total_pairs=possible_pairs(records, link_type)
        )
    else:
        lam = prior
    fitted["probability_two_random_records_match"] = lam
    if fallback:
        # stored with the model, so the run report (and a reuse of the model) says so
        fitted[model_lib.FALLBACK_KEY] = fallback
    shift = _logit2(lam) - _logit2(model_prior)
    timer.lap("prior")

    # 5. edges
    edges = _edges(
        be,
        predictions.physical_name,
        id_groups.physical_name,
        rec_name,
        link_type=link_type,
        shift=shift,
        review_threshold=review_threshold,
        id_weight=id_exact_weight(fitted),
    )
    accepted = be.table(
        ACCEPTED_SQL.replace("{threshold}", repr(threshold)).replace(
            "{model_decides_conflicts}", "TRUE" if conflict_policy == "model" else "FALSE"
        ),
        edges=edges.physical_name,
    )
    review = be.frame(REVIEW_SQL.replace("{threshold}", repr(threshold)), e=edges.physical_name)
    if explain:
        review = _explain(be, linker, review, predictions.physical_name, fitted)
    if be.name == "duckdb":
        # Scored pairs are done with: free them before clustering (the memory peak). (Spark
        # evaluates lazily; its later steps may still read them.)
        predictions.drop_table_from_database_and_remove_from_cache()
    timer.lap("edges")

    # 6. cluster
    clusters, pairs, conflicts, review, resplit = _cluster(
        be, rec, records, accepted, id_conflicts, review, link_type, conflict_policy
    )
    timer.lap("cluster")
    return clusters, pairs, conflicts, review, fitted, lam, resplit


def _edges(
    be: Backend,
    predictions: str,
    id_groups: str,
    records: str,
    *,
    link_type: LinkType,
    shift: float,
    review_threshold: float,
    id_weight: float,
) -> Any:
    """The candidate edges (:data:`EDGES_SQL`) as a backend table."""
    id_pair_filter = "source_l <> source_r" if link_type == "link_only" else "TRUE"
    return be.table(
        EDGES_SQL.replace("{shift}", repr(shift))
        .replace("{review_threshold}", repr(review_threshold))
        .replace("{id_pair_filter}", id_pair_filter)
        .replace("{id_exact_weight}", repr(id_weight)),
        predictions=predictions,
        id_groups=id_groups,
        records=records,
    )


def _cluster(
    be: Backend,
    rec: Any,
    records: pd.DataFrame,
    accepted: Any,
    id_conflicts: pd.DataFrame,
    review: pd.DataFrame,
    link_type: LinkType,
    conflict_policy: ConflictPolicy,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """Connected components over the accepted edges, re-split where they join records that
    must stay apart; the linked pairs (:func:`_pairs`) and the conflicts come along."""
    cc = cluster_pairwise_predictions_at_threshold(
        nodes=rec,
        edges=accepted,
        db_api=be.db_api,
        node_id_column_name="unique_id",
        edge_id_column_name_left="unique_id_l",
        edge_id_column_name_right="unique_id_r",
    )
    clusters = be.frame("SELECT unique_id, cluster_id FROM {c}", c=cc.physical_name)
    clusters["unique_id"] = clusters["unique_id"].astype(str)
    conflicts = _conflicts(id_conflicts, link_type)
    pairs = _pairs(be, accepted.physical_name)
    held = conflicts if conflict_policy == "hold" else conflicts.iloc[0:0]
    clusters, resplit = _enforce_cannot_link(clusters, pairs, records, held)
    if resplit:
        cluster_of = dict(zip(clusters["unique_id"], clusters["cluster_id"], strict=True))
        apart = pairs["unique_id_l"].map(cluster_of) != pairs["unique_id_r"].map(cluster_of)
        cut = pairs[apart].drop(columns="basis").assign(reason="split")
        pairs = pairs[~apart].reset_index(drop=True)
        review = (
            pd.concat([review, cut], ignore_index=True)
            .sort_values(["unique_id_l", "unique_id_r"])
            .reset_index(drop=True)
        )
    return clusters, pairs, conflicts, review, resplit


def _explain(
    be: Backend, linker: Linker, review: pd.DataFrame, predictions: str, fitted: dict[str, Any]
) -> pd.DataFrame:
    """Per-comparison match weights of the review pairs: the review pairs alone are scored a
    second time, keeping each comparison's weight (the run's scored pairs keep only the total,
    a table several times narrower)."""
    names = [c["output_column_name"] for c in fitted.get("comparisons", [])]
    if review.empty or not names:
        return review.assign(**{f"mw_{n}": pd.Series(dtype=float) for n in names})
    pairs = be.register(
        review[["unique_id_l", "unique_id_r"]].drop_duplicates(), "doudi_linkage_review_pairs"
    )
    settings = linker._settings_obj
    # unquoted: the SQL below is written in DuckDB's dialect and transpiled for Spark, whose
    # settings would quote the names with backticks
    ids = [c.unquote() for c in settings.column_info_settings.unique_id_input_columns]
    glue = f" || '{CONCAT_SEPARATOR}' || "
    # the review pairs as Splink blocked them (either order), by its composite record keys
    blocked = be.table(
        "SELECT p.match_key, "
        + glue.join(f"p.{c.name_l}" for c in ids)
        + " AS join_key_l, "
        + glue.join(f"p.{c.name_r}" for c in ids)
        + " AS join_key_r FROM {p} AS p JOIN (SELECT unique_id_l AS x, unique_id_r AS y FROM {r} "
        "UNION ALL SELECT unique_id_r, unique_id_l FROM {r}) AS r "
        "ON p.unique_id_l = r.x AND p.unique_id_r = r.y",
        p=predictions,
        r=pairs.physical_name,
    )
    linker.table_management.register_blocked_pairs_for_predict(blocked)
    settings._retain_intermediate_calculation_columns = True
    try:
        scored = linker.inference.predict(warning_mode="never")
    finally:
        settings._retain_intermediate_calculation_columns = False
    available = set(be.frame("SELECT * FROM {s} LIMIT 0", s=scored.physical_name).columns)
    parts = []
    for n in names:
        mw = f"s.mw_{n}" if f"mw_{n}" in available else "0.0"
        tf = f"coalesce(s.mw_tf_adj_{n}, 0.0)" if f"mw_tf_adj_{n}" in available else "0.0"
        parts.append(f"{mw} + {tf} AS mw_{n}")
    weights = be.frame(
        "SELECT least(s.unique_id_l, s.unique_id_r) AS unique_id_l, "
        "greatest(s.unique_id_l, s.unique_id_r) AS unique_id_r, "
        + ", ".join(parts)
        + " FROM {s} AS s",
        s=scored.physical_name,
    )
    weights["unique_id_l"] = weights["unique_id_l"].astype(str)
    weights["unique_id_r"] = weights["unique_id_r"].astype(str)
    weights = weights.drop_duplicates(["unique_id_l", "unique_id_r"])
    return review.merge(weights, on=["unique_id_l", "unique_id_r"], how="left")


def _conflicts(id_groups: pd.DataFrame, link_type: LinkType) -> pd.DataFrame:
    if link_type == "link_only":
        id_groups = id_groups[id_groups["source_l"] != id_groups["source_r"]]
    bad = id_groups[~(id_groups["birth_ok"] & id_groups["sex_ok"] & id_groups["name_ok"])]
    out = pd.DataFrame(
        {
            "unique_id_l": bad["unique_id_l"].astype(str),
            "unique_id_r": bad["unique_id_r"].astype(str),
            "reasons": [deterministic.reasons(r) for r in bad.itertuples()],
        }
    )
    return out.sort_values(["unique_id_l", "unique_id_r"]).reset_index(drop=True)


def _pairs(be: Backend, accepted: str) -> pd.DataFrame:
    """The linked pairs: ``unique_id_l``, ``unique_id_r``, ``match_probability``, ``basis``."""
    out = be.frame(
        "SELECT unique_id_l, unique_id_r, match_probability, basis FROM {a} "
        "ORDER BY unique_id_l, unique_id_r",
        a=accepted,
    )
    for c in ("unique_id_l", "unique_id_r"):
        out[c] = out[c].astype(str)
    out["match_probability"] = out["match_probability"].astype(float)
    return out


def _enforce_cannot_link(
    clusters: pd.DataFrame,
    pairs: pd.DataFrame,
    records: pd.DataFrame,
    conflicts: pd.DataFrame,
) -> tuple[pd.DataFrame, int]:
    """Re-split the components that join records which must stay apart.

    Must stay apart: a conflict pair, and two records with different checked IDs. Inside a
    violating component the linked pairs are replayed strongest first (ID links, then by
    match probability) into a union-find that refuses any union joining two such records.
    """
    # Find the violating components with vectorised joins first: Python dictionaries over
    # every record of a district cost hundreds of MiB, and violations are rare.
    cluster_by_uid = pd.Series(
        clusters["cluster_id"].to_numpy(), index=clusters["unique_id"].to_numpy()
    )
    checked = records.loc[records["id_checked"], ["unique_id", "id_number"]]
    id_clusters = pd.DataFrame(
        {
            "cluster_id": checked["unique_id"].map(cluster_by_uid).to_numpy(),
            "id_number": checked["id_number"].to_numpy(),
        }
    )
    ids_per_cluster = id_clusters.groupby("cluster_id")["id_number"].nunique()
    bad_set = set(ids_per_cluster.index[ids_per_cluster.to_numpy() > 1])
    conflict_l = conflicts["unique_id_l"].map(cluster_by_uid)
    conflict_r = conflicts["unique_id_r"].map(cluster_by_uid)
    bad_set |= set(conflict_l[conflict_l.to_numpy() == conflict_r.to_numpy()])
    if not bad_set:
        return clusters, 0
    bad = sorted(bad_set, key=str)
    in_bad_clusters = clusters[clusters["cluster_id"].isin(bad_set)]
    cluster_of = dict(zip(in_bad_clusters["unique_id"], in_bad_clusters["cluster_id"], strict=True))
    members: dict[Any, list[str]] = {}
    for uid, cid in cluster_of.items():
        members.setdefault(cid, []).append(uid)
    checked_id = {
        u: i
        for u, i in zip(checked["unique_id"], checked["id_number"], strict=True)
        if u in cluster_of
    }
    apart: dict[str, set[str]] = {}
    for a, b in zip(conflicts["unique_id_l"], conflicts["unique_id_r"], strict=True):
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)
    in_bad = pairs["unique_id_l"].map(cluster_of).isin(bad_set)
    replay = pairs[in_bad].assign(by_id=pairs["basis"] == "id")
    replay = replay.sort_values(
        ["by_id", "match_probability", "unique_id_l", "unique_id_r"],
        ascending=[False, False, True, True],
    )
    parent: dict[str, str] = {u: u for cid in bad for u in members[cid]}
    ids: dict[str, set[str]] = {u: ({checked_id[u]} if u in checked_id else set()) for u in parent}
    comp: dict[str, set[str]] = {u: {u} for u in parent}
    forbidden: dict[str, set[str]] = {u: set(apart.get(u, set())) for u in parent}

    def find(u: str) -> str:
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    for a, b in zip(replay["unique_id_l"], replay["unique_id_r"], strict=True):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if len(ids[ra] | ids[rb]) > 1 or forbidden[ra] & comp[rb]:
            continue
        if len(comp[ra]) < len(comp[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        comp[ra] |= comp.pop(rb)
        ids[ra] |= ids.pop(rb)
        forbidden[ra] |= forbidden.pop(rb)
    new_id = {u: f"resplit:{min(comp[find(u)])}" for u in parent}
    out = clusters.copy()
    out["cluster_id"] = out["cluster_id"].astype(str)
    mask = out["unique_id"].isin(new_id)
    out.loc[mask, "cluster_id"] = out.loc[mask, "unique_id"].map(new_id)
    return out, len(bad)
