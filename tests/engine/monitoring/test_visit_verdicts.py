"""Visit verdicts (issue 16): for ``combination.visit_verdict_days`` after a home visit, the run
follows its verdict — found not in hardship: not listed again unless something new fired after
the visit; found in hardship: listed at the warning level at least. Exact levels on the
hand-made lake of test_engine.py."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from doudi.engine.monitoring import Policy, default_policy
from doudi.engine.monitoring.policy import PolicyError
from doudi.engine.monitoring.scoring import visit_verdicts
from tests.engine.monitoring.lakes import lake_of_records
from tests.engine.monitoring.test_engine import (
    AS_OF,
    RECORDS,
    _answering_policy,
    _by_household,
    _run,
    recorded_policy,
)

# the hand-made lake's households without visits (test_engine.py): H3 urgent (its earner died
# on 2026-08-01), H7 warning (a disability certified in 2020), H6 and H4 below every band
WITHOUT = {
    "100000001": None,
    "100000002": None,
    "100000003": "urgent",
    "100000004": None,
    "100000006": None,
    "100000007": "warning",
}


@pytest.fixture(scope="module")
def lake_and_persons(tmp_path_factory):
    return lake_of_records(tmp_path_factory.mktemp("visit_lake"), RECORDS, today=AS_OF)


def _visit(day: str, *, found: bool, new_cause: bool = False) -> dict:
    """A warning explanation's ``visit``, as the engine writes it (no help begun since)."""
    return {
        "visited_on": day,
        "hardship_confirmed": found,
        "new_cause": new_cause,
        "helped_since": False,
    }


def _levels(result) -> dict:
    return {h: r.level for h, r in _by_household(result).items()}


def test_without_visits_or_without_the_policy_key_nothing_changes(lake_and_persons):
    assert _levels(_run(lake_and_persons)) == WITHOUT
    doc = recorded_policy()
    del doc["combination"]["visit_verdict_days"]
    visits = {"100000007": (AS_OF, False), "100000006": (AS_OF, True)}
    result = _run(lake_and_persons, Policy.from_dict(doc), visits=visits)
    assert _levels(result) == WITHOUT
    assert result.counts["visits"] == {"held_off": 0, "confirmed": 0, "new_cause": 0}
    assert _by_household(result)["100000007"].explanation["visit"] is None


def test_a_visit_that_found_no_hardship_holds_the_household_off(lake_and_persons):
    result = _run(lake_and_persons, visits={"100000007": (dt.date(2026, 10, 1), False)})
    assert _levels(result) == {**WITHOUT, "100000007": None}
    assert result.counts["warnings"] == 1
    assert result.counts["visits"] == {"held_off": 1, "confirmed": 0, "new_cause": 0}
    # its score and reasons are still computed: only the listing follows the visit
    row = _by_household(result)["100000007"]
    assert row.score == 73.0 and row.trigger == "severe_disability_without_carer"


def test_something_new_after_the_visit_lists_the_household_again(lake_and_persons):
    # visited before the earner died (2026-08-01): the death is a new cause
    before = _run(lake_and_persons, visits={"100000003": (dt.date(2026, 7, 1), False)})
    assert _levels(before) == WITHOUT
    assert before.counts["visits"] == {"held_off": 0, "confirmed": 0, "new_cause": 1}
    assert _by_household(before)["100000003"].explanation["visit"] == _visit(
        "2026-07-01", found=False, new_cause=True
    )
    # visited after it: the visitor saw the death, and the verdict holds
    after = _run(lake_and_persons, visits={"100000003": (dt.date(2026, 9, 1), False)})
    assert _levels(after) == {**WITHOUT, "100000003": None}


def test_a_visit_that_confirmed_hardship_lists_the_household_at_warning_at_least(
    lake_and_persons,
):
    visits = {
        "100000006": (dt.date(2026, 10, 15), True),  # below every band: raised to warning
        "100000003": (dt.date(2026, 10, 15), True),  # urgent stays urgent
        "100000005": (dt.date(2026, 10, 15), True),  # nothing fired: no row to list
    }
    result = _run(lake_and_persons, visits=visits)
    assert _levels(result) == {**WITHOUT, "100000006": "warning"}
    assert result.counts["visits"] == {"held_off": 0, "confirmed": 2, "new_cause": 0}
    assert _by_household(result)["100000006"].explanation["visit"] == _visit(
        "2026-10-15", found=True
    )


def test_hardship_found_despite_the_help_held_is_a_case_not_a_help_review(lake_and_persons):
    # H1: everything that fired is answered by the 低保 it has held since 2025 — a help review
    # on the lowest band; a visit after that still found it in hardship: listed at warning
    policy = _answering_policy()
    assert _by_household(_run(lake_and_persons, policy))["100000001"].level == "watch"
    result = _run(lake_and_persons, policy, visits={"100000001": (AS_OF, True)})
    row = _by_household(result)["100000001"]
    assert (row.level, row.explanation["help_review"]) == ("warning", False)
    assert row.explanation["visit"]["helped_since"] is False
    assert result.counts["visits"]["confirmed"] == 1


def test_a_verdict_holds_for_the_policy_s_days_and_never_before_the_visit(lake_and_persons):
    days = default_policy()["combination"]["visit_verdict_days"]
    assert days == 183
    last_day = AS_OF - dt.timedelta(days=days - 1)
    for visited_on, held in (
        (last_day, True),
        (last_day - dt.timedelta(days=1), False),  # expired
        (AS_OF, True),
        (AS_OF + dt.timedelta(days=1), False),  # after the run's date
    ):
        result = _run(lake_and_persons, visits={"100000007": (visited_on, False)})
        assert _levels(result)["100000007"] == (None if held else "warning"), visited_on


def test_visit_verdicts_alone():
    households = ["A", "B", "C", "D"]
    visits = {
        "A": (dt.date(2026, 10, 1), False),
        "B": (dt.date(2026, 10, 1), False),
        "C": (dt.date(2026, 10, 1), True),
        "Z": (dt.date(2026, 10, 1), True),
    }
    causes = [("A", "2026-09-30"), ("A", None), ("B", "2026-10-02"), ("D", "2026-10-20")]
    held, confirmed, shown = visit_verdicts(households, visits, causes, AS_OF, 183)
    assert held.tolist() == [True, False, False, False]
    assert confirmed.tolist() == [False, False, True, False]
    assert sorted(shown) == ["A", "B", "C"]
    assert shown["B"]["new_cause"] is True
    # help begun after the visit that answers every cause: the verdict was acted on
    answered = np.array([False, False, True, False])
    for start, still in (("2026-10-02", False), ("2026-09-01", True)):
        _, again, _ = visit_verdicts(
            households, visits, causes, AS_OF, 183, answered=answered, helps={"C": {"dibao": start}}
        )
        assert bool(again[2]) is still, start
    off = visit_verdicts(households, visits, causes, AS_OF, None)
    assert off[0].tolist() == off[1].tolist() == [False] * 4 and off[2] == {}


@pytest.mark.parametrize("bad", [0, -3, 1.5, "183", True])
def test_the_policy_refuses_a_verdict_window_that_is_not_a_whole_number_of_days(bad):
    doc = default_policy()
    doc["combination"]["visit_verdict_days"] = bad
    with pytest.raises(PolicyError) as e:
        Policy.from_dict(doc)
    assert "combination: visit_verdict_days must be a whole number of days, at least 1" in str(
        e.value
    )
