"""Writing to and checking the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from doudi.audit.models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


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
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"audit log intact: {self.checked} entries verified"
        return f"audit log broken at entry #{self.bad_seq}: {self.problem}"


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=5000)


def audit_verify() -> VerifyResult:
    """Walk the chain from the first entry; report the first altered, missing or extra entry."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for entry in _entries():
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, "entry missing (sequence gap)")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.seq, "previous-hash link broken")
        if entry.compute_hash() != entry.hash:
            return VerifyResult(False, checked, entry.seq, "entry altered (hash mismatch)")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    last_seq = head.last_seq if head else 0
    if last_seq != checked:
        if last_seq > checked:
            return VerifyResult(False, checked, checked + 1, "entry missing (log truncated)")
        return VerifyResult(False, checked, last_seq + 1, "entry added outside the chain")
    if head and head.last_hash != prev_hash:
        return VerifyResult(False, checked, last_seq, "chain head does not match last entry")
    return VerifyResult(True, checked)
