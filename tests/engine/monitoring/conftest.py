"""A kind registered by a test in a module of its own (the way a new kind is added)."""

from __future__ import annotations

import importlib
import sys

import pytest

from doudi.engine.monitoring import kinds

# A new indicator kind, as a developer would add it: one module, one registered function.
PENSION_KIND_MODULE = """
from doudi.engine.monitoring.kinds import INT, indicator_kind
from doudi.engine.monitoring.kinds.sql import person_count, records


@indicator_kind(
    "pension_paid",
    dimension="economic",
    params={"min_monthly": INT},
    label_zh="领取养老金",
    label_en="A pension being paid",
    reference="A living member is paid a pension of at least `min_monthly` a month.",
    value="count",
)
def pension_paid(item, ctx):
    rows = records(
        "renshe_pension",
        "'renshe_pension' AS feed, CAST(f.start_month || '-01' AS DATE) AS fact_date, "
        "f.monthly_amount AS amount, f.scheme AS label",
        f"f.status = '正常发放' AND f.monthly_amount >= {int(item.params['min_monthly'])}",
    )
    return person_count(rows, 1)
"""


@pytest.fixture
def pension_kind(tmp_path, monkeypatch):
    """Registers the kind ``pension_paid`` from a temporary module; removes it afterwards."""
    (tmp_path / "doudi_test_pension_kind.py").write_text(PENSION_KIND_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "pension_paid" not in kinds.kinds("indicator")
    module = importlib.import_module("doudi_test_pension_kind")
    try:
        yield kinds.kind("pension_paid")
    finally:
        kinds.unregister("pension_paid")
        sys.modules.pop(module.__name__, None)
