"""python -m benchmarks.worlds.qingshan --out DIR --households N --seed S [--as-of YYYY-MM-DD]"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from . import DEFAULT_AS_OF, generate


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.worlds.qingshan", description=__doc__)
    p.add_argument("--out", required=True)
    p.add_argument("--households", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--as-of", default=DEFAULT_AS_OF.isoformat(), help="YYYY-MM-DD")
    a = p.parse_args(argv)
    try:
        as_of = dt.date.fromisoformat(a.as_of)
    except ValueError:
        p.error(f"--as-of must be a date YYYY-MM-DD, not {a.as_of!r}")
    if a.households < 50:
        p.error("--households must be at least 50")

    def say(stage, seconds):
        print(f"{stage}: {seconds:.1f} s", file=sys.stderr)

    s = generate(a.out, households=a.households, seed=a.seed, as_of=as_of, progress=say)
    print(
        f"qingshan: {s['households']} households, {s['persons']} persons, hardship "
        f"{s['hardship_rate']:.1%}, {len(s['files'])} files in {a.out} ({s['seconds']} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
