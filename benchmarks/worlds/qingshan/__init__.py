"""qingshan (青山): an independently written synthetic district for evaluating doudi's warnings.

A month-by-month agent-based simulation of Wuchang households over 36 months; hardship is read
off each household's money at the as-of month, never drawn as a label. See README.md.

    python -m benchmarks.worlds.qingshan --out DIR --households N --seed S [--as-of YYYY-MM-DD]
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_AS_OF = dt.date(2026, 11, 30)


def generate(
    out, *, households: int, seed: int, as_of: dt.date | None = None, progress=None
) -> dict:
    """Write the feeds and truth of a qingshan district into ``out``; returns a summary."""
    from . import feeds, truth
    from .world import World

    as_of = as_of or DEFAULT_AS_OF
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    started = time.monotonic()
    say = progress or (lambda *a: None)
    w = World(households, seed, as_of)
    w.run()
    say("simulated", time.monotonic() - started)
    rec = feeds.build_all(w, out, np.random.default_rng([seed, 1]), progress=say)
    say("feeds", time.monotonic() - started)
    hh = truth.household_truth(w)
    hh.to_csv(out / "truth" / "households.csv", index=False)
    n = w.n
    status = np.where(w.alive[:n], np.where(w.present[:n], "registered", "moved_out"), "dead")
    persons = pd.DataFrame(
        {
            "person_id": [f"Q{i:07d}" for i in range(n)],
            "hukou_no": w.hukou_no[w.hh[:n]],
            "id_number": w.idno[:n],
            "status": status,
        }
    )
    persons.to_csv(out / "truth" / "persons.csv", index=False)
    records = pd.concat(rec.rows, ignore_index=True).drop_duplicates(["feed", "record_key"])
    records["person_id"] = [f"Q{i:07d}" for i in records["pid"].to_numpy()]
    records[["feed", "record_key", "person_id"]].to_csv(out / "truth" / "records.csv", index=False)
    summary = {
        "world": "qingshan",
        "households": int(len(hh)),
        "persons": int(n),
        "seed": seed,
        "as_of": as_of.isoformat(),
        "hardship_rate": round(float(hh["hardship"].mean()), 4),
        "hardship_by_type": {
            k: round(float(v), 4)
            for k, v in hh.groupby("household_type")["hardship"].mean().items()
        },
        "missing_feeds": feeds.MISSING,
        "files": rec.files,
    }
    (out / "truth" / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    summary["seconds"] = round(time.monotonic() - started, 1)  # not in the file: it varies
    return summary
