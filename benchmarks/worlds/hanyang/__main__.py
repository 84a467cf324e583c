"""``python -m benchmarks.worlds.hanyang --out DIR --households N --seed S [--as-of DATE]``"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
from pathlib import Path

from . import params as P
from .generate import generate


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.worlds.hanyang", description=__doc__)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--households", type=int, default=130_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--as-of", dest="as_of", default=P.DEFAULT_AS_OF.isoformat())
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    try:
        as_of = dt.date.fromisoformat(args.as_of)
    except ValueError:
        print(f"--as-of must be a date YYYY-MM-DD, not {args.as_of!r}", file=sys.stderr)
        return 2
    if args.households < 50:
        print("--households must be at least 50", file=sys.stderr)
        return 2
    log = None if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    s = generate(args.out, households=args.households, seed=args.seed, as_of=as_of, log=log)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"hanyang: {s.households} households ({s.hardship} in hardship, "
        f"{s.hardship / max(s.households, 1):.1%}), {s.persons} persons, "
        f"{len(s.files)} files in {args.out} — {s.seconds:.0f} s, peak memory {peak:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
