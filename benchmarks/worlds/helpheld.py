"""Hardship among households that already hold help (issue 16): who is warned, who is missed
and why, by the help each household holds on the run's date.

Used by :mod:`benchmarks.worlds.levels` after each arm; reads only a run's result
(:class:`doudi.engine.monitoring.MonitorResult`: its ``households`` and ``helps``) and the
world's truth. Each household is counted once per help category it holds ("any help" once);
a missed household in hardship is put under the first of:

- **nothing fired**: no indicator adding points and no trigger (no row in the result);
- **all answered**: everything that fired and adds points is suppressed by a help the
  household holds (the case help review, 在保复核, is for);
- **live, below levels**: some indicator adding points fired unsuppressed, yet the household
  is below every level (suppressed ones may have fired too: ``of which some answered``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

ROWS = ("none", "dibao", "tekun", "dibian", "temp_assist", "fangfanpin", "any help")
MISSED = ("nothing fired", "all answered", "live, below levels")


def help_held(result: Any, truth: pd.DataFrame, policy: Any) -> dict[str, dict[str, int]]:
    """Counts per help row (:data:`ROWS`): households, in hardship, warned (of them in
    hardship), help-review listings (of them in hardship), and the missed households in
    hardship by reason (:data:`MISSED`, plus ``some answered``: live below levels with a
    suppressed indicator too)."""
    points = {i.id: i.points for i in policy.indicators}
    h = result.households.set_index("hukou_no")
    level = h["level"].reindex(truth["hukou_no"]).to_numpy(dtype=object)
    warned = np.array([v is not None and v == v for v in level], dtype=bool)
    in_result = truth["hukou_no"].isin(h.index).to_numpy()
    reasons = h["reasons"].reindex(truth["hukou_no"]).tolist()
    suppressed = h["suppressed"].reindex(truth["hukou_no"]).tolist()
    expl = h["explanation"].reindex(truth["hukou_no"]).tolist()
    review = np.array([isinstance(e, dict) and bool(e.get("help_review")) for e in expl])
    live = np.array([isinstance(r, list) and any(points.get(i, 0) > 0 for i in r) for r in reasons])
    some_sup = np.array([isinstance(s, list) and len(s) > 0 for s in suppressed])
    hard = truth["hardship"].to_numpy(dtype=bool)
    helps = result.helps
    cats = [helps.get(k, {}) for k in truth["hukou_no"]]
    out: dict[str, dict[str, int]] = {}
    for row in ROWS:
        if row == "none":
            m = np.array([not c for c in cats])
        elif row == "any help":
            m = np.array([bool(c) for c in cats])
        else:
            m = np.array([row in c for c in cats])
        missed = m & hard & ~warned
        out[row] = {
            "households": int(m.sum()),
            "hardship": int((m & hard).sum()),
            "warned": int((m & warned).sum()),
            "warned_hardship": int((m & warned & hard).sum()),
            "review": int((m & review).sum()),
            "review_hardship": int((m & review & hard).sum()),
            "nothing fired": int((missed & ~in_result).sum()),
            "all answered": int((missed & in_result & ~live & some_sup).sum()),
            "live, below levels": int((missed & in_result & live).sum()),
            "some answered": int((missed & in_result & live & some_sup).sum()),
            # the households a help review could add (not warned), in hardship or not
            "cand_all": int((m & ~warned & in_result & ~live & some_sup).sum()),
            "cand_all_hardship": int((m & ~warned & in_result & ~live & some_sup & hard).sum()),
            "cand_some": int((m & ~warned & in_result & live & some_sup).sum()),
            "cand_some_hardship": int((m & ~warned & in_result & live & some_sup & hard).sum()),
        }
    return out


def _share(a: int, b: int) -> str:
    return "—" if not b else f"{a / b:.3f}"


def help_table(arm: str, counts: dict[str, dict[str, int]]) -> str:
    """One arm's :func:`help_held` as a Markdown table."""
    lines = [
        f"{arm}: hardship by help held (a household under each category it holds)",
        "",
        "| help held | households | in hardship (share) | warned: P / R | help review: n (P) "
        "| missed: nothing fired | missed: all answered | missed: live, below levels "
        "(some answered) | not warned, all answered: n (P) "
        "| not warned, live below levels and some answered: n (P) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row, c in counts.items():
        lines.append(
            f"| {row} | {c['households']} | {c['hardship']} ({_share(c['hardship'], c['households'])})"
            f" | {_share(c['warned_hardship'], c['warned'])} / "
            f"{_share(c['warned_hardship'], c['hardship'])} ({c['warned']})"
            f" | {c['review']} ({_share(c['review_hardship'], c['review'])})"
            f" | {c['nothing fired']} | {c['all answered']}"
            f" | {c['live, below levels']} ({c['some answered']})"
            f" | {c['cand_all']} ({_share(c['cand_all_hardship'], c['cand_all'])})"
            f" | {c['cand_some']} ({_share(c['cand_some_hardship'], c['cand_some'])}) |"
        )
    return "\n".join(lines)
