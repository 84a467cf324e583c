"""The feeds monitoring reads, and how each one's records meet their persons: the relation
``k_<feed>`` every indicator step reads is the feed joined to identity resolution's persons on
(source, record key) — or the same rows from a keyed store (:mod:`.keyed`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

FEEDS = (
    "gongan_hukou",
    "weijian_death",
    "minzheng_death",
    "renshe_contribution",
    "shuiwu_income_tax",
    "gongjijin_contribution",
    "renshe_pension",
    "renshe_unemployment",
    "shichang_business",
    "budongchan_property",
    "gongan_vehicle",
    "nongye_fangfanpin",
    "yibao_chronic",
    "weijian_diagnosis",
    "yibao_inpatient",
    "yibao_outpatient",
    "canlian_disability",
    "jiaoyu_students",
    "jiaoyu_aid",
    "yingji_disaster",
    "zonggonghui_hardship",
    "minzheng_recipients",
    "yibao_enrolment",
)


def keyed_relation_sql(feed: str, key: str) -> str:
    """The feed's records joined to their persons on (source, record key — ``key``, the
    catalogue's record key of the feed): ``person_key``, ``rk`` (the record key as text) and
    every column of the feed."""
    return (
        f"SELECT p.person_key, CAST(f.{key} AS VARCHAR) AS rk, f.* FROM {feed} AS f "
        f"JOIN m_persons AS p ON p.source = '{feed}' AND p.record_key = CAST(f.{key} AS VARCHAR)"
    )


def persons_frame(persons: pd.DataFrame) -> pd.DataFrame:
    """``source``, ``record_key``, ``person_key`` of identity resolution, as a backend takes
    them fastest."""
    return pd.DataFrame(
        {
            "source": _strings(persons["source"]),
            "record_key": _strings(persons["record_key"]),
            "person_key": persons["person_key"].astype("int64").to_numpy(),
        }
    )


def _strings(series: pd.Series) -> pd.Series | np.ndarray[Any, Any]:
    """A string column as the backend takes it fastest: Arrow-backed strings as they are
    (DuckDB reads them without a copy — read the persons file with
    ``dtype_backend="pyarrow"``), anything else as Python strings."""
    if isinstance(series.dtype, pd.ArrowDtype):
        return series.reset_index(drop=True)
    return series.astype(str).to_numpy()
