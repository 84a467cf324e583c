"""``generate``: build the synthetic district and write its files (no Django)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from doudi.engine.catalogue import load_catalogue
from doudi.synth import writers
from doudi.synth.population import build_population

DEFAULT_HOUSEHOLDS = 130_000
DEFAULT_SEED = 20261129
DEFAULT_AS_OF = dt.date(2026, 11, 1)
PARALLEL_FROM = 20_000  # households; below this a second process costs more than it saves


@dataclass(frozen=True)
class Summary:
    households: int
    persons: int
    paths: tuple[Path, ...]  # every file written, manifest last
    seconds: float
    files: tuple[writers.FileInfo, ...] = ()  # what each file is (feed, format, encoding, rows)


def _can_use_two_processes() -> bool:
    if multiprocessing.current_process().daemon:  # e.g. a task worker: no child processes
        return False
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cpus or 1) >= 2


def _write_part(out_dir: str, households: int, seed: int, as_of: dt.date, feed_ids: list[str]):
    """In a second process: rebuild the same population (deterministic) and write some feeds."""
    pop = build_population(households, seed=seed, as_of=as_of)
    return writers.write_feeds(pop, Path(out_dir), feed_ids)


def generate(
    out_dir: Path,
    *,
    households: int = DEFAULT_HOUSEHOLDS,
    seed: int = DEFAULT_SEED,
    as_of: dt.date = DEFAULT_AS_OF,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> Summary:
    """Write a synthetic Wuchang district under ``out_dir``: every feed of the catalogue under
    ``feeds/<feed_id>/``, the ground truth under ``truth/``, and ``manifest.json``.

    Same arguments → byte-identical files, whatever ``workers`` is. ``progress(done, total)``
    is called every 1,000 households while the population is built. ``workers`` (default: 2
    from 20,000 households when two CPUs are available, else 1) splits the feeds over that
    many processes; each extra process rebuilds the population from the seed while this one
    builds its own, so the split costs no waiting.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if workers is None:
        workers = 2 if households >= PARALLEL_FROM and _can_use_two_processes() else 1
    catalogue = load_catalogue()
    groups = writers.split_feeds(catalogue, max(1, workers))
    pool = None
    futures = []
    if len(groups) > 1:
        pool = ProcessPoolExecutor(
            max_workers=len(groups) - 1, mp_context=multiprocessing.get_context("spawn")
        )
        futures = [
            pool.submit(_write_part, str(out_dir), households, seed, as_of, group)
            for group in groups[1:]
        ]
    try:
        pop = build_population(households, seed=seed, as_of=as_of, progress=progress)
        files = writers.write_feeds(pop, out_dir, groups[0], catalogue=catalogue)
        for future in futures:
            files += future.result()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    files = writers.finish(pop, out_dir, files, catalogue=catalogue)
    paths = tuple(out_dir / f.path for f in files) + (out_dir / writers.MANIFEST,)
    return Summary(
        households=len(pop.households),
        persons=pop.person_count,
        paths=paths,
        seconds=time.perf_counter() - started,
        files=tuple(files),
    )
