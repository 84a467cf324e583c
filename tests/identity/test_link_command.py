"""`doudi link` says when the model fell back to fixed m-probabilities, and fails in one line
(issue 14)."""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.identity.management.commands import link as link_command


def test_a_fallback_model_is_reported(monkeypatch):
    run = SimpleNamespace(
        pk=7,
        records=10,
        persons=8,
        review_count=1,
        timings={"train": 1.0},
        model={"doudi_fallback": ["phone", "place"]},
    )
    monkeypatch.setattr(link_command, "link_run", lambda **kwargs: run)
    out = StringIO()
    call_command("link", stdout=out, stderr=StringIO())
    assert out.getvalue().splitlines()[1] == (
        "warning: the model could not be fitted for phone, place (too few record pairs, as in a "
        "small district); fixed m-probabilities were used — review the uncertain pairs, and run "
        "`doudi link --retrain` once more data has arrived"
    )


def test_a_failure_is_one_line_and_traceback_keeps_the_cause(monkeypatch):
    def broken(**kwargs):
        raise ValueError("m probability 0")

    monkeypatch.setattr(link_command, "link_run", broken)
    with pytest.raises(CommandError) as err:
        call_command("link", stdout=StringIO(), stderr=StringIO())
    assert str(err.value) == (
        "linking failed (ValueError): run again with --traceback to see where, and report it; "
        "the previous persons stay in force"
    )
    assert err.value.__cause__ is None
    with pytest.raises(CommandError) as traced:
        call_command("link", "--traceback", stdout=StringIO(), stderr=StringIO())
    assert isinstance(traced.value.__cause__, ValueError)


def test_the_printed_time_is_wall_time_not_the_sum_of_overlapping_steps(monkeypatch):
    run = SimpleNamespace(
        pk=3,
        records=10,
        persons=8,
        review_count=1,
        timings={"total": 500.0, "link.train": 300.0, "run.wall": 520.0},
        model={},
    )
    monkeypatch.setattr(link_command, "link_run", lambda **kwargs: run)
    out = StringIO()
    call_command("link", stdout=out, stderr=StringIO())
    line = out.getvalue().splitlines()[0]
    assert line.startswith("run 3: 10 records → 8 persons, 1 pairs for review (")
    seconds = float(line.rsplit("(", 1)[1].removesuffix(" s)"))
    assert 0 <= seconds < 5  # the fake run takes no time; the sum of its steps is 1,320 s
