"""``python -m benchmarks.worlds.hongshan --out DIR --households N --seed S [--as-of 2026-11-30]``"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from .people import AS_OF
from .world import generate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.worlds.hongshan", description=__doc__)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--households", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--as-of", dest="as_of", default=AS_OF.isoformat())
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.households < 50:
        print("--households must be at least 50", file=sys.stderr)
        return 2
    summary = generate(a.out, a.households, a.seed, dt.date.fromisoformat(a.as_of))
    if not a.quiet:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
