"""Feeds keyed to persons: each monitored feed's records with the person identity resolution
gave them, stored once per link run.

Every monitoring run reads the feeds joined to their persons on (source, record key): a join
of text keys over millions of rows (the monthly wage feeds alone hold 2.4 million on a
130,000-household district), the same join each day. It changes only when the persons change
(a new link run) or a feed gets a new delivery. So the link run stores it: :func:`build`
writes a DuckDB file with one table per feed of :data:`~.feeds.FEEDS` — ``person_key``,
``rk`` (the record key as text) and the feed's columns but those that identify a person
(:data:`IDENTIFYING`: ID numbers, names, phone numbers, which no monitoring step reads) — the
rows :func:`~.feeds.keyed_relation_sql` gives — and a manifest of what it was built from:

- per feed, the lake's files (deliveries are named by their content hash, so equal names are
  equal contents);
- the persons' count and a position-weighted checksum of their keys, which changes when any
  record's person does (:func:`persons_fingerprint`).

Beside the feeds it keeps the wage sums per person, wage feed and month over every month
(``wage_rows``, ``wage_months``: :func:`~.indicators.stored_wage_sql`), which every run would
otherwise sum again from the monthly wage feeds' millions of rows; a run reads its months of
them. Their manifest entry names the files of each of the three wage feeds: a new delivery
of any of them and the run sums the rows itself again.

:func:`doudi.engine.monitoring.monitor` given ``keyed=path`` reads a feed from the store only
while its manifest entry matches the lake's current files and the persons given; any other
feed is joined as without a store. The rows are the same either way, so the results are too
(tested). DuckDB backend only: Spark joins as before.

The store holds less than the lake (no ID number, name or phone number: the person key stands
for them), lives beside the persons file with the same protection, and is a cache — deleting
it costs only speed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from doudi.engine.catalogue import Catalogue, Feed
from doudi.engine.lake import Lake

from .feeds import FEEDS, keyed_relation_sql, persons_frame
from .indicators import STORED_WAGES, WAGE_FEEDS, stored_wage_sql

FORMAT = "doudi-keyed-feeds/2"  # 2: without the identifying columns
MANIFEST = "keyed_manifest"
# field types that identify a person, left out of the store (with intake's raw ID text)
IDENTIFYING = ("id_number", "name", "phone")
RAW_ID = "id_number_raw"
WAGE_SOURCES = tuple(feed for feed, *_ in WAGE_FEEDS)
# tables summed from several feeds' rows: name -> the feeds (usable while all are current)
DERIVED = dict.fromkeys(STORED_WAGES, WAGE_SOURCES)


def persons_fingerprint(persons: pd.DataFrame) -> tuple[int, str]:
    """(row count, a checksum of ``person_key`` weighted by row position, modulo 2**64):
    cheap, and it changes when any record's person changes — two records swapping persons
    included, which a plain sum would miss."""
    keys = persons["person_key"].to_numpy(dtype=np.int64).view(np.uint64)
    # one array for the weights and the products, computed in place: millions of persons,
    # and each temporary array costs as much as the arithmetic
    terms = np.arange(len(keys), dtype=np.uint64)
    terms *= np.uint64(2654435761)
    terms += np.uint64(1)
    terms *= keys
    return len(keys), str(int(terms.sum(dtype=np.uint64)))


def _identifying(con: duckdb.DuckDBPyConnection, feed: Feed) -> list[str]:
    """The columns of ``feed``'s lake view that identify a person."""
    names = {f.name for f in feed.fields if f.type in IDENTIFYING} | {RAW_ID}
    return [c for (c, *_) in con.execute(f"DESCRIBE {feed.id}").fetchall() if c in names]


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def build(
    lake: Lake,
    catalogue: Catalogue,
    persons: pd.DataFrame,
    path: str | Path,
    *,
    feeds: Iterable[str] = FEEDS,
    threads: int = 2,
) -> dict[str, int]:
    """Write the store for ``persons`` (``source``, ``record_key``, ``person_key``) and the
    lake's current deliveries to ``path`` (replaced whole, only once complete). Returns the
    rows stored per feed."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    leftovers = (tmp, Path(f"{tmp}.wal"))  # of a build that failed half-way
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    by_id = {feed.id: feed for feed in catalogue}
    con = lake.connect(catalogue)
    rows: dict[str, int] = {}
    try:
        con.execute(f"SET threads = {int(threads)}")
        con.register("persons_df", persons_frame(persons))
        con.execute("CREATE TEMP TABLE m_persons AS SELECT * FROM persons_df")
        con.unregister("persons_df")
        con.execute(f"ATTACH {_quote(tmp)} AS keyed")
        count, key_sum = persons_fingerprint(persons)
        con.execute(
            f"CREATE TABLE keyed.{MANIFEST} (feed VARCHAR, files VARCHAR, "
            "persons BIGINT, person_key_sum VARCHAR, format VARCHAR)"
        )
        for feed in feeds:
            drop = _identifying(con, by_id[feed])
            exclude = f" EXCLUDE ({', '.join(drop)})" if drop else ""
            con.execute(
                f"CREATE TABLE keyed.{feed} AS SELECT *{exclude} FROM "
                f"({keyed_relation_sql(feed, by_id[feed].record_key)}) AS k"
            )
            [(rows[feed],)] = con.execute(f"SELECT count(*) FROM keyed.{feed}").fetchall()
            files = json.dumps([p.name for p in lake.files(feed)])
            con.execute(
                f"INSERT INTO keyed.{MANIFEST} VALUES (?, ?, ?, ?, ?)",
                [feed, files, count, key_sum, FORMAT],
            )
        if set(WAGE_SOURCES) <= set(feeds):
            _build_wages(con, lake, count, key_sum)
        con.execute("DETACH keyed")
    except BaseException:
        con.close()
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, path)
    return rows


def _build_wages(con: duckdb.DuckDBPyConnection, lake: Lake, count: int, key_sum: str) -> None:
    """The wage sums per person, feed and month over every month
    (:func:`~.indicators.stored_wage_sql`), from the wage feeds just stored: each monitoring
    run reads its months of them instead of summing millions of monthly rows again. Their
    manifest entry names the files of each wage feed."""
    for feed in WAGE_SOURCES:
        con.execute(f"CREATE OR REPLACE TEMP VIEW k_{feed} AS SELECT * FROM keyed.{feed}")
    for name, sql in stored_wage_sql(schema="keyed."):
        con.execute(f"CREATE TABLE keyed.{name} AS {sql}")
        con.execute(
            f"INSERT INTO keyed.{MANIFEST} VALUES (?, ?, ?, ?, ?)",
            [name, json.dumps(_source_files(lake, WAGE_SOURCES)), count, key_sum, FORMAT],
        )


def _source_files(lake: Lake, feeds: Iterable[str]) -> dict[str, list[str]]:
    return {feed: [p.name for p in lake.files(feed)] for feed in feeds}


def attach(
    con: duckdb.DuckDBPyConnection, lake: Lake, path: str | os.PathLike[str]
) -> dict[str, tuple[int, str]]:
    """Attach the store at ``path`` to ``con`` as ``keyed`` (read-only). Returns, per feed
    whose stored files are still the lake's current ones, the persons fingerprint it was
    built for; empty when there is no readable store."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        con.execute(f"ATTACH {_quote(path)} AS keyed (READ_ONLY)")
        manifest = con.execute(
            f"SELECT feed, files, persons, person_key_sum, format FROM keyed.{MANIFEST}"
        ).fetchall()
    except duckdb.Error:
        return {}
    usable = {}
    for feed, files, count, key_sum, fmt in manifest:
        # a table summed from several feeds (the wage sums) names each one's files
        current = (
            _source_files(lake, DERIVED[feed])
            if feed in DERIVED
            else [p.name for p in lake.files(feed)]
        )
        if fmt == FORMAT and json.loads(files) == current:
            usable[feed] = (int(count), str(key_sum))
    return usable
