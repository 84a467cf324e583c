"""What the linked department data say about a household, for 家庭经济状况核对.

The same path identity and monitoring read: the current link run's persons
(``feed, record_key → person_key``) and its person → household attachment, then each
record in the lake. A member is recognised by their ID number (its blind index), never by
name. A feed older than its freshness limit is *stale*: the report says so and does not
read the missing data as zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Which feed gives which verification item, the field holding its amount (fen), and whether
# it is a monthly income (category) or an asset (kind).
ITEMS: dict[str, tuple[str, str, str]] = {
    "renshe_contribution": ("income", "wage", "wage_base"),
    "renshe_pension": ("income", "transfer", "monthly_amount"),
    "renshe_unemployment": ("income", "transfer", "benefit"),
    "shichang_business": ("asset", "business", "reg_capital"),
    "budongchan_property": ("asset", "real_estate", "price"),
    "gongan_vehicle": ("asset", "vehicle", "price"),
}

# Feeds with one record per month (and per insurance type, each with the same wage base):
# only the person's latest month counts, once — never the sum of many months.
PERIOD_FIELD = {"renshe_contribution": "month"}


@dataclass(frozen=True)
class Fact:
    """One thing a department's record says about one person."""

    id_index: str  # the blind index of the person's ID number
    feed: str
    kind: str  # "income" or "asset"
    item: str  # income category or asset kind
    amount_fen: int
    record_date: dt.date | None = None


@dataclass(frozen=True)
class Source:
    feed: str
    name: str
    last_delivery: dt.datetime | None
    stale: bool


def sources() -> list[Source]:
    """Each verification feed with its last good delivery and whether it is stale."""
    from doudi.intake.selectors import catalogue, feed_freshness

    feeds = [f for f in catalogue().feeds.values() if f.id in ITEMS]
    return [Source(x.feed.id, x.feed.name, x.last_delivery, x.stale) for x in feed_freshness(feeds)]


def department_facts(*, hukou_no: str, id_indexes: list[str]) -> list[Fact]:
    """Facts of the verification feeds about the household's persons (by ID number)."""

    from doudi.identity.actions import current_persons
    from doudi.identity.actions import current_run as current_link_run
    from doudi.identity.selectors import run_store
    from doudi.intake.selectors import catalogue, lake
    from doudi.registry.selectors import id_index_of

    run = current_link_run()
    persons = current_persons(["source", "record_key", "person_key"])
    if run is None or persons is None:
        return []
    keys: set[str] = set()
    store = run_store()
    if store.has_households(run.pk):
        attached = store.read_households(run.pk, columns=["person_key", "hukou_no"])
        keys = set(attached.loc[attached["hukou_no"] == hukou_no, "person_key"])
    wanted = set(id_indexes)
    records = persons[persons["source"].isin(list(ITEMS))]
    if keys:
        records = records[records["person_key"].isin(keys)]
    cat = catalogue()
    facts: list[Fact] = []
    con = lake().connect()
    try:
        for feed_id, group in records.groupby("source"):
            feed = cat.feeds.get(str(feed_id))
            if feed is None:
                continue
            kind, item, field = ITEMS[str(feed_id)]
            period = PERIOD_FIELD.get(feed.id)
            period_sql = f'"{period}"' if period else "NULL"
            latest: dict[str, tuple[object, int]] = {}  # per person: (period, amount)
            for key in group["record_key"].astype(str):
                try:
                    row = con.execute(
                        f'SELECT id_number, "{field}", {period_sql} FROM "{feed.id}" '
                        f'WHERE CAST("{feed.record_key}" AS VARCHAR) = ? LIMIT 1',
                        [key],
                    ).fetchone()
                except Exception:  # the feed has no view yet
                    break
                if row is None or not row[0] or row[1] is None:
                    continue
                index = id_index_of(str(row[0]))
                if index not in wanted:
                    continue
                if period is None:
                    facts.append(Fact(index, feed.id, kind, item, int(row[1])))
                    continue
                when, amount = str(row[2] or ""), int(row[1])
                kept = latest.get(index)
                if kept is None or when > kept[0] or (when == kept[0] and amount > kept[1]):
                    latest[index] = (when, amount)
            for index, (_when, amount) in sorted(latest.items()):
                facts.append(Fact(index, feed.id, kind, item, amount))
    finally:
        con.close()
    return facts
