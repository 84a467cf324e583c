"""Reads for the review queue: the two records of a pair, from the lake, with IDs masked."""

from __future__ import annotations

from django.conf import settings

from doudi.engine.catalogue import Feed
from doudi.engine.idnumber import mask
from doudi.engine.store import RunStore
from doudi.intake.selectors import catalogue, lake

SHOWN = (
    "name",
    "id_number",
    "id_number_raw",
    "birth_date",
    "sex",
    "phone",
    "address",
    "community_code",
    "community_name",
)


def run_store() -> RunStore:
    """Where link runs keep their persons, households and keyed feeds
    (``DOUDI_RESULTS_DIR``); callers hold only a run id."""
    return RunStore(settings.DOUDI_RESULTS_DIR)


def lake_record(unique_id: str) -> tuple[Feed | None, dict]:
    """The record ``feed:record_key`` as the department delivered it (IDs masked)."""
    feed_id, _, key = unique_id.partition(":")
    feed = catalogue().feeds.get(feed_id)
    if feed is None:
        return None, {}
    con = lake().connect()
    try:
        row = con.execute(
            f'SELECT * FROM "{feed.id}" WHERE CAST("{feed.record_key}" AS VARCHAR) = ? LIMIT 1',
            [key],
        ).fetchone()
        columns = [d[0] for d in con.description] if row else []
    except Exception:  # the feed has no view yet
        return feed, {}
    finally:
        con.close()
    if row is None:
        return feed, {}
    record = dict(zip(columns, row, strict=True))
    shown = {}
    for name in SHOWN:
        value = record.get(name)
        if value in (None, ""):
            continue
        if name in ("id_number", "id_number_raw"):
            value = mask(str(value))
        elif name == "phone":
            text = str(value)
            value = text[:3] + "****" + text[-4:] if len(text) >= 11 else "****"
        shown[name] = value
    return feed, shown
