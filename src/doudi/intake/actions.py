"""Deliveries: every entry point (CLI, upload page, push API, corrections) makes one IngestRun
through these functions, so they check, record and audit alike."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.engine.intake import pipeline
from doudi.engine.intake.results import FileResult
from doudi.intake.access import deliverable_feeds
from doudi.intake.models import IngestRun, QuarantinedRow
from doudi.intake.selectors import catalogue, lake
from doudi.registry.actions import REGISTER_FEED, register_sync

log = logging.getLogger("doudi.intake")
SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".jsonl", ".parquet")
# Folders of a synthetic district or an export that are not department feeds.
SKIPPED_FOLDERS = {"truth", "__MACOSX"}


def delivery_check(*, actor, feed_id: str) -> None:
    """A department data officer may deliver only to their own department's feeds."""
    if feed_id not in {f.id for f in deliverable_feeds(actor)}:
        audit_record(
            actor=actor,
            action="intake.deliver",
            object_type="feed",
            object_id=feed_id,
            outcome=AuditEntry.Outcome.DENIED,
        )
        raise PermissionDenied("not a feed of your department")


def ingest_run_create(
    *, actor=None, channel: str, source_name: str, feed_id: str = "", upload_path: str = ""
) -> IngestRun:
    feed = catalogue().feeds.get(feed_id)
    return IngestRun.objects.create(
        delivered_by=actor,
        channel=channel,
        source_name=source_name[:255],
        feed_id=feed_id,
        department=feed.department if feed else "",
        upload_path=upload_path,
    )


def _record_result(run: IngestRun, result: FileResult) -> None:
    feed = catalogue().feeds.get(result.feed_id or "")
    run.feed_id = result.feed_id or run.feed_id
    run.department = feed.department if feed else run.department
    run.content_hash = result.content_hash or ""
    run.status = {
        "ingested": IngestRun.Status.INGESTED,
        "duplicate": IngestRun.Status.DUPLICATE,
        "held": IngestRun.Status.HELD,
    }.get(result.status, IngestRun.Status.FAILED)
    if result.hold is not None:
        run.hold_code, run.hold_reason = result.hold.code, result.hold.zh[:500]
    run.rows_read, run.accepted, run.quarantined = (
        result.rows_read,
        result.accepted,
        result.quarantined,
    )
    run.written, run.duplicates, run.flags = result.written, result.duplicates, result.flagged
    if result.unknown_headers:  # columns that matched no field of the feed: named, not lost
        run.flags = {**run.flags, "unknown_headers": list(result.unknown_headers)[:50]}
    if result.error is not None:
        run.error_code, run.error_message = result.error.code, result.error.zh[:500]
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save()
        QuarantinedRow.objects.bulk_create(
            [
                QuarantinedRow(
                    run=run,
                    feed_id=run.feed_id,
                    line=q.line,
                    sheet=q.sheet or "",
                    field=q.field or "",
                    reason_code=q.reason.code,
                    reason_zh=q.reason.zh[:255],
                    reason_en=q.reason.en[:255],
                    raw=json.dumps(q.raw, ensure_ascii=False),
                )
                for q in result.quarantine
            ],
            batch_size=2000,
        )
    audit_record(
        actor=run.delivered_by,
        action="intake.ingest",
        object_type="ingest_run",
        object_id=run.pk,
        outcome=AuditEntry.Outcome.FAILURE
        if run.status == IngestRun.Status.FAILED
        else AuditEntry.Outcome.SUCCESS,
        detail={
            "feed": run.feed_id,
            "status": run.status,
            "channel": run.channel,
            "rows_read": run.rows_read,
            "accepted": run.accepted,
            "quarantined": run.quarantined,
            "error": run.error_code,
            "hold": run.hold_code,
        },
    )


def _start(run: IngestRun) -> None:
    run.status, run.started_at, run.pid = IngestRun.Status.RUNNING, timezone.now(), os.getpid()
    run.save(update_fields=["status", "started_at", "pid"])


def _fail(run: IngestRun, code: str, message: str) -> IngestRun:
    run.status, run.error_code, run.error_message = IngestRun.Status.FAILED, code, message
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error_code", "error_message", "finished_at"])
    return run


def ingest_run_execute(
    *,
    run: IngestRun,
    path: Path | None = None,
    records: list[dict] | None = None,
    supplement: bool = False,
    progress: Callable[[int], None] | None = None,
) -> IngestRun:
    """Run the engine on a file or a pushed batch and record the outcome on ``run``."""
    from django.conf import settings

    _start(run)
    try:
        if records is not None:
            result = pipeline.ingest_records(
                records,
                feed_id=run.feed_id,
                lake=lake(),
                catalogue=catalogue(),
                source=run.source_name,
                supplement=supplement,
                min_snapshot_ratio=snapshot_min_ratio(run.feed_id),
            )
        else:
            result = pipeline.ingest_file(
                path,
                lake=lake(),
                catalogue=catalogue(),
                feed_id=run.feed_id or None,
                max_bytes=settings.DOUDI_INGEST_MAX_BYTES,
                progress=progress,
                min_snapshot_ratio=snapshot_min_ratio(run.feed_id),
            )
    except Exception as exc:  # an engine bug must not lose the run record
        log.error("ingest run %s crashed: %s", run.pk, type(exc).__name__)
        return _fail(run, "internal", f"内部错误：{type(exc).__name__}")
    _record_result(run, result)
    if run.status == IngestRun.Status.INGESTED and run.feed_id == REGISTER_FEED:
        register_rebuild(run=run)
    return run


def snapshot_min_ratio(feed_id: str) -> float:
    """The share of the snapshot in force below which a new delivery is held (per feed, else
    the default), from ``DOUDI_SNAPSHOT_MIN_RATIO``."""
    from django.conf import settings

    ratios = settings.DOUDI_SNAPSHOT_MIN_RATIO
    return float(ratios.get(feed_id, ratios.get("*", pipeline.DEFAULT_MIN_SNAPSHOT_RATIO)))


def held_run_decide(*, actor, run: IngestRun, confirm: bool, request=None) -> IngestRun:
    """A data officer (or the command line, ``actor=None``) confirms a held snapshot — it
    replaces the one in force — or withdraws it — it is deleted and the one in force stays."""
    action = "intake.confirm" if confirm else "intake.withdraw"
    if actor is not None:
        allowed = actor.can.delivers_feeds and run.feed_id in {
            f.id for f in deliverable_feeds(actor)
        }
        if not allowed:
            audit_record(
                actor=actor,
                action=action,
                object_type="ingest_run",
                object_id=run.pk,
                outcome=AuditEntry.Outcome.DENIED,
                request=request,
            )
            raise PermissionDenied("only the feed's data officer confirms or withdraws it")
    if run.status != IngestRun.Status.HELD:
        raise ValidationError(
            f"delivery {run.pk} is not held for confirmation (status: {run.status})"
        )
    the_lake = lake()
    done = (
        the_lake.confirm(run.feed_id, run.content_hash)
        if confirm
        else the_lake.withdraw(run.feed_id, run.content_hash)
    )
    if not done:
        raise ValidationError(f"delivery {run.pk} is no longer held in the lake")
    run.status = IngestRun.Status.INGESTED if confirm else IngestRun.Status.WITHDRAWN
    run.decided_by, run.decided_at = actor, timezone.now()
    run.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=action,
        object_type="ingest_run",
        object_id=run.pk,
        detail={"feed": run.feed_id, "hold": run.hold_code},
        request=request,
    )
    if confirm and run.feed_id == REGISTER_FEED:
        register_rebuild(run=run)
    return run


def register_rebuild(*, run: IngestRun | None = None, actor=None):
    """Build the register from the household-register feed as the lake now holds it (after each
    delivery of it, a correction, or a confirmed snapshot); the report goes on ``run``."""
    files = lake().files(REGISTER_FEED)
    if not files:
        return None
    report = register_sync(files=files, actor=actor or (run.delivered_by if run else None))
    if run is not None:
        run.flags = {**(run.flags or {}), "register": report.as_dict()}
        run.save(update_fields=["flags"])
    return report


def ingest_path(
    *,
    path: Path,
    actor=None,
    channel: str = IngestRun.Channel.CLI,
    feed_id: str = "",
    progress: Callable[[int], None] | None = None,
) -> IngestRun:
    # The file's name only: the server's directories are nobody's business (issue 12, F10).
    run = ingest_run_create(
        actor=actor, channel=channel, source_name=Path(path).name, feed_id=feed_id
    )
    return ingest_run_execute(run=run, path=Path(path), progress=progress)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest, in a stable order: folders are walked; truth/ and unknown types skipped."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                parts = set(candidate.relative_to(path).parts)
                if (
                    candidate.is_file()
                    and candidate.suffix.lower() in SUPPORTED_SUFFIXES
                    and not parts & SKIPPED_FOLDERS
                    and not any(p.startswith(".") for p in parts)
                ):
                    files.append(candidate)
        else:
            files.append(path)
    return files


def runs_mark_interrupted() -> int:
    """Runs left 'running' by a process that no longer exists (killed) become 'interrupted'."""
    stale = []
    for run in IngestRun.objects.filter(status=IngestRun.Status.RUNNING).only("pk", "pid"):
        if run.pid is None or not _alive(run.pid):
            stale.append(run.pk)
    return IngestRun.objects.filter(pk__in=stale).update(
        status=IngestRun.Status.INTERRUPTED, finished_at=timezone.now()
    )


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def quarantine_resubmit(*, actor, row: QuarantinedRow, values: dict[str, str]) -> IngestRun:
    """Deliver a corrected quarantined row as a one-row batch; close the row if it is accepted."""
    if not actor.can.delivers_feeds:
        raise PermissionDenied("only the department's data officer corrects its rows")
    delivery_check(actor=actor, feed_id=row.feed_id)
    if row.state != QuarantinedRow.State.OPEN:
        raise ValidationError("该行已处理")
    original = json.loads(row.raw)
    record = {key: values.get(key, original.get(key, "")) for key in original}
    run = ingest_run_create(
        actor=actor,
        channel=IngestRun.Channel.RESUBMIT,
        source_name=f"resubmit:{row.pk}",
        feed_id=row.feed_id,
    )
    # The corrected row joins the feed's current snapshot; it does not replace it.
    ingest_run_execute(run=run, records=[record], supplement=True)
    if run.status in (IngestRun.Status.INGESTED, IngestRun.Status.DUPLICATE) and run.accepted == 1:
        row.state, row.resolved_by = QuarantinedRow.State.RESUBMITTED, run
        row.save(update_fields=["state", "resolved_by"])
    return run
