"""A stand-in engine for the app tests: the real policy validation, a fixed result per run.

``fake_engine.households`` is what the next run returns, as rows
``(hukou_no, score, level, reasons, dimensions)``; the real engine runs in
test_real_engine.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pandas as pd
import pytest

from doudi.engine.monitoring import policy as engine_policy
from doudi.monitoring import actions


@dataclass
class FakeEngine:
    households: list[tuple] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)
    feeds: list[dict] = field(default_factory=list)  # the result's feed statuses
    Policy = engine_policy.Policy
    PolicyError = engine_policy.PolicyError

    @staticmethod
    def default_policy() -> dict:
        return engine_policy.default_policy()

    def monitor(self, lake, catalogue, persons, **kwargs):
        self.calls.append(kwargs)
        if kwargs.get("progress"):
            kwargs["progress"](1, 2)
        rows = [
            {
                "hukou_no": hukou_no,
                "score": score,
                "level": level,
                "scorecard_score": score,
                "model_probability": None,
                "dimensions": dimensions,
                "reasons": reasons,
                "suppressed": [],
                "trigger": None,
                "explanation": {
                    "indicators": [
                        {
                            "id": r,
                            "points": 15,
                            "facts": [
                                {
                                    "feed": "yibao_inpatient",
                                    "record_key": "R1",
                                    "date": "2026-03-02",
                                    "value": "自付 23,000 元",
                                }
                            ],
                        }
                        for r in reasons
                    ],
                    # an optional sixth item: the calibrated probability of hardship
                    "probability": rest[0] if rest else None,
                },
            }
            for hukou_no, score, level, reasons, dimensions, *rest in self.households
        ]
        frame = pd.DataFrame(
            rows,
            columns=[
                "hukou_no",
                "score",
                "level",
                "scorecard_score",
                "model_probability",
                "dimensions",
                "reasons",
                "suppressed",
                "trigger",
                "explanation",
            ],
        )
        return SimpleNamespace(
            households=frame,
            persons_tags=pd.DataFrame(),
            timings={"total": 0.25},
            counts={},
            feeds=self.feeds,
        )


@pytest.fixture
def fake_engine(monkeypatch):
    engine = FakeEngine()
    monkeypatch.setattr(actions, "_engine", lambda: engine)
    monkeypatch.setattr(
        actions,
        "_persons",
        lambda: pd.DataFrame(columns=["unique_id", "source", "record_key", "person_key"]),
    )
    monkeypatch.setattr(actions, "_households", lambda: None)
    return engine


ILLNESS = {"health": 30, "economic": 0}
POOR = {"economic": 45, "health": 0}
