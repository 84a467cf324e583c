"""The credit-information export (docs/credit-export.md, schema docs/credit-export.schema.json).

A batch carries every dishonesty and commitment record decided since a date and not sent yet
(record type ``new``), and a follow-up (``repair``) for every record repaired since then whose
repair was not sent yet. Only the fields of the data-sharing agreement are written: no
amounts, no evidence, no address, no household members. The batch is kept byte for byte and
can be sent again unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

from django.db import transaction
from django.utils import timezone

from doudi.audit.actions import audit_record
from doudi.integrity.models import CreditEvent, CreditExport, CreditExportItem

FORMAT = "doudi-credit"
FORMAT_VERSION = "1.0"
FIELDS = [
    "record_id",
    "record_type",
    "follows_record_id",
    "category",
    "breach_type",
    "subject_name",
    "subject_id_number",
    "programme",
    "decision_date",
    "valid_from",
    "valid_until",
    "repaired_on",
    "authority_code",
    "authority_name",
]
CATEGORY = {CreditEvent.Kind.KEPT: "守信", CreditEvent.Kind.BREACH: "失信"}


def record_id(event: CreditEvent, record_type: str) -> str:
    return f"DD-{event.pk:08d}-{record_type}"


def _authority(event: CreditEvent):
    """The district (county) whose bureau decided: the community's ancestor at that level."""
    place = event.application.community
    while place is not None and place.level != "district":
        place = place.parent
    return place


def _row(event: CreditEvent, record_type: str) -> dict:
    authority = _authority(event)
    repaired = record_type == CreditExportItem.RecordType.REPAIR

    def iso(day):
        return day.isoformat() if day else None

    return {
        "record_id": record_id(event, record_type),
        "record_type": record_type,
        "follows_record_id": record_id(event, CreditExportItem.RecordType.NEW)
        if repaired
        else None,
        "category": CATEGORY[event.kind],
        "breach_type": event.breach or None,
        "subject_name": event.person.name,
        "subject_id_number": event.person.id_number,
        "programme": event.application.programme,
        "decision_date": iso(event.decided_on),
        "valid_from": iso(event.valid_from),
        "valid_until": iso(event.repaired_on if repaired else event.valid_until),
        "repaired_on": iso(event.repaired_on) if repaired else None,
        "authority_code": authority.code if authority else None,
        "authority_name": authority.name if authority else None,
    }


def _pending(since: dt.date) -> list[tuple[CreditEvent, str]]:
    events = CreditEvent.objects.select_related(
        "person", "application__community__parent__parent"
    ).order_by("id")
    sent = set(CreditExportItem.objects.values_list("event_id", "record_type"))
    out = []
    for event in events.filter(
        status__in=(CreditEvent.Status.CONFIRMED, CreditEvent.Status.REPAIRED),
        decided_on__gte=since,
    ):
        if (event.pk, CreditExportItem.RecordType.NEW) not in sent:
            out.append((event, CreditExportItem.RecordType.NEW))
    for event in events.filter(status=CreditEvent.Status.REPAIRED, repaired_on__gte=since):
        if (event.pk, CreditExportItem.RecordType.REPAIR) not in sent:
            out.append((event, CreditExportItem.RecordType.REPAIR))
    return out


def render(export_id: int, since: dt.date, generated_at: dt.datetime, rows: list[dict]):
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "export_id": export_id,
        "since": since.isoformat(),
        "generated_at": generated_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "records": rows,
    }
    json_bytes = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow(["" if row[f] is None else row[f] for f in FIELDS])
    return json_bytes, out.getvalue().encode("utf-8")


def credit_export(*, since: dt.date, made_by: str = "") -> CreditExport:
    """Make the next batch (it may be empty: an empty batch is still logged)."""
    with transaction.atomic():
        pending = _pending(since)
        export = CreditExport.objects.create(
            format_version=FORMAT_VERSION,
            since=since,
            json_content=b"",
            csv_content=b"",
            sha256="",
            records=len(pending),
            made_by=made_by[:150],
            last_sent_at=timezone.now(),
        )
        rows = [_row(event, record_type) for event, record_type in pending]
        CreditExportItem.objects.bulk_create(
            CreditExportItem(
                export=export, event=event, record_type=kind, record_id=record_id(event, kind)
            )
            for event, kind in pending
        )
        json_bytes, csv_bytes = render(export.pk, since, export.made_at, rows)
        export.json_content = json_bytes
        export.csv_content = csv_bytes
        export.sha256 = hashlib.sha256(json_bytes).hexdigest()
        export.save(update_fields=["json_content", "csv_content", "sha256"])
        audit_record(
            action="integrity.credit_export",
            object_type="credit_export",
            object_id=export.pk,
            detail={"records": len(rows), "since": since.isoformat(), "by": made_by[:150]},
        )
    return export


def file_names(export: CreditExport) -> tuple[str, str]:
    return f"credit-{export.pk:06d}.json", f"credit-{export.pk:06d}.csv"


def credit_resend(*, export: CreditExport, made_by: str = "") -> CreditExport:
    """Send a batch again: the same bytes; the sending is counted and audited."""
    with transaction.atomic():
        CreditExport.objects.filter(pk=export.pk).update(sent_count=export.sent_count + 1)
        CreditExport.objects.filter(pk=export.pk).update(last_sent_at=timezone.now())
        audit_record(
            action="integrity.credit_resend",
            object_type="credit_export",
            object_id=export.pk,
            detail={"by": made_by[:150]},
        )
    export.refresh_from_db()
    return export
