"""Writing to and checking the audit log."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.utils import timezone

from doudi.audit.models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def audit_keys() -> dict[str, bytes]:
    """The audit-chain keys by id, the current (signing) key first; never stored in the database."""
    keys = getattr(settings, "DOUDI_AUDIT_KEYS", None) or {}
    if not keys:
        raise ImproperlyConfigured("DOUDI_AUDIT_KEYS is empty: set DOUDI_AUDIT_KEYS=id:base64key")
    return dict(keys)


def current_audit_key() -> tuple[str, bytes]:
    key_id, key = next(iter(audit_keys().items()))
    return key_id, key


def audit_record(
    *,
    actor=None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = AuditEntry.Outcome.SUCCESS,
    detail: dict | None = None,
    request=None,
) -> AuditEntry:
    """Append one entry to the chain. Safe under concurrent writers (the head row is locked).

    ``detail`` must hold JSON values only: no floats (hashing needs an exact form) and no
    full ID numbers.
    """
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    ip = ""
    if request is not None:
        ip = request.META.get("REMOTE_ADDR", "") or ""
    key_id, key = current_audit_key()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        now = timezone.now().astimezone(dt.UTC)
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=now,
            actor_id=getattr(actor, "pk", None),
            actor_name=getattr(actor, "username", "") or "",
            actor_role=getattr(actor, "role", "") or "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            outcome=str(outcome),
            detail=detail or {},
            ip=ip,
            prev_hash=head.last_hash,
            key_id=key_id,
        )
        entry.hash = entry.compute_hash(key)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry


def audit_record_many(entries: list[dict]) -> int:
    """Append several entries to the chain at once, in order: as many calls of
    :func:`audit_record` would (each entry a dict of its keyword arguments, without
    ``request``), under one lock of the head and with one insert — for a job that acts on
    thousands of rows (overdue tasks escalated after a district's monitoring run). The
    entries share one time. Returns the number appended."""
    if not entries:
        return 0
    key_id, key = current_audit_key()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        now = timezone.now().astimezone(dt.UTC)
        seq, prev_hash, rows = head.last_seq, head.last_hash, []
        for item in entries:
            actor = item.get("actor")
            seq += 1
            entry = AuditEntry(
                seq=seq,
                at=now,
                actor_id=getattr(actor, "pk", None),
                actor_name=getattr(actor, "username", "") or "",
                actor_role=getattr(actor, "role", "") or "",
                action=item["action"],
                object_type=item.get("object_type", ""),
                object_id=str(item.get("object_id", "")),
                outcome=str(item.get("outcome", AuditEntry.Outcome.SUCCESS)),
                detail=item.get("detail") or {},
                ip="",
                prev_hash=prev_hash,
                key_id=key_id,
            )
            entry.hash = prev_hash = entry.compute_hash(key)
            rows.append(entry)
        _entries_insert(rows)
        AuditChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev_hash)
    return len(rows)


def _entries_insert(entries: list[AuditEntry]) -> None:
    """Insert new entries with one parametrised ``INSERT`` sent by ``executemany`` (what
    ``bulk_create`` does, without compiling its SQL value by value)."""
    connection = connections[router.db_for_write(AuditEntry)]
    quote = connection.ops.quote_name
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    sql = (
        f"INSERT INTO {quote(AuditEntry._meta.db_table)} ("
        + ", ".join(quote(f.column) for f in fields)
        + ") VALUES ("
        + ", ".join(["%s"] * len(fields))
        + ")"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                [f.get_db_prep_save(getattr(e, f.attname), connection) for f in fields]
                for e in entries
            ],
        )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str = ""
    anchors: int | None = None  # anchors checked (None: no anchors file)

    def describe(self) -> str:
        if self.ok:
            text = f"audit log intact: {self.checked} entries verified"
            if self.anchors is not None:
                text += f", {self.anchors} anchors matched"
            return text
        return f"audit log broken at entry #{self.bad_seq}: {self.problem}"


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=5000)


def audit_verify(anchor_file: Path | str | None = None) -> VerifyResult:
    """Walk the chain from the first entry; report the first altered, missing or extra entry.

    Every entry's HMAC is checked with the key its key id names, so rewriting history needs the
    key, which is not in the database. The anchors (``anchor_file``, by default
    ``settings.DOUDI_AUDIT_ANCHOR_FILE``; missing file: no anchors) must each match the entry they
    recorded, so even a history rewritten with the key is caught back to the last anchor.
    """
    keys = audit_keys()
    anchors = read_anchors(anchor_file)
    by_seq: dict[int, list[dict]] = {}
    for anchor in anchors:
        by_seq.setdefault(anchor["seq"], []).append(anchor)
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for entry in _entries():
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, "entry missing (sequence gap)")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.seq, "previous-hash link broken")
        key = keys.get(entry.key_id)
        if key is None:
            problem = (
                f"signed with unknown audit key {entry.key_id!r}"
                if entry.key_id
                else "entry not signed with an audit key"
            )
            return VerifyResult(False, checked, entry.seq, problem)
        if entry.compute_hash(key) != entry.hash:
            return VerifyResult(False, checked, entry.seq, "entry altered (hash mismatch)")
        for anchor in by_seq.get(entry.seq, ()):
            if anchor["hash"] != entry.hash:
                return VerifyResult(
                    False,
                    checked,
                    entry.seq,
                    f"does not match the anchor written {anchor['at']} (history rewritten)",
                )
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    beyond = [a for a in anchors if a["seq"] > checked]
    if beyond:
        first = min(beyond, key=lambda a: a["seq"])
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"entry missing (anchor {first['at']} recorded #{first['seq']})",
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    last_seq = head.last_seq if head else 0
    if last_seq != checked:
        if last_seq > checked:
            return VerifyResult(False, checked, checked + 1, "entry missing (log truncated)")
        return VerifyResult(False, checked, last_seq + 1, "entry added outside the chain")
    if head and head.last_hash != prev_hash:
        return VerifyResult(False, checked, last_seq, "chain head does not match last entry")
    return VerifyResult(True, checked, anchors=len(anchors) if anchors_exist(anchor_file) else None)


def _anchor_path(anchor_file: Path | str | None) -> Path:
    return Path(anchor_file) if anchor_file else Path(settings.DOUDI_AUDIT_ANCHOR_FILE)


def anchors_exist(anchor_file: Path | str | None = None) -> bool:
    return _anchor_path(anchor_file).exists()


class AnchorFileError(ValueError):
    pass


def read_anchors(anchor_file: Path | str | None = None) -> list[dict]:
    """The anchors recorded so far (one JSON object a line); a damaged line is an error."""
    path = _anchor_path(anchor_file)
    if not path.exists():
        return []
    anchors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            anchor = json.loads(line)
            anchor = {"seq": int(anchor["seq"]), "hash": str(anchor["hash"]), "at": anchor["at"]}
        except (ValueError, KeyError, TypeError):
            raise AnchorFileError(
                f"anchors file {path.name} line {number} is damaged: restore it from a copy"
            ) from None
        anchors.append(anchor)
    return anchors


def audit_head() -> dict:
    """The chain head now: sequence number, hash and time (UTC), as written to an anchor."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return {
        "seq": head.last_seq if head else 0,
        "hash": head.last_hash if head else GENESIS,
        "at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
    }


def audit_anchor(anchor_file: Path | str | None = None, *, write: bool = True) -> dict:
    """Record the chain head outside the database: appended (and synced) to the anchors file.

    The file is opened for appending only; keep it, or a copy, where the database's
    administrators cannot write (another machine, write-once storage, or paper).
    """
    anchor = audit_head()
    if write:
        path = _anchor_path(anchor_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(anchor, sort_keys=True) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    return anchor
