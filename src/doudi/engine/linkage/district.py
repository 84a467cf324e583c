"""Identity resolution over a whole district's lake: every person-level feed, one run.

:func:`records_from_lake` reads one row per record of every person-level feed of the lake into
the canonical input of :func:`~.schema.prepare`; :func:`link_district` links them with
:func:`~.pipeline.link` and gives every record an integer ``person_key``;
:func:`export_persons` lists ``(feed, record_key, person_key)`` for the operational side.

**Profiles.** Event feeds repeat the same person dozens of times with identical identity
fields (a monthly contribution, a tax line). Records with identical comparison columns (name,
ID, near ID, birth date, sex, phone, address, community) are one *profile*; the model links
profiles, and every record takes its profile's cluster. This is exact: two records with
identical comparison columns get the same scores against every other record, and are linked
to each other by any sane model. A record named in a review decision is always a profile of
its own, so a decision can separate it from its look-alikes.

**Review decisions** — ``(unique_id_l, unique_id_r, same)`` — override the model in every run
they are passed to. Semantics, exactly:

1. The last decision on a pair wins (the pair is unordered).
2. ``same=True`` (forced link): the two records end in one cluster, whatever the model, the ID
   guards or the conflict policy say — so their two clusters merge.
3. ``same=False`` (forced split): the two records end in different clusters. The pair's own
   edge is cut; every cluster touched by a decision is then rebuilt from the run's linked
   pairs, forced links first, then the model and ID links strongest first (ID links, then by
   match probability, ties by record ids), skipping any link that would join two records a
   forced split keeps apart. So if another path still joined the two records, its weakest
   link is cut instead; the links cut this way go to ``review`` with reason ``"decision"``.
4. Decisions contradicting each other (forced splits between records that forced links join,
   directly or through other forced links) raise :class:`DecisionConflict`.
5. A decided pair never appears in ``review``. Decisions naming unknown records are ignored
   (reported in ``DistrictLinkage.ignored_decisions``).

**Keys.** ``person_key`` follows :mod:`.keys` at record level: same data → same keys; with
``previous_keys`` (``unique_id``, ``person_key`` of an earlier run) a cluster keeps the key of
the previous person it overlaps most, so a new delivery extends existing persons, and new
persons get keys above the largest previous key.

Staging (lake → records → profiles) always runs on DuckDB; ``backend`` chooses where the
linkage itself (training, scoring, clustering) runs.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from doudi.engine.catalogue import Feed
from doudi.engine.lake import Lake

from .keys import key_clusters
from .pipeline import DEFAULT_THRESHOLD, link
from .schema import prepare

# Canonical column → feed fields that may supply it, first present wins. Phones of a guardian
# or a contact, a spouse's name or ID and a property's location describe someone or something
# else and are not used.
FIELD_SOURCES: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "birth_date": ("birth_date",),
    "sex": ("sex",),
    "phone": ("phone",),
    "address": ("address",),
    "community": ("community_code", "community"),
}
# Intake flags whose raw ID text is still ID-shaped and useful for near matches.
NEAR_ID_FLAGS = ("id_check_digit", "id_birth_date")
RECORD_COLUMNS = (
    "unique_id",
    "source",
    "record_key",
    "name",
    "id_number",
    "id_near",
    "birth_date",
    "sex",
    "phone",
    "address",
    "community",
)
PROFILE_COLUMNS = (
    "name",
    "id_number",
    "id_near",
    "birth_date",
    "sex",
    "phone",
    "address",
    "community",
)


# DuckDB memory for the staging connection while the linkage runs (its tables wait on disk).
STAGE_IDLE_MEMORY = "256MB"
# Profiles the model is trained on at most (≈ a 30 000-household district).
TRAIN_SAMPLE = 200_000


class DecisionConflict(ValueError):
    """Review decisions that cannot all hold."""


def _ident(s: str) -> str:
    return '"' + str(s).replace('"', '""') + '"'


def _lit(s: str) -> str:
    return "'" + str(s).replace("'", "''") + "'"


def person_feeds(catalogue: Iterable[Feed]) -> list[Feed]:
    """Feeds describing persons: person-level and carrying an ID number field."""
    return [f for f in catalogue if f.person_level and "id_number" in f.field_names]


def records_sql(con: duckdb.DuckDBPyConnection, catalogue: Iterable[Feed]) -> str:
    """One SELECT (UNION ALL) over the feed views of ``con`` giving :data:`RECORD_COLUMNS`."""
    selects = []
    for feed in person_feeds(catalogue):
        cols = {r[0] for r in con.execute(f"DESCRIBE {_ident(feed.id)}").fetchall()}
        exprs = {}
        for canon, candidates in FIELD_SOURCES.items():
            src = next((c for c in candidates if c in cols), None)
            if src is None:
                exprs[canon] = "CAST(NULL AS VARCHAR)"
            elif canon == "birth_date":
                exprs[canon] = f"strftime(TRY_CAST({_ident(src)} AS DATE), '%Y-%m-%d')"
            else:
                exprs[canon] = f"CAST({_ident(src)} AS VARCHAR)"
        if "id_number_raw" in cols and "id_flag" in cols:
            flags = " OR ".join(
                f"contains(coalesce(id_flag, ''), {_lit(f)})" for f in NEAR_ID_FLAGS
            )
            near = f"CASE WHEN id_number IS NULL AND ({flags}) THEN id_number_raw END"
        else:
            near = "CAST(NULL AS VARCHAR)"
        key = _ident(feed.record_key)
        selects.append(
            f"SELECT {_lit(feed.id + ':')} || CAST({key} AS VARCHAR) AS unique_id, "
            f"{_lit(feed.id)} AS source, CAST({key} AS VARCHAR) AS record_key, "
            f"{exprs['name']} AS name, CAST(id_number AS VARCHAR) AS id_number, "
            f"CAST({near} AS VARCHAR) AS id_near, {exprs['birth_date']} AS birth_date, "
            f"{exprs['sex']} AS sex, {exprs['phone']} AS phone, {exprs['address']} AS address, "
            f"{exprs['community']} AS community FROM {_ident(feed.id)} WHERE {key} IS NOT NULL"
        )
    if not selects:
        raise ValueError("the catalogue has no person-level feed with an id_number field")
    return "\nUNION ALL\n".join(selects)


def records_from_lake(lake: Lake, catalogue: Iterable[Feed]) -> pa.Table:
    """Every record of every person-level feed of ``lake``, one row each (Arrow table).

    Columns :data:`RECORD_COLUMNS`: ``unique_id`` = ``"<feed>:<record_key>"``, ``source`` = the
    feed id, ``id_number`` the valid (18-digit) ID or null, ``id_near`` the raw ID text when
    intake flagged it ``id_check_digit`` / ``id_birth_date`` (else null), ``birth_date``
    ``YYYY-MM-DD``; fields a feed lacks are null.
    """
    con = lake.connect(catalogue)
    try:
        return con.sql(records_sql(con, catalogue) + " ORDER BY unique_id").to_arrow_table()
    finally:
        con.close()


@dataclass
class DistrictLinkage:
    """The result of :func:`link_district`.

    - ``persons``: ``unique_id``, ``source``, ``record_key``, ``person_key`` (int64), one row
      per record, sorted by ``unique_id``.
    - ``review``: pairs for a human (record ids; a profile is represented by its smallest
      record id): ``unique_id_l``, ``unique_id_r``, ``match_probability``, ``reason``
      (``uncertain`` / ``different_ids`` / ``id_conflict`` / ``split`` / ``decision``), and
      ``mw_<comparison>`` — each comparison's match weight for the pair.
    - ``conflicts``: ID conflicts (records sharing a valid ID but disagreeing), as in
      :class:`~.pipeline.LinkageResult`.
    - ``model``: the fitted Splink model JSON (pass it back as ``model`` to skip training).
    - ``timings``: seconds per step; ``records`` / ``profiles``: counts.
    """

    persons: pd.DataFrame
    review: pd.DataFrame
    conflicts: pd.DataFrame
    model: dict[str, Any]
    timings: dict[str, float]
    records: int
    profiles: int
    backend: str
    threshold: float
    ignored_decisions: list[tuple[str, str, bool]] = field(default_factory=list)


def _normalise_decisions(decisions: Iterable[Decision]) -> dict[tuple[str, str], bool]:
    out: dict[tuple[str, str], bool] = {}
    for d in decisions:
        a, b, same = (d["unique_id_l"], d["unique_id_r"], d["same"]) if isinstance(d, dict) else d
        a, b = str(a), str(b)
        if a == b:
            continue
        out[(a, b) if a < b else (b, a)] = bool(same)  # the last decision on a pair wins
    return out


# a reviewer's decision on a pair: {unique_id_l, unique_id_r, same} or that tuple
Decision = dict[str, Any] | tuple[str, str, bool]

PROFILE_SQL = """
CREATE TABLE district_records AS
SELECT r.*,
       min(r.unique_id) OVER (PARTITION BY name, id_number, id_near, birth_date, sex, phone,
                                           address, community, d.unique_id) AS profile
FROM ({records}) AS r
LEFT JOIN decided AS d ON d.unique_id = r.unique_id
"""


def link_district(
    lake: Lake,
    catalogue: Iterable[Feed],
    *,
    backend: str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    decisions: Iterable[Decision] = (),
    previous_keys: pd.DataFrame | None = None,
    threads: int = 2,
    model: dict[str, Any] | None = None,
    spark: Any = None,
    seed: int = 42,
    memory_limit: str | None = "1.5GB",
    train_sample: int | None = TRAIN_SAMPLE,
) -> DistrictLinkage:
    """Link every record of every person-level feed of ``lake`` into persons.

    ``decisions``: ``(unique_id_l, unique_id_r, same)`` tuples or dicts (see the module
    docstring for the exact semantics). ``previous_keys``: ``unique_id``, ``person_key`` of an
    earlier run (``cluster_key`` is accepted too). ``model``: a fitted model JSON to reuse
    (training skipped). ``backend``: ``"duckdb"`` or ``"spark"`` (``spark`` session or a local
    one with ``threads`` cores). ``memory_limit``: DuckDB's memory limit for staging and
    linkage, per connection (staging and linkage use one each; DuckDB spills to disk beyond
    it); ``None`` for DuckDB's default. ``train_sample``:
    the model is trained on a seeded random sample of at most this many profiles (EM's blocked
    pairs grow with the square of the district), every profile is scored.
    """
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    decided = _normalise_decisions(decisions)

    # Staging lives in a temporary database file, so its tables (a row per record) are on disk
    # while the linkage runs, not in memory beside it.
    stage_dir = tempfile.TemporaryDirectory(prefix="doudi-link-")
    con = lake.connect(catalogue, database=str(Path(stage_dir.name) / "stage.duckdb"))
    try:
        con.execute(f"SET threads = {int(threads)}")
        con.execute("SET preserve_insertion_order = false")
        if memory_limit:
            con.execute(f"SET memory_limit = {_lit(memory_limit)}")
        uids = sorted({u for pair in decided for u in pair})
        con.execute("CREATE TABLE decided (unique_id VARCHAR)")
        if uids:
            con.executemany("INSERT INTO decided VALUES (?)", [(u,) for u in uids])
        con.execute(PROFILE_SQL.format(records=records_sql(con, catalogue)))
        [(n_records,)] = con.execute("SELECT count(*) FROM district_records").fetchall()
        # through Arrow: its pandas conversion makes one Python string per distinct value (a
        # name, a community), where DuckDB's makes one per row — 200+ MiB on a large district
        profiles = (
            con.sql(
                "SELECT profile AS unique_id, min(source) AS source, any_value(name) AS name, "
                "any_value(coalesce(id_number, id_near)) AS id_number, "
                "any_value(birth_date) AS birth_date, any_value(sex) AS sex, "
                "any_value(phone) AS phone, any_value(address) AS address, "
                "any_value(community) AS community "
                "FROM district_records GROUP BY profile ORDER BY profile"
            )
            .to_arrow_table()
            .to_pandas()
        )
        known = {
            r[0]
            for r in con.execute(
                "SELECT d.unique_id FROM decided AS d "
                "JOIN district_records AS r ON r.unique_id = d.unique_id"
            ).fetchall()
        }
        ignored = [(a, b, s) for (a, b), s in decided.items() if a not in known or b not in known]
        decided = {k: s for k, s in decided.items() if k[0] in known and k[1] in known}
        con.execute("CHECKPOINT")
        con.execute(f"SET memory_limit = {_lit(STAGE_IDLE_MEMORY)}")  # evicts the staged rows
        timings["stage"] = round(time.perf_counter() - t0, 3)

        t = time.perf_counter()
        canonical = prepare(profiles, kind="chinese")
        n_profiles = len(profiles)
        del profiles
        timings["prepare"] = round(time.perf_counter() - t, 3)

        result = link(
            canonical,
            backend=backend,  # type: ignore[arg-type]
            threshold=threshold,
            model=model,
            threads=threads,
            spark=spark,
            seed=seed,
            explain=True,
            memory_limit=memory_limit,
            train_sample=train_sample,
        )
        del canonical
        for k, v in result.timings.items():
            timings[f"link.{k}"] = v

        t = time.perf_counter()
        con.execute(
            f"SET memory_limit = {_lit(memory_limit)}" if memory_limit else "RESET memory_limit"
        )
        review = result.review
        profile_clusters = result.clusters[["unique_id", "cluster_key"]].rename(
            columns={"unique_id": "profile", "cluster_key": "cluster_id"}
        )
        if decided:
            cluster_of = dict(
                zip(profile_clusters["profile"], profile_clusters["cluster_id"], strict=True)
            )
            cluster_of, cut = apply_decisions(cluster_of, result.pairs, decided)
            if len(cut):
                review = pd.concat([review, cut.assign(reason="decision")], ignore_index=True)
            pair_key = [
                (a, b) if a < b else (b, a)
                for a, b in zip(review["unique_id_l"], review["unique_id_r"], strict=True)
            ]
            review = review[[k not in decided for k in pair_key]]
            profile_clusters = pd.DataFrame(
                {"profile": list(cluster_of), "cluster_id": [str(c) for c in cluster_of.values()]}
            )
        else:
            profile_clusters["cluster_id"] = profile_clusters["cluster_id"].astype(str)
        review = review.sort_values(["unique_id_l", "unique_id_r", "reason"]).reset_index(drop=True)
        # the run's clusters and linked pairs are done with: free them before a row per record
        # comes back (the keys step is a memory peak of its own)
        conflicts, fitted = result.conflicts, result.model
        del result
        persons = _record_keys(con, profile_clusters, previous_keys)
        timings["decisions_keys"] = round(time.perf_counter() - t, 3)
    finally:
        con.close()
        stage_dir.cleanup()
    timings["total"] = round(time.perf_counter() - t0, 3)
    return DistrictLinkage(
        persons=persons,
        review=review,
        conflicts=conflicts,
        model=fitted,
        timings=timings,
        records=int(n_records),
        profiles=n_profiles,
        backend=backend,
        threshold=threshold,
        ignored_decisions=ignored,
    )


KEYS_SQL = """
CREATE TEMP VIEW district_keyed AS
SELECT r.unique_id, r.source, r.record_key, c.cluster_id
FROM district_records AS r JOIN district_profile_clusters AS c ON c.profile = r.profile
"""


def _record_keys(
    con: duckdb.DuckDBPyConnection,
    profile_clusters: pd.DataFrame,
    previous_keys: pd.DataFrame | None,
) -> pd.DataFrame:
    """``unique_id``, ``source``, ``record_key``, ``person_key`` per record, as :mod:`.keys`.

    Every record takes its profile's cluster; keys follow :func:`~.keys.key_clusters` at record
    level (the overlap with ``previous_keys`` is counted in records, in DuckDB).
    """
    con.register("district_profile_clusters_df", profile_clusters)
    con.execute(
        "CREATE TEMP TABLE district_profile_clusters AS SELECT * FROM district_profile_clusters_df"
    )
    con.unregister("district_profile_clusters_df")
    con.execute(KEYS_SQL)
    smallest = con.execute(
        "SELECT cluster_id, min(unique_id) AS smallest FROM district_keyed GROUP BY cluster_id"
    ).df()
    overlap, floor = None, 0
    if previous_keys is not None and len(previous_keys):
        col = "person_key" if "person_key" in previous_keys.columns else "cluster_key"
        prev = pd.DataFrame(
            {
                "unique_id": previous_keys["unique_id"].astype(str).to_numpy(),
                "cluster_key": previous_keys[col].astype("int64").to_numpy(),
            }
        )
        con.register("district_previous_df", prev)
        overlap = con.execute(
            "SELECT k.cluster_id, p.cluster_key AS key, count(*) AS n "
            "FROM district_keyed AS k "
            "JOIN district_previous_df AS p ON p.unique_id = k.unique_id "
            "GROUP BY k.cluster_id, p.cluster_key"
        ).df()
        con.unregister("district_previous_df")
        floor = int(prev["cluster_key"].max())
    ids, person_keys = key_clusters(
        pd.Series(smallest["smallest"].to_numpy(), index=smallest["cluster_id"].to_numpy()),
        overlap,
        floor=floor,
    )
    keys = pd.DataFrame({"cluster_id": ids.tolist(), "person_key": person_keys})
    con.register("district_cluster_keys_df", keys)
    # through Arrow: one Python string per feed id, not per record (as for the profiles)
    persons = (
        con.sql(
            "SELECT k.unique_id, k.source, k.record_key, c.person_key "
            "FROM district_keyed AS k JOIN district_cluster_keys_df AS c "
            "ON c.cluster_id = k.cluster_id ORDER BY k.unique_id"
        )
        .to_arrow_table()
        .to_pandas()
    )
    con.unregister("district_cluster_keys_df")
    persons["person_key"] = persons["person_key"].astype(np.int64)
    out: pd.DataFrame = persons
    return out


def apply_decisions(
    cluster_of: dict[str, Any],
    pairs: pd.DataFrame,
    decided: dict[tuple[str, str], bool],
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Rebuild the clusters touched by ``decided`` (see the module docstring).

    ``cluster_of``: profile id → cluster; ``pairs``: the run's linked pairs (``unique_id_l``,
    ``unique_id_r``, ``match_probability``, ``basis``). Returns the new mapping and the linked
    pairs cut (``unique_id_l``, ``unique_id_r``, ``match_probability``).
    """
    touched_clusters = {cluster_of[u] for pair in decided for u in pair}
    nodes = sorted(u for u, c in cluster_of.items() if c in touched_clusters)
    inside = set(nodes)
    parent = {u: u for u in nodes}
    apart: dict[str, set[str]] = {u: set() for u in nodes}  # root -> force-split partners
    comp: dict[str, set[str]] = {u: {u} for u in nodes}

    def find(u: str) -> str:
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        if len(comp[ra]) < len(comp[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        comp[ra] |= comp.pop(rb)
        apart[ra] |= apart.pop(rb)

    for (a, b), same in sorted(decided.items()):
        if same:
            union(a, b)
    for (a, b), same in sorted(decided.items()):
        if not same:
            if find(a) == find(b):
                raise DecisionConflict(f"forced links join {a} and {b}, a forced split")
            apart[find(a)].add(b)
            apart[find(b)].add(a)

    sel = pairs[pairs["unique_id_l"].isin(inside) & pairs["unique_id_r"].isin(inside)].copy()
    sel["strength"] = np.where(sel["basis"] == "id", 2.0, sel["match_probability"])
    sel = sel.sort_values(["strength", "unique_id_l", "unique_id_r"], ascending=[False, True, True])
    cut = []
    for a, b, p in zip(
        sel["unique_id_l"], sel["unique_id_r"], sel["match_probability"], strict=True
    ):
        key = (a, b) if a < b else (b, a)
        if key in decided:
            continue  # decided pairs are settled above
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if apart[ra] & comp[rb]:
            cut.append((a, b, p))
            continue
        union(a, b)
    out = dict(cluster_of)
    for u in nodes:
        out[u] = f"decided:{min(comp[find(u)])}"
    cut_frame = pd.DataFrame(cut, columns=["unique_id_l", "unique_id_r", "match_probability"])
    return out, cut_frame


def export_persons(linkage: DistrictLinkage) -> pd.DataFrame:
    """``feed``, ``record_key``, ``person_key`` for every linked record."""
    p = linkage.persons
    return pd.DataFrame(
        {"feed": p["source"], "record_key": p["record_key"], "person_key": p["person_key"]}
    )


def pair_scores(predicted: pd.Series, actual: pd.Series) -> dict[str, float]:
    """Pairwise precision / recall / F1 of two labellings of the same records, by counting.

    A pair is predicted when both records share a predicted label, true when they share a
    true label (the transitive closure: cluster pairs). Also ``merged_share``: the share of
    predicted clusters holding records of two or more true labels.
    """
    df = pd.DataFrame({"p": predicted.to_numpy(), "t": actual.to_numpy()})

    def pairs(sizes: pd.Series) -> int:
        n = sizes.to_numpy(dtype=np.int64)
        return int((n * (n - 1) // 2).sum())

    tp = pairs(df.groupby(["p", "t"]).size())
    pred = pairs(df.groupby("p").size())
    true = pairs(df.groupby("t").size())
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_cluster = df.groupby("p")["t"].nunique()
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_positive_pairs": tp,
        "predicted_pairs": pred,
        "true_pairs": true,
        "clusters": int(len(per_cluster)),
        "merged_clusters": int((per_cluster > 1).sum()),
        "merged_share": float((per_cluster > 1).mean()) if len(per_cluster) else 0.0,
        "true_persons": int(df["t"].nunique()),
    }
