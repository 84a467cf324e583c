"""``generate``: build the synthetic district and write its files. Standard library only."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from doudi.synth import writers
from doudi.synth.population import build_population

DEFAULT_HOUSEHOLDS = 130_000
DEFAULT_SEED = 20261129
DEFAULT_AS_OF = dt.date(2026, 11, 1)


@dataclass(frozen=True)
class Summary:
    households: int
    persons: int
    paths: tuple[Path, ...]  # every file written, manifest last
    seconds: float


def generate(
    out_dir: Path,
    *,
    households: int = DEFAULT_HOUSEHOLDS,
    seed: int = DEFAULT_SEED,
    as_of: dt.date = DEFAULT_AS_OF,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Write a synthetic Wuchang district under ``out_dir``.

    Same arguments → byte-identical files. ``progress(done, total)`` is called every 1,000
    households while the population is built.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pop = build_population(households, seed=seed, as_of=as_of, progress=progress)
    files = writers.write_all(pop, out_dir)
    paths = tuple(out_dir / rel for rel, _ in files) + (out_dir / writers.MANIFEST,)
    return Summary(
        households=len(pop.households),
        persons=pop.person_count,
        paths=paths,
        seconds=time.perf_counter() - started,
    )
