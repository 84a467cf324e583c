"""Generic feed features for the statistical model (issue 16): plain per-household readings of
every feed of the catalogue, nothing written for one world.

The scorecard's indicators and the household profile (:mod:`.indicators`) say what the policy's
authors thought mattered. A district where hardship arises otherwise shows it in the feeds all
the same — in how many records a household has, how much they add up to, how recent they are,
which categories they fall in. These features give the model those readings, for every feed
the catalogue declares, so that it can learn from home-visit outcomes what each district's
feeds say. A new feed in the catalogue needs no code.

**Which feeds and fields** (:func:`feed_specs`, from the catalogue only): every person-level
feed but the household register (which defines membership; its facts are in the profile).
Per feed, its *date*: the first ``date`` or ``month`` field other than ``birth_date`` (a
feed without one has no dated features); its *amounts*: ``money``, ``integer`` and
``decimal`` fields; its *categories*: ``enum`` fields with at most :data:`MAX_CHOICES` choices
(one count per choice, in the catalogue's order) and ``boolean`` fields (a count of true),
except the person's own attributes (:data:`PERSON_FIELDS`). The column list (:func:`columns`)
depends on the catalogue alone, so a model's stored feature list matches at predict time.

**Per household** (the feed's records joined to their persons by identity resolution — the
``k_<feed>`` relations the indicators read — and to the household by the run's membership,
``m_members``, deceased members included; records dated after ``as_of`` are not read):

- event feeds (deliveries append; only their last 12 months are read): rows and distinct
  members with a record in the last 3 and 12 months (:data:`WINDOWS`); per amount the sum over
  3 and 12 months, the most recent value (the newest record's; on a tie, the larger) and the
  12-month sum per living member;
- snapshot feeds (each delivery replaces the last): rows, distinct members, rows dated in the
  last 12 months; per amount the sum, the largest and the sum per living member;
- both: days since the newest and the oldest record (events: within the 12 months); category
  counts (events: of the last 12 months).

A household with no record in a present feed has counts and sums 0, the rest missing.

**Missing, late and partial feeds** give missing values (NaN), never a failure: a feed with
no rows in the lake has every column NaN; an event feed holding at least
:data:`~.coverage.MIN_ROWS_TO_JUDGE` rows whose newest record is older than its freshness
limit (the catalogue's ``freshness_days``, at least a month; a month more for monthly feeds)
has its windowed columns NaN, and a window that starts more than
:data:`~.coverage.GRACE_DAYS` before the feed's oldest record (e.g. the 12-month window over
six months of data) is NaN too. A model trained when the feed was whole then predicts from its
other features, as the trees do for any missing value.

Computed on any backend alike — DuckDB or Spark give the same values (the SQL is written in
DuckDB's dialect, which Spark's backend transpiles; a value the backend returns as NULL is
NaN, never 0; the feeds no indicator reads are opened when needed,
:meth:`~doudi.engine.backends.SqlBackend.add_feeds`) — and only when the model needs them
(:func:`doudi.engine.monitoring.monitor`): every column for a run whose features
train a model, the columns a model keeps (:func:`.model.train` keeps the strongest few) for a
run it scores — aggregated per person, then per household, for the households a warning can
concern. They are features for the model, not indicators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from doudi.engine.backends import SqlBackend
from doudi.engine.catalogue import Catalogue, Feed

from .coverage import GRACE_DAYS, MIN_ROWS_TO_JUDGE
from .feeds import FEEDS, persons_frame
from .indicators import floats, hukou_text
from .kinds.sql import date as _date
from .kinds.sql import lit

PREFIX = "feed:"
WINDOWS = (3, 12)  # months
LONG = max(WINDOWS)
MAX_CHOICES = 8
# the register defines membership (its facts are in the household profile)
NOT_READ = frozenset({"gongan_hukou"})
# a person's own attributes, not what the feed says about them
PERSON_FIELDS = frozenset({"sex", "birth_date", "name", "id_number", "phone"})
AMOUNT_TYPES = ("money", "integer", "decimal")


@dataclass(frozen=True)
class FeedSpec:
    """What :func:`feed_features` reads of one feed (from the catalogue)."""

    feed: str
    events: bool
    date: str | None
    monthly: bool  # the date is a 'YYYY-MM' month
    freshness_days: int
    amounts: tuple[tuple[str, str], ...]  # (field, catalogue type)
    categories: tuple[tuple[str, tuple[str, ...]], ...]  # (field, choices); boolean: ()

    def columns(self) -> list[str]:
        p = f"{PREFIX}{self.feed}:"
        out: list[str] = []
        if self.events:
            out += [f"{p}{w}{n}m" for n in WINDOWS for w in ("rows_", "members_")]
            for a, _ in self.amounts:
                out += [f"{p}{a}:sum_{n}m" for n in WINDOWS]
                out += [f"{p}{a}:last", f"{p}{a}:per_head_{LONG}m"]
        else:
            out += [f"{p}rows", f"{p}members", f"{p}rows_{LONG}m"]
            for a, _ in self.amounts:
                out += [f"{p}{a}:sum", f"{p}{a}:max", f"{p}{a}:per_head"]
        if self.date is not None:
            out += [f"{p}newest_days", f"{p}oldest_days"]
        for c, choices in self.categories:
            out += [f"{p}{c}={v}" for v in choices] if choices else [f"{p}{c}=true"]
        return out


def _spec(feed: Feed) -> FeedSpec:
    dated = [f for f in feed.fields if f.type in ("date", "month") and f.name != "birth_date"]
    skip = PERSON_FIELDS | {feed.record_key}
    cats: list[tuple[str, tuple[str, ...]]] = []
    for f in feed.fields:
        if f.name in skip:
            continue
        if f.type == "enum" and len(f.choices) <= MAX_CHOICES:
            cats.append((f.name, tuple(f.choices)))
        elif f.type == "boolean":
            cats.append((f.name, ()))
    return FeedSpec(
        feed=feed.id,
        events=feed.semantics == "events",
        date=dated[0].name if dated else None,
        monthly=bool(dated) and dated[0].type == "month",
        freshness_days=feed.freshness_days,
        amounts=tuple(
            (f.name, f.type) for f in feed.fields if f.type in AMOUNT_TYPES and f.name not in skip
        ),
        categories=tuple(cats),
    )


def feed_specs(catalogue: Catalogue | Iterable[Feed]) -> tuple[FeedSpec, ...]:
    """The features' feeds and fields, in the catalogue's order (by feed id)."""
    feeds = sorted(catalogue, key=lambda f: f.id)
    return tuple(_spec(f) for f in feeds if f.person_level and f.id not in NOT_READ)


def columns(specs: Iterable[FeedSpec]) -> list[str]:
    """Every feature column, in a fixed order."""
    return [c for s in specs for c in s.columns()]


def _months_before(as_of: dt.date, n: int) -> dt.date:
    """The day ``n`` months before ``as_of`` (clamped to the month's end)."""
    m = as_of.year * 12 + as_of.month - 1 - n
    y, mo = divmod(m, 12)
    for day in range(as_of.day, 27, -1):
        try:
            return dt.date(y, mo + 1, day)
        except ValueError:
            continue
    return dt.date(y, mo + 1, min(as_of.day, 28))


def _bound(s: FeedSpec, day: dt.date) -> str:
    """``day`` as the feed's dates compare with it: a month's text ('YYYY-MM') for a monthly
    feed — its first day is after ``day`` exactly when the month is after ``day``'s month,
    and no text is parsed per record — else a date."""
    return lit(day.strftime("%Y-%m")) if s.monthly else _date(day)


def _days_before(s: FeedSpec, expr: str, as_of: dt.date) -> str:
    day = f"TRY_CAST({expr} || '-01' AS DATE)" if s.monthly else expr
    return f"date_diff('day', {day}, {_date(as_of)})"


def _amount_expr(field: str, kind: str) -> str:
    return f"TRY_CAST(f.{field} AS DOUBLE)" if kind == "decimal" else f"CAST(f.{field} AS DOUBLE)"


def _newest(value: str, day: str) -> str:
    """``value`` of the row with the newest ``day``, on a tie the largest, of the rows where
    it is not missing — written out, since Spark's ``max_by`` may give a missing value that
    DuckDB's ``arg_max`` skips."""
    return f"arg_max({value}, {{'d': {day}, 'v': {value}}}) FILTER (WHERE {value} IS NOT NULL)"


def _recipes(s: FeedSpec, as_of: dt.date) -> dict[str, tuple[str, dict[str, str]]]:
    """Per column of :meth:`FeedSpec.columns`: its household expression, and the per-person
    aggregates (name → SQL) it reads. Per-head columns are divided later."""
    since = {n: _bound(s, _months_before(as_of, n)) for n in WINDOWS}
    p = f"{PREFIX}{s.feed}:"
    out: dict[str, tuple[str, dict[str, str]]] = {}
    if s.events:  # rows of the last LONG months only
        for n in WINDOWS:
            r = {f"r{n}": "count(*)" if n == LONG else f"count(*) FILTER (WHERE d > {since[n]})"}
            out[f"{p}rows_{n}m"] = (f"sum(r{n})", r)
            out[f"{p}members_{n}m"] = (f"count(*) FILTER (WHERE r{n} > 0)", r)
        for i, (a, _) in enumerate(s.amounts):
            for n in WINDOWS:
                agg = f"sum(a{i})" if n == LONG else f"sum(a{i}) FILTER (WHERE d > {since[n]})"
                out[f"{p}{a}:sum_{n}m"] = (f"coalesce(sum(s{i}_{n}), 0)", {f"s{i}_{n}": agg})
            # the newest value (on a tie, the larger), of the records that have one
            last = {f"l{i}": _newest(f"a{i}", "d"), "hi": "max(d)"}
            out[f"{p}{a}:last"] = (_newest(f"l{i}", "hi"), last)
            out[f"{p}{a}:per_head_{LONG}m"] = (
                f"coalesce(sum(s{i}_{LONG}), 0)",
                {f"s{i}_{LONG}": f"sum(a{i})"},
            )
    else:
        out[f"{p}rows"] = ("sum(r)", {"r": "count(*)"})
        out[f"{p}members"] = ("count(*)", {})
        out[f"{p}rows_{LONG}m"] = (
            f"sum(r{LONG})",
            {f"r{LONG}": f"count(*) FILTER (WHERE d > {since[LONG]})"},
        )
        for i, (a, _) in enumerate(s.amounts):
            total = {f"s{i}": f"sum(a{i})"}
            out[f"{p}{a}:sum"] = (f"coalesce(sum(s{i}), 0)", total)
            out[f"{p}{a}:max"] = (f"max(m{i})", {f"m{i}": f"max(a{i})"})
            out[f"{p}{a}:per_head"] = (f"coalesce(sum(s{i}), 0)", total)
    if s.date is not None:
        out[f"{p}newest_days"] = (_days_before(s, "max(hi)", as_of), {"hi": "max(d)"})
        out[f"{p}oldest_days"] = (_days_before(s, "min(lo)", as_of), {"lo": "min(d)"})
    for i, (c, choices) in enumerate(s.categories):
        for j, v in enumerate(choices or (None,)):
            test = f"c{i}" if v is None else f"c{i} = {lit(v)}"
            name = f"{p}{c}=true" if v is None else f"{p}{c}={v}"
            out[name] = (f"sum(k{i}_{j})", {f"k{i}_{j}": f"count(*) FILTER (WHERE {test})"})
    assert list(out) == s.columns()
    return out


def _feed_sql(s: FeedSpec, as_of: dt.date, wanted: list[str] | None = None) -> str:
    """One row per household with a record: ``hukou_no`` and the columns ``wanted`` (default
    all of :meth:`FeedSpec.columns`) as ``v0``, ``v1``… Aggregated per person first (an
    integer key, no join; only the aggregates the columns read), then the persons' rows
    joined to their households."""
    recipes = _recipes(s, as_of)
    cols = s.columns() if wanted is None else wanted
    person: dict[str, str] = {}
    for c in cols:
        person.update(recipes[c][1])
    d = _bound(s, as_of)
    inner = ["f.person_key"]
    inner.append(f"f.{s.date} AS d" if s.date else "CAST(NULL AS DATE) AS d")
    inner += [f"{_amount_expr(a, k)} AS a{i}" for i, (a, k) in enumerate(s.amounts)]
    inner += [f"f.{c} AS c{i}" for i, (c, _) in enumerate(s.categories)]
    if s.events and s.date:  # the last LONG months only
        where = f"d > {_bound(s, _months_before(as_of, LONG))} AND d <= {d}"
    else:
        where = "TRUE" if s.events else f"d IS NULL OR d <= {d}"
    per = "".join(f", {sql} AS {name}" for name, sql in sorted(person.items()))
    select = ",\n  ".join(f'CAST({recipes[c][0]} AS DOUBLE) AS "v{n}"' for n, c in enumerate(cols))
    by_code = f"""
SELECT m.hukou_no,
  {select}
FROM (SELECT person_key{per}
      FROM (SELECT {", ".join(inner)} FROM k_{s.feed} AS f) AS x
      WHERE {where} GROUP BY person_key) AS x
JOIN m_members AS m ON m.person_key = x.person_key
GROUP BY m.hukou_no"""
    return hukou_text(by_code, [f'"v{n}"' for n in range(len(cols))])


# a feed's records up to the as-of date: (rows, oldest date, newest date)
Span = tuple[int, dt.date | None, dt.date | None]


def _spans(backend: SqlBackend, specs: list[FeedSpec], as_of: dt.date) -> dict[str, Span]:
    """Per feed: its :data:`Span` (the whole feed, linked or not; a month as its first
    day)."""
    parts = []
    for s in specs:
        if s.date is None:
            parts.append(
                f"SELECT {lit(s.feed)} AS feed, count(*) AS n, CAST(NULL AS VARCHAR) AS lo, "
                f"CAST(NULL AS VARCHAR) AS hi FROM {s.feed}"
            )
        else:
            parts.append(
                f"SELECT {lit(s.feed)} AS feed, count(*) AS n, CAST(min(f.{s.date}) AS VARCHAR) "
                f"AS lo, CAST(max(f.{s.date}) AS VARCHAR) AS hi FROM {s.feed} AS f "
                f"WHERE f.{s.date} IS NULL OR f.{s.date} <= {_bound(s, as_of)}"
            )
    if not parts:
        return {}
    got = backend.fetch_lists(" UNION ALL ".join(parts))
    return {
        str(feed): (int(n), _day(lo), _day(hi))
        for feed, n, lo, hi in zip(got["feed"], got["n"], got["lo"], got["hi"], strict=True)
    }


def _day(v: Any) -> dt.date | None:
    """A date from its text ('YYYY-MM-DD', or a month 'YYYY-MM': its first day)."""
    if v is None or not isinstance(v, str):
        return None
    try:
        return dt.date.fromisoformat(v if len(v) > 7 else f"{v}-01")
    except ValueError:
        return None


def _unusable(s: FeedSpec, span: Span, as_of: dt.date) -> set[str]:
    """The columns of a present event feed that its span cannot fill: all windowed ones when
    it is late, a window's when the feed does not reach back to its start."""
    n, lo, hi = span
    if not s.events or s.date is None or n < MIN_ROWS_TO_JUDGE or lo is None or hi is None:
        return set()
    p = f"{PREFIX}{s.feed}:"
    windowed: dict[int, list[str]] = {
        w: [f"{p}rows_{w}m", f"{p}members_{w}m"] + [f"{p}{a}:sum_{w}m" for a, _ in s.amounts]
        for w in WINDOWS
    }
    windowed[LONG] += [f"{p}{a}:per_head_{LONG}m" for a, _ in s.amounts]
    windowed[LONG] += [f"{p}{a}:last" for a, _ in s.amounts]
    windowed[LONG] += [f"{p}newest_days", f"{p}oldest_days"]
    windowed[LONG] += [c for c in s.columns() if "=" in c]
    limit = max(s.freshness_days, 31) + (31 if s.monthly else 0)
    if hi < as_of - dt.timedelta(days=limit):
        return {c for cols in windowed.values() for c in cols}
    out: set[str] = set()
    for w, cols in windowed.items():
        if lo > _months_before(as_of, w) + dt.timedelta(days=GRACE_DAYS):
            out.update(cols)
    return out


def compute_feed_features(
    backend: SqlBackend,
    specs: Iterable[FeedSpec],
    as_of: dt.date,
    households: pd.DataFrame,
    persons: pd.DataFrame | None = None,
    *,
    wanted: Iterable[str] | None = None,
    timings: dict[str, float] | None = None,
) -> pd.DataFrame:
    """The features of :func:`columns` for ``households`` (``hukou_no``, ``size``: living
    members), one row each in their order (index ``hukou_no``; float32: a district's
    households × 400 columns), on a backend where the
    indicators' steps have run (``k_<feed>``, ``m_members``); ``persons``: identity
    resolution's (``source``, ``record_key``, ``person_key``), for the feeds the indicators do
    not read; ``wanted``: only these columns (a model's: the feeds and aggregates they need),
    in :func:`columns`' order. See the module's documentation for what is missing."""
    import time

    t = time.perf_counter()
    keep = None if wanted is None else set(wanted)
    specs = [x for x in specs if keep is None or keep & set(x.columns())]
    index = pd.Index(households["hukou_no"], name="hukou_no")
    cols = [c for c in columns(specs) if keep is None or c in keep]
    values = np.full((len(index), len(cols)), np.nan, dtype=np.float32)  # memory: 130,000 × 400
    if not len(index):
        return pd.DataFrame(values, index=index, columns=cols)
    backend.add_feeds(s.feed for s in specs)
    position = {c: n for n, c in enumerate(cols)}
    size = pd.to_numeric(households["size"]).to_numpy(dtype=np.float64)
    per = np.where(size > 0, size, np.nan)
    spans = _spans(backend, specs, as_of)
    _relations(backend, [s for s in specs if spans.get(s.feed, (0,))[0]], persons)
    for s in specs:
        span = spans.get(s.feed, (0, None, None))
        if span[0] == 0:
            continue  # no rows: missing throughout
        feed_cols = [c for c in s.columns() if keep is None or c in keep]
        got = backend.fetch_arrays(_feed_sql(s, as_of, feed_cols))
        block = (
            np.column_stack([floats(got[f"v{n}"]) for n in range(len(feed_cols))])
            if len(feed_cols)
            else None
        )
        rows = index.get_indexer(pd.Index(np.asarray(got["hukou_no"], dtype=object)))
        ok = rows >= 0
        first = position[feed_cols[0]]
        sub = np.full((len(index), len(feed_cols)), np.nan, dtype=np.float64)
        # a household without a record: counts and sums 0, the rest missing
        zero = [n for n, c in enumerate(feed_cols) if _zero_when_absent(c)]
        sub[:, zero] = 0.0
        if block is not None:
            sub[rows[ok]] = block[ok]
        for n, c in enumerate(feed_cols):
            if ":per_head" in c:  # the sum over living members
                sub[:, n] = sub[:, n] / per
        drop = _unusable(s, span, as_of)
        for n, c in enumerate(feed_cols):
            if c in drop:
                sub[:, n] = np.nan
        values[:, first : first + len(feed_cols)] = sub
    if timings is not None:
        timings["feed_features"] = round(time.perf_counter() - t, 3)
    return pd.DataFrame(values, index=index, columns=cols)


def _zero_when_absent(column: str) -> bool:
    what = column.rsplit(":", 1)[-1]
    return "=" in what or what.startswith(("rows", "members", "sum", "per_head"))


def _relations(backend: SqlBackend, specs: list[FeedSpec], persons: pd.DataFrame | None) -> None:
    """``k_<feed>`` for the feeds the indicators do not read (:data:`.feeds.FEEDS` have theirs):
    the feed joined to identity resolution's persons of that feed."""
    extra = [s.feed for s in specs if s.feed not in FEEDS]
    if not extra:
        return
    if persons is None:
        persons = pd.DataFrame({"source": [], "record_key": [], "person_key": []})
    mine = persons[persons["source"].isin(extra)]
    backend.register("m_persons_other", persons_frame(mine))
    for feed in extra:
        key = backend.record_keys[feed]
        backend.view(
            f"k_{feed}",
            f"SELECT p.person_key, CAST(f.{key} AS VARCHAR) AS rk, f.* FROM {feed} AS f "
            f"JOIN m_persons_other AS p ON p.source = {lit(feed)} "
            f"AND p.record_key = CAST(f.{key} AS VARCHAR)",
        )
