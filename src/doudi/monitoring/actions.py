"""Monitoring writes: policy versions, runs that keep warnings up to date, visit outcomes.

A run scores every household on the engine with the policy in force on its ``as_of`` date,
then loads the result in one transaction: a household warned again keeps its warning
(escalated, eased or unchanged), a newly warned household gets a new one, a warned household
no longer warned is resolved. A failure anywhere leaves the previous warnings and the previous
current run untouched; the run itself is recorded as failed.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import logging
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.common.bulk import rows_insert, rows_update
from doudi.monitoring.models import (
    MonitoringRun,
    PolicyVersion,
    StatisticalModel,
    VisitOutcome,
    Warning,
    WarningChange,
)
from doudi.monitoring.selectors import PolicyIndex, policy_in_force, today
from doudi.registry.models import Household

log = logging.getLogger("doudi.monitoring")
BACKENDS = ("duckdb", "spark")
DEFAULT_EFFECTIVE_FROM = dt.date(2000, 1, 1)


def _engine():
    """The monitoring engine (imported late: it is a separate, heavier package)."""
    from doudi.engine import monitoring

    return monitoring


def engine_monitor(lake, catalogue, persons, **kwargs):
    """Run the engine; one seam so tests and the CLI share the same call."""
    return _engine().monitor(lake, catalogue, persons, **kwargs)


# --- policy --------------------------------------------------------------------------------


def policy_validate(*, document) -> list[str]:
    """The policy's validation messages (empty when valid)."""
    if not isinstance(document, dict):
        return ["policy document must be a JSON object"]
    engine = _engine()
    try:
        engine.Policy.from_dict(document)
    except engine.PolicyError as exc:
        return [str(m) for m in (getattr(exc, "messages", None) or [str(exc)])]
    return []


def _summary(document: dict) -> dict:
    """A short, number-only description of a policy document, for the audit trail."""
    return {
        "dimensions": {d.get("id"): d.get("cap") for d in document.get("dimensions", [])},
        "indicators": {i.get("id"): i.get("points") for i in document.get("indicators", [])},
        "bands": {b.get("level"): b.get("min_score") for b in document.get("bands", [])},
        "triggers": sorted(t.get("id", "") for t in document.get("triggers", [])),
        "area_parameters": len(document.get("area_parameters", [])),
    }


def _jsonable_numbers(value):
    """Audit details take no floats: keep exact decimal text instead."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _jsonable_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable_numbers(v) for v in value]
    return value


def policy_version_create(
    *, actor, document: dict, effective_from: dt.date, reason: str, request=None
) -> PolicyVersion:
    """Save a new policy version (district bureau only), validated by the engine.

    Nothing is saved when the actor may not edit the policy (PermissionDenied, audited as
    denied), the reason is missing or the document is invalid (ValidationError with every
    message)."""
    if actor is None or not actor.can.edits_policy:
        audit_record(
            actor=actor,
            action="monitoring.policy_create",
            object_type="policy_version",
            outcome=AuditEntry.Outcome.DENIED,
            request=request,
        )
        raise PermissionDenied("only the district bureau edits the monitoring policy")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError("请填写修改理由（至少4个字）")
    if not isinstance(effective_from, dt.date):
        raise ValidationError("请填写生效日期")
    messages = policy_validate(document=document)
    if messages:
        raise ValidationError(messages)
    document = _clean(document)
    with transaction.atomic():
        previous = policy_in_force(on=effective_from)
        last = PolicyVersion.objects.select_for_update().order_by("-number").first()
        version = PolicyVersion.objects.create(
            number=(last.number + 1) if last else 1,
            document=document,
            effective_from=effective_from,
            reason=reason[:500],
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="monitoring.policy_create",
            object_type="policy_version",
            object_id=version.number,
            request=request,
            detail={
                "effective_from": effective_from.isoformat(),
                "reason": reason[:500],
                "before": _jsonable_numbers(_summary(previous.document)) if previous else None,
                "before_version": previous.number if previous else None,
                "after": _jsonable_numbers(_summary(document)),
            },
        )
    return version


@transaction.atomic
def policy_default_ensure() -> PolicyVersion:
    """Version 1 = the engine's shipped default, when no version exists yet."""
    existing = PolicyVersion.objects.order_by("number").first()
    if existing is not None:
        return existing
    version = PolicyVersion.objects.create(
        number=1,
        document=_clean(_engine().default_policy()),
        effective_from=DEFAULT_EFFECTIVE_FROM,
        reason="系统默认监测政策",
        created_by=None,
    )
    audit_record(
        action="monitoring.policy_create",
        object_type="policy_version",
        object_id=version.number,
        detail={
            "effective_from": DEFAULT_EFFECTIVE_FROM.isoformat(),
            "reason": version.reason,
            "after": _jsonable_numbers(_summary(version.document)),
        },
    )
    return version


# --- runs ----------------------------------------------------------------------------------


def monitoring_run_create(
    *, actor, as_of: dt.date | None = None, backend: str | None = None, request=None
) -> MonitoringRun:
    """A queued run. A person must be allowed to run monitoring; ``actor=None`` is the system
    (command line, the daily schedule)."""
    if actor is not None and not actor.can.edits_policy:
        audit_record(
            actor=actor,
            action="monitoring.run",
            object_type="monitoring_run",
            outcome=AuditEntry.Outcome.DENIED,
            request=request,
        )
        raise PermissionDenied("only the district bureau runs monitoring")
    backend = backend or settings.DOUDI_MONITOR_BACKEND
    if backend not in BACKENDS:
        raise ValidationError(f"unknown backend {backend!r}")
    return MonitoringRun.objects.create(as_of=as_of or today(), backend=backend, started_by=actor)


class RunFailed(Exception):
    """A monitoring run did not finish; the previous results stay in force."""

    def __init__(self, run: MonitoringRun):
        super().__init__(f"monitoring run {run.pk} failed: {run.error}")
        self.run = run


class _Progress:
    """Engine progress → the run's percent and stage, written at most once per percent."""

    def __init__(self, run: MonitoringRun, callback: Callable[[int, str], None] | None):
        self.run, self.callback, self.last = run, callback, -1
        self.start, self.span = 0, 90  # the engine's share; a retraining pass halves it

    def __call__(self, done: int, total: int) -> None:
        """The engine's ``progress(done, total)``; the last 10 % is loading the warnings."""
        self.set(self.start + (int(self.span * done / total) if total else 0), "engine")

    def set(self, percent: int, stage: str = "") -> None:
        if percent == self.last and not stage:
            return
        self.last = percent
        MonitoringRun.objects.filter(pk=self.run.pk).update(progress=percent, stage=stage[:32])
        if self.callback is not None:
            self.callback(percent, stage)


def _persons():
    from doudi.identity.actions import current_persons

    persons = current_persons(["source", "record_key", "person_key"], arrow=True)
    if persons is None:
        raise RunInputMissing("no identity-resolution run yet: run `doudi link` first")
    return persons


def _keyed():
    """The current link run's feeds keyed to its persons, when stored (else ``None``: the
    engine joins them)."""
    from doudi.identity.actions import current_run as current_link_run
    from doudi.identity.selectors import run_store

    run = current_link_run()
    return None if run is None else run_store().keyed(run.pk)


def _households():
    """The current link run's person → household attachment, when it has one."""
    from doudi.identity.actions import current_run as current_link_run
    from doudi.identity.selectors import run_store

    run = current_link_run()
    return None if run is None else run_store().read_households(run.pk, ["person_key", "hukou_no"])


class RunInputMissing(Exception):
    pass


def _delivered() -> dict:
    """Each monitored feed's last good delivery date (Asia/Shanghai), ``None`` when never."""
    from doudi.engine.monitoring.feeds import FEEDS
    from doudi.intake.selectors import catalogue, feed_freshness

    cat = catalogue()
    feeds = [cat[f] for f in FEEDS if f in cat.feeds]
    return {
        x.feed.id: timezone.localtime(x.last_delivery).date() if x.last_delivery else None
        for x in feed_freshness(feeds)
    }


def feeds_with_outcomes(feeds: list[dict], households) -> list[dict]:
    """The run's feed statuses (engine ``MonitorResult.feeds``), each with
    ``confirmed_share``: among the households whose latest home visit confirmed hardship,
    the share this run warns with an explanation resting on the feed (an indicator's or the
    trigger's facts from it) — how much of the hardship found relies on the feed, an estimate
    of the recall its absence or lateness costs. ``None`` while no visit has confirmed
    hardship."""
    if not feeds:
        return []
    confirmed = _confirmed_households()
    by_feed: Counter = Counter()
    if confirmed and households is not None and len(households):
        for hukou, level, explanation in zip(
            households["hukou_no"], households["level"], households["explanation"], strict=True
        ):
            if hukou not in confirmed or not explanation or not isinstance(level, str):
                continue
            used = set()
            for entry in explanation.get("indicators", []):
                used |= {f.get("feed") for f in entry.get("facts", [])}
            used |= {f.get("feed") for f in (explanation.get("trigger") or {}).get("facts", [])}
            by_feed.update(u for u in used if u)
    return [
        dict(
            f, confirmed_share=round(by_feed[f["feed"]] / len(confirmed), 3) if confirmed else None
        )
        for f in feeds
    ]


def _latest_visits() -> dict[str, tuple[dt.date, bool]]:
    """Register number → (visited_on, hardship_confirmed) of each household's latest home
    visit: the verdicts the engine follows while the policy's visit_verdict_days last."""
    latest: dict[str, tuple[dt.date, bool]] = {}
    for hukou, visited_on, confirmed in VisitOutcome.objects.order_by(
        "household_id", "visited_on", "id"
    ).values_list("household__hukou_no", "visited_on", "hardship_confirmed"):
        latest[hukou] = (visited_on, confirmed)
    return latest


def _confirmed_households() -> set[str]:
    """Register numbers of the households whose latest home visit confirmed hardship."""
    return {hukou for hukou, (_, confirmed) in _latest_visits().items() if confirmed}


def openmp_one_thread():
    """The statistical model (scikit-learn's gradient boosting) on one OpenMP thread while a
    run trains or scores. OpenMP threads spin while they wait for each other: on the shared
    2-core server one fit on 10,000 outcomes took 63 s of wall time (19 s CPU) with two
    threads and 2.4 s (0.7 s CPU) with one. DuckDB's threads are its own, not limited."""
    # threadpoolctl limits the OpenMP runtimes already loaded: load scikit-learn's first
    import sklearn.ensemble  # noqa: F401
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="openmp")


def monitoring_run_execute(
    *, run: MonitoringRun, progress: Callable[[int, str], None] | None = None
) -> MonitoringRun:
    """Score the district and load the result; raises :class:`RunFailed` on any failure."""
    from doudi.intake.selectors import catalogue, lake

    run.status, run.started_at = MonitoringRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    meter = _Progress(run, progress)
    stages = _Stages()
    try:
        policy_default_ensure()
        version = policy_in_force(on=run.as_of)
        if version is None:
            first = PolicyVersion.objects.order_by("effective_from", "number").first()
            raise RunInputMissing(
                f"as-of date {run.as_of} is before the first policy version (effective "
                f"{first.effective_from}): add a policy version effective on or before it"
                if first is not None
                else f"no policy version in force on {run.as_of}"
            )
        run.policy_version = version
        run.save(update_fields=["policy_version"])
        engine = _engine()
        policy = engine.Policy.from_dict(version.document)
        meter.set(0, "engine")
        inputs = {
            "lake": lake(),
            "catalogue": catalogue(),
            "persons": _persons(),
            "households": _households(),
            "keyed": _keyed(),
            "delivered": _delivered(),
            "visits": _latest_visits(),
        }
        stages.lap("run.inputs")

        def score(model: StatisticalModel | None, *, training: bool = False):
            with openmp_one_thread() if model else contextlib.nullcontext():  # predictions
                return engine_monitor(
                    inputs["lake"],
                    inputs["catalogue"],
                    inputs["persons"],
                    policy=policy,
                    as_of=run.as_of,
                    households=inputs["households"],
                    keyed=inputs["keyed"],
                    delivered=inputs["delivered"],
                    visits=inputs["visits"],
                    backend=run.backend,
                    progress=meter,
                    model=bytes(model.data) if model else None,
                    training=training,
                    # the features only where a model reads them or is trained from them
                    features=False,
                )

        current_model, report = current_statistical_model(), None
        labels = _labels()
        if _labels_changed(labels, min_outcomes=policy.model.min_outcomes):
            # Outcomes newer than the model: retrain on all of them first, with this run's
            # features (an engine pass without the model); the new version scores this run
            # only when it passes the promotion gate.
            meter.span = 45
            # (with the policy's generic feed features: a model may keep any of them)
            features = getattr(score(None, training=True), "features", None)
            stages.lap("run.features")
            meter.start = 45
            trained = statistical_model_train(
                run=run,
                features=features,
                min_outcomes=policy.model.min_outcomes,
                labels=labels,
                model_weight=policy.combination.model_weight,
                current=current_model,
                max_weight=policy.model.max_weight,
                calibration_max_weight=policy.model.calibration_max_weight,
            )
            report = _model_report(
                trained,
                previous=current_model,
                labels=labels,
                min_outcomes=policy.model.min_outcomes,
            )
            if trained is not None and trained.promoted:
                current_model = trained
            stages.lap("run.train")
        result = score(current_model)
        stages.lap("run.score")
        meter.set(90, "load")
        with transaction.atomic():
            counts = warnings_apply(run=run, result=result.households, version=version)
            counts["feeds"] = feeds_with_outcomes(
                list(getattr(result, "feeds", None) or []), result.households
            )
            # per hard trigger: households it fired for, and those whose level it raised
            engine_counts = getattr(result, "counts", None) or {}
            counts["triggers"] = dict(engine_counts.get("by_trigger", {}))
            # households whose home visit's verdict the run followed (visit_verdict_days)
            counts["visits"] = dict(engine_counts.get("visits", {}))
            counts["model"] = report or {
                "retrained": False,
                "labels": _fingerprint(labels, policy.model.min_outcomes),
                "outcomes": len(labels),
            }
            counts["model"]["expected_recall"] = expected_recall(labels, result.households)
            run.counts = counts
            run.timings = {
                str(k): round(float(v), 3)
                for k, v in (getattr(result, "timings", None) or {}).items()
            }
            run.model_version = str(getattr(result, "model_version", "") or "")
            stages.lap("run.load")
            run.timings.update(stages.laps)
            run_mark_current(run=run)
    except Exception as exc:  # the previous warnings and current run stay in force
        error = str(exc)[:200] if isinstance(exc, RunInputMissing) else type(exc).__name__
        log.error("monitoring run %s failed: %s", run.pk, type(exc).__name__)
        MonitoringRun.objects.filter(pk=run.pk).update(
            status=MonitoringRun.Status.FAILED,
            error=error,
            finished_at=timezone.now(),
            is_current=False,
        )
        run.refresh_from_db()
        audit_record(
            actor=run.started_by,
            action="monitoring.run",
            object_type="monitoring_run",
            object_id=run.pk,
            outcome=AuditEntry.Outcome.FAILURE,
            detail={"error": run.error, "as_of": run.as_of.isoformat()},
        )
        raise RunFailed(run) from exc
    meter.set(100, "done")
    run.refresh_from_db()
    audit_record(
        actor=run.started_by,
        action="monitoring.run",
        object_type="monitoring_run",
        object_id=run.pk,
        detail={
            "as_of": run.as_of.isoformat(),
            "backend": run.backend,
            "policy_version": version.number,
            "levels": run.counts.get("levels", {}),
            "changes": run.counts.get("changes", {}),
            "unregistered": run.counts.get("unregistered", 0),
        },
    )
    log.info(
        "monitoring run %s: %s warned, changes %s",
        run.pk,
        run.counts.get("warned"),
        run.counts.get("changes"),
    )
    post_run_hooks(run=run)
    stages.lap("run.hooks")
    run.timings.update(stages.laps, **{"run.total": stages.total()})
    MonitoringRun.objects.filter(pk=run.pk).update(timings=run.timings)
    return run


class _Stages:
    """Seconds per stage of a run (``run.<stage>``), kept beside the engine's own timings."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 3)
        self.last = now

    def total(self) -> float:
        return round(time.perf_counter() - self.start, 3)


def post_run_hooks(*, run: MonitoringRun) -> None:
    """Call each function named in ``settings.DOUDI_MONITORING_POST_RUN`` (dotted paths) with
    ``run=run`` after a successful run — how apps above monitoring (casework: tasks from the
    new warnings) act on a run without monitoring importing them. A failing hook is logged
    and does not undo the run."""
    from django.utils.module_loading import import_string

    for path in getattr(settings, "DOUDI_MONITORING_POST_RUN", ()):
        try:
            with gc_paused():
                import_string(path)(run=run)
        except Exception as exc:
            log.error("post-run hook %s after run %s failed: %s", path, run.pk, type(exc).__name__)


@dataclass(frozen=True)
class Label:
    """A household's latest home-visit outcome, as the statistical model learns it."""

    confirmed: bool
    selection_probability: Decimal | None  # a random verification visit's; None: the queue
    outcome_id: int

    @property
    def weight(self) -> float:
        """The design weight: 1 / selection probability for a random visit, else 1."""
        p = self.selection_probability
        return 1.0 if p is None or p <= 0 else float(1 / p)


def _labels() -> dict[str, Label]:
    """Each household's latest home-visit outcome: the statistical model's labels."""
    latest: dict[str, Label] = {}
    for hukou_no, confirmed, p, pk in VisitOutcome.objects.order_by(
        "household_id", "visited_on", "id"
    ).values_list("household__hukou_no", "hardship_confirmed", "selection_probability", "id"):
        latest[hukou_no] = Label(confirmed, p, pk)  # the latest visit of a household wins
    return latest


def _fingerprint(labels: dict[str, Label], min_outcomes: int) -> str:
    import hashlib

    text = f"{min_outcomes}\n" + "\n".join(
        f"{h},{int(x.confirmed)}" + ("" if x.selection_probability is None else f",{x.weight}")
        for h, x in sorted(labels.items())
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


Z95 = 1.959963984540054


def expected_recall(labels: dict[str, Label], households) -> dict:
    """The share of the households in hardship found by random verification visits that the
    run warns (its ``households``: hukou_no, level): each weighted by the inverse of its
    selection probability, with a 95 % Wilson interval on Kish's effective sample size. The
    random visits sample what the warnings of their day did not show, so this estimates the
    recall the levels reach there; the model has learnt from those visits, so read it as an
    upper estimate until new random visits come in."""
    cases = {h: x.weight for h, x in labels.items() if x.confirmed and x.selection_probability}
    if not cases:
        return {"cases": 0}
    frame = households if households is not None else pd.DataFrame(columns=["hukou_no", "level"])
    warned = set(frame.loc[frame["level"].notna(), "hukou_no"].astype(str))
    total = sum(cases.values())
    hit = sum(w for h, w in cases.items() if h in warned)
    estimate = hit / total
    n_eff = total**2 / sum(w * w for w in cases.values())
    denominator = 1 + Z95**2 / n_eff
    centre = (estimate + Z95**2 / (2 * n_eff)) / denominator
    half = (
        Z95 * math.sqrt(estimate * (1 - estimate) / n_eff + Z95**2 / (4 * n_eff**2)) / denominator
    )
    return {
        "cases": len(cases),
        "warned": sum(1 for h in cases if h in warned),
        "estimate": round(estimate, 4),
        "low": round(max(0.0, centre - half), 4),
        "high": round(min(1.0, centre + half), 4),
        "effective_n": round(n_eff, 1),
    }


def current_statistical_model() -> StatisticalModel | None:
    """The model runs score with: the newest one promoted."""
    return StatisticalModel.objects.filter(promoted=True).first()


def _labels_changed(labels: dict[str, Label], *, min_outcomes: int) -> bool:
    """True when there are enough labels and they differ from those of the last training
    attempt (recorded on the latest successful run)."""
    if len(labels) < min_outcomes:
        return False
    last = (
        MonitoringRun.objects.filter(status=MonitoringRun.Status.SUCCEEDED)
        .order_by("-id")
        .values_list("counts", flat=True)
        .first()
    )
    previous = (last or {}).get("model", {}).get("labels")
    return previous != _fingerprint(labels, min_outcomes)


def _model_report(trained, *, previous, labels, min_outcomes: int) -> dict:
    """What a retraining before a run did, for the run's report."""
    report = {
        "retrained": True,
        "labels": _fingerprint(labels, min_outcomes),
        "outcomes": len(labels),
        "previous_version": previous.version if previous else "",
    }
    if trained is None:
        report.update({"version": "", "status": "off"})
    else:
        evaluation = trained.evaluation or {}
        report.update(
            {
                "version": trained.version,
                "status": "on",
                "promoted": trained.promoted,
                "gate": trained.gate,
                "random_visits": evaluation.get("random_visits", 0),
                "confirmed": evaluation.get("confirmed"),
                "roc_auc": evaluation.get("roc_auc"),
                "average_precision": evaluation.get("average_precision"),
                "precision_at_0_5": evaluation.get("precision_at_0_5"),
                "recall_at_0_5": evaluation.get("recall_at_0_5"),
            }
        )
    return report


def statistical_model_train(
    *,
    run: MonitoringRun,
    features,
    min_outcomes: int,
    labels: dict[str, Label] | None = None,
    model_weight: float = 0.75,
    current: StatisticalModel | None = None,
    max_weight: float | None = None,
    calibration_max_weight: float | None = None,
) -> StatisticalModel | None:
    """Train the statistical model on every household's latest home-visit outcome, with the
    features of ``run``'s first engine pass. Below ``min_outcomes`` outcomes (or when every
    visit found the same) nothing is trained and the model stays off. Each outcome is weighted
    by its design weight (:class:`Label`): a random verification visit by the inverse of its
    selection probability (trimmed at the policy's ``model.max_weight`` when given), a visit
    down the queue by 1. The calibration map of the combined score is fitted with the same
    design weights trimmed at ``model.calibration_max_weight`` instead (untrimmed when absent),
    so that it describes the households the queue never reached, whatever the estimator's trim.

    **Promotion gate**: with a ``current`` model, about half of the outcomes it never saw
    (recorded after the newest one it was trained on; :func:`held_back`) are held back; a
    candidate trained on all the others is compared with the current model on them
    (:func:`doudi.engine.monitoring.model.compare`: weighted log-loss of the calibrated
    probability). The model trained on every outcome is saved either way, ``promoted`` only
    when the candidate did better — otherwise the current model stays in use and ``gate`` says
    why. Promotion and keeping are audited.

    A training failure is logged and leaves the previous model in use."""
    if features is None or not len(features):
        return None
    latest = _labels() if labels is None else labels
    if len(latest) < min_outcomes:
        return None
    confirmed = pd.Series({h: x.confirmed for h, x in latest.items()}, dtype=bool)
    design = pd.Series({h: x.weight for h, x in latest.items()}, dtype=float)
    weights = _trim(design, max_weight)  # the policy's trim (model.max_weight)
    cal_weights = _trim(design, calibration_max_weight)  # model.calibration_max_weight
    try:
        from doudi.engine.monitoring import model as model_lib

        with openmp_one_thread():
            data, evaluation = model_lib.train(
                features,
                confirmed,
                min_outcomes=min_outcomes,
                model_weight=model_weight,
                weights=weights,
                calibration_weights=cal_weights,
            )
        if data is None:
            return None
        with openmp_one_thread():
            gate = _gate(
                model_lib,
                current,
                latest,
                features,
                confirmed,
                (weights, cal_weights),
                model_weight,
            )
    except Exception as exc:
        log.error("statistical model training after run %s failed: %s", run.pk, type(exc).__name__)
        return None
    version = evaluation["version"]
    model, created = StatisticalModel.objects.get_or_create(
        version=version,
        defaults={
            "data": data,
            "evaluation": _clean(evaluation),
            "outcomes": int(evaluation["outcomes"]),
            "trained_after": run,
            "promoted": bool(gate["promote"]),
            "gate": _clean(gate),
            "trained_through": max(x.outcome_id for x in latest.values()),
        },
    )
    if created:
        audit_record(
            action="monitoring.model_train",
            object_type="statistical_model",
            object_id=model.pk,
            detail={"version": version, "outcomes": model.outcomes, "run": run.pk},
        )
        audit_record(
            action="monitoring.model_promote" if model.promoted else "monitoring.model_keep",
            object_type="statistical_model",
            object_id=model.pk,
            detail={
                "version": version,
                "current": current.version if current else "",
                "reason": gate.get("reason", ""),
                "held_back": gate.get("held_back", 0),
            },
        )
    return model


def _trim(weights: pd.Series, at: float | None) -> pd.Series:
    return weights if at is None else weights.clip(upper=max(1.0, float(at)))


def _gate(model_lib, current, latest, features, confirmed, both_weights, model_weight) -> dict:
    """The promotion gate's verdict (see :func:`statistical_model_train`);
    ``both_weights``: the estimator's and the calibration's weights."""
    weights, cal_weights = both_weights
    if current is None:
        return {"promote": True, "reason": "no current model", "held_back": 0}
    new = sorted(h for h, x in latest.items() if x.outcome_id > current.trained_through)
    held = [h for h in new if held_back(h)]
    if len(held) < GATE_MIN_HELD_BACK:
        return {
            "promote": False,
            "held_back": len(held),
            "new_outcomes": len(new),
            "reason": f"{len(new)} outcomes recorded since the current model ({len(held)} held "
            f"back), {GATE_MIN_HELD_BACK} held back needed to judge a new one: the current "
            "model stays",
        }
    rest = confirmed.drop(held)
    candidate, _ = model_lib.train(
        features,
        rest,
        min_outcomes=1,
        model_weight=model_weight,
        weights=weights.drop(held),
        calibration_weights=cal_weights.drop(held),
    )
    if candidate is None:
        return {
            "promote": False,
            "held_back": len(held),
            "reason": "the outcomes before the held-back ones have one answer only: "
            "the current model stays",
        }
    return model_lib.compare(
        model_lib.load(candidate),
        model_lib.load(bytes(current.data)),
        features,
        confirmed.loc[held],
        weights=weights.loc[held],
    )


# Held-back outcomes (of those the current model never saw) needed to judge a new model.
GATE_MIN_HELD_BACK = 20


def held_back(hukou_no: str) -> bool:
    """Whether a household's new outcome is held back to judge a new model (about half of
    them, fixed by the household number: the same households across runs)."""
    import hashlib

    return hashlib.sha256(f"gate:{hukou_no}".encode()).digest()[0] % 2 == 0


def monitoring_run(
    *,
    actor,
    as_of: dt.date | None = None,
    backend: str | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> MonitoringRun:
    """Run monitoring now (see :func:`monitoring_run_execute`)."""
    run = monitoring_run_create(actor=actor, as_of=as_of, backend=backend)
    return monitoring_run_execute(run=run, progress=progress)


def run_mark_current(*, run: MonitoringRun) -> None:
    MonitoringRun.objects.filter(is_current=True).exclude(pk=run.pk).update(is_current=False)
    run.status, run.is_current, run.finished_at = (
        MonitoringRun.Status.SUCCEEDED,
        True,
        timezone.now(),
    )
    run.progress = 100
    run.save(
        update_fields=[
            "status",
            "is_current",
            "finished_at",
            "progress",
            "counts",
            "timings",
            "model_version",
        ]
    )


# --- loading a result into warnings --------------------------------------------------------


_PLAIN = frozenset({str, int, bool, type(None)})


def _clean(value):
    """Engine output → plain JSON (numpy scalars and arrays, NaN as null, dates as text)."""
    kind = type(value)  # the plain types first, by exact type: most of an explanation
    if kind in _PLAIN:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        return {k if type(k) is str else str(k): _clean(v) for k, v in value.items()}
    if kind is list:
        return [_clean(v) for v in value]
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_clean(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy scalar or array
        return _clean(value.tolist())
    if hasattr(value, "isoformat"):  # pandas Timestamp
        return value.isoformat()
    return str(value)


def _score(value) -> float | None:
    value = _clean(value)
    return None if value is None else round(float(value), 2)


@dataclass
class _Row:
    hukou_no: str
    level: str
    rank: int
    score: float
    fields: dict = field(default_factory=dict)


def _warned_rows(frame, index: PolicyIndex) -> list[_Row]:
    rows = []
    if "level" in frame.columns:  # the households below every band are most of the district
        frame = frame[frame["level"].notna() & (frame["level"] != "")]
    for record in frame.to_dict("records"):
        level = _clean(record.get("level"))
        if not level:
            continue
        reasons = [str(r) for r in (_clean(record.get("reasons")) or [])]
        dimensions = {str(k): v for k, v in (_clean(record.get("dimensions")) or {}).items()}
        rows.append(
            _Row(
                hukou_no=str(record["hukou_no"]),
                level=str(level),
                rank=index.level_rank(level),
                score=_score(record.get("score")) or 0.0,
                fields={
                    "scorecard_score": _score(record.get("scorecard_score")),
                    "model_probability": _score(record.get("model_probability")),
                    "trigger": str(_clean(record.get("trigger")) or "")[:64],
                    "reasons": reasons,
                    "suppressed": _clean(record.get("suppressed")) or [],
                    "dimensions": dimensions,
                    "explanation": _clean(record.get("explanation")) or {},
                    "reason_index": (";" + ";".join(reasons) + ";")[:1000] if reasons else "",
                    "dimension_index": (
                        ";" + ";".join(d for d, pts in dimensions.items() if pts) + ";"
                    )[:300]
                    if any(dimensions.values())
                    else "",
                },
            )
        )
    return rows


UPDATED_FIELDS = [
    "status",
    "level",
    "level_rank",
    "score",
    "scorecard_score",
    "model_probability",
    "trigger",
    "reasons",
    "suppressed",
    "dimensions",
    "explanation",
    "reason_index",
    "dimension_index",
    "policy_version",
    "run",
    "resolved_at",
    "updated_at",
]


@contextlib.contextmanager
def gc_paused():
    """The cyclic garbage collector paused (as the engine does while it scores): loading a
    district's warnings builds hundreds of thousands of small containers, none in a cycle,
    and each full collection would rescan them and the engine's result — a third of the
    load's time on 130,000 households."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def warnings_apply(*, run: MonitoringRun, result, version: PolicyVersion) -> dict:
    """Bring the warnings in line with ``result`` (call inside a transaction). Returns counts."""
    with gc_paused():
        return _warnings_apply(run=run, result=result, version=version)


def _warnings_apply(*, run: MonitoringRun, result, version: PolicyVersion) -> dict:
    index = PolicyIndex(version.document)
    warned = _warned_rows(result, index)
    registry = dict(
        Household.objects.filter(hukou_no__in=[r.hukou_no for r in warned]).values_list(
            "hukou_no", "id"
        )
    )
    street_of = dict(
        Household.objects.filter(pk__in=registry.values()).values_list(
            "id", "community__parent__code"
        )
    )
    existing = {
        w.household_id: w
        for w in Warning.objects.only(
            "id", "household_id", "status", "level", "level_rank", "score"
        )
    }
    now = timezone.now()
    to_create, to_update, to_resolve, changes = [], [], [], []
    seen: set[int] = set()
    counts = {
        "levels": Counter(),
        "dimensions": Counter(),
        "streets": {},
        "changes": Counter(),
        "unregistered": 0,
    }
    for row in warned:
        household_id = registry.get(row.hukou_no)
        if household_id is None:
            counts["unregistered"] += 1
            continue
        seen.add(household_id)
        counts["levels"][row.level] += 1
        for dim, points in row.fields["dimensions"].items():
            if points:
                counts["dimensions"][dim] += 1
        street = counts["streets"].setdefault(street_of.get(household_id) or "", Counter())
        street[row.level] += 1
        warning = existing.get(household_id)
        if warning is None:
            to_create.append(
                {
                    "household_id": household_id,
                    "level": row.level,
                    "level_rank": row.rank,
                    "score": row.score,
                    "policy_version_id": version.pk,
                    "run_id": run.pk,
                    "first_run_id": run.pk,
                    **row.fields,
                }
            )
            changes.append((household_id, WarningChange.Kind.NEW, "", None, row))
            continue
        if warning.status == Warning.Status.OPEN:
            kind = (
                WarningChange.Kind.ESCALATED
                if row.rank > warning.level_rank
                else WarningChange.Kind.EASED
                if row.rank < warning.level_rank
                else None
            )
        else:
            kind = WarningChange.Kind.REOPENED
        if kind is not None:
            changes.append((household_id, kind, warning.level, warning.score, row))
        warning.status, warning.level, warning.level_rank, warning.score = (
            Warning.Status.OPEN,
            row.level,
            row.rank,
            row.score,
        )
        for name, value in row.fields.items():
            setattr(warning, name, value)
        warning.policy_version, warning.run, warning.resolved_at, warning.updated_at = (
            version,
            run,
            None,
            now,
        )
        to_update.append(warning)
    for household_id, warning in existing.items():
        if household_id in seen or warning.status != Warning.Status.OPEN:
            continue
        changes.append(
            (household_id, WarningChange.Kind.RESOLVED, warning.level, warning.score, None)
        )
        to_resolve.append(warning.pk)
    warnings_save(to_create=to_create, to_update=to_update, to_resolve=to_resolve, run=run, now=now)
    # the new warnings' ids (a household has one warning; those of this run's first sight)
    ids = {h: w.pk for h, w in existing.items()}
    if to_create:
        ids.update(Warning.objects.filter(first_run=run).values_list("household_id", "id"))
    changes_record(
        run=run,
        changes=[(ids[h], kind, level, score, row) for h, kind, level, score, row in changes],
    )
    for change in changes:
        counts["changes"][change[1]] += 1
    if counts["unregistered"]:
        log.warning(
            "monitoring run %s: %s warned households are not in the register",
            run.pk,
            counts["unregistered"],
        )
    return {
        "households_scored": len(result),
        "warned": sum(counts["levels"].values()),
        "unregistered": counts["unregistered"],
        "levels": dict(counts["levels"]),
        "dimensions": dict(counts["dimensions"]),
        "streets": {k: dict(v) for k, v in sorted(counts["streets"].items())},
        "changes": {kind: counts["changes"].get(kind, 0) for kind in WarningChange.Kind.values},
    }


def warnings_save(
    *,
    to_create: list[dict],
    to_update: list[Warning],
    to_resolve: list[int],
    run: MonitoringRun,
    now,
) -> None:
    """Write the warnings of one run (inside its transaction). Resolved warnings keep their
    last level, score and explanation. ``to_create``: the new warnings' fields by attname."""
    rows_insert(Warning, to_create, now=now)
    rows_update(Warning, to_update, UPDATED_FIELDS)
    for start in range(0, len(to_resolve), 500):
        Warning.objects.filter(pk__in=to_resolve[start : start + 500]).update(
            status=Warning.Status.RESOLVED, run=run, resolved_at=now, updated_at=now
        )


def changes_record(*, run: MonitoringRun, changes: list) -> None:
    """One change row per ``(warning id, kind, from level, from score, engine row or None)``."""
    rows_insert(
        WarningChange,
        (
            {
                "warning_id": warning_id,
                "run_id": run.pk,
                "kind": kind,
                "from_level": from_level,
                "to_level": row.level if row else "",
                "from_score": from_score,
                "to_score": row.score if row else None,
            }
            for warning_id, kind, from_level, from_score, row in changes
        ),
    )


# --- visit outcomes ------------------------------------------------------------------------


@transaction.atomic
def visit_outcome_record(
    *,
    actor,
    household: Household,
    visited_on: dt.date,
    hardship_confirmed: bool,
    note: str = "",
    selection_probability: Decimal | None = None,
) -> VisitOutcome:
    """Record a home visit's verdict (the statistical model's label). Officers of the
    household's jurisdiction; ``actor=None`` for imports by the operator.
    ``selection_probability``: a random verification visit's chance of drawing the household,
    in (0, 1] (the model weighs the outcome by its inverse); ``None`` for any other visit."""
    if selection_probability is not None and not 0 < selection_probability <= 1:
        raise ValidationError("selection_probability must be in (0, 1]")
    if actor is not None:
        from doudi.registry.access import households_for

        if (
            not actor.can.edits_registry
            or not households_for(actor).filter(pk=household.pk).exists()
        ):
            raise PermissionDenied("not a household of your jurisdiction")
    if visited_on > today():
        raise ValidationError("走访日期不能晚于今天")
    outcome, _ = VisitOutcome.objects.update_or_create(
        household=household,
        visited_on=visited_on,
        defaults={
            "hardship_confirmed": hardship_confirmed,
            "recorded_by": actor,
            "note": (note or "")[:500],
            "selection_probability": selection_probability,
        },
    )
    audit_record(
        actor=actor,
        action="monitoring.visit_outcome",
        object_type="household",
        object_id=household.pk,
        detail={
            "visited_on": visited_on.isoformat(),
            "hardship_confirmed": hardship_confirmed,
            "selection_probability": None
            if selection_probability is None
            else str(selection_probability),
        },
    )
    return outcome


TRUE_WORDS, FALSE_WORDS = {"1", "true", "yes", "y", "是"}, {"0", "false", "no", "n", "否"}


@dataclass
class ImportReport:
    recorded: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def _selection(row: dict) -> tuple[Decimal | None, str | None]:
    """The optional ``random`` / ``selection_probability`` columns of an outcome row: (the
    probability or None, a problem or None)."""
    text = (row.get("selection_probability") or "").strip()
    flag = (row.get("random") or "").strip().lower()
    if flag and flag not in TRUE_WORDS | FALSE_WORDS:
        return None, "random is not true/false"
    if not text:
        if flag in TRUE_WORDS:
            return None, "random visit without selection_probability"
        return None, None
    if flag in FALSE_WORDS:
        return None, "selection_probability given for a visit that is not random"
    try:
        p = Decimal(text)
    except ArithmeticError:
        return None, "selection_probability is not a number"
    if not p.is_finite() or not 0 < p <= 1:
        return None, "selection_probability is not above 0 and at most 1"
    return p, None


def visit_outcomes_import(*, path: Path) -> ImportReport:
    """``hukou_no,visited_on,hardship_confirmed`` rows, optionally with ``random`` (true/false)
    and ``selection_probability`` (a random verification visit's chance of drawing the
    household, in (0, 1]; blank for a visit down the queue — ``random`` true needs it); each row
    is recorded or reported by line (a line number and a problem, never the row's content)."""
    report = ImportReport()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"hukou_no", "visited_on", "hardship_confirmed"} - set(reader.fieldnames or [])
        if missing:
            raise ValidationError(f"missing columns: {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            household = Household.objects.filter(hukou_no=(row["hukou_no"] or "").strip()).first()
            flag = (row["hardship_confirmed"] or "").strip().lower()
            try:
                visited_on = dt.date.fromisoformat((row["visited_on"] or "").strip())
            except ValueError:
                report.problems.append((line, "visited_on is not a date (YYYY-MM-DD)"))
                continue
            probability, problem = _selection(row)
            if problem:
                report.problems.append((line, problem))
            elif household is None:
                report.problems.append((line, "household not in the register"))
            elif flag not in TRUE_WORDS | FALSE_WORDS:
                report.problems.append((line, "hardship_confirmed is not true/false"))
            else:
                try:
                    visit_outcome_record(
                        actor=None,
                        household=household,
                        visited_on=visited_on,
                        hardship_confirmed=flag in TRUE_WORDS,
                        selection_probability=probability,
                    )
                except ValidationError as exc:
                    report.problems.append((line, exc.messages[0]))
                    continue
                report.recorded += 1
    return report
