"""Incremental matching: one new record (an application, a newborn) against the persons of a
finished linkage run, well under a second per record once the index is built.

:meth:`PersonIndex.build` takes the lake, the catalogue, a run's persons table (``unique_id`` →
``person_key``) and the run's fitted model JSON. It stages the lake's records as
:func:`~.district.link_district` does (:func:`~.district.records_sql`), keeps those the run
linked, groups them into *profiles* (identical comparison columns, same person), derives the
canonical columns with :func:`~.schema.prepare` (in chunks, so memory stays flat) and holds the
profiles with their ``person_key`` in a DuckDB connection. The run's model is loaded into a
Splink linker over the profiles, and the term-frequency tables are computed from them — the
tables the batch run computed — so a pair scores here as it scored there.

:meth:`PersonIndex.match` takes one raw record and decides, in this order:

1. ``"id"`` — the record's resident ID is valid (a 15-digit number is upgraded first) and
   existing profiles hold it: the record is checked against the ID group's reference record
   with the batch run's own guard (:data:`~.deterministic.ID_GROUP_PAIRS_SQL`: birth date, sex
   and name within tolerance). If the guard passes, the record belongs to the reference
   record's person. If it fails, the pair is an ID conflict and — as under the batch run's
   default conflict policy ``"hold"`` — the model may not join the record to that person either.
2. ``"profile"`` — the record is identical, in every compared field, to records the run linked
   to a person: the batch run makes identical records one profile, so it would join that person.
3. ``"model"`` — Splink scores the record against the profiles the run's prediction blocking
   rules pair it with (``linker.inference.predict_between``, Splink's API for matching new
   records to an existing table). The best-scoring person is the match if the probability is ≥
   the run's threshold (the batch semantics), unless the batch run's cannot-link rules forbid
   it: the person holds a check-digit-valid ID other than the record's (``"different_ids"``), or
   the record is in ID conflict with that person (``"id_conflict"``); then the next person is
   tried. Otherwise the record is a new person (``person_key`` None).

The result (:class:`Match`) lists the top candidate persons too, each with the probability of
its best-scoring profile and the match weight of every comparison, so a person can see why.

Speed: ``predict_between`` against the whole table joins every blocking rule over all
profiles (≈ 1 s a record for 845 000 profiles on two cores). So the index also keeps, per
blocking rule, a hash of the rule's key (e.g. ``name_pinyin`` + birth year); a match first
selects the profiles sharing any key with the record — a superset of the blocked pairs, since
a hash collision only adds a candidate — and ``predict_between`` then applies the rules
themselves to those few (≈ 0.2 s a record, most of it Splink building its SQL). Rules that are
not equalities of the same expression on both sides cannot be hashed; the index then scores
against the whole table (same result, slower).

Consistency: a record already in the lake, matched as if new, gets the person the batch run
gave it (its own profile is in the index).
"""

from __future__ import annotations

import copy
import logging
import math
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import duckdb
import pandas as pd
import pyarrow as pa
import sqlglot
from splink import DuckDBAPI, Linker
from sqlglot import exp

from doudi.engine.catalogue import Feed
from doudi.engine.intake.normalize import parse_id
from doudi.engine.lake import Lake

from . import model as model_lib
from .deterministic import ID_GROUP_PAIRS_SQL, NAME_TOLERANCE_JW
from .district import NEAR_ID_FLAGS, records_sql
from .pipeline import DEFAULT_THRESHOLD
from .schema import BOOL_COLUMNS, COLUMNS, prepare

logger = logging.getLogger(__name__)

# The raw fields of a record to match (the canonical input of prepare()).
RECORD_FIELDS = ("name", "id_number", "birth_date", "sex", "phone", "address", "community")
# The new record's id: sorts after every "<feed>:<record_key>" id, so it is never an ID group's
# reference record (ties go to the smallest id).
NEW_UID = "~new"
# Prepared columns that identify a profile (the other columns derive from these).
IDENTITY_COLUMNS = ("name", "id_number", "birth_date", "sex", "phone", "address", "community")
DEFAULT_CANDIDATES = 5

_TYPES = {c: ("BOOLEAN" if c in BOOL_COLUMNS else "VARCHAR") for c in COLUMNS}
_COLS = ", ".join(f'"{c}"' for c in COLUMNS)


@dataclass(frozen=True)
class Candidate:
    """One existing person the record was scored against (through its best-scoring profile,
    ``unique_id``: that profile's smallest record id).

    ``weights``: comparison → match weight (log2 Bayes factor, term-frequency adjustment
    included; ``-inf`` when the level rules the pair out). ``refused``: why the model may not
    join the record to this person whatever the score (``"different_ids"``, ``"id_conflict"``),
    else ``""``.
    """

    person_key: int
    unique_id: str
    match_probability: float
    match_weight: float
    weights: dict[str, float]
    refused: str = ""


@dataclass(frozen=True)
class Match:
    """The answer for one record.

    ``person_key``: the matched person, or None (a new person). ``basis``: ``"id"``,
    ``"profile"`` or ``"model"`` (see the module docstring). ``match_probability``: 1.0 for a
    deterministic match (id, profile — as the batch run reports its ID links), the model's
    probability for a model match, None for a new person. ``candidates``: the top persons by
    match weight. ``seconds``: time taken.
    """

    person_key: int | None
    basis: str
    match_probability: float | None
    threshold: float
    candidates: tuple[Candidate, ...] = ()
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (weights rounded; a non-finite weight becomes None)."""
        out = asdict(self)
        out["candidates"] = [
            {
                **c,
                "match_weight": _finite(c["match_weight"]),
                "weights": {k: _finite(v) for k, v in c["weights"].items()},
            }
            for c in out["candidates"]
        ]
        return out


@dataclass
class IndexStats:
    """What an index holds and how long it took to build (seconds per step)."""

    records: int = 0
    profiles: int = 0
    persons: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def _finite(x: float | None) -> float | None:
    return round(x, 4) if x is not None and math.isfinite(x) else None


def _lit(s: str) -> str:
    return "'" + str(s).replace("'", "''") + "'"


def _rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> list[tuple[Any, ...]]:
    """Run ``sql`` and fetch every row (DuckDB refuses new work on a connection while a result
    is unfinished)."""
    result = con.execute(sql, params) if params is not None else con.execute(sql)
    return result.fetchall()


def _blank(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and value != value)
        or (isinstance(value, str) and not value.strip())
    )


def raw_record(record: dict[str, Any]) -> dict[str, Any]:
    """The canonical input row of :func:`~.schema.prepare` for one raw record, as intake and
    :func:`~.district.records_sql` would make it: a valid ID (15 digits upgraded) is kept; an
    ID-shaped number with a wrong check digit or birth date is kept as evidence for near matches
    (intake's ``id_near``); any other invalid ID is dropped. Raises ``ValueError`` for a field
    not in :data:`RECORD_FIELDS` or a record with no field filled."""
    unknown = set(record) - set(RECORD_FIELDS)
    if unknown:
        raise ValueError(f"unknown record fields {sorted(unknown)}; expected {RECORD_FIELDS}")
    row = {k: None if _blank(record.get(k)) else record.get(k) for k in RECORD_FIELDS}
    if all(v is None for v in row.values()):
        raise ValueError("the record has no field to match on")
    raw_id = row["id_number"]
    if raw_id is not None:
        number, flags = parse_id(str(raw_id))
        if number is not None:
            row["id_number"] = number
        elif set(flags) & set(NEAR_ID_FLAGS):
            row["id_number"] = str(raw_id)
        else:
            row["id_number"] = None
    return {"unique_id": NEW_UID, "source": NEW_UID, **row}


def rule_key(rule_sql: str, dialect: str = "duckdb") -> str | None:
    """A hash key for a blocking rule that ANDs equalities of one expression on both sides
    (``l.x = r.x AND substr(l.y, 1, 4) = substr(r.y, 1, 4)``): the DuckDB expression
    ``hash(x, substr(y, 1, 4))`` over a table's own columns, null when a part is null (a null
    never blocks). ``dialect``: the rule's SQL dialect. None for any other rule."""
    try:
        tree = sqlglot.parse_one(rule_sql, read=dialect)
    except sqlglot.errors.ParseError:
        return None
    parts = list(tree.flatten()) if isinstance(tree, exp.And) else [tree.unnest()]
    exprs = []
    for part in parts:
        part = part.unnest()
        if not isinstance(part, exp.EQ):
            return None
        sides = {}
        for side in (part.left, part.right):
            tables = {c.table for c in side.find_all(exp.Column)}
            if len(tables) != 1 or not tables <= {"l", "r"}:
                return None
            bare = side.copy()
            for column in bare.find_all(exp.Column):
                column.set("table", None)
            sides[tables.pop()] = bare.sql(dialect="duckdb")
        if set(sides) != {"l", "r"} or sides["l"] != sides["r"]:
            return None
        exprs.append(sides["l"])
    nulls = " OR ".join(f"({e}) IS NULL" for e in exprs)
    return f"CASE WHEN {nulls} THEN NULL ELSE hash({', '.join(exprs)}) END"


def _duckdb_model(model: dict[str, Any], con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The model in DuckDB's dialect (a run on Spark stores Spark SQL): comparisons rebuilt from
    the columns the profiles fill, fitted values copied (:func:`~.model.for_dialect`)."""
    model = model_lib.splink_model(model)
    if model.get("sql_dialect", "duckdb") == "duckdb":
        return model
    filled = _rows(
        con, "SELECT " + ", ".join(f'any_value("{c}")' for c in COLUMNS) + " FROM idx_profiles"
    )[0]
    shape = pd.DataFrame([dict(zip(COLUMNS, filled, strict=True))])
    creator = model_lib.settings(shape, link_type=model.get("link_type", "link_and_dedupe"))
    return model_lib.for_dialect(model, creator, "duckdb")


class PersonIndex:
    """The persons of one linkage run, ready to match single records (see the module
    docstring). Build with :meth:`build`; :meth:`match` may be called from several threads
    (calls are serialised on the one connection); :meth:`close` frees the memory."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        linker: Linker,
        db_api: DuckDBAPI,
        *,
        keys: list[str] | None,
        threshold: float,
        stats: IndexStats,
    ) -> None:
        self._con = con
        self._linker = linker
        self._db_api = db_api
        self._keys = keys
        self._comparisons = [
            c["output_column_name"] for c in linker.misc.save_model_to_json()["comparisons"]
        ]
        self._new = db_api.table_to_splink_dataframe("idx_new", "idx_new")
        self._left = db_api.table_to_splink_dataframe(
            "idx_candidates" if keys is not None else "idx_profiles",
            "idx_candidates" if keys is not None else "idx_profiles",
        )
        self.threshold = threshold
        self.stats = stats
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------------ build

    @classmethod
    def build(
        cls,
        lake: Lake,
        catalogue: Iterable[Feed],
        *,
        persons: pd.DataFrame | pa.Table | str | Path,
        model: dict[str, Any],
        threshold: float = DEFAULT_THRESHOLD,
        threads: int = 2,
        memory_limit: str | None = "2GB",
        chunk_size: int = 100_000,
    ) -> PersonIndex:
        """Index ``persons`` (``unique_id``, ``person_key``: a run's persons table, as a frame
        or a Parquet path) over the records of ``lake``, to be scored with ``model`` (the run's
        fitted model JSON) at ``threshold`` (the run's).

        Lake records the run did not link (delivered since) are left out. ``memory_limit``:
        DuckDB's limit for the index connection (it spills to disk beyond it); ``chunk_size``:
        profiles prepared at a time.
        """
        if not model or not model.get("comparisons"):
            raise ValueError("the linkage run has no fitted model")
        if not 0 < threshold < 1:
            raise ValueError("threshold must be between 0 and 1")
        stats = IndexStats()
        t0 = t = time.perf_counter()
        con = lake.connect(catalogue)
        try:
            _rows(con, f"SET threads = {int(threads)}")
            if memory_limit:
                _rows(con, f"SET memory_limit = {_lit(memory_limit)}")
            cls._stage(con, catalogue, persons)
            [(n, stats.records, stats.persons)] = _rows(
                con,
                "SELECT count(*), coalesce(sum(records), 0), count(DISTINCT person_key) "
                "FROM idx_raw",
            )
            stats.profiles = int(n)
            stats.timings["stage"] = round(time.perf_counter() - t, 3)

            t = time.perf_counter()
            rules = [
                r["blocking_rule"] if isinstance(r, dict) else str(r)
                for r in model.get("blocking_rules_to_generate_predictions", [])
            ]
            found = [rule_key(r, model.get("sql_dialect", "duckdb")) for r in rules]
            keys = None if any(k is None for k in found) else [k for k in found if k is not None]
            cls._prepare(con, keys or [], int(n), chunk_size)
            stats.timings["prepare"] = round(time.perf_counter() - t, 3)

            t = time.perf_counter()
            settings = copy.deepcopy(_duckdb_model(model, con))
            settings["retain_matching_columns"] = True
            settings["retain_intermediate_calculation_columns"] = True
            db_api = DuckDBAPI(con)
            profiles = db_api.table_to_splink_dataframe("idx_profiles", "idx_profiles")
            linker = Linker(profiles, settings, log_level=logging.ERROR)
            # Term frequencies from the profiles, as the batch run computed them.
            for column in linker._settings_obj._term_frequency_columns:
                linker.table_management.compute_tf_table(column.name)
            stats.timings["model"] = round(time.perf_counter() - t, 3)
        except Exception:
            con.close()
            raise
        stats.timings["total"] = round(time.perf_counter() - t0, 3)
        logger.info(
            "person index built: %s records, %s profiles, %s persons in %.1f s",
            stats.records,
            stats.profiles,
            stats.persons,
            stats.timings["total"],
        )
        return cls(con, linker, db_api, keys=keys, threshold=threshold, stats=stats)

    @staticmethod
    def _stage(
        con: duckdb.DuckDBPyConnection,
        catalogue: Iterable[Feed],
        persons: pd.DataFrame | pa.Table | str | Path,
    ) -> None:
        """``idx_raw``: one row per profile — identical raw comparison columns and the same
        person (so a record a review decision split off stays apart from its look-alikes) —
        as ``link_district`` builds its profiles; ``rn`` numbers them for chunking."""
        if isinstance(persons, (str, Path)):
            source = f"read_parquet({_lit(str(persons))})"
        else:
            con.register("idx_persons_input", persons)
            source = "idx_persons_input"
        _rows(
            con,
            "CREATE TEMP TABLE idx_persons AS SELECT CAST(unique_id AS VARCHAR) AS "
            f"unique_id, CAST(person_key AS BIGINT) AS person_key FROM {source}",
        )
        if source == "idx_persons_input":
            con.unregister("idx_persons_input")
        _rows(
            con,
            f"""
            CREATE TEMP TABLE idx_raw AS
            SELECT row_number() OVER (ORDER BY min(r.unique_id)) AS rn,
                   min(r.unique_id) AS unique_id, min(r.source) AS source, r.name,
                   coalesce(r.id_number, r.id_near) AS id_number, r.birth_date, r.sex,
                   r.phone, r.address, r.community, p.person_key, count(*) AS records
            FROM ({records_sql(con, catalogue)}) AS r
            JOIN idx_persons AS p ON p.unique_id = r.unique_id
            GROUP BY r.name, r.id_number, r.id_near, r.birth_date, r.sex, r.phone,
                     r.address, r.community, p.person_key
            """,
        )
        _rows(con, "DROP TABLE idx_persons")

    @staticmethod
    def _prepare(con: duckdb.DuckDBPyConnection, keys: list[str], n: int, chunk_size: int) -> None:
        """``idx_profiles``: the canonical columns, ``person_key``, the blocking keys
        ``bk_<i>``, ``id_key`` (hash of a valid ID) and ``profile_key`` (hash of the identity
        columns), the last two for fast lookups."""
        typed = ", ".join(f'"{c}" {_TYPES[c]}' for c in COLUMNS)
        key_cols = "".join(f", bk_{i} UBIGINT" for i in range(len(keys)))
        _rows(
            con,
            f"CREATE TABLE idx_profiles ({typed}, person_key BIGINT{key_cols}, "
            "id_key UBIGINT, profile_key UBIGINT)",
        )
        _rows(con, f"CREATE TABLE idx_new ({typed})")
        _rows(con, f"CREATE TABLE idx_candidates ({typed}, person_key BIGINT)")
        casts = ", ".join(f'CAST("{c}" AS {_TYPES[c]}) AS "{c}"' for c in COLUMNS)
        derived = "".join(f", {k} AS bk_{i}" for i, k in enumerate(keys))
        for start in range(0, n, chunk_size):
            raw = con.execute(
                "SELECT * EXCLUDE (rn, records) FROM idx_raw WHERE rn > ? AND rn <= ? ORDER BY rn",
                [start, start + chunk_size],
            ).df()
            prepared = prepare(raw, kind="chinese")
            prepared["person_key"] = raw["person_key"].to_numpy()
            del raw
            con.register("idx_chunk", prepared)
            _rows(
                con,
                f"INSERT INTO idx_profiles SELECT *{derived}, {_ID_KEY}, {_PROFILE_KEY} "
                f"FROM (SELECT {casts}, person_key FROM idx_chunk)",
            )
            con.unregister("idx_chunk")
            del prepared
        _rows(con, "DROP TABLE idx_raw")

    def close(self) -> None:
        self._con.close()

    # ------------------------------------------------------------------------------ match

    def match(self, record: dict[str, Any], *, candidates: int = DEFAULT_CANDIDATES) -> Match:
        """Match one raw record (keys of :data:`RECORD_FIELDS`, any may be missing; the ID as
        typed: 18 or 15 digits, possibly mistyped) against the persons of the index."""
        t0 = time.perf_counter()
        row = prepare(pd.DataFrame([raw_record(record)]), kind="chinese").iloc[0]
        values = [
            None if pd.isna(row[c]) else (bool(row[c]) if c in BOOL_COLUMNS else row[c])
            for c in COLUMNS
        ]
        with self._lock:
            con = self._con
            _rows(con, "DELETE FROM idx_new")
            _rows(con, f"INSERT INTO idx_new VALUES ({', '.join('?' for _ in COLUMNS)})", values)
            by_id, conflict_person = self._id_step(bool(row["id_valid"]))
            identical = None if by_id is not None else self._identical()
            scored = self._score()
            refused = self._refused(scored, row, conflict_person)
        ranked = self._rank(scored, refused)
        if by_id is not None:
            key, basis, probability = by_id, "id", 1.0
        elif identical is not None:
            key, basis, probability = identical, "profile", 1.0
        else:
            best = next((c for c in ranked if not c.refused), None)
            if best is not None and best.match_probability >= self.threshold:
                key, basis, probability = best.person_key, "model", best.match_probability
            else:
                key, basis, probability = None, "model", None
        return Match(
            person_key=key,
            basis=basis,
            match_probability=probability,
            threshold=self.threshold,
            candidates=tuple(ranked[:candidates]),
            seconds=round(time.perf_counter() - t0, 4),
        )

    def _id_step(self, id_valid: bool) -> tuple[int | None, int | None]:
        """(person by ID, person in ID conflict): the batch run's guarded ID step run over the
        record's ID group plus the record."""
        if not id_valid:
            return None, None
        con = self._con
        _rows(
            con,
            f"CREATE OR REPLACE TEMP TABLE idx_id_group AS SELECT {_COLS} FROM idx_profiles "
            f"WHERE id_key = (SELECT {_ID_KEY} FROM idx_new) "
            f"AND id_number = (SELECT id_number FROM idx_new) "
            f"UNION ALL SELECT {_COLS} FROM idx_new",
        )
        dialect = self._db_api.sql_dialect
        sql = ID_GROUP_PAIRS_SQL.replace("{name_tolerance}", str(NAME_TOLERANCE_JW)).format(
            records="idx_id_group",
            jaro_winkler=dialect.jaro_winkler_function_name,
            damerau_levenshtein=dialect.damerau_levenshtein_function_name,
        )
        found = _rows(
            con,
            f"SELECT g.birth_ok AND g.sex_ok AND g.name_ok, p.person_key FROM ({sql}) AS g "
            "JOIN idx_profiles AS p ON p.unique_id = g.unique_id_r WHERE g.unique_id_l = ?",
            [NEW_UID],
        )
        if not found:  # no existing profile holds this ID
            return None, None
        [(ok, person_key)] = found
        return (int(person_key), None) if ok else (None, int(person_key))

    def _identical(self) -> int | None:
        """The person of a profile identical to the record (smallest profile id first)."""
        same = " AND ".join(f'p."{c}" IS NOT DISTINCT FROM n."{c}"' for c in IDENTITY_COLUMNS)
        found = _rows(
            self._con,
            f"SELECT p.person_key FROM idx_profiles AS p, idx_new AS n "
            f"WHERE p.profile_key = (SELECT {_PROFILE_KEY} FROM idx_new) AND {same} "
            "ORDER BY p.unique_id LIMIT 1",
        )
        return int(found[0][0]) if found else None

    def _score(self) -> pd.DataFrame:
        """Splink's scores of the record against the profiles the prediction blocking rules
        pair it with, with each profile's person and per-comparison weights."""
        con = self._con
        if self._keys is not None:
            new_keys = _rows(con, "SELECT " + ", ".join(self._keys) + " FROM idx_new")[0]
            where = (
                " OR ".join(f"bk_{i} = {int(k)}" for i, k in enumerate(new_keys) if k is not None)
                or "FALSE"
            )
            # Two steps: the integer scan finds the rows; fetching them by rowid then reads
            # their strings only (a filtered scan would decompress every string column).
            rowids = [r[0] for r in _rows(con, f"SELECT rowid FROM idx_profiles WHERE {where}")]
            _rows(con, "DELETE FROM idx_candidates")
            if rowids:
                _rows(
                    con,
                    f"INSERT INTO idx_candidates SELECT {_COLS}, person_key "
                    f"FROM idx_profiles WHERE rowid = ANY([{', '.join(map(str, rowids))}])",
                )
        predictions = self._linker.inference.predict_between(
            self._left, self._new, warning_mode="never"
        )
        try:
            name = predictions.physical_name
            available = {r[0] for r in _rows(con, f"DESCRIBE {name}")}

            def weight(c: str) -> str:
                tf = f" + coalesce(pr.mw_tf_adj_{c}, 0.0)" if f"mw_tf_adj_{c}" in available else ""
                return f"coalesce(pr.mw_{c}, 0.0){tf} AS mw_{c}"

            return con.execute(
                "SELECT p.person_key, pr.unique_id_l AS unique_id, pr.match_weight, "
                f"pr.match_probability, {', '.join(weight(c) for c in self._comparisons)} "
                f"FROM {name} AS pr JOIN {self._left.physical_name} AS p "
                "ON p.unique_id = pr.unique_id_l"
            ).df()
        finally:
            predictions.drop_table_from_database_and_remove_from_cache()

    def _refused(
        self, scored: pd.DataFrame, row: pd.Series, conflict_person: int | None
    ) -> dict[int, str]:
        """Persons the model may not join the record to (the batch run's cannot-link rules)."""
        refused: dict[int, str] = {}
        if row["id_checked"] and len(scored):
            keys = ", ".join(str(int(k)) for k in sorted(set(scored["person_key"])))
            others = _rows(
                self._con,
                f"SELECT DISTINCT person_key FROM idx_profiles WHERE person_key IN ({keys}) "
                "AND id_checked AND id_number <> ?",
                [row["id_number"]],
            )
            refused.update({int(k): "different_ids" for (k,) in others})
        if conflict_person is not None:
            refused[conflict_person] = "id_conflict"
        return refused

    def _rank(self, scored: pd.DataFrame, refused: dict[int, str]) -> list[Candidate]:
        """One candidate per person (its best-scoring profile), best first."""
        if scored.empty:
            return []
        best = scored.sort_values(
            ["match_weight", "person_key", "unique_id"], ascending=[False, True, True]
        ).drop_duplicates("person_key")
        return [
            Candidate(
                person_key=int(r.person_key),
                unique_id=str(r.unique_id),
                match_probability=float(r.match_probability),
                match_weight=float(r.match_weight),
                weights={c: float(getattr(r, f"mw_{c}")) for c in self._comparisons},
                refused=refused.get(int(r.person_key), ""),
            )
            for r in cast(Iterable[Any], best.itertuples(index=False))
        ]


# Lookup hashes over a table's own columns (the profiles, or the one new record).
_ID_KEY = "CASE WHEN id_valid AND id_number IS NOT NULL THEN hash(id_number) END"
_PROFILE_KEY = "hash(" + ", ".join(f'"{c}"' for c in IDENTITY_COLUMNS) + ")"
