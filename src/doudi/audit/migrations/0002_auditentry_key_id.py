"""Key the audit chain: add the key id and re-sign the existing (unkeyed) chain once.

The existing entries are re-signed with the current audit key only if their unkeyed chain
verifies now; a chain already broken is left unsigned, and `doudi audit verify` names its
first unsigned entry.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64


def _payload(entry) -> list:
    return [
        entry.seq,
        entry.at.isoformat(timespec="microseconds"),
        entry.actor_id,
        entry.actor_name,
        entry.actor_role,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.outcome,
        entry.detail,
        entry.ip,
        entry.prev_hash,
    ]


def _canonical(payload: list) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def reseal(apps, schema_editor):
    import datetime as dt

    Entry = apps.get_model("audit", "AuditEntry")
    Head = apps.get_model("audit", "AuditChainHead")
    keys = getattr(settings, "DOUDI_AUDIT_KEYS", None) or {}
    entries = list(Entry.objects.order_by("seq"))
    if not entries or not keys:
        return
    prev, seq = GENESIS, 1
    for entry in entries:
        entry.at = entry.at.astimezone(dt.UTC)
        if entry.seq != seq or entry.prev_hash != prev:
            return
        if hashlib.sha256(_canonical(_payload(entry))).hexdigest() != entry.hash:
            return
        prev, seq = entry.hash, seq + 1
    key_id, key = next(iter(keys.items()))
    prev = GENESIS
    for entry in entries:
        entry.prev_hash = prev
        entry.key_id = key_id
        entry.hash = hmac.new(
            key, _canonical([*_payload(entry), key_id]), hashlib.sha256
        ).hexdigest()
        Entry.objects.filter(pk=entry.pk).update(
            prev_hash=entry.prev_hash, key_id=key_id, hash=entry.hash
        )
        prev = entry.hash
    Head.objects.filter(pk=1).update(last_seq=entries[-1].seq, last_hash=prev)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(reseal, migrations.RunPython.noop),
    ]
