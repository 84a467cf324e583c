"""Persons into households: every linked person gets the 户 (``hukou_no``) it belongs to, or is
listed for review.

:func:`attach_households` takes the persons of a district linkage (``source``, ``record_key``,
``person_key`` per record, as :attr:`.district.DistrictLinkage.persons`) and the lake, and
decides for every ``person_key`` one household with a ``basis``, computed in DuckDB.
Households are the household register's (``gongan_hukou``): a 户号 no register record of the
given persons carries is never a candidate.

**Evidence**, in three tiers:

1. ``register`` — the person's own register records (``gongan_hukou``), with their 户号.
2. ``relationship`` — a record of another feed tying the person to a household or to a person
   whose household is known from the register (*known*: exactly one register household,
   i.e. basis ``register``; households found by relationship or address are not chained
   further):

   - a record of a feed that names the register 户号 of the person's household together with
     the relation to its head (``minzheng_recipients``: 户号, 与户主关系);
   - co-membership of a department's own household (``nongye_fangfanpin``: 监测户编号): the
     known households of the other persons of that department household;
   - a marriage (``minzheng_marriage``, 结婚 / 复婚 — a divorce is not evidence): between the
     person whose record it is and every person with a record carrying the spouse's ID number,
     both ways;
   - a guardian (``jiaoyu_students``: 监护人电话): between the student and every person with a
     record carrying that number in its ``phone`` field, both ways.

   A link from a person to itself is ignored.
3. ``address`` — the person's own addresses where the feed records a residence
   (:data:`ADDRESS_FEEDS`: vehicle owner's address, former registered address of the deceased,
   assistance, unemployment, disaster and union hardship records — not a business's premises
   or a property's location) compared with the register households' addresses after
   :func:`address_sql` normalisation (whitespace and punctuation removed, separators kept as
   one ``-``; a province and city before the district, and a 街道 after it, dropped; 幢 / 号楼
   read as 栋). An address equal to the address of several register households offers all of
   them; an address equal to no register household's offers nothing.

**Precedence.** The first tier that offers any household decides; lower tiers are not
consulted. If that tier offers exactly one household, the person is attached to it with that
tier's ``basis``. If it offers several — several register records in different households
(a linkage merge, or a register error), relationships to different households, or addresses
of different households (or one address shared by several households) — the basis is
``review`` and every offered household is listed in ``candidates``: ambiguous evidence never
silently picks one. A person no tier offers anything is ``review`` with reason
``no_evidence``.

**Result** (:class:`HouseholdAttachment`): one row per ``person_key`` — ``hukou_no`` (null
for review), ``basis``, ``reason`` (review only: ``several_register_households``,
``conflicting_relationships``, ``several_address_households``, ``no_evidence``),
``candidates`` (the deciding tier's households, ``;``-joined, sorted) and ``evidence`` (the
deciding tier's records, ``"<feed>:<record_key>"`` as in the linkage's ``unique_id``,
``;``-joined, sorted — record ids only, no names, ID numbers or phones). For a chosen household
the evidence is the records supporting it; for review, every record of the deciding tier.

No Django. Feeds of the tables above that the catalogue lacks, or that lack the named field,
are skipped.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from doudi.engine.catalogue import Feed
from doudi.engine.frames import none_for_missing
from doudi.engine.lake import Lake

from .district import _ident, _lit, person_feeds

REGISTER_FEED = "gongan_hukou"
REGISTER_HOUSEHOLD = "hukou_no"
# Feeds naming the register 户号 of the person's household (with the relation to its head).
MEMBERSHIP_FEEDS: dict[str, str] = {"minzheng_recipients": "hukou_no"}
# Feeds grouping persons into a department's own household (not a 户号).
GROUP_FEEDS: dict[str, str] = {"nongye_fangfanpin": "household_no"}
# Feed → (field with the spouse's ID, field with the registration type, types that join).
SPOUSE_FEEDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "minzheng_marriage": ("spouse_id_number", "reg_type", ("结婚", "复婚")),
}
# Feed → field with a guardian's phone.
GUARDIAN_FEEDS: dict[str, str] = {"jiaoyu_students": "guardian_phone"}
# Feeds whose ``address`` is where the person lives or is registered.
ADDRESS_FEEDS: tuple[str, ...] = (
    "gongan_vehicle",  # 住所 of the owner as registered with the vehicle
    "minzheng_death",  # 生前户籍地址
    "minzheng_recipients",
    "renshe_unemployment",
    "yingji_disaster",
    "zonggonghui_hardship",
)
BASES = ("register", "relationship", "address", "review")
REASONS = (
    "several_register_households",
    "conflicting_relationships",
    "several_address_households",
    "no_evidence",
)
COLUMNS = ("person_key", "hukou_no", "basis", "reason", "candidates", "evidence")

_PROVINCES = (
    "河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州"
    "|云南|陕西|甘肃|青海|台湾"
)
_REGIONS = "内蒙古|广西壮族|西藏|宁夏回族|新疆维吾尔"


def address_sql(column: str) -> str:
    """A DuckDB expression: the normalised form of the address in ``column`` (null if empty).

    Whitespace goes; a run of dashes, slashes, underscores or ``#`` becomes one ``-`` (so
    ``3-1-201`` stays apart from ``31-201``), and any other punctuation or symbol goes; Latin
    letters are lower-cased. A province (or autonomous region) directly followed by a city,
    and a city directly followed by a district or county, are dropped, as is a 街道 directly
    after the district (not 街道口, a place name); 幢 and 号楼 after a number become 栋. Two
    addresses are the same place when their normalised forms are equal.
    """
    a = f"regexp_replace(lower(CAST({column} AS VARCHAR)), '\\s', '', 'g')"
    a = f"regexp_replace({a}, '[-—–_/#]+', '-', 'g')"
    a = f"regexp_replace({a}, '[^\\p{{Han}}\\p{{L}}\\p{{N}}-]', '', 'g')"
    a = (
        f"regexp_replace({a}, '^(?:(?:{_PROVINCES})省|(?:{_REGIONS})自治区)"
        f"(\\p{{Han}}{{1,6}}?市)', '\\1')"
    )
    a = f"regexp_replace({a}, '^\\p{{Han}}{{1,6}}?市(\\p{{Han}}{{1,5}}?[区县])', '\\1')"
    # (街道口 is a place name, not a 街道)
    a = f"regexp_replace({a}, '^(\\p{{Han}}{{1,5}}?[区县])\\p{{Han}}{{1,8}}?街道([^口])', '\\1\\2')"
    a = f"regexp_replace({a}, '([0-9]+)(?:幢|号楼)', '\\1栋', 'g')"
    return f"nullif({a}, '')"


@dataclass
class HouseholdAttachment:
    """The result of :func:`attach_households`.

    - ``households``: :data:`COLUMNS`, one row per ``person_key``, sorted by it.
    - ``counts``: persons per ``basis`` and per review ``reason`` (``review.<reason>``).
    - ``timings``: seconds per step.
    """

    households: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def review(self) -> pd.DataFrame:
        """The persons listed for a person to decide."""
        return self.households[self.households["basis"] == "review"].reset_index(drop=True)


def _fields(catalogue: Iterable[Feed], feed_id: str, *names: str) -> Feed | None:
    feeds = {f.id: f for f in catalogue}
    feed = feeds.get(feed_id)
    if feed is None or not all(n in feed.field_names for n in names):
        return None
    return feed


def _records(feed: Feed, cols: str, where: str = "TRUE") -> str:
    """``uid``, ``person_key`` plus ``cols`` for the records of ``feed`` (joined to persons)."""
    key = _ident(feed.record_key)
    return (
        f"SELECT p.source || ':' || p.record_key AS uid, p.person_key, {cols} "
        f"FROM {_ident(feed.id)} AS f JOIN hh_persons AS p ON p.source = {_lit(feed.id)} "
        f"AND p.record_key = CAST(f.{key} AS VARCHAR) WHERE f.{key} IS NOT NULL AND ({where})"
    )


def _empty(cols: str) -> str:
    return f"SELECT {cols} WHERE FALSE"


def attach_households(
    lake: Lake,
    catalogue: Iterable[Feed],
    persons: pd.DataFrame,
    *,
    threads: int = 2,
    memory_limit: str | None = "1GB",
) -> HouseholdAttachment:
    """Attach every ``person_key`` of ``persons`` to a register household (module docstring).

    ``persons``: ``source``, ``record_key``, ``person_key`` per record (as
    :attr:`.district.DistrictLinkage.persons`; other columns are ignored). Only lake records
    listed in ``persons`` count as evidence, and only their register records make households;
    a person none of whose records are evidence is ``review`` / ``no_evidence``.
    ``threads`` / ``memory_limit``: DuckDB's, for this connection.
    """
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    frame = pd.DataFrame(
        {
            "source": persons["source"].astype(str).to_numpy(),
            "record_key": persons["record_key"].astype(str).to_numpy(),
            "person_key": persons["person_key"].astype("int64").to_numpy(),
        }
    )
    con = lake.connect(catalogue)
    try:
        con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            con.execute(f"SET memory_limit = {_lit(memory_limit)}")
        con.register("hh_persons_df", frame)
        con.execute("CREATE TEMP TABLE hh_persons AS SELECT * FROM hh_persons_df")
        con.unregister("hh_persons_df")
        del frame
        _stage(con, catalogue)
        timings["evidence"] = round(time.perf_counter() - t0, 3)
        t = time.perf_counter()
        con.execute(DECIDE_SQL)
        out = con.execute(
            "SELECT person_key, hukou_no, basis, reason, candidates, evidence "
            "FROM hh_decided ORDER BY person_key"
        ).df()
        timings["decide"] = round(time.perf_counter() - t, 3)
    finally:
        con.close()
    out["person_key"] = out["person_key"].astype("int64")
    for col in COLUMNS[1:]:
        out[col] = none_for_missing(out[col])
    counts = {b: int((out["basis"] == b).sum()) for b in BASES}
    for r in REASONS:
        counts[f"review.{r}"] = int((out["reason"] == r).sum())
    timings["total"] = round(time.perf_counter() - t0, 3)
    return HouseholdAttachment(households=out, counts=counts, timings=timings)


def _stage(con: duckdb.DuckDBPyConnection, catalogue: Iterable[Feed]) -> None:
    """Temp tables ``hh_register``, ``hh_known``, ``hh_relationship``, ``hh_address``."""
    reg = _fields(catalogue, REGISTER_FEED, REGISTER_HOUSEHOLD)
    if reg is None:
        raise ValueError(f"the catalogue has no {REGISTER_FEED} feed with {REGISTER_HOUSEHOLD}")
    reg_addr = address_sql("f.address") if "address" in reg.field_names else "NULL"
    # Register records: (uid, person_key, hukou_no); households and their addresses.
    con.execute(
        "CREATE TEMP TABLE hh_register AS "
        + _records(
            reg,
            f"CAST(f.{_ident(REGISTER_HOUSEHOLD)} AS VARCHAR) AS hukou_no, {reg_addr} AS address",
            f"f.{_ident(REGISTER_HOUSEHOLD)} IS NOT NULL",
        )
    )
    con.execute("CREATE TEMP TABLE hh_households AS SELECT DISTINCT hukou_no FROM hh_register")
    con.execute(
        "CREATE TEMP TABLE hh_known AS SELECT person_key, min(hukou_no) AS hukou_no "
        "FROM hh_register GROUP BY person_key HAVING count(DISTINCT hukou_no) = 1"
    )

    # Person-to-person links (a, b, uid): a record uid ties person a to person b.
    links = []
    for feed_id, (spouse, kind, kinds) in SPOUSE_FEEDS.items():
        feed = _fields(catalogue, feed_id, spouse, kind)
        if feed is None:
            continue
        accepted = ", ".join(_lit(k) for k in kinds)
        links.append(
            "SELECT s.person_key AS a, t.person_key AS b, s.uid FROM ("
            + _records(
                feed,
                f"CAST(f.{_ident(spouse)} AS VARCHAR) AS target",
                f"f.{_ident(kind)} IN ({accepted}) AND f.{_ident(spouse)} IS NOT NULL",
            )
            + ") AS s JOIN hh_ids AS t ON t.id_number = s.target"
        )
    for feed_id, phone in GUARDIAN_FEEDS.items():
        feed = _fields(catalogue, feed_id, phone)
        if feed is None:
            continue
        links.append(
            "SELECT s.person_key AS a, t.person_key AS b, s.uid FROM ("
            + _records(
                feed,
                f"CAST(f.{_ident(phone)} AS VARCHAR) AS target",
                f"f.{_ident(phone)} IS NOT NULL",
            )
            + ") AS s JOIN hh_phones AS t ON t.phone = s.target"
        )
    for feed_id, group in GROUP_FEEDS.items():
        feed = _fields(catalogue, feed_id, group)
        if feed is None:
            continue
        members = _records(
            feed, f"CAST(f.{_ident(group)} AS VARCHAR) AS grp", f"f.{_ident(group)} IS NOT NULL"
        )
        # Both records are evidence: each declares its person a member of the group.
        links.append(
            f"SELECT s.person_key AS a, t.person_key AS b, unnest([s.uid, t.uid]) AS uid "
            f"FROM ({members}) AS s JOIN ({members}) AS t ON t.grp = s.grp"
        )
    _lookups(con, catalogue)
    link_sql = "\nUNION ALL\n".join(links) or _empty(
        "CAST(NULL AS BIGINT) AS a, CAST(NULL AS BIGINT) AS b, CAST(NULL AS VARCHAR) AS uid"
    )
    con.execute(f"CREATE TEMP TABLE hh_links AS SELECT * FROM ({link_sql}) WHERE a <> b")

    # Relationship evidence (person_key, hukou_no, uid).
    rel = [
        "SELECT l.a AS person_key, k.hukou_no, l.uid FROM hh_links AS l "
        "JOIN hh_known AS k ON k.person_key = l.b",
        "SELECT l.b AS person_key, k.hukou_no, l.uid FROM hh_links AS l "
        "JOIN hh_known AS k ON k.person_key = l.a",
    ]
    for feed_id, hukou in MEMBERSHIP_FEEDS.items():
        feed = _fields(catalogue, feed_id, hukou)
        if feed is None:
            continue
        rel.append(
            "SELECT m.person_key, m.hukou_no, m.uid FROM ("
            + _records(
                feed,
                f"CAST(f.{_ident(hukou)} AS VARCHAR) AS hukou_no",
                f"f.{_ident(hukou)} IS NOT NULL",
            )
            + ") AS m JOIN hh_households AS h ON h.hukou_no = m.hukou_no"
        )
    con.execute("CREATE TEMP TABLE hh_relationship AS " + "\nUNION ALL\n".join(rel))

    # Address evidence (person_key, hukou_no, uid).
    addr = []
    for feed_id in ADDRESS_FEEDS:
        feed = _fields(catalogue, feed_id, "address")
        if feed is None:
            continue
        addr.append(
            _records(feed, f"{address_sql('f.address')} AS address", "f.address IS NOT NULL")
        )
    addr_sql = "\nUNION ALL\n".join(addr) or _empty(
        "CAST(NULL AS VARCHAR) AS uid, CAST(NULL AS BIGINT) AS person_key, "
        "CAST(NULL AS VARCHAR) AS address"
    )
    con.execute(
        "CREATE TEMP TABLE hh_address AS "
        "WITH places AS (SELECT DISTINCT address, hukou_no FROM hh_register "
        "                WHERE address IS NOT NULL) "
        f"SELECT r.person_key, p.hukou_no, r.uid FROM ({addr_sql}) AS r "
        "JOIN places AS p ON p.address = r.address"
    )


def _lookups(con: duckdb.DuckDBPyConnection, catalogue: Iterable[Feed]) -> None:
    """``hh_ids`` (id_number → person_key) and ``hh_phones`` (own phone → person_key), over
    every person-level feed, for the IDs and phones the link feeds name."""
    targets_id, targets_phone = [], []
    for feed_id, (spouse, _kind, _kinds) in SPOUSE_FEEDS.items():
        if _fields(catalogue, feed_id, spouse) is not None:
            targets_id.append(
                f"SELECT CAST({_ident(spouse)} AS VARCHAR) AS v FROM {_ident(feed_id)}"
            )
    for feed_id, phone in GUARDIAN_FEEDS.items():
        if _fields(catalogue, feed_id, phone) is not None:
            targets_phone.append(
                f"SELECT CAST({_ident(phone)} AS VARCHAR) AS v FROM {_ident(feed_id)}"
            )
    for table, column, targets in (
        ("hh_ids", "id_number", targets_id),
        ("hh_phones", "phone", targets_phone),
    ):
        con.execute(
            f"CREATE TEMP TABLE {table}_wanted AS SELECT DISTINCT v FROM ("
            + ("\nUNION ALL\n".join(targets) or _empty("CAST(NULL AS VARCHAR) AS v"))
            + ") WHERE v IS NOT NULL"
        )
        selects = []
        for feed in person_feeds(catalogue):
            if column not in feed.field_names:
                continue
            selects.append(
                _records(
                    feed,
                    f"CAST(f.{_ident(column)} AS VARCHAR) AS {column}",
                    f"CAST(f.{_ident(column)} AS VARCHAR) IN (SELECT v FROM {table}_wanted)",
                )
            )
        body = "\nUNION ALL\n".join(selects) or _empty(
            f"CAST(NULL AS VARCHAR) AS uid, CAST(NULL AS BIGINT) AS person_key, "
            f"CAST(NULL AS VARCHAR) AS {column}"
        )
        con.execute(
            f"CREATE TEMP TABLE {table} AS SELECT DISTINCT {column}, person_key FROM ({body})"
        )


DECIDE_SQL = """
CREATE TEMP TABLE hh_decided AS
WITH everyone AS (SELECT DISTINCT person_key FROM hh_persons),
tiers AS (
    SELECT 1 AS tier, person_key, hukou_no, uid FROM hh_register
    UNION ALL SELECT 2, person_key, hukou_no, uid FROM hh_relationship
    UNION ALL SELECT 3, person_key, hukou_no, uid FROM hh_address
),
deciding AS (  -- the first tier offering anything, per person
    SELECT person_key, min(tier) AS tier FROM tiers GROUP BY person_key
),
offered AS (  -- the deciding tier's households and records
    SELECT t.person_key, any_value(t.tier) AS tier,
           count(DISTINCT t.hukou_no) AS n,
           string_agg(DISTINCT t.hukou_no, ';' ORDER BY t.hukou_no) AS candidates,
           min(t.hukou_no) AS hukou_no,
           string_agg(DISTINCT t.uid, ';' ORDER BY t.uid) AS evidence
    FROM tiers AS t JOIN deciding AS d ON d.person_key = t.person_key AND d.tier = t.tier
    GROUP BY t.person_key
)
SELECT e.person_key,
       CASE WHEN s.n = 1 THEN s.hukou_no END AS hukou_no,
       CASE WHEN s.n = 1 THEN ['register', 'relationship', 'address'][s.tier]
            ELSE 'review' END AS basis,
       CASE WHEN s.n IS NULL THEN 'no_evidence'
            WHEN s.n > 1 THEN ['several_register_households', 'conflicting_relationships',
                               'several_address_households'][s.tier] END AS reason,
       s.candidates,
       s.evidence
FROM everyone AS e LEFT JOIN offered AS s ON s.person_key = e.person_key
"""
