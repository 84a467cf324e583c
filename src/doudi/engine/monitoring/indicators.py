"""Indicators: per person and per household facts in the six dimensions, from the lake.

Everything is keyed by the integer ``person_key`` of identity resolution and by the
household's ``hukou_no``. Every step is DuckDB-dialect SQL run through a
:class:`~doudi.engine.backends.SqlBackend`, so the same steps run on Spark.

**Membership.** ``persons`` maps feed records to ``person_key``. A person's household is the
``households`` frame when given (``person_key``, ``hukou_no`` — e.g. from
:func:`doudi.engine.linkage.households.attach_households`), else the person's own register
records (``gongan_hukou``; the 户主 record first, then the smallest 户号). Birth date, relation
and community come from the register. A person with a death record (``weijian_death``,
``minzheng_death``) on or before ``as_of`` is deceased: not counted in the household's size,
ages or income, but their death is a fact.

**As of.** Only facts dated on or before ``as_of`` count; windows (``window_days``,
``window_months``) end at ``as_of``. Monthly feeds (contributions, tax) count the
``window_months`` whole months before ``as_of``'s month.

**Income estimate** (POLICY §1.6), per household and month, fen: for each member, the larger
of the month's social-insurance wage base, taxed wage income and provident-fund base (one
wage seen by up to three departments), plus other taxed income (labour, business, rent,
interest), plus a pension being paid, plus an unemployment benefit registered in the last two
years — summed over living members, divided by the window. Income no department sees
(informal work) is invisible; that is what the counter-indicators and the statistical model
are for. Social-assistance payments are not income (POLICY §1.6). Beside it, per household:
how many members have an income record, how many working-age members have none (the
estimate's uncertainty), the help already held and the provident-fund balance
(:data:`RESOURCE_COLUMNS`); :func:`add_income_estimate` sets the estimate per head against the
area's 低保 standard and 低边 line.

**Output** of :func:`compute_indicators` (:class:`IndicatorTables`):

- ``facts``: one row per fired indicator and supporting fact — ``hukou_no``, ``indicator``,
  ``value`` (the household's measured quantity, an integer: a count, fen, a ratio in basis
  points), ``feed``, ``record_key``, ``fact_date``, ``amount`` (integer: fen, an age, a
  grade), ``label`` (a category code of the feed, never a name or ID);
- ``triggers``: the same shape for hard triggers (``trigger`` instead of ``indicator``);
- ``households``: one row per household — size, minors, working-age and elderly members,
  head's age, area code, street, the income estimate and 12-month medical spending;
- ``tags``: category tags per person (``person_key``, ``hukou_no``, ``category``,
  ``valid_from``, ``valid_to``, ``source``) from the assistance and 防返贫 feeds.

All decisions (fired or not) are integer comparisons, so DuckDB and Spark agree exactly.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from doudi.engine.backends import SqlBackend
from doudi.engine.frames import none_for_missing

from .feeds import FEEDS, keyed_relation_sql, persons_frame
from .kinds import SqlContext, item_sql, line_kinds
from .kinds.sql import date as _date
from .kinds.sql import month as _month
from .kinds.sql import records as _records
from .policy import Indicator, Policy, Trigger

FACT_COLUMNS = ("hukou_no", "value", "feed", "record_key", "fact_date", "amount", "label")
CATEGORY_OF = {"低保": "dibao", "特困": "tekun", "低保边缘": "dibian", "临时救助": "temp_assist"}
# categories a household can hold (tags from the assistance and 防返贫 feeds)
HELP_CATEGORIES = (*CATEGORY_OF.values(), "fangfanpin")
DEFAULT_INCOME_WINDOW = 6  # months, when the policy has no income_below_line indicator
PROFILE_MONTHS = 12  # the profile's wage figures: the last 12 months
TEMP_ASSIST_VALID_DAYS = 365  # a 临时救助 counts as "recent help" for a year


@dataclass
class IndicatorTables:
    facts: pd.DataFrame | None  # None with ``lazy_facts`` (see ``fetch_facts``)
    fired: pd.DataFrame  # hukou_no, indicator, value, onset (ISO date or None), facts (count)
    triggers: pd.DataFrame
    households: pd.DataFrame
    tags: pd.DataFrame
    income_window: int
    members: pd.DataFrame  # living members: person_key, hukou_no
    area_lookup: dict[str, str]  # a household's area code ('' if none) -> parameter area code
    # with ``lazy_facts``: ``facts`` is None and these fetch the facts of the given
    # households (same rows and order) while the backend is still open — as a frame, or as
    # :meth:`fact_lists_of` gives them
    fetch_facts: Callable[[list[str]], pd.DataFrame] | None = None
    fetch_fact_lists: Callable[..., dict[str, list[Any]]] | None = None
    # the household profile while it is computed beside the run (``defer_profile``):
    # ``households`` has its columns once :meth:`complete_profile` has run
    profile: Future[dict[str, Any]] | None = None

    def complete_profile(self) -> None:
        """Wait for the household profile computed beside the run, if any, and add its
        columns to ``households`` (in their place: after ``street``). Done once; the
        statistical model's features need it, and the backend must still be open."""
        if self.profile is None:
            return
        pending, self.profile = self.profile, None
        self.households = _with_profile(self.households, pending.result())

    def helps(self, as_of: dt.date) -> dict[str, dict[str, str]]:
        """:func:`household_helps` of these tags, computed once per date (scores and person
        tags both need it)."""
        cache: dict[dt.date, dict[str, dict[str, str]]] = self.__dict__.setdefault("_helps", {})
        if as_of not in cache:
            cache[as_of] = household_helps(self.tags, as_of)
        return cache[as_of]

    def household_rows(self, hukou: Any) -> np.ndarray[Any, Any]:
        """The row of each of ``hukou`` in ``households`` (-1 where it has none), by one
        hash table of the households built once for the run."""
        index: pd.Index | None = self.__dict__.get("_household_index")
        if index is None:
            index = self.__dict__["_household_index"] = pd.Index(self.households["hukou_no"])
        rows: np.ndarray[Any, Any] = index.get_indexer(hukou)
        return rows

    def facts_of(self, households: Iterable[str]) -> pd.DataFrame:
        """The indicator facts of ``households`` only."""
        if self.facts is None:
            assert self.fetch_facts is not None, "no facts: computed without lazy_facts"
            return self.fetch_facts(sorted(households))
        return self.facts[self.facts["hukou_no"].isin(list(households))]

    def fact_lists_of(
        self, households: Iterable[str], *, sourced: bool = False
    ) -> dict[str, list[Any]]:
        """:meth:`facts_of` as columns of Python values (``None`` where missing), which the
        explanations are built from: no frame in between. ``sourced``: only the facts from a
        feed (``feed`` not missing), the ones an explanation lists."""
        if self.facts is None:
            assert self.fetch_fact_lists is not None, "no facts: computed without lazy_facts"
            return self.fetch_fact_lists(sorted(households), sourced=sourced)
        f = self.facts_of(households)
        if sourced:
            f = f[f["feed"].notna()]
        return {str(c): none_for_missing(f[c]).tolist() for c in f.columns}


HELP_SOURCES = ("minzheng_recipients", "nongye_fangfanpin")


def household_helps(tags: pd.DataFrame, as_of: dt.date) -> dict[str, dict[str, str]]:
    """hukou_no → {category: help start (ISO date)} for tags from assistance feeds valid on
    ``as_of``."""
    if tags.empty:
        return {}
    t = tags[tags["source"].isin(HELP_SOURCES) & tags["hukou_no"].notna()]
    valid = (t["valid_from"] <= as_of) & t["valid_to"].map(lambda v: v is None or v >= as_of)
    t = t[valid]
    out: dict[str, dict[str, str]] = {}
    for hukou, cat, start in zip(t["hukou_no"], t["category"], t["valid_from"], strict=True):
        d = out.setdefault(hukou, {})
        iso = start.isoformat()
        if cat not in d or iso < d[cat]:
            d[cat] = iso
    return out


# ------------------------------------------------------------------------------- base steps


HOUSEHOLD_CODES_SQL = """
SELECT hukou_no AS hukou_text,
       CAST(row_number() OVER (ORDER BY hukou_no) AS BIGINT) AS code
FROM (SELECT DISTINCT hukou_no FROM m_members_raw WHERE hukou_no IS NOT NULL) AS h"""


def hukou_text(sql: str, columns: Sequence[str], order: str | None = None) -> str:
    """The rows of ``sql`` — a household code ``hukou_no`` (``m_members``' and every base
    step's after it) and ``columns`` — with the household's register number as
    ``hukou_no`` instead, in that order; ``order``: an ``ORDER BY`` of ``sql``'s columns as
    ``q.<column>`` (the codes sort as their register numbers do)."""
    cols = "".join(f", q.{c}" for c in columns)
    return (
        f"SELECT c.hukou_text AS hukou_no{cols} FROM ({sql}) AS q "
        "LEFT JOIN m_hh_codes AS c ON c.code = q.hukou_no"
        + ("" if order is None else f" ORDER BY {order}")
    )


# one wage as each department sees it: the feed, its month and amount, which rows are wages
WAGE_FEEDS = (
    ("renshe_contribution", "f.month", "f.wage_base", None),
    ("shuiwu_income_tax", "f.period", "f.income", "f.item = '工资薪金所得'"),
    ("gongjijin_contribution", "f.month", "f.base", None),
)
# the month's wage: the largest of the departments' views of it
WAGE_MONTHS_SQL = (
    "SELECT person_key, month, max(amount) AS wage FROM {rows} GROUP BY person_key, month"
)


def wage_feed_rows(first: str | None = None, last: str | None = None) -> list[tuple[str, str, str]]:
    """(feed, columns, condition) of each wage feed's rows for :func:`~.kinds.sql.records`:
    ``month`` and ``amount`` (not missing), of the months ``first`` to ``last`` when
    given."""
    out = []
    for feed, month, amount, wages in WAGE_FEEDS:
        where = [] if wages is None else [wages]
        if first is not None and last is not None:
            where.append(f"{month} >= '{first}' AND {month} <= '{last}'")
        where.append(f"{amount} IS NOT NULL")
        out.append((feed, f"{month} AS month, {amount} AS amount", " AND ".join(where)))
    return out


def stored_wage_sql(schema: str = "") -> list[tuple[str, str]]:
    """The wage tables a keyed store keeps (:mod:`.keyed`), over every month: (name, SQL).
    ``wage_rows``: per person, wage feed and month the month's sum (``amount``);
    ``wage_months``: per person and month the largest of the feeds' sums (the record keys,
    long text, are not kept: they would cost the link run more than they save). A run reads its months of them instead of summing the feeds' rows again
    (``base_steps(stored_wages=True)``): the same rows as it would sum itself. ``schema``:
    where ``wage_rows`` is read from by the second (e.g. ``"keyed."``)."""
    rows = " UNION ALL ".join(
        f"SELECT person_key, '{feed}' AS feed, month, sum(amount) AS amount "
        f"FROM ({_records(feed, cols, where)}) AS w GROUP BY person_key, month"
        for feed, cols, where in wage_feed_rows()
    )
    return [("wage_rows", rows), ("wage_months", WAGE_MONTHS_SQL.format(rows=schema + "wage_rows"))]


STORED_WAGES = ("wage_rows", "wage_months")  # the keyed store's names of them


def base_steps(
    as_of: dt.date,
    *,
    override: bool,
    window: int,
    wage_window: int,
    recent: tuple[int, ...],
    stored_wages: bool = False,
) -> list[tuple[str, str]]:
    """The base tables, in order: (name, SQL). ``window``: the income window in months;
    ``wage_window``: how many months of wages are read; ``recent``: the windows (months, at
    most ``wage_window``) for which each person's wage months are counted
    (:func:`recent_windows`). ``stored_wages``: the wage sums per person, feed and month are
    read from the keyed store's tables (:func:`stored_wage_sql`, attached as ``keyed``)
    instead of summed from the feeds' rows; :data:`STORED_WAGE_VIEWS` are then views."""
    d = _date(as_of)
    asof_int = as_of.year * 10000 + as_of.month * 100 + as_of.day
    register = _records(
        "gongan_hukou",
        "CAST(f.hukou_no AS VARCHAR) AS hukou_no, f.birth_date, f.relation, "
        "CAST(f.community_code AS VARCHAR) AS community_code, f.street_name",
    )
    if override:
        # the person's register record in that household first, else any of theirs (age
        # and relation still come from the register)
        members = """
SELECT person_key, hukou_no, record_key, birth_date, relation, community_code, street_name
FROM (SELECT o.person_key, o.hukou_no, r.rk AS record_key, r.birth_date,
             CASE WHEN r.hukou_no = o.hukou_no THEN r.relation END AS relation,
             r.community_code, r.street_name,
             row_number() OVER (PARTITION BY o.person_key ORDER BY
               CASE WHEN r.hukou_no = o.hukou_no THEN 0 ELSE 1 END, r.rk) AS rn
      FROM m_hh_override AS o LEFT JOIN m_register AS r ON r.person_key = o.person_key
      WHERE o.hukou_no IS NOT NULL) AS x
WHERE rn = 1"""
    else:
        members = """
SELECT person_key, hukou_no, rk AS record_key, birth_date, relation, community_code, street_name
FROM (SELECT *, row_number() OVER (PARTITION BY person_key
             ORDER BY CASE WHEN relation = '户主' THEN 0 ELSE 1 END, hukou_no, rk) AS rn
      FROM m_register) AS r WHERE rn = 1"""
    m0, m1 = _month(as_of, window), _month(as_of, 1)
    w0 = _month(as_of, wage_window)
    per_window = ",\n".join(
        f"       count(CASE WHEN month >= '{_month(as_of, n)}' THEN 1 END) AS months_{n},\n"
        f"       max(CASE WHEN month >= '{_month(as_of, n)}' THEN month END) AS last_month_{n},\n"
        f"       max(CASE WHEN month >= '{_month(as_of, n)}' THEN wage END) AS max_wage_{n}"
        for n in sorted(set(recent))
    )
    wage_feeds = wage_feed_rows(w0, m1)  # from month w0 to month m1
    if stored_wages:
        # the link run's keyed store summed them over every month (:func:`stored_wage_sql`):
        # the day only chooses the months
        months = f"month >= '{w0}' AND month <= '{m1}'"
        wage_rows = f"SELECT person_key, feed, month, amount FROM keyed.wage_rows WHERE {months}"
        wage_months = f"SELECT person_key, month, wage FROM keyed.wage_months WHERE {months}"
    else:
        # One group-by per feed (the feed is a constant, not a grouping key: smaller hash
        # tables). The months' record keys (long text) are not carried along: the income
        # facts take them per person and feed over the income window (m_wage_keys), the few
        # fired indicators that need one month's record look it up in m_wage_raw.
        wage_rows = " UNION ALL ".join(
            f"SELECT person_key, '{feed}' AS feed, month, sum(amount) AS amount "
            f"FROM ({_records(feed, cols, where)}) AS w GROUP BY person_key, month"
            for feed, cols, where in wage_feeds
        )
        wage_months = WAGE_MONTHS_SQL.format(rows="m_wage_rows")
    wage_keys = " UNION ALL ".join(
        f"SELECT person_key, '{feed}' AS feed, max(rk) AS rk "
        f"FROM ({_records(feed, cols, where)}) AS w WHERE month >= '{m0}' GROUP BY person_key"
        for feed, cols, where in wage_feeds
    )
    wage_raw = " UNION ALL ".join(
        f"SELECT person_key, '{feed}' AS feed, month, rk FROM ({_records(feed, cols, where)}) AS w"
        for feed, cols, where in wage_feeds
    )
    other_rows = " UNION ALL ".join(
        [
            _records(
                "shuiwu_income_tax",
                "'shuiwu_income_tax' AS feed, f.period AS month, f.income AS amount, "
                "CAST(f.period || '-01' AS DATE) AS fact_date, f.item AS label",
                f"f.item <> '工资薪金所得' AND f.period >= '{m0}' AND f.period <= '{m1}' "
                "AND f.income IS NOT NULL",
            ),
            _records(
                "renshe_pension",
                f"'renshe_pension' AS feed, f.start_month AS month, f.monthly_amount * {window}"
                " AS amount, CAST(f.start_month || '-01' AS DATE) AS fact_date, "
                "f.scheme AS label",
                f"f.status = '正常发放' AND f.start_month <= '{m1}' "
                "AND f.monthly_amount IS NOT NULL",
            ),
            _records(
                "renshe_unemployment",
                f"'renshe_unemployment' AS feed, '' AS month, f.benefit * {window} AS amount, "
                "f.reg_date AS fact_date, 'benefit' AS label",
                f"f.benefit IS NOT NULL AND f.benefit > 0 AND f.reg_date <= {d} "
                f"AND f.reg_date > {_date(as_of - dt.timedelta(days=730))}",
            ),
        ]
    )
    deaths = " UNION ALL ".join(
        [
            _records(
                "weijian_death", "'weijian_death' AS feed, f.death_date", f"f.death_date <= {d}"
            ),
            _records(
                "minzheng_death", "'minzheng_death' AS feed, f.death_date", f"f.death_date <= {d}"
            ),
        ]
    )
    return [
        ("m_register", register),
        ("m_members_raw", members),
        (
            "m_deaths",
            f"""
SELECT person_key, death_date, feed, rk FROM (
  SELECT *, row_number() OVER (PARTITION BY person_key ORDER BY death_date, feed, rk) AS rn
  FROM ({deaths}) AS x) AS y WHERE rn = 1""",
        ),
        # each household's integer code, in the order of the register numbers: the steps
        # join and group on it rather than on text (the results are turned back into
        # register numbers where they leave the backend: :func:`hukou_text`)
        ("m_hh_codes", HOUSEHOLD_CODES_SQL),
        (
            "m_members",
            f"""
SELECT m.person_key, c.code AS hukou_no, m.record_key, m.relation, m.community_code, m.street_name,
       m.birth_date, d.death_date, d.feed AS death_feed, d.rk AS death_rk,
       d.death_date IS NULL AS alive,
       CASE WHEN m.birth_date IS NULL THEN NULL ELSE
         CAST(floor(({asof_int} - (year(m.birth_date) * 10000 + month(m.birth_date) * 100
                                    + day(m.birth_date))) / 10000) AS BIGINT) END AS age
FROM m_members_raw AS m LEFT JOIN m_deaths AS d ON d.person_key = m.person_key
LEFT JOIN m_hh_codes AS c ON c.hukou_text = m.hukou_no""",
        ),
        (
            "m_hh",
            """
SELECT hukou_no,
       sum(CASE WHEN alive THEN 1 ELSE 0 END) AS size,
       sum(CASE WHEN alive AND age < 18 THEN 1 ELSE 0 END) AS n_minor,
       sum(CASE WHEN alive AND age >= 18 AND age < 60 THEN 1 ELSE 0 END) AS n_working,
       sum(CASE WHEN alive AND age >= 60 THEN 1 ELSE 0 END) AS n_elderly,
       sum(CASE WHEN alive AND age >= 80 THEN 1 ELSE 0 END) AS n_80,
       sum(CASE WHEN NOT alive THEN 1 ELSE 0 END) AS n_deceased,
       max(CASE WHEN relation = '户主' THEN age END) AS head_age,
       coalesce(max(CASE WHEN relation = '户主' THEN community_code END),
                min(community_code)) AS area_code,
       coalesce(max(CASE WHEN relation = '户主' THEN street_name END),
                min(street_name)) AS street
FROM m_members GROUP BY hukou_no""",
        ),
        ("m_wage_raw", wage_raw),  # a view: the wage feeds' rows, read where used
        # one row per person, feed and month: the month's wage as that department saw it
        ("m_wage_rows", wage_rows),
        ("m_wage_keys", wage_keys),
        # the month's wage: the largest of the departments' views of it
        ("m_wage_months", wage_months),
        # a person's wage months, summed up once for the steps that need them: the income
        # window's total and months; per recent window the months, the latest and the best;
        # the latest month of all
        (
            "m_wage_person",
            f"""
SELECT person_key,
       sum(CASE WHEN month >= '{m0}' THEN wage END) AS wage_sum,
       count(CASE WHEN month >= '{m0}' THEN 1 END) AS wage_n,
{per_window},
       max(month) AS last_month
FROM m_wage_months GROUP BY person_key""",
        ),
        ("m_other_income", other_rows),
        (
            "m_income_facts",
            f"""
SELECT w.person_key, w.feed, k.rk, w.fact_date, w.amount, 'wage' AS label FROM (
  SELECT person_key, feed, max(CAST(month || '-01' AS DATE)) AS fact_date,
         CAST(floor(sum(amount) / {window}) AS BIGINT) AS amount
  FROM m_wage_rows WHERE month >= '{m0}' GROUP BY person_key, feed) AS w
JOIN m_wage_keys AS k ON k.person_key = w.person_key AND k.feed = w.feed
UNION ALL
SELECT person_key, feed, rk, fact_date, CAST(floor(amount / {window}) AS BIGINT) AS amount,
       label FROM m_other_income""",
        ),
        (
            "m_income",
            """
SELECT m.hukou_no, sum(coalesce(w.wage_sum, 0)) + sum(coalesce(o.other, 0)) AS income
FROM m_members AS m
LEFT JOIN m_wage_person AS w ON w.person_key = m.person_key
LEFT JOIN (SELECT person_key, sum(amount) AS other FROM m_other_income
           GROUP BY person_key) AS o ON o.person_key = m.person_key
WHERE m.alive GROUP BY m.hukou_no""",
        ),
        # 12 months' out-of-pocket medical spending of every member, inpatient and outpatient
        (
            "m_medical",
            f"""
SELECT m.hukou_no, sum(x.self_pay) AS spend,
       sum(CASE WHEN x.kind = 'in' THEN x.self_pay END) AS inpatient_self_pay,
       count(DISTINCT CASE WHEN x.kind = 'in' THEN x.rk END) AS n_inpatient,
       sum(CASE WHEN x.kind = 'out' THEN x.self_pay END) AS outpatient_self_pay FROM ({
                _records(
                    "yibao_inpatient",
                    "'in' AS kind, f.self_pay",
                    f"f.settle_date <= {d} AND f.settle_date > {_date(as_of - dt.timedelta(days=365))}"
                    " AND f.self_pay IS NOT NULL",
                )
            }
  UNION ALL {
                _records(
                    "yibao_outpatient",
                    "'out' AS kind, f.self_pay",
                    f"f.visit_date <= {d} AND f.visit_date > {_date(as_of - dt.timedelta(days=365))}"
                    " AND f.self_pay IS NOT NULL",
                )
            }) AS x
JOIN m_members AS m ON m.person_key = x.person_key GROUP BY m.hukou_no""",
        ),
        (
            "m_earn",
            f"""
SELECT m.hukou_no, max(w.avg_wage) AS best_wage, max(o.pension) AS best_pension
FROM m_members AS m
LEFT JOIN (SELECT person_key, CAST(floor(wage_sum / wage_n) AS BIGINT) AS avg_wage
           FROM m_wage_person WHERE wage_n > 0) AS w ON w.person_key = m.person_key
LEFT JOIN (SELECT person_key, CAST(floor(max(amount) / {window}) AS BIGINT) AS pension
           FROM m_other_income WHERE feed = 'renshe_pension' GROUP BY person_key) AS o
  ON o.person_key = m.person_key
WHERE m.alive GROUP BY m.hukou_no""",
        ),
        ("m_resources", resources_sql(as_of)),
        (
            "m_household",
            """
SELECT h.*, coalesce(i.income, 0) AS income, coalesce(s.spend, 0) AS medical_spend,
       coalesce(e.best_wage, 0) AS best_wage, coalesce(e.best_pension, 0) AS best_pension,
       """
            + ", ".join(f"coalesce(r.{c}, 0) AS {c}" for c in RESOURCE_COLUMNS)
            + """
FROM m_hh AS h LEFT JOIN m_income AS i ON i.hukou_no = h.hukou_no
LEFT JOIN m_medical AS s ON s.hukou_no = h.hukou_no
LEFT JOIN m_earn AS e ON e.hukou_no = h.hukou_no
LEFT JOIN m_resources AS r ON r.hukou_no = h.hukou_no""",
        ),
        ("m_tags", _tags_sql(as_of)),
    ]


# What the income estimate rests on, and the resources beside it, per household (integers):
# living members with an income record in the income window (a wage month, other taxed
# income, a pension or an unemployment benefit); working-age members (18–59) with none — the
# estimate's uncertainty: their income, if any, no department sees; the monthly help already
# held (the largest ``monthly_amount`` of the household's valid 低保 / 特困 / 低保边缘 records:
# one household's payment, repeated on each member's row); the provident-fund balance (the
# largest of the members' latest balances: a savings signal).
# the statistical model's features from the estimate (:func:`add_income_estimate`)
INCOME_FEATURES = (
    "income_ratio_to_dibao",
    "n_income_members",
    "income_unknown_share",
    "n_working_no_income",
    "help_monthly",
    "fund_balance",
    "resources_ratio",
)
RESOURCE_COLUMNS = ("n_income_members", "n_working_no_income", "help_monthly", "fund_balance")


def resources_sql(as_of: dt.date) -> str:
    """:data:`RESOURCE_COLUMNS`, one row per household with living members."""
    d = _date(as_of)
    help_rows = _records(
        "minzheng_recipients",
        "f.monthly_amount",
        f"f.category IN ('低保', '特困', '低保边缘') AND f.start_date <= {d} "
        f"AND coalesce(f.status, '') <> '停保' AND (f.end_date IS NULL OR f.end_date >= {d}) "
        "AND f.monthly_amount IS NOT NULL",
    )
    fund_rows = _records(
        "gongjijin_contribution",
        "f.month, f.balance",
        f"f.balance IS NOT NULL AND f.month <= '{_month(as_of, 1)}'",
    )
    return f"""
SELECT m.hukou_no,
       count(CASE WHEN coalesce(w.wage_n, 0) > 0 OR o.person_key IS NOT NULL THEN 1 END)
         AS n_income_members,
       count(CASE WHEN m.age >= 18 AND m.age < 60 AND coalesce(w.wage_n, 0) = 0
                   AND o.person_key IS NULL THEN 1 END) AS n_working_no_income,
       max(hp.amount) AS help_monthly, max(fb.balance) AS fund_balance
FROM m_members AS m
LEFT JOIN m_wage_person AS w ON w.person_key = m.person_key
LEFT JOIN (SELECT DISTINCT person_key FROM m_other_income) AS o ON o.person_key = m.person_key
LEFT JOIN (SELECT person_key, max(monthly_amount) AS amount FROM ({help_rows}) AS x
           GROUP BY person_key) AS hp ON hp.person_key = m.person_key
LEFT JOIN (SELECT f.person_key, max(f.balance) AS balance FROM ({fund_rows}) AS f
           JOIN (SELECT person_key, max(month) AS month FROM ({fund_rows}) AS x
                 GROUP BY person_key) AS l ON l.person_key = f.person_key AND l.month = f.month
           GROUP BY f.person_key) AS fb ON fb.person_key = m.person_key
WHERE m.alive GROUP BY m.hukou_no"""


# the last base step the household profile (:func:`profile_sql`) reads
PROFILE_AFTER = "m_medical"
VIEW_STEPS = frozenset({"m_wage_raw"})  # base steps kept as views, not tables
# with the stored wage sums: the run's months of them, read where used
STORED_WAGE_VIEWS = frozenset({"m_wage_rows", "m_wage_months"})


def recent_windows(policy: Policy, wage_window: int) -> tuple[int, ...]:
    """The windows (months) each person's wage months are counted for in ``m_wage_person``:
    the profile's, and each stopped-income indicator's or trigger's (at most
    ``wage_window``)."""
    items: list[Indicator | Trigger] = [*policy.indicators, *policy.triggers]
    stopped = [
        min(int(i.params["window_months"]), wage_window)
        for i in items
        if i.kind == "income_stopped"
    ]
    return tuple(sorted({PROFILE_MONTHS, *stopped}))


# The household profile: facts per household beyond the indicators, for the statistical
# model (integers: counts, fen, grades, days before ``as_of``). Each is a plain reading of one
# department's records — assets, earnings, pensions, medical use, disability, unemployment,
# schooling, the union's and the disaster office's files, subsidised medical enrolment. Which
# of them matter, and how much, the model learns from home-visit outcomes.
PROFILE_COLUMNS = (
    "n_homes",
    "max_home_price",
    "n_vehicles",
    "max_vehicle_price",
    "n_business",
    "n_fund",
    "max_month_wage",
    "n_earners_3m",
    "wage_months",
    "pension_sum",
    "pension_min",
    "n_resident_pension",
    "inpatient_self_pay",
    "n_inpatient",
    "outpatient_self_pay",
    "n_serious",
    "days_since_diagnosis",
    "n_disabled",
    "min_disability_grade",
    "days_since_disability",
    "days_since_unemployment",
    "max_unemployment_benefit",
    "n_students",
    "aid_level",
    "n_hardship_worker",
    "max_disaster_loss",
    "n_subsidised",
    "n_enrolled",
)
# missing when the household has no such record (not zero)
PROFILE_MISSING = (
    "days_since_diagnosis",
    "days_since_disability",
    "days_since_unemployment",
    "pension_min",
    "min_disability_grade",
    "max_unemployment_benefit",
    "max_home_price",
    "max_vehicle_price",
    "max_disaster_loss",
)
AID_LEVELS = {"一般困难": 1, "比较困难": 2, "特别困难": 3}


def profile_sql(as_of: dt.date) -> str:
    """The household profile (:data:`PROFILE_COLUMNS`), one row per household."""
    d = _date(as_of)
    year = _date(as_of - dt.timedelta(days=365))
    m1, m3, m12 = _month(as_of, 1), _month(as_of, 3), _month(as_of, 12)
    n = PROFILE_MONTHS  # m_wage_person's window for the profile
    aid = " ".join(f"WHEN '{k}' THEN {v}" for k, v in AID_LEVELS.items())

    def days(newest: str) -> str:  # whole days from the newest date to as_of
        return f"CAST(date_diff('day', {newest}, {d}) AS BIGINT)"

    def per_household(rows: str, aggs: str) -> tuple[str, list[str]]:
        """(SQL per household, the columns it gives) from per-person rows of living members."""
        return (
            f"SELECT m.hukou_no, {aggs} FROM ({rows}) AS x JOIN m_members AS m "
            "ON m.person_key = x.person_key WHERE m.alive GROUP BY m.hukou_no",
            re.findall(r" AS (\w+)(?=,|$)", aggs),
        )

    parts = {
        "homes": per_household(
            _records(
                "budongchan_property",
                "f.price",
                f"f.usage = '住宅' AND (f.reg_date IS NULL OR f.reg_date <= {d})",
            ),
            "count(DISTINCT rk) AS n_homes, max(price) AS max_home_price",
        ),
        "vehicles": per_household(
            _records(
                "gongan_vehicle",
                "f.price",
                f"coalesce(f.status, '') <> '注销' AND (f.register_date IS NULL OR "
                f"f.register_date <= {d})",
            ),
            "count(DISTINCT rk) AS n_vehicles, max(price) AS max_vehicle_price",
        ),
        "business": per_household(
            _records(
                "shichang_business", "f.status", f"f.status = '存续' AND f.established <= {d}"
            ),
            "count(DISTINCT rk) AS n_business",
        ),
        "fund": per_household(
            "SELECT person_key FROM m_wage_rows WHERE feed = 'gongjijin_contribution' "
            f"AND month >= '{m12}' AND month <= '{m1}'",
            "count(DISTINCT x.person_key) AS n_fund",
        ),
        "wages": per_household(
            f"SELECT person_key, max_wage_{n} AS wage, months_{n} AS months, last_month_{n} "
            f"AS last_month FROM m_wage_person WHERE months_{n} > 0",
            f"max(wage) AS max_month_wage, count(DISTINCT CASE WHEN last_month >= '{m3}' "
            "THEN x.person_key END) AS n_earners_3m, sum(months) AS wage_months",
        ),
        "pensions": per_household(
            _records(
                "renshe_pension",
                "f.monthly_amount, f.scheme",
                f"f.status = '正常发放' AND f.start_month <= '{m1}' AND f.monthly_amount IS NOT NULL",
            ),
            "sum(monthly_amount) AS pension_sum, min(monthly_amount) AS pension_min, "
            "count(DISTINCT CASE WHEN scheme = '城乡居民' THEN x.person_key END) "
            "AS n_resident_pension",
        ),
        # the medical step already read both settlement feeds for the same 12 months
        "medical": (
            "SELECT hukou_no, inpatient_self_pay, n_inpatient, outpatient_self_pay FROM m_medical",
            ["inpatient_self_pay", "n_inpatient", "outpatient_self_pay"],
        ),
        "serious": per_household(
            _records(
                "yibao_chronic",
                "f.category",
                f"f.category IN ('重特大疾病', '特殊病') AND f.approve_date <= {d} "
                f"AND (f.valid_until IS NULL OR f.valid_until >= {d})",
            ),
            "count(DISTINCT x.person_key) AS n_serious",
        ),
        "diagnosis": per_household(
            _records("weijian_diagnosis", "f.diagnosis_date", f"f.diagnosis_date <= {d}"),
            f"{days('max(diagnosis_date)')} AS days_since_diagnosis",
        ),
        "disability": per_household(
            _records(
                "canlian_disability",
                "f.disability_grade, f.issue_date",
                f"f.issue_date IS NULL OR f.issue_date <= {d}",
            ),
            "count(DISTINCT x.person_key) AS n_disabled, min(disability_grade) AS "
            f"min_disability_grade, {days('max(issue_date)')} AS days_since_disability",
        ),
        "unemployment": per_household(
            _records("renshe_unemployment", "f.reg_date, f.benefit", f"f.reg_date <= {d}"),
            f"{days('max(reg_date)')} AS days_since_unemployment, max(benefit) AS "
            "max_unemployment_benefit",
        ),
        "students": per_household(
            _records("jiaoyu_students", "f.stage", f"f.enrol_date IS NULL OR f.enrol_date <= {d}"),
            "count(DISTINCT x.person_key) AS n_students",
        ),
        "aid": per_household(
            _records(
                "jiaoyu_aid",
                f"CASE f.difficulty {aid} ELSE 0 END AS level",
                f"f.grant_date <= {d} AND f.grant_date > {_date(as_of - dt.timedelta(days=730))}",
            ),
            "max(level) AS aid_level",
        ),
        "trade_union": per_household(
            _records("zonggonghui_hardship", "f.hardship_type", f"f.file_date <= {d}"),
            "count(DISTINCT rk) AS n_hardship_worker",
        ),
        "disaster": per_household(
            _records(
                "yingji_disaster", "f.loss", f"f.disaster_date <= {d} AND f.disaster_date > {year}"
            ),
            "max(loss) AS max_disaster_loss",
        ),
        "enrolment": per_household(
            _records(
                "yibao_enrolment", "f.subsidy", f"f.enrol_date IS NULL OR f.enrol_date <= {d}"
            ),
            "count(DISTINCT CASE WHEN coalesce(subsidy, '无') <> '无' THEN x.person_key END) "
            "AS n_subsidised, count(DISTINCT x.person_key) AS n_enrolled",
        ),
    }
    joins = "\n".join(
        f"LEFT JOIN ({sql}) AS {name} ON {name}.hukou_no = h.hukou_no"
        for name, (sql, _) in parts.items()
    )
    owner = {c: name for name, (_, columns) in parts.items() for c in columns}
    assert sorted(owner) == sorted(PROFILE_COLUMNS), sorted(owner)
    cols = ", ".join(f"{owner[c]}.{c}" for c in PROFILE_COLUMNS)
    # the households by code, their register numbers beside them
    return (
        f"SELECT c.hukou_text AS hukou_no, {cols} FROM (SELECT DISTINCT hukou_no FROM m_members)"
        f" AS h\nLEFT JOIN m_hh_codes AS c ON c.code = h.hukou_no\n{joins}"
    )


def _tags_sql(as_of: dt.date) -> str:
    d = _date(as_of)
    case = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CATEGORY_OF.items())
    recipients = _records(
        "minzheng_recipients",
        f"CASE f.category {case} END AS category, f.start_date AS valid_from, "
        "CASE WHEN f.category = '临时救助' THEN NULL "
        "  WHEN f.status = '停保' THEN coalesce(f.end_date, f.start_date) "
        "  ELSE f.end_date END AS valid_to",
        f"f.start_date <= {d} AND f.category IS NOT NULL",
    )
    fangfanpin = _records(
        "nongye_fangfanpin",
        "'fangfanpin' AS category, f.identified_date AS valid_from, CAST(NULL AS DATE) AS valid_to",
        f"f.identified_date <= {d} AND NOT coalesce(f.risk_cleared, FALSE)",
    )
    return f"""
SELECT x.person_key, c.hukou_text AS hukou_no, x.category, CAST(x.valid_from AS DATE) AS valid_from,
       CAST(x.valid_to AS DATE) AS valid_to, x.source, x.rk AS record_key FROM (
  SELECT person_key, rk, category, valid_from, valid_to, 'minzheng_recipients' AS source
  FROM ({recipients}) AS r
  UNION ALL
  SELECT person_key, rk, category, valid_from, valid_to, 'nongye_fangfanpin' AS source
  FROM ({fangfanpin}) AS f) AS x
LEFT JOIN m_members AS m ON m.person_key = x.person_key
LEFT JOIN m_hh_codes AS c ON c.code = m.hukou_no"""


# ------------------------------------------------------------------------------ entry point


def income_window(policy: Policy) -> int:
    windows = [
        int(i.params["window_months"]) for i in policy.indicators if i.kind == "income_below_line"
    ]
    return max(windows) if windows else DEFAULT_INCOME_WINDOW


def line_table(policy: Policy, area_codes: dict[str, str], as_of: dt.date) -> pd.DataFrame:
    """Per area code, each income_below_line indicator's monthly line in fen (integer):
    ``dibao_standard`` × multiplier (a number, or an area parameter's value), looked up for
    ``area_codes[code]``."""
    inds = [i for i in policy.indicators if i.kind in line_kinds()]
    rows = []
    for key in sorted(area_codes):
        code = area_codes[key]
        row: dict[str, Any] = {"area_code": key}
        for ind in inds:
            standard = int(policy.parameter("dibao_standard", area_code=code, on=as_of))
            mult = ind.params["multiplier"]
            if isinstance(mult, str):
                mult = policy.parameter(mult, area_code=code, on=as_of)
            row[f"line_{ind.id}"] = int(round(standard * float(mult)))
        rows.append(row)
    cols = ["area_code"] + [f"line_{i.id}" for i in inds]
    frame = pd.DataFrame(rows, columns=cols)
    for c in cols[1:]:
        frame[c] = frame[c].astype("int64")
    return frame


def compute_indicators(
    backend: SqlBackend,
    persons: pd.DataFrame,
    *,
    policy: Policy,
    as_of: dt.date,
    households: pd.DataFrame | None = None,
    timings: dict[str, float] | None = None,
    step_timings: dict[str, float] | None = None,
    lazy_facts: bool = False,
    defer_profile: bool = False,
    profile: bool = True,
    meanwhile: Callable[[IndicatorTables], None] | None = None,
) -> IndicatorTables:
    """Run every step on ``backend``; return the fired facts, triggers, households and tags.

    ``lazy_facts``: the indicator facts are not fetched now (most households are below every
    band and their facts are never shown); :meth:`IndicatorTables.facts_of` fetches those of
    the households asked for, while the backend is open. The household profile
    (:func:`profile_sql`, read by the statistical model only) is computed beside the steps
    after :data:`PROFILE_AFTER` (:meth:`~doudi.engine.backends.SqlBackend.beside`);
    ``defer_profile``: ``households`` gets its columns only at
    :meth:`IndicatorTables.complete_profile`, which the caller calls while the backend is
    open (else before returning). ``profile``: false when nothing reads the profile (no model
    scores the run and no features are wanted): it is not computed and ``households`` has
    none of its columns. ``meanwhile(tables)`` is called while the indicators' facts are still
    computed beside (``fired`` is empty until they are): for work that does not read them."""
    timings = {} if timings is None else timings
    # work running beside the steps (on a second cursor): on a failure it finishes before
    # the caller closes the backend
    pending: list[Future[Any]] = []
    try:
        tables = _compute(
            backend,
            persons,
            policy,
            as_of,
            households,
            timings,
            step_timings,
            lazy_facts,
            pending,
            profile=profile,
            meanwhile=meanwhile,
        )
    except BaseException:
        for work in pending:
            work.exception()
        raise
    if not defer_profile:
        tables.complete_profile()
    return tables


def _compute(
    backend: SqlBackend,
    persons: pd.DataFrame,
    policy: Policy,
    as_of: dt.date,
    households: pd.DataFrame | None,
    timings: dict[str, float],
    step_timings: dict[str, float] | None,
    lazy_facts: bool,
    pending: list[Future[Any]],
    *,
    profile: bool = True,
    meanwhile: Callable[[IndicatorTables], None] | None = None,
) -> IndicatorTables:
    """:func:`compute_indicators`; what it starts beside the steps goes to ``pending``."""
    t = time.perf_counter()
    window, wage_window, lookup = _base(
        backend, persons, policy, as_of, households, step_timings, pending, profile=profile
    )
    profile_of = pending[-1] if pending else None
    timings["base"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    # the indicators' facts beside the triggers' and the fetches below (each its own table)
    firing = backend.run_beside(
        lambda b: _run_facts(
            b, "m_facts", "indicator", policy.indicators, as_of, window, wage_window
        )
    )
    pending.append(firing)
    _run_facts(backend, "m_trigger_facts", "trigger", policy.triggers, as_of, window, wage_window)
    trig = _fetch_facts(backend, "m_trigger_facts", "trigger")
    timings["triggers"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    hh, tags, members = _fetch_tables(backend)
    timings["fetch"] = round(time.perf_counter() - t, 3)
    households_frame = _normalise_households(hh)
    add_income_estimate(households_frame, policy, lookup, as_of, window)
    normalised_tags = _normalise_tags(tags)
    tables = IndicatorTables(
        facts=None,
        fired=_empty_summary("indicator"),  # until the facts computed beside are in
        triggers=trig,
        households=households_frame,
        tags=normalised_tags,
        income_window=window,
        members=members,
        area_lookup=lookup,
        fetch_facts=(lambda hs: _fetch_facts(backend, "m_facts", "indicator", hs))
        if lazy_facts
        else None,
        fetch_fact_lists=(
            lambda hs, sourced=False: _fetch_fact_lists(
                backend, "m_facts", "indicator", hs, sourced=sourced
            )
        )
        if lazy_facts
        else None,
        profile=profile_of,
    )
    # while the facts are computed: what every run asks of the tables first, and the caller's
    tables.helps(as_of)
    tables.household_rows([])
    if meanwhile is not None:
        meanwhile(tables)
    t = time.perf_counter()
    tables.fired = firing.result()  # what is left of the indicators' facts
    if not lazy_facts:
        tables.facts = _fetch_facts(backend, "m_facts", "indicator")
    timings["indicators"] = round(time.perf_counter() - t, 3)
    return tables


def _base(
    backend: SqlBackend,
    persons: pd.DataFrame,
    policy: Policy,
    as_of: dt.date,
    households: pd.DataFrame | None,
    step_timings: dict[str, float] | None,
    pending: list[Future[Any]],
    *,
    profile: bool = True,
) -> tuple[int, int, dict[str, str]]:
    """The base steps (:func:`base_steps`) and the areas' lines (``m_lines``, which only the
    indicators read); the household profile (with ``profile``) is started beside them once it
    can be (appended to ``pending``). Returns the income window, the wage window and the area
    codes' lookup."""
    # each feed's records with their person: from the backend's keyed store where it holds
    # the feed for these persons and the lake's current deliveries, else joined here
    stored = backend.keyed_feeds(persons)
    # the wage sums per person, feed and month, when the store holds them for these feeds
    stored_wages = set(STORED_WAGES) <= stored
    if set(FEEDS) - stored:
        backend.register("m_persons", persons_frame(persons))
    for feed in FEEDS:
        backend.view(
            f"k_{feed}",
            f"SELECT * FROM keyed.{feed}"
            if feed in stored
            else keyed_relation_sql(feed, backend.record_keys[feed]),
        )
    if households is not None:
        backend.register(
            "m_hh_override",
            pd.DataFrame(
                {
                    "person_key": households["person_key"].astype("int64").to_numpy(),
                    "hukou_no": none_for_missing(households["hukou_no"]).to_numpy(),
                }
            ),
        )
    window = income_window(policy)
    wage_window = max(
        [window, 12]
        + [int(i.params["window_months"]) for i in policy.indicators if i.kind == "income_stopped"]
    )
    steps = base_steps(
        as_of,
        override=households is not None,
        window=window,
        wage_window=wage_window,
        recent=recent_windows(policy, wage_window),
        stored_wages=stored_wages,
    )
    names = [name for name, _ in steps]
    # the area codes' lookup, filled by the m_lines step
    lookup: dict[str, str] = {}

    def lines(on: SqlBackend) -> None:  # the areas' lines, which the indicators read
        codes = on.fetch("SELECT DISTINCT area_code FROM m_hh")["area_code"]
        lookup.update(_area_codes(codes))
        on.register("m_lines", line_table(policy, lookup, as_of))

    def step(name: str, sql: str) -> Callable[[SqlBackend], None]:
        def work(on: SqlBackend) -> None:
            ts = time.perf_counter()
            if name in VIEW_STEPS or (stored_wages and name in STORED_WAGE_VIEWS):
                on.view(name, sql)
            else:
                on.create(name, sql)
            if step_timings is not None:
                step_timings[name] = round(time.perf_counter() - ts, 3)

        return work

    # the household profile (the model's only) runs beside the remaining steps once every
    # step up to PROFILE_AFTER has finished
    profile_reads = set(names[: names.index(PROFILE_AFTER) + 1]) if profile else set()
    finished: set[str] = set()
    started = threading.Lock()

    def on_done(name: str) -> None:
        with started:
            finished.add(name)
            if profile_reads and profile_reads <= finished:
                profile_reads.clear()
                pending.append(backend.beside(profile_sql(as_of) + "\nORDER BY h.hukou_no"))

    graph: list[tuple[str, list[str], Callable[[SqlBackend], None]]] = [
        (name, step_reads(sql, names[:n]), step(name, sql)) for n, (name, sql) in enumerate(steps)
    ]
    graph.insert(names.index("m_hh") + 1, ("m_lines", ["m_hh"], lines))  # started early
    backend.run_steps(graph, on_done)
    return window, wage_window, lookup


def step_reads(sql: str, earlier: Sequence[str]) -> list[str]:
    """The ``earlier`` base steps ``sql`` reads (by name)."""
    words = set(re.findall(r"\bm_\w+", sql))
    return [name for name in earlier if name in words]


def _fetch_tables(backend: SqlBackend) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """The households (by register number), the tags and the living members."""
    # sorted by the backend (text sorts by code point in DuckDB, Spark and Python alike)
    hh = backend.fetch_arrays(
        hukou_text(
            "SELECT * FROM m_household",
            [c for c in backend.columns("m_household") if c != "hukou_no"],
            order="q.hukou_no",
        )
    )
    tags = backend.fetch("SELECT * FROM m_tags")
    member_cols = backend.fetch_arrays(
        hukou_text(
            "SELECT person_key, hukou_no FROM m_members WHERE alive",
            ["person_key"],
            order="q.hukou_no, q.person_key",
        )
    )
    members = pd.DataFrame(
        {"person_key": ints(member_cols["person_key"]), "hukou_no": texts(member_cols["hukou_no"])}
    )
    return hh, tags, members.reset_index(drop=True)


def area_values(
    area_code: pd.Series, policy: Policy, lookup: dict[str, str], as_of: dt.date, name: str
) -> np.ndarray[Any, Any]:
    """Per household (its ``area_code``), the area parameter ``name`` in force on ``as_of``
    (NaN where none is: the comparisons that need it then do not hold)."""
    codes, areas = pd.factorize(area_code.fillna(""))
    per_area = []
    for a in areas:
        code = lookup.get(str(a))
        try:
            per_area.append(
                np.nan if code is None else float(policy.parameter(name, area_code=code, on=as_of))
            )
        except KeyError:
            per_area.append(np.nan)
    values: np.ndarray[Any, Any] = np.array(per_area, dtype=np.float64)[codes]
    return values


def add_income_estimate(
    hh: pd.DataFrame, policy: Policy, lookup: dict[str, str], as_of: dt.date, window: int
) -> None:
    """The income estimate per head set against the area's lines, as columns of ``hh``
    (in place; computed from the integer columns alike on every backend):

    - ``income_per_head_est``: the income estimate per living member and month, fen (0 for a
      household without living members);
    - ``dibao_line``: the area's 低保 standard (fen per person and month; 0 when the policy
      has none for the area), ``dibian_line``: × ``dibian_multiplier`` (0 likewise);
    - ``income_ratio_to_dibao``: the estimate per head ÷ the standard (-1 without one);
    - ``income_unknown_share``: the share of working-age members with no income record
      (0 without working-age members) — the estimate's uncertainty;
    - ``resources_per_head``: the estimate per head plus the help already held per head
      (what a household has to live on after an event), fen per month;
      ``resources_ratio``: ÷ the standard (-1 without one)."""
    size = hh["size"].to_numpy(dtype=np.float64)
    per = np.clip(size, 1, None)
    est = np.floor(hh["income"].to_numpy(dtype=np.float64) / (per * window)) * (size > 0)
    std = area_values(hh["area_code"], policy, lookup, as_of, "dibao_standard")
    mult = area_values(hh["area_code"], policy, lookup, as_of, "dibian_multiplier")
    ok = np.isfinite(std) & (std > 0)
    hh["income_per_head_est"] = est.astype(np.int64)
    hh["dibao_line"] = np.where(ok, np.nan_to_num(std), 0).astype(np.int64)
    dibian = np.where(ok & np.isfinite(mult), np.round(np.nan_to_num(std * mult)), 0)
    hh["dibian_line"] = dibian.astype(np.int64)
    hh["income_ratio_to_dibao"] = np.where(ok, est / np.where(ok, std, 1), -1.0)
    working = hh["n_working"].to_numpy(dtype=np.float64)
    hh["income_unknown_share"] = np.where(
        working > 0,
        hh["n_working_no_income"].to_numpy(dtype=np.float64) / np.clip(working, 1, None),
        0.0,
    )
    help_per_head = np.floor(hh["help_monthly"].to_numpy(dtype=np.float64) / per) * (size > 0)
    resources = est + help_per_head
    hh["resources_per_head"] = resources.astype(np.int64)
    hh["resources_ratio"] = np.where(ok, resources / np.where(ok, std, 1), -1.0)


def _area_codes(codes: Iterable[Any]) -> dict[str, str]:
    """Area code of a household's lines -> the code its parameters are looked up by. A
    household without a community code (key ``''``) takes the most common 6-digit county code
    of the others — the district the lake belongs to."""
    present = sorted({str(c) for c in codes if c is not None and not pd.isna(c)})
    out = {c: c for c in present}
    counties = pd.Series([c[:6] for c in present])
    if len(counties):
        out[""] = str(counties.value_counts().sort_index().idxmax())
    return out


def _run_facts(
    backend: SqlBackend,
    table: str,
    key: str,
    items: Sequence[Indicator | Trigger],
    as_of: dt.date,
    window: int,
    wage_window: int,
) -> pd.DataFrame:
    """Facts of every indicator (or trigger) in one table ``table``; returns the
    per-household summary (value, onset = newest fact date, fact count)."""
    ctx = SqlContext(as_of=as_of, window=window, wage_window=wage_window)
    role: Literal["indicator", "trigger"] = "trigger" if key == "trigger" else "indicator"
    parts = [
        f"SELECT '{i.id}' AS {key}, {', '.join(FACT_COLUMNS)} FROM ({item_sql(i, role, ctx)}) AS s"
        for i in items
    ]
    if not parts:
        parts = [
            f"SELECT CAST(NULL AS VARCHAR) AS {key}, CAST(NULL AS BIGINT) AS hukou_no, "
            "CAST(NULL AS BIGINT) AS value, CAST(NULL AS VARCHAR) AS feed, "
            "CAST(NULL AS VARCHAR) AS record_key, CAST(NULL AS DATE) AS fact_date, "
            "CAST(NULL AS BIGINT) AS amount, CAST(NULL AS VARCHAR) AS label WHERE FALSE"
        ]
    # the facts by household code (numbered in the order of the register numbers: what is
    # fetched of them gets its register number back)
    backend.create(table, "SELECT DISTINCT * FROM (" + " UNION ALL ".join(parts) + ") AS u")
    summary = backend.fetch_arrays(
        hukou_text(
            f"SELECT hukou_no, {key}, max(value) AS value, "
            f"CAST(max(fact_date) AS VARCHAR) AS onset, count(*) AS facts FROM {table} "
            f"GROUP BY hukou_no, {key}",
            [key, "value", "onset", "facts"],
            order=f"q.hukou_no, q.{key}",
        )
    )
    return _normalise_summary(summary, key)


def _fetch_facts(
    backend: SqlBackend, table: str, key: str, households: list[str] | None = None
) -> pd.DataFrame:
    """The facts of ``table`` (of ``households`` only, when given), ordered."""
    return _normalise_facts(backend.fetch(_facts_sql(backend, table, key, households)), key)


def _fetch_fact_lists(
    backend: SqlBackend, table: str, key: str, households: list[str], *, sourced: bool = False
) -> dict[str, list[Any]]:
    """:func:`_fetch_facts` as columns of Python values (``sourced``: only facts with a
    feed)."""
    sql = _facts_sql(backend, table, key, households, sourced=sourced)
    return backend.fetch_lists(sql, ints=("value", "amount"))


def _facts_sql(
    backend: SqlBackend,
    table: str,
    key: str,
    households: list[str] | None,
    *,
    sourced: bool = False,
) -> str:
    order = (
        f"q.hukou_no, q.{key}, q.feed NULLS FIRST, q.record_key NULLS FIRST, "
        "q.fact_date NULLS FIRST, q.amount NULLS FIRST, q.label NULLS FIRST"
    )
    # facts without a feed (a quarter of them) are left out before sorting, when asked
    where = "WHERE feed IS NOT NULL" if sourced else ""
    if households is not None:
        backend.register(f"{table}_of", pd.DataFrame({"h_of": pd.Series(households, dtype=object)}))
        where += " AND " if where else "WHERE "
        where += (
            "hukou_no IN (SELECT c.code FROM m_hh_codes AS c "
            f"JOIN {table}_of AS o ON o.h_of = c.hukou_text)"
        )
    columns = [key, "value", "feed", "record_key", "fact_date", "amount", "label"]
    return hukou_text(
        f"SELECT hukou_no, {key}, value, feed, record_key, "
        f"CAST(fact_date AS VARCHAR) AS fact_date, amount, label FROM {table} {where}",
        columns,
        order=order,
    )


def ints(a: Any, *, nullable: bool = False) -> Any:
    """An integer column as a backend gives it (numpy, masked where missing, or pandas):
    int64 with missing as 0, or (``nullable``) pandas' Int64 keeping them missing. Sums come
    as floats or 128-bit integers: whole numbers either way."""
    if isinstance(a, np.ma.MaskedArray):
        mask, data = np.ma.getmaskarray(a), a.filled(0)
    else:
        s = pd.to_numeric(pd.Series(a, copy=False))
        mask, data = s.isna().to_numpy(), s.fillna(0).to_numpy()
    data = data.astype(np.int64)
    return pd.arrays.IntegerArray(data, mask) if nullable else data


def floats(a: Any) -> np.ndarray[Any, Any]:
    """A numeric column as a backend gives it (numpy, masked where missing, or pandas):
    float64 with missing as NaN (``np.asarray`` would read a masked value as the mask's
    underlying data, 0)."""
    if isinstance(a, np.ma.MaskedArray):
        out: np.ndarray[Any, Any] = np.ma.filled(a.astype(np.float64), np.nan)
        return out
    values: np.ndarray[Any, Any] = pd.to_numeric(pd.Series(a, copy=False)).to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    return values


def objects(a: Any) -> np.ndarray[Any, Any]:
    """A column of values as an object array, ``None`` where missing (an object array with
    nothing missing is returned itself, not copied: the columns come fresh from a fetch)."""
    return _objects(a)[0]


def _objects(a: Any) -> tuple[np.ndarray[Any, Any], bool]:
    """:func:`objects`, and whether a value is missing."""
    if isinstance(a, np.ma.MaskedArray):
        out = np.array(a.data, dtype=object)
        missing = np.ma.getmaskarray(a)
        out[missing] = None
        # a text column's unmasked values are text; NaN may be among another's (kept)
        if a.dtype == object:
            return out, bool(missing.any())
        return out, bool(len(out)) and bool(pd.isna(out).any())
    if isinstance(a, np.ndarray) and a.dtype == object:
        # as DuckDB gives a text column without NULLs: one scan, and a copy only if needed
        missing = pd.isna(a)
        if not missing.any():
            return a, False
        out = a.copy()
        out[missing] = None
        return out, True
    values: np.ndarray[Any, Any] = none_for_missing(pd.Series(a, copy=False)).to_numpy()
    return values, bool(len(values)) and bool(pd.isna(values).any())


def texts(a: Any) -> np.ndarray[Any, Any]:
    """A text column as an object array of ``str`` (a missing value as its text, as
    ``astype(str)`` gives it)."""
    out, missing = _objects(a)
    if missing:
        out = out.astype(str).astype(object)
    return out


def _normalise_facts(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """Stable types, whichever backend produced the rows (already ordered by SQL)."""
    return pd.DataFrame(
        {
            "hukou_no": df["hukou_no"].astype(str),
            key: df[key].astype(str),
            "value": pd.to_numeric(df["value"]).astype("Int64"),
            "feed": objects(df["feed"]),
            "record_key": objects(df["record_key"]),
            "fact_date": objects(df["fact_date"]),
            "amount": pd.to_numeric(df["amount"]).astype("Int64"),
            "label": objects(df["label"]),
        }
    ).reset_index(drop=True)


def _empty_summary(key: str) -> pd.DataFrame:
    """A summary of no facts (:func:`_normalise_summary`'s columns and types)."""
    return _normalise_summary(
        {
            "hukou_no": np.array([], dtype=object),
            key: np.array([], dtype=object),
            "value": np.array([], dtype=np.int64),
            "onset": np.array([], dtype=object),
            "facts": np.array([], dtype=np.int64),
        },
        key,
    )


def _normalise_summary(cols: dict[str, Any], key: str) -> pd.DataFrame:
    """Stable types from :meth:`~doudi.engine.backends.SqlBackend.fetch_arrays` columns."""
    return pd.DataFrame(
        {
            "hukou_no": texts(cols["hukou_no"]),
            key: texts(cols[key]),
            "value": ints(cols["value"], nullable=True),
            "onset": objects(cols["onset"]),
            "facts": ints(cols["facts"]),
        },
        copy=False,
    )


def _normalise_households(cols: dict[str, Any]) -> pd.DataFrame:
    """Stable types from :meth:`~doudi.engine.backends.SqlBackend.fetch_arrays` columns, sorted by
    hukou_no (each column taken in order once: sorting the built frame would copy every
    column again)."""
    hukou = texts(cols["hukou_no"])
    if len(hukou) and bool((hukou[1:] > hukou[:-1]).all()):
        order = None  # the backend sorted them
    else:
        order = np.argsort(hukou, kind="stable")

    def ordered(a: Any) -> Any:
        return a if order is None else a[order]

    out: dict[str, object] = {"hukou_no": ordered(hukou)}
    for c in (
        "size",
        "n_minor",
        "n_working",
        "n_elderly",
        "n_80",
        "n_deceased",
        "income",
        "medical_spend",
        "best_wage",
        "best_pension",
        *RESOURCE_COLUMNS,
    ):
        out[c] = ordered(ints(cols[c]))
    out["head_age"] = ordered(ints(cols["head_age"], nullable=True))
    for c in ("area_code", "street"):
        out[c] = ordered(objects(cols[c]))
    return pd.DataFrame(out, copy=False)


def _with_profile(hh: pd.DataFrame, cols: dict[str, Any]) -> pd.DataFrame:
    """``hh`` with the household profile's columns (:data:`PROFILE_COLUMNS`, from
    :meth:`~doudi.engine.backends.SqlBackend.fetch_arrays` of :func:`profile_sql`) inserted
    after ``street``, each household's on its row (missing for a household the profile has
    no row for)."""
    hukou = texts(cols["hukou_no"])
    mine = hh["hukou_no"].to_numpy(dtype=object)
    rows = None if np.array_equal(hukou, mine) else pd.Index(hukou).get_indexer(pd.Index(mine))
    at = list(hh.columns).index("street") + 1
    out: dict[str, object] = {c: hh[c] for c in hh.columns[:at]}
    for c in PROFILE_COLUMNS:
        nullable = c in PROFILE_MISSING
        values = ints(cols[c], nullable=nullable)
        if rows is not None:  # as a join would give them: missing, or 0 where not nullable
            found = rows >= 0
            if nullable:
                data = np.where(found, values.to_numpy(dtype=np.int64, na_value=0)[rows], 0)
                mask = ~found | np.asarray(values.isna())[rows]
                values = pd.arrays.IntegerArray(data, mask)
            else:
                values = np.where(found, values[rows], 0)
        out[c] = values
    for c in hh.columns[at:]:
        out[c] = hh[c]
    return pd.DataFrame(out, index=hh.index, copy=False)


def _normalise_tags(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "person_key": pd.to_numeric(df["person_key"]).astype("int64"),
            "hukou_no": none_for_missing(df["hukou_no"]),
            "category": df["category"].astype(str),
            "valid_from": pd.to_datetime(df["valid_from"]).dt.date,
            "valid_to": none_for_missing(
                pd.to_datetime(df["valid_to"]).dt.date, present=df["valid_to"].notna()
            ),
            "source": df["source"].astype(str),
            "record_key": df["record_key"].astype(str),
        }
    )
    temp = out["category"] == "temp_assist"
    out.loc[temp, "valid_to"] = [
        d + dt.timedelta(days=TEMP_ASSIST_VALID_DAYS) for d in out.loc[temp, "valid_from"]
    ]
    return out.sort_values(
        ["person_key", "category", "valid_from", "source", "record_key"], kind="mergesort"
    ).reset_index(drop=True)
