"""A hand-made lake for engine tests: feed records (each with ``_pk``, the person it belongs
to) ingested as intake would, and the persons table that a link run would give them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from doudi.engine.catalogue import load_catalogue
from doudi.engine.intake.pipeline import ingest_records
from doudi.engine.lake import Lake


def lake_of_records(folder: Path, records: dict[str, list[dict]], *, today: dt.date):
    """(lake, catalogue, persons): every feed's ``records`` ingested into a lake in ``folder``;
    persons maps each record to its ``_pk``."""
    lake, catalogue = Lake(folder), load_catalogue()
    rows = []
    for feed_id, feed_records in records.items():
        result = ingest_records(
            [{k: v for k, v in r.items() if k != "_pk"} for r in feed_records],
            feed_id=feed_id,
            lake=lake,
            catalogue=catalogue,
            today=today,
        )
        assert (result.status, result.written) == ("ingested", len(feed_records)), result
        key = catalogue[feed_id].record_key
        rows += [(f"{feed_id}:{r[key]}", feed_id, r[key], r["_pk"]) for r in feed_records]
    persons = pd.DataFrame(rows, columns=["unique_id", "source", "record_key", "person_key"])
    return lake, catalogue, persons


COMMUNITY = "420106001001"  # a community of 积玉桥街道, Wuchang


def hukou_record(pk: int, *, hukou_no: str, id_number: str, birth: str, relation: str) -> dict:
    """A 公安 户籍 record of person ``pk`` in the test community (``_pk``: the person)."""
    return {
        "person_no": f"P{pk:02d}",
        "hukou_no": hukou_no,
        "name": f"居民{pk}",
        "id_number": id_number,
        "birth_date": birth,
        "relation": relation,
        "community_code": COMMUNITY,
        "street_name": "积玉桥街道",
        "_pk": pk,
    }
