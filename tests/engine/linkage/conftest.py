"""One linkage run over the synthetic district plus the named scenarios, shared by the tests."""

from __future__ import annotations

import pandas as pd
import pytest

from doudi.engine.linkage import schema
from doudi.engine.linkage.pipeline import link

from . import scenarios, synthetic


@pytest.fixture(scope="session")
def district_records() -> pd.DataFrame:
    background, _ = synthetic.district()
    raw = pd.concat([background, scenarios.frame()], ignore_index=True)
    return schema.prepare(raw, kind="chinese")


@pytest.fixture(scope="session")
def district_truth() -> pd.DataFrame:
    return synthetic.district()[1]


@pytest.fixture(scope="session")
def duckdb_run(district_records):
    return link(district_records)
