"""Which feeds a run's policy reads, and which of them are missing, late or partial.

A run never fails for want of a feed: a feed with no delivery reads as an empty table, and the
indicators that need it simply do not fire. That silence must not pass for good news, so each
run says which of the feeds its indicators read are

- ``missing``: no delivery in the lake (or only empty ones);
- ``late``: delivered longer ago than the catalogue's ``freshness_days`` before the run's date
  (when the caller knows the delivery dates), or — for a monthly feed (its period a ``month``
  column) — its newest month ended longer ago than that;
- ``partial``: an event feed whose oldest record is more than :data:`GRACE_DAYS` newer than
  the start of the longest window an item reading it directly looks back over (the wage feeds:
  the months of wages the base steps read), e.g. six months of contributions for a 12-month
  window. Judged only when the feed holds at least :data:`MIN_ROWS_TO_JUDGE` rows: a handful
  of rare events (deaths, disasters) says nothing about the span delivered.

Which feeds an indicator reads is worked out from the SQL itself: the relations ``k_<feed>``
its kind's SQL names, through the base steps (``m_…``) it reads, transitively — a new kind
needs no list kept by hand.

With :data:`ABLATION` (the per-feed ablation measured on the project's synthetic district,
``benchmarks/worlds/report.py --ablation``), each feed found wanting carries the recall the
product lost there without it: an estimate of the cost, not a measurement on this district.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from doudi.engine.catalogue import Catalogue
from doudi.engine.lake import Lake

from .feeds import FEEDS
from .kinds import SqlContext, item_sql
from .policy import Policy

MIN_ROWS_TO_JUDGE = 100
# a feed's oldest record may start this much after the window's start (records are sparse at
# a delivery's edges) before the feed is called partial
GRACE_DAYS = 31
# base steps whose feeds are not counted as read by the items that join them: the households'
# integer codes are a numbering of the register's households (the register is read through
# ``m_members`` where it counts), not a reading of the register
NOT_FOLLOWED = frozenset({"m_hh_codes"})
# the pseudo-item standing for the policy's suppression rules (helps held answer indicators)
SUPPRESSION = "suppression"
# the wage feeds the base steps read over ``wage_window`` months
WAGE_FEEDS = ("renshe_contribution", "shuiwu_income_tax", "gongjijin_contribution")
_RELATION = re.compile(r"\b([km]_[a-z0-9_]+)\b")

# All-levels and 预警-and-above recall lost (points, negative = lost) when the feed is removed
# from the ingest, on world A (doudi.synth, 2,000 households, seed 1, one month of simulated
# visits): `python -m benchmarks.worlds.report --households 2000 --seed 1 --worlds A
# --ablation` (docs/quality.md, "Per-feed ablation"). Feeds absent here were not measured.
ABLATION_SOURCE = "world A (doudi.synth, 2,000 households)"
# Per feed: (recall all levels, recall 预警 and above, precision all levels, precision 预警 and
# above), each the change in points against the full run (recall 0.734 / 0.420, precision
# 0.325 / 0.522; 169 households in hardship, so one household is 0.6 points of recall).
# The register (gongan_hukou) is never removed: without it nothing is scored.
ABLATION: dict[str, tuple[float, float, float, float]] = {
    "weijian_death": (0.0, 0.0, 0.0, 0.0),
    "minzheng_death": (0.0, 0.0, -0.2, -0.8),
    "renshe_contribution": (-1.2, 3.0, -11.3, -6.1),
    "shuiwu_income_tax": (0.6, 0.0, -0.8, -0.8),
    "gongjijin_contribution": (0.0, 0.0, -0.1, 0.0),
    "renshe_pension": (3.0, 7.1, -18.4, -37.4),
    "renshe_unemployment": (-0.6, -2.4, -0.2, 1.4),
    "shichang_business": (0.0, 0.0, 0.0, 0.0),
    "budongchan_property": (0.0, 0.0, 0.0, 0.0),
    "gongan_vehicle": (0.0, 0.0, -0.4, 0.0),
    "nongye_fangfanpin": (-1.2, -0.6, -0.4, -0.4),
    "yibao_chronic": (-0.6, -1.8, 0.5, -1.1),
    "weijian_diagnosis": (-0.6, -0.6, -0.2, -0.4),
    "yibao_inpatient": (-9.5, -14.2, -1.9, -9.5),
    "yibao_outpatient": (0.0, -0.6, 0.1, -0.4),
    "canlian_disability": (-6.5, -8.9, -1.2, -3.5),
    "jiaoyu_students": (0.0, -0.6, 0.0, -0.4),
    "jiaoyu_aid": (-1.8, -2.4, -0.5, -1.1),
    "yingji_disaster": (-0.6, -0.6, -0.2, -0.4),
    "zonggonghui_hardship": (-4.7, -1.8, -1.4, -1.1),
    "minzheng_recipients": (16.0, 21.9, 4.5, 10.2),
}


@dataclass(frozen=True)
class FeedStatus:
    """One feed the policy reads. ``status``: ``ok``, ``missing``, ``late`` or ``partial``;
    ``items``: the policy's indicators and triggers reading it (ids, policy order);
    ``rows``; ``newest`` / ``oldest``: the feed's period column's range (ISO dates, ``None``
    for a snapshot or without rows); ``needed_from``: the earliest date a reading item looks
    back to (``None``: no window); ``delivered``: the last delivery's date when known;
    ``recall_cost``: (all levels, 预警 and above) change of recall in points without the
    feed, from :data:`ABLATION` (``None``: not measured); ``precision_change``: the same for
    precision (a missing income feed makes households look poorer: more warnings, lower
    precision, recall hardly lower)."""

    feed: str
    status: str
    items: tuple[str, ...]
    rows: int
    newest: str | None = None
    oldest: str | None = None
    needed_from: str | None = None
    delivered: str | None = None
    freshness_days: int = 0
    recall_cost: tuple[float, float] | None = None
    precision_change: tuple[float, float] | None = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["items"] = list(self.items)
        d["recall_cost"] = None if self.recall_cost is None else list(self.recall_cost)
        d["precision_change"] = (
            None if self.precision_change is None else list(self.precision_change)
        )
        return d


def _steps(policy: Policy, as_of: dt.date) -> tuple[dict[str, str], SqlContext]:
    from .indicators import base_steps, income_window, recent_windows

    window = income_window(policy)
    wage_window = max(
        [window, 12]
        + [int(i.params["window_months"]) for i in policy.indicators if i.kind == "income_stopped"]
    )
    steps = dict(
        base_steps(
            as_of,
            override=False,
            window=window,
            wage_window=wage_window,
            recent=recent_windows(policy, wage_window),
        )
    )
    return steps, SqlContext(as_of=as_of, window=window, wage_window=wage_window)


def _reads(policy: Policy, as_of: dt.date) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """(per feed, the items reading it; per item, the feeds its own SQL names)."""
    steps, ctx = _steps(policy, as_of)
    memo: dict[str, set[str]] = {}

    def feeds_of(sql: str, seen: frozenset[str]) -> set[str]:
        out: set[str] = set()
        for rel in set(_RELATION.findall(sql)):
            if rel.startswith("k_") and rel[2:] in FEEDS:
                out.add(rel[2:])
            elif rel in steps and rel not in seen and rel not in NOT_FOLLOWED:
                if rel not in memo:
                    memo[rel] = feeds_of(steps[rel], seen | {rel})
                out |= memo[rel]
        return out

    read: dict[str, list[str]] = {}
    direct: dict[str, set[str]] = {}
    items = [(i, "indicator") for i in policy.indicators] + [
        (t, "trigger") for t in policy.triggers
    ]
    for item, role in items:
        sql = item_sql(item, role, ctx)  # type: ignore[arg-type]
        direct[item.id] = {r[2:] for r in _RELATION.findall(sql) if r.startswith("k_")}
        for feed in feeds_of(sql, frozenset()):
            read.setdefault(feed, []).append(item.id)
    if policy.suppression:  # the helps held (m_tags) answer indicators: suppression reads them
        for feed in sorted(feeds_of(steps["m_tags"], frozenset({"m_members"}))):
            read.setdefault(feed, []).append(SUPPRESSION)
            direct.setdefault(SUPPRESSION, set()).add(feed)
    return {f: read[f] for f in FEEDS if f in read}, direct


def feeds_read(policy: Policy, as_of: dt.date) -> dict[str, list[str]]:
    """Per feed of :data:`~.feeds.FEEDS`, the ids of the policy's indicators and triggers whose
    SQL reads it, directly or through the base steps (policy order; feeds no item reads are
    left out). The statistical model's household profile is no base step (it is computed
    beside them, :func:`~.indicators.profile_sql`): it reads every feed, and is no
    indicator."""
    return _reads(policy, as_of)[0]


def _wage_start(policy: Policy, as_of: dt.date) -> dt.date:
    """The first month the base steps read wages from (``wage_window`` months back)."""
    _steps_, ctx = _steps(policy, as_of)
    n = as_of.year * 12 + as_of.month - 1 - ctx.wage_window
    return dt.date(n // 12, n % 12 + 1, 1)


def _window_start(params: Mapping[str, Any], as_of: dt.date) -> dt.date | None:
    """The earliest date an item's window reaches back to, from its ``window_months`` /
    ``window_days`` / ``…within_days`` parameters (``None`` when it has none)."""
    starts = []
    for key, v in params.items():
        if key == "window_months":
            n = as_of.year * 12 + as_of.month - 1 - int(v)
            starts.append(dt.date(n // 12, n % 12 + 1, 1))
        elif key == "window_days" or key.endswith("within_days"):
            starts.append(as_of - dt.timedelta(days=int(v)))
    return min(starts) if starts else None


def period_column(catalogue: Catalogue, feed: str) -> tuple[str, str] | None:
    """An event feed's period column (its first date or month field that is not a birth
    date) and its type; ``None`` for a snapshot feed or a feed without one."""
    if feed not in catalogue.feeds:
        return None
    f = catalogue[feed]
    if f.semantics != "events":
        return None
    for field in f.fields:
        if field.type in ("date", "month") and "birth" not in field.name:
            return field.name, field.type
    return None


def _month_end(month: str) -> dt.date:
    y, m = int(month[:4]), int(month[5:7])
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return dt.date(y, m, 1) - dt.timedelta(days=1)


def feed_coverage(
    lake: Lake,
    catalogue: Catalogue,
    policy: Policy,
    as_of: dt.date,
    *,
    delivered: Mapping[str, dt.date | None] | None = None,
    ablation: Mapping[str, tuple[float, float, float, float]] | None = None,
) -> list[FeedStatus]:
    """The status of every feed the policy reads (:func:`feeds_read`), in catalogue order of
    :data:`~.feeds.FEEDS`. ``delivered``: each feed's last good delivery date, when the caller
    keeps them (the lake has no timestamps). ``ablation``: recall cost per feed (default
    :data:`ABLATION`). Reads the lake's Parquet files with DuckDB whatever the run's backend:
    a count and a range per feed."""
    import duckdb

    from doudi.engine.lake import _parquet_list

    ablation = ABLATION if ablation is None else ablation
    by_id: dict[str, Any] = {i.id: i.params for i in policy.indicators}
    by_id.update({t.id: t.params for t in policy.triggers})
    by_id[SUPPRESSION] = {}
    read, direct = _reads(policy, as_of)
    wage_start = _wage_start(policy, as_of)
    out = []
    con = duckdb.connect()
    try:
        for feed, items in read.items():
            files = lake.files(feed) if feed in lake.feed_ids() else []
            period = period_column(catalogue, feed)
            rows, newest, oldest = 0, None, None
            if files:
                src = f"read_parquet({_parquet_list(files)}, union_by_name = true)"
                if period is None:
                    got = con.execute(f"SELECT count(*) FROM {src}").fetchone()
                    rows = int(got[0]) if got else 0
                else:
                    col = period[0]
                    got = con.execute(
                        f'SELECT count(*), CAST(max("{col}") AS VARCHAR), '
                        f'CAST(min("{col}") AS VARCHAR) FROM {src}'
                    ).fetchone()
                    if got:
                        rows, newest, oldest = int(got[0]), got[1], got[2]
            # an item's window applies to the feeds its own SQL reads; the wage feeds are read
            # by the base steps over the wage window
            starts = [
                s for i in items if feed in direct[i] and (s := _window_start(by_id[i], as_of))
            ]
            if feed in WAGE_FEEDS:
                starts.append(wage_start)
            needed = min(starts) if starts else None
            freshness = catalogue[feed].freshness_days if feed in catalogue.feeds else 0
            when = (delivered or {}).get(feed)
            status = "ok"
            if rows == 0:
                status = "missing"
            elif when is not None and (as_of - when).days > freshness:
                status = "late"
            elif (
                period is not None
                and period[1] == "month"
                and newest
                and (as_of - _month_end(newest)).days > freshness
            ):
                status = "late"
            elif (
                period is not None
                and needed is not None
                and oldest
                and rows >= MIN_ROWS_TO_JUDGE
                and (_first_day(oldest, period[1]) - needed).days > GRACE_DAYS
            ):
                status = "partial"
            cost = ablation.get(feed)
            out.append(
                FeedStatus(
                    feed=feed,
                    status=status,
                    items=tuple(items),
                    rows=rows,
                    newest=_iso(newest, period),
                    oldest=_iso(oldest, period),
                    needed_from=None if needed is None else needed.isoformat(),
                    delivered=None if when is None else when.isoformat(),
                    freshness_days=freshness,
                    recall_cost=None if cost is None else (cost[0], cost[1]),
                    precision_change=None if cost is None else (cost[2], cost[3]),
                )
            )
    finally:
        con.close()
    return out


def _first_day(value: str, kind: str) -> dt.date:
    return dt.date.fromisoformat(value[:7] + "-01" if kind == "month" else value[:10])


def _iso(value: str | None, period: tuple[str, str] | None) -> str | None:
    if value is None or period is None:
        return None
    return value[:7] if period[1] == "month" else value[:10]


def wanting(statuses: list[FeedStatus]) -> list[FeedStatus]:
    """The feeds that are not ``ok``."""
    return [s for s in statuses if s.status != "ok"]
