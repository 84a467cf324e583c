"""Generate the kinds reference page:
``python -m doudi.engine.monitoring.kinds [--out docs/indicators.md]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import reference_markdown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, help="write here instead of standard output")
    args = parser.parse_args(argv)
    text = reference_markdown()
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
