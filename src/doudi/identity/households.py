"""Persons into households for a link run: the engine's attachment written next to the run's
persons, and the persons it leaves for a person to decide.

:func:`households_attach` runs :func:`doudi.engine.linkage.households.attach_households` over
a finished :class:`~doudi.identity.models.LinkRun`'s persons and writes
the run's households in the run store (:class:`doudi.engine.store.RunStore`: ``person_key``,
``hukou_no``, ``basis``, ``reason``, ``candidates``, ``evidence``; see the engine module for
the rules).
:func:`households_review` reads the persons of a run whose basis is ``review``.
"""

from __future__ import annotations

import logging

import pandas as pd

from doudi.engine.linkage.households import COLUMNS, attach_households
from doudi.identity.models import LinkRun
from doudi.identity.selectors import run_store
from doudi.intake.selectors import catalogue, lake

log = logging.getLogger("doudi.identity")

PERSON_COLUMNS = ["source", "record_key", "person_key"]


def households_attach(*, run: LinkRun) -> dict[str, int]:
    """Attach the persons of ``run`` to register households and write the result as Parquet.

    ``run`` must have succeeded and its persons file must exist (``ValueError`` otherwise).
    Written through a temporary file and renamed, so a reader never sees half a file and a
    failure leaves any earlier file of the run as it was. Returns persons per basis.
    """
    if run.status != LinkRun.Status.SUCCEEDED:
        raise ValueError(f"link run {run.pk} has not succeeded")
    store = run_store()
    persons = store.read_persons(run.pk, PERSON_COLUMNS)
    if persons is None:
        raise ValueError(f"link run {run.pk} has no persons file")
    result = attach_households(lake(), catalogue(), persons)
    del persons
    store.write_households(run.pk, result.households)
    log.info(
        "households attached for link run %s: %s in %.1fs",
        run.pk,
        ", ".join(f"{k}={v}" for k, v in result.counts.items()),
        result.timings["total"],
    )
    return {k: v for k, v in result.counts.items() if "." not in k and v}


def households_review(*, run: LinkRun) -> pd.DataFrame | None:
    """The persons of ``run`` listed for review (:data:`~doudi.engine.linkage.households.COLUMNS`),
    by reason then ``person_key``; ``None`` when the run has no attachment file."""
    frame = run_store().read_households(run.pk, list(COLUMNS), basis="review")
    if frame is None:
        return None
    return frame.sort_values(["reason", "person_key"]).reset_index(drop=True)
