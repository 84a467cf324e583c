"""Matching one new record (an application, a newborn) against the persons of the current
identity-resolution run, in well under a second (:mod:`doudi.engine.linkage.incremental`).

The index of the current run is built on first use and kept in memory; it is rebuilt when
another run becomes current. Building it reads the whole lake (≈ 30–45 s and ≈ 1 GB for a
130 000-household district), so the first match after a run waits for that.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.exceptions import PermissionDenied

from doudi.audit.actions import audit_record
from doudi.engine.linkage.incremental import PersonIndex
from doudi.identity.actions import current_run
from doudi.identity.models import LinkRun
from doudi.identity.selectors import run_store
from doudi.intake.selectors import catalogue, lake

log = logging.getLogger("doudi.identity")


class NoLinkRun(LookupError):
    """There is no finished identity-resolution run to match against."""

    def __init__(self) -> None:
        super().__init__("no identity-resolution run yet: run `doudi link` first")


_lock = threading.Lock()
_cached: dict[str, Any] = {"key": None, "index": None}


def _run_key(run: LinkRun) -> tuple:
    return (run.pk, run.threshold)


def _index(run: LinkRun) -> PersonIndex:
    """The current run's index, built once per run (concurrent callers wait for the build)."""
    with _lock:
        if _cached["key"] != _run_key(run):
            # The old index is dropped, not closed: a match running on it finishes first, and
            # its DuckDB connection closes when the last reference goes.
            _cached["key"] = _cached["index"] = None
            index = PersonIndex.build(
                lake(),
                catalogue(),
                persons=run_store().persons_path(run.pk),
                model=run.model,
                threshold=run.threshold,
            )
            log.info(
                "person index for link run %s: %s profiles, %s persons, %.1f s",
                run.pk,
                index.stats.profiles,
                index.stats.persons,
                index.stats.timings.get("total", 0.0),
            )
            _cached["key"], _cached["index"] = _run_key(run), index
        return _cached["index"]


def _match(*, actor, record: dict[str, Any], via: str) -> dict[str, Any]:
    run = current_run()
    if run is None or not run.model or not run_store().has_persons(run.pk):
        raise NoLinkRun()
    result = _index(run).match(record)
    audit_record(
        actor=actor,
        action="identity.match",
        object_type="link_run",
        object_id=run.pk,
        # Which person was disclosed (an internal key), never the record's fields.
        detail={
            "basis": result.basis,
            "matched": result.person_key is not None,
            "person_key": result.person_key,
            "candidates": len(result.candidates),
            "via": via,
        },
    )
    return {"run": run.pk, **result.as_dict()}


def person_match(*, actor, record: dict[str, Any]) -> dict[str, Any]:
    """Match one raw record (``name``, ``id_number``, ``birth_date``, ``sex``, ``phone``,
    ``address``, ``community``; any may be missing) against the persons of the current run.

    Returns :meth:`~doudi.engine.linkage.incremental.Match.as_dict` plus ``run``: the person
    (or None for a new person), the basis (``id`` / ``profile`` / ``model``), the match
    probability and the top candidates with their per-comparison match weights.

    Only district data staff (``reviews_identity``) may match: the answer ranges over every
    person of the district, beyond any one community or street. Refused before anything is
    read or recorded. Raises :class:`NoLinkRun` without a current run and ``ValueError`` for
    a field it does not know. Every match is audited (without the record's fields).
    """
    can = getattr(actor, "can", None)
    if can is None or not can.reviews_identity:
        raise PermissionDenied("only district data staff match records against persons")
    return _match(actor=actor, record=record, via="app")


def person_match_as_operator(*, record: dict[str, Any]) -> dict[str, Any]:
    """:func:`person_match` for ``doudi match``: run by an operator with shell access to the
    server (as ``doudi link`` and ``doudi export persons`` are), audited without an actor."""
    return _match(actor=None, record=record, via="command")
