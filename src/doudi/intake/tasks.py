"""Background work: uploaded files are ingested by the database-backed task worker."""

from pathlib import Path

from django.tasks import task

from doudi.intake.actions import ingest_run_execute
from doudi.intake.models import IngestRun


@task
def ingest_uploaded_file(run_id: int) -> str:
    run = IngestRun.objects.get(pk=run_id)
    path = Path(run.upload_path)
    try:
        ingest_run_execute(run=run, path=path)
    finally:
        path.unlink(missing_ok=True)  # the lake and the quarantine now hold the data
    return run.status
