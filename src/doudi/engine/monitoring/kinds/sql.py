"""SQL helpers the indicator kinds and the base steps share (DuckDB dialect; the Spark
backend transpiles). Every value that reaches SQL is an integer, a date or a quoted literal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


def lit(s: object) -> str:
    """A quoted SQL text literal."""
    return "'" + str(s).replace("'", "''") + "'"


def date(d: dt.date) -> str:
    """A SQL date literal."""
    return f"DATE '{d.isoformat()}'"


def in_list(values: Iterable[object]) -> str:
    """``('a', 'b')``: a parenthesised list of text literals."""
    return "(" + ", ".join(lit(v) for v in values) + ")"


def month(d: dt.date, back: int) -> str:
    """The 'YYYY-MM' month ``back`` months before ``d``'s month."""
    n = d.year * 12 + d.month - 1 - back
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def records(feed: str, cols: str, where: str = "TRUE") -> str:
    """Rows of ``feed`` with their ``person_key`` and record key (``rk``), from the feed's
    keyed relation ``k_<feed>`` (:func:`~..feeds.keyed_relation_sql`, or a keyed store's
    table)."""
    return f"SELECT f.person_key, f.rk, {cols} FROM k_{feed} AS f WHERE ({where})"


def age(birth: str, on: str) -> str:
    """Whole years between two date expressions, integer arithmetic only."""
    return (
        f"CAST(floor(((year({on}) * 10000 + month({on}) * 100 + day({on})) - "
        f"(year({birth}) * 10000 + month({birth}) * 100 + day({birth}))) / 10000) AS BIGINT)"
    )


@dataclass(frozen=True)
class SqlContext:
    """What a kind's SQL may depend on besides its parameters: the run's date, the income
    window (months) and how many months of wages the base steps read."""

    as_of: dt.date
    window: int
    wage_window: int

    @property
    def d(self) -> str:
        """``as_of`` as a SQL date literal."""
        return date(self.as_of)

    def since(self, days: object) -> str:
        """The date ``days`` days before ``as_of``, as a SQL literal."""
        return date(self.as_of - dt.timedelta(days=int(str(days))))


def member_facts(where: str, fired: str, value: str, as_of: dt.date) -> str:
    """Facts = the members' register records for household-structure indicators."""
    return f"""
SELECT m.hukou_no, h.{value} AS value, 'gongan_hukou' AS feed, m.record_key,
       {date(as_of)} AS fact_date, m.age AS amount, m.relation AS label
FROM m_members AS m JOIN m_hh AS h ON h.hukou_no = m.hukou_no
WHERE m.alive AND ({where}) AND ({fired})"""


# A household's measured value over its facts, as a window over the facts themselves (one
# pass over the feed rows instead of two): distinct counts by the densest rank.
_DISTINCT_OF = {"count(DISTINCT person_key)": "person_key", "count(DISTINCT rk)": "rk"}


def person_facts(rows: str, value: str = "count(DISTINCT person_key)", having: str = "TRUE") -> str:
    """Facts from per-person feed rows ``rows`` (person_key, rk, feed, fact_date, amount,
    label) of living members; ``value`` (a distinct count of persons or records, or the sum
    of the amounts) is the household's, and ``having`` filters on it."""
    if value == "sum(amount)":
        rank, measure = "", "sum(y.amount) OVER (PARTITION BY y.hukou_no)"
    else:
        rank = (
            f", dense_rank() OVER (PARTITION BY m.hukou_no ORDER BY x.{_DISTINCT_OF[value]}) AS dr"
        )
        measure = "max(y.dr) OVER (PARTITION BY y.hukou_no)"
    return f"""
SELECT hukou_no, value, feed, record_key, fact_date, amount, label FROM (
  SELECT y.hukou_no, CAST({measure} AS BIGINT) AS value, y.feed, y.record_key, y.fact_date,
         y.amount, y.label FROM (
    SELECT m.hukou_no, x.feed, x.rk AS record_key, CAST(x.fact_date AS DATE) AS fact_date,
           CAST(x.amount AS BIGINT) AS amount, CAST(x.label AS VARCHAR) AS label{rank}
    FROM ({rows}) AS x JOIN m_members AS m ON m.person_key = x.person_key WHERE m.alive) AS y
) AS v
WHERE {having}"""


def person_count(rows: str, min_count: int) -> str:
    """:func:`person_facts` fired when at least ``min_count`` living members have a row."""
    return person_facts(rows, "count(DISTINCT person_key)", f"value >= {int(min_count)}")
