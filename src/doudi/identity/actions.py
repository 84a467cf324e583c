"""Identity resolution runs and review decisions."""

from __future__ import annotations

import logging
import math
import time
from types import SimpleNamespace

import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from doudi.audit.actions import audit_record
from doudi.engine.linkage.district import export_persons, link_district
from doudi.identity.models import LinkRun, ReviewDecision, ReviewItem
from doudi.identity.selectors import run_store
from doudi.intake.selectors import catalogue, lake

log = logging.getLogger("doudi.identity")


def current_run() -> LinkRun | None:
    return LinkRun.objects.filter(is_current=True, status=LinkRun.Status.SUCCEEDED).first()


def current_persons(
    columns: list[str] | None = None, *, arrow: bool = False
) -> pd.DataFrame | None:
    """The current run's persons (``columns`` only, when given); ``arrow``: Arrow-backed
    columns, which DuckDB reads without a copy (the monitoring engine)."""
    run = current_run()
    if run is None:
        return None
    return run_store().read_persons(run.pk, columns, arrow=arrow)


def _decisions() -> list[tuple[str, str, bool]]:
    return [(d.unique_id_l, d.unique_id_r, d.same) for d in ReviewDecision.objects.all()]


def link_run(
    *, actor=None, backend: str = "duckdb", threshold: float | None = None, retrain: bool = False
) -> LinkRun:
    """Link every ingested record into persons. The run becomes current only on success; a
    failed run leaves the previous persons in force. Review decisions override the model.

    The model fitted by the current run is reused unless ``retrain`` (or there is none): its
    parameters are estimated from the data without labels, and keeping them steady between
    deliveries keeps the persons steady too."""
    started = time.perf_counter()
    threshold = settings.DOUDI_LINK_THRESHOLD if threshold is None else threshold
    previous_run = current_run()
    model = (
        None if retrain or previous_run is None or not previous_run.model else previous_run.model
    )
    run = LinkRun.objects.create(started_by=actor, backend=backend, threshold=threshold)
    previous = current_persons()
    try:
        result = link_district(
            lake(),
            catalogue(),
            backend=backend,
            threshold=threshold,
            model=model,
            decisions=_decisions(),
            memory_limit=settings.DOUDI_LINK_MEMORY_LIMIT,
            previous_keys=previous[["unique_id", "person_key"]] if previous is not None else None,
        )
        target = run_store().write_persons(run.pk, result.persons)
    except Exception as exc:  # the previous run stays current
        log.error("link run %s failed: %s", run.pk, type(exc).__name__)
        run.status, run.error, run.finished_at = (
            LinkRun.Status.FAILED,
            type(exc).__name__,
            timezone.now(),
        )
        run.save(update_fields=["status", "error", "finished_at"])
        audit_record(
            actor=actor,
            action="identity.link",
            object_type="link_run",
            object_id=run.pk,
            outcome="failure",
            detail={"error": run.error},
        )
        raise
    with transaction.atomic():
        run.status, run.finished_at = LinkRun.Status.SUCCEEDED, timezone.now()
        run.records, run.persons = result.records, int(result.persons["person_key"].nunique())
        run.model = result.model
        run.timings = {k: round(v, 3) for k, v in result.timings.items()}
        run.persons_path = str(target)
        items = [
            ReviewItem(
                run=run,
                unique_id_l=row["unique_id_l"],
                unique_id_r=row["unique_id_r"],
                match_probability=_number(row.get("match_probability")),
                reason=str(row.get("reason", "")),
                weights={k[3:]: _number(v) for k, v in row.items() if k.startswith("mw_")},
            )
            for row in result.review.to_dict("records")
        ]
        ReviewItem.objects.bulk_create(items, batch_size=2000)
        run.review_count = len(items)
        LinkRun.objects.filter(is_current=True).update(is_current=False)
        run.is_current = True
        run.save()
    run.timings["run.write"] = round(
        time.perf_counter() - started - float(result.timings.get("total", 0.0)), 3
    )
    t = time.perf_counter()
    _attach_households(run)
    run.timings["run.households"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    _store_keyed_feeds(run, result.persons, previous_run)
    run.timings["run.keyed"] = round(time.perf_counter() - t, 3)
    # the run's wall time, start to finish (the steps above overlap: ``total`` holds ``link.*``)
    run.timings["run.wall"] = round(time.perf_counter() - started, 3)
    run.save(update_fields=["timings"])
    audit_record(
        actor=actor,
        action="identity.link",
        object_type="link_run",
        object_id=run.pk,
        detail={
            "records": run.records,
            "persons": run.persons,
            "review": run.review_count,
            "backend": backend,
            "households": run.households,
        },
    )
    return run


def _attach_households(run: LinkRun) -> None:
    """Persons into register households (or the review list), written beside the persons.

    The persons stay current if this fails: they are right on their own, and the next run
    attaches again; the failure is logged and recorded on the run (``households["error"]``)."""
    from doudi.identity.households import households_attach

    try:
        run.households = dict(sorted(households_attach(run=run).items()))
    except Exception as exc:
        log.error("household attachment of link run %s failed: %s", run.pk, type(exc).__name__)
        run.households = {"error": type(exc).__name__}
    run.save(update_fields=["households"])


def _store_keyed_feeds(run: LinkRun, persons: pd.DataFrame, previous: LinkRun | None) -> None:
    """Store every monitored feed keyed to the run's persons
    (:mod:`doudi.engine.monitoring.keyed`), so that monitoring does not join them again each
    day. It is a cache: on failure monitoring joins as before, so the failure is logged and
    the run stands. Only the current run's store is kept. Monitoring on Spark (a province)
    reads the lake itself, so no store is made for it."""
    store = run_store()
    if settings.DOUDI_MONITOR_BACKEND == "duckdb":
        try:
            store.build_keyed(run.pk, lake(), catalogue(), persons)
        except Exception as exc:
            log.error("keyed feeds of link run %s failed: %s", run.pk, type(exc).__name__)
    if previous is not None:
        store.drop_keyed(previous.pk)


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else round(number, 4)


@transaction.atomic
def review_decide(
    *, actor, item: ReviewItem, same: bool, reason: str, request=None
) -> ReviewDecision:
    """Record a person's decision on a pair; it overrides the model from the next run on."""
    if not actor.can.reviews_identity:
        raise PermissionDenied("only district data staff decide identity pairs")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError("请填写判断依据（至少4个字）")
    left, right = sorted((item.unique_id_l, item.unique_id_r))
    decision, _ = ReviewDecision.objects.update_or_create(
        unique_id_l=left,
        unique_id_r=right,
        defaults={"same": same, "reason": reason[:500], "decided_by": actor},
    )
    item.state = ReviewItem.State.DECIDED
    item.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="identity.decide",
        object_type="review_item",
        object_id=item.pk,
        detail={"same": same, "reason": reason[:500]},
        request=request,
    )
    return decision


def persons_export_rows() -> pd.DataFrame | None:
    """``feed, record_key, person_key`` for every linked record of the current run."""
    persons = current_persons()
    if persons is None:
        return None
    return export_persons(SimpleNamespace(persons=persons))
