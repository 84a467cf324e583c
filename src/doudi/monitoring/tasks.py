"""Background monitoring: a run started from the page, and the daily schedule.

The daily task runs monitoring, then enqueues itself for the next 02:00 Asia/Shanghai, so one
``doudi monitor schedule`` (or the demo) starts a chain that keeps going by itself.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.tasks import task

from doudi.monitoring.actions import RunFailed, monitoring_run, monitoring_run_execute
from doudi.monitoring.models import MonitoringRun
from doudi.monitoring.selectors import SHANGHAI

log = logging.getLogger("doudi.monitoring")
DAILY_AT = dt.time(2, 0)


def next_daily_at(now: dt.datetime) -> dt.datetime:
    """The next 02:00 in Asia/Shanghai strictly after ``now`` (aware)."""
    local = now.astimezone(SHANGHAI)
    candidate = dt.datetime.combine(local.date(), DAILY_AT, tzinfo=SHANGHAI)
    if candidate <= local:
        candidate = dt.datetime.combine(
            local.date() + dt.timedelta(days=1), DAILY_AT, tzinfo=SHANGHAI
        )
    return candidate


@task
def monitoring_run_queued(run_id: int) -> str:
    """Execute a run created by the "run now" button."""
    run = MonitoringRun.objects.get(pk=run_id)
    try:
        monitoring_run_execute(run=run)
    except RunFailed:
        pass  # recorded on the run; the previous warnings stay in force
    run.refresh_from_db()
    return run.status


@task
def monitoring_run_daily() -> str:
    """Today's scheduled run, then the next one enqueued — also when today's run failed."""
    from django.utils import timezone

    try:
        status = monitoring_run(actor=None).status
    except RunFailed as exc:
        status = exc.run.status
    finally:
        monitoring_run_daily.using(run_after=next_daily_at(timezone.now())).enqueue()
    return status


def daily_schedule_ensure() -> dt.datetime | None:
    """Enqueue the daily run for the next 02:00 unless one is already waiting.

    Returns when the new run is due, or None when one was already queued (only the
    database backend can tell; other backends always enqueue)."""
    from django.conf import settings
    from django.utils import timezone

    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend == "django_tasks_db.DatabaseBackend":
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(
            task_path=monitoring_run_daily.module_path, status=TaskResultStatus.READY
        )
        if waiting.exists():
            return None
    due = next_daily_at(timezone.now())
    monitoring_run_daily.using(run_after=due).enqueue()
    return due
