"""Base rates and visibility of a generated hanyang world, from its truth files alone.

    python -m benchmarks.worlds.hanyang.describe --world DIR

Prints the hardship share overall and by household type, street, cause, shock and quiet; the
programmes held; and what a perfect observer (every delivered record linked to the right
person) could see: households whose feeds show income above the line although they are in
hardship, households whose feeds show income below the line although they are not, and
hardship households without any inpatient, chronic-illness, diagnosis, disability,
unemployment, assistance, death, divorce, disaster, prison, union or student-aid record.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from . import params as P

SIGNAL_FEEDS = (
    "yibao_inpatient",
    "yibao_chronic",
    "weijian_diagnosis",
    "canlian_disability",
    "renshe_unemployment",
    "minzheng_recipients",
    "minzheng_death",
    "weijian_death",
    "minzheng_marriage",
    "yingji_disaster",
    "sifa_prisoners",
    "zonggonghui_hardship",
    "jiaoyu_aid",
    "nongye_fangfanpin",
)


def describe(world: Path) -> dict:
    hh = pd.read_csv(
        world / "truth" / "households.csv", dtype={"hukou_no": str}, keep_default_na=False
    )
    persons = pd.read_csv(world / "truth" / "persons.csv", dtype=str)
    records = pd.read_csv(world / "truth" / "records.csv", dtype=str)
    hard = hh["hardship"] == 1

    def rate(frame, col):
        g = frame.groupby(col)["hardship"]
        return {str(k): {"households": int(v.size), "hardship": round(v.mean(), 4)} for k, v in g}

    causes = hh.loc[hard, "causes"].str.split(";").explode().value_counts()
    rec = records.merge(persons[["person_id", "hukou_no"]], on="person_id")
    signal = set(rec.loc[rec["feed"].isin(SIGNAL_FEEDS), "hukou_no"])
    seen_low = hh["income_seen_pc"] < P.DIBAO
    out = {
        "households": len(hh),
        "persons_in_register": int(persons["in_register"].astype(int).sum()),
        "hardship": int(hard.sum()),
        "hardship_rate": round(hard.mean(), 4),
        "by_household_type": rate(hh, "household_type"),
        "by_street": rate(hh, "street_code"),
        "by_head_age": rate(
            hh.assign(age=pd.cut(hh["head_age"], [0, 40, 60, 75, 200], right=False).astype(str)),
            "age",
        ),
        "causes_among_hardship": {k: int(v) for k, v in causes.items()},
        "shock_among_hardship": round(hh.loc[hard, "shock"].mean(), 4),
        "quiet_among_hardship": round(hh.loc[hard, "quiet"].mean(), 4),
        "shock_households_coping": int(((hh["shock"] == 1) & ~hard).sum()),
        "programmes": hh["programme"].replace("", "none").value_counts().to_dict(),
        "hardship_by_programme": rate(hh.assign(p=hh["programme"].replace("", "none")), "p"),
        "perfect_observer": {
            "hardship_with_seen_income_at_or_above_line": round((~seen_low[hard]).mean(), 4),
            "not_hardship_with_seen_income_below_line": int((seen_low & ~hard).sum()),
            "share_of_seen_below_line_in_hardship": round(hard[seen_low].mean(), 4),
            "hardship_without_any_signal_record": round(
                (~hh.loc[hard, "hukou_no"].isin(signal)).mean(), 4
            ),
        },
    }
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--world", required=True, type=Path)
    args = ap.parse_args(argv)
    print(json.dumps(describe(args.world), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
