"""F6: the chain is keyed (HMAC, key outside the database, rotatable) and anchored outside the DB.

An attacker who can write the audit table but has no key edits a row and recomputes every later
hash (unkeyed, or keyed with a key of his own): `doudi audit verify` exits non-zero naming the
edited entry. Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://…).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from doudi.audit.actions import audit_record, audit_verify
from doudi.audit.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db

TEST_KEY = b"test-only-audit-key-0123456789abcdef"


@pytest.fixture
def anchors(tmp_path, settings):
    settings.DOUDI_AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    return settings.DOUDI_AUDIT_ANCHOR_FILE


@pytest.fixture
def six_entries(anchors):
    return [
        audit_record(action="test.event", object_type="thing", object_id=i, detail={"n": i})
        for i in range(1, 7)
    ]


def _verify():
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue().strip()


def _rewrite_from(seq: int, field: str, value: str, rehash) -> None:
    """What an attacker with write access to the table does: edit one row, then recompute the
    hash of it and of every later row, and the chain head, with ``rehash(entry) -> hex``."""
    entries = list(AuditEntry.objects.order_by("seq"))
    prev = entries[seq - 2].hash if seq > 1 else "0" * 64
    with connection.cursor() as cursor:
        for entry in entries[seq - 1 :]:
            if entry.seq == seq:
                setattr(entry, field, value)
            entry.prev_hash = prev
            entry.hash = rehash(entry)
            cursor.execute(
                f"UPDATE audit_auditentry SET {field} = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [getattr(entry, field), entry.prev_hash, entry.hash, entry.seq],
            )
            prev = entry.hash
        cursor.execute("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = 1", [prev])


def test_entries_carry_the_key_id_and_an_hmac(six_entries):
    entry = AuditEntry.objects.get(seq=3)
    assert entry.key_id == "t1"
    assert entry.hash == hmac.new(TEST_KEY, entry.canonical().encode(), hashlib.sha256).hexdigest()
    assert entry.hash != hashlib.sha256(entry.canonical().encode()).hexdigest()
    assert _verify() == "audit log intact: 6 entries verified"


def test_rewrite_recomputed_unkeyed_is_named(six_entries):
    _rewrite_from(3, "object_id", "999", lambda e: e.compute_unkeyed_hash())
    with pytest.raises(CommandError) as err:
        _verify()
    assert str(err.value) == "audit log broken at entry #3: entry altered (hash mismatch)"


def test_rewrite_recomputed_sha256_of_keyed_form_is_named(six_entries):
    _rewrite_from(
        2, "actor_name", "nobody", lambda e: hashlib.sha256(e.canonical().encode()).hexdigest()
    )
    result = audit_verify()
    assert (result.ok, result.bad_seq, result.problem) == (
        False,
        2,
        "entry altered (hash mismatch)",
    )


def test_rewrite_with_a_wrong_key_is_named(six_entries):
    wrong = b"attacker-key-attacker-key-attacker-key!!"
    _rewrite_from(4, "outcome", "denied", lambda e: e.compute_hash(wrong))
    result = audit_verify()
    assert (result.bad_seq, result.problem) == (4, "entry altered (hash mismatch)")


def test_relabelling_an_entry_as_unkeyed_is_refused(six_entries):
    def legacy(entry):
        entry.key_id = ""
        return entry.compute_unkeyed_hash()

    _rewrite_from(5, "key_id", "", legacy)
    result = audit_verify()
    assert (result.bad_seq, result.problem) == (5, "entry not signed with an audit key")


def test_unknown_key_id_is_named(six_entries):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET key_id = %s WHERE seq = %s", ["zz", 6])
    result = audit_verify()
    assert (result.bad_seq, result.problem) == (6, "signed with unknown audit key 'zz'")


def test_rotation_new_entries_use_new_key_old_ones_still_verify(six_entries, settings):
    new_key = b"second-audit-key-second-audit-key-0000"
    settings.DOUDI_AUDIT_KEYS = {"t2": new_key, "t1": TEST_KEY}
    seventh = audit_record(action="test.after_rotation")
    assert seventh.key_id == "t2"
    assert seventh.hash == seventh.compute_hash(new_key)
    assert AuditEntry.objects.get(seq=6).key_id == "t1"
    assert _verify() == "audit log intact: 7 entries verified"
    # Dropping the old key from the configuration makes its entries unverifiable.
    settings.DOUDI_AUDIT_KEYS = {"t2": new_key}
    result = audit_verify()
    assert (result.bad_seq, result.problem) == (1, "signed with unknown audit key 't1'")


def test_anchor_appends_the_head_and_verify_checks_it(six_entries, anchors):
    out = StringIO()
    call_command("audit", "anchor", stdout=out)
    printed = json.loads(out.getvalue())
    assert (printed["seq"], printed["hash"]) == (6, AuditEntry.objects.get(seq=6).hash)
    audit_record(action="test.more")
    call_command("audit", "anchor", stdout=StringIO())
    lines = [json.loads(line) for line in anchors.read_text().splitlines()]
    assert [a["seq"] for a in lines] == [6, 7]
    assert lines[0] == printed
    assert _verify() == "audit log intact: 7 entries verified, 2 anchors matched"


def test_anchor_print_only_writes_nothing(six_entries, anchors):
    out = StringIO()
    call_command("audit", "anchor", "--print", stdout=out)
    assert json.loads(out.getvalue())["seq"] == 6
    assert not anchors.exists()


def test_anchor_out_file(six_entries, tmp_path):
    target = tmp_path / "elsewhere" / "a.jsonl"
    call_command("audit", "anchor", "--out", str(target), stdout=StringIO())
    assert json.loads(target.read_text())["seq"] == 6
    out = StringIO()
    call_command("audit", "verify", "--anchors", str(target), stdout=out)
    assert out.getvalue().strip() == "audit log intact: 6 entries verified, 1 anchors matched"


def test_history_rewritten_with_the_key_is_caught_by_the_anchor(six_entries, anchors):
    # An insider holding the key rewrites entry 3 and re-signs everything after it: the chain
    # verifies, but the anchor of entry 6 does not match any more.
    call_command("audit", "anchor", stdout=StringIO())
    _rewrite_from(3, "object_id", "999", lambda e: e.compute_hash(TEST_KEY))
    result = audit_verify()
    assert (result.ok, result.bad_seq) == (False, 6)
    assert result.problem.startswith("does not match the anchor written ")


def test_truncation_behind_an_anchor_is_caught(six_entries, anchors):
    call_command("audit", "anchor", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq >= %s", [5])
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_seq = 4, last_hash = %s WHERE id = 1",
            [AuditEntry.objects.get(seq=4).hash],
        )
    assert AuditChainHead.objects.get(pk=1).last_seq == 4
    result = audit_verify()
    assert (result.ok, result.bad_seq) == (False, 5)
    assert result.problem.startswith("entry missing (anchor ")


def test_damaged_anchors_file_is_one_line(six_entries, anchors):
    anchors.write_text("not json\n")
    with pytest.raises(CommandError) as err:
        _verify()
    assert str(err.value) == (
        "anchors file anchors.jsonl line 1 is damaged: restore it from a copy"
    )


@pytest.mark.django_db(transaction=True)
def test_verify_exits_non_zero_from_the_command_line(six_entries, monkeypatch, capsys):
    """`doudi audit verify` from the command line: non-zero exit, first bad entry named on
    stderr. On PostgreSQL a real process; the in-memory SQLite test database is not visible to
    another process, so there the same console entry point runs in this process."""
    _rewrite_from(2, "object_id", "x", lambda e: e.compute_unkeyed_hash())
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        from doudi.__main__ import main

        monkeypatch.setattr(sys, "argv", ["doudi", "audit", "verify"])
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code not in (0, None)
        assert (
            "audit log broken at entry #2: entry altered (hash mismatch)" in capsys.readouterr().err
        )
        return
    env = {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "doudi.settings.test",
        "PATH": "/usr/bin:/bin",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "doudi", "audit", "verify"], env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert "audit log broken at entry #2: entry altered (hash mismatch)" in proc.stderr


@pytest.mark.django_db(transaction=True)
def test_migration_signs_an_intact_unkeyed_chain():
    """Entries written before the chain was keyed: an intact chain is re-signed with the current
    key once (so it verifies), and the key id is stored."""
    import datetime as dt

    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0001_initial")])
    old = executor.loader.project_state([("audit", "0001_initial")]).apps
    Entry, Head = old.get_model("audit", "AuditEntry"), old.get_model("audit", "AuditChainHead")
    prev = "0" * 64
    for seq in (1, 2, 3):
        at = dt.datetime(2026, 1, seq, 8, 0, tzinfo=dt.UTC)
        payload = [seq, at.isoformat(timespec="microseconds"), None, "", "", "old.event"]
        payload += ["", str(seq), "success", {}, "", prev]
        digest = hashlib.sha256(
            json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
        Entry.objects.create(
            seq=seq,
            at=at,
            action="old.event",
            object_id=str(seq),
            outcome="success",
            detail={},
            prev_hash=prev,
            hash=digest,
        )
        prev = digest
    Head.objects.create(pk=1, last_seq=3, last_hash=prev)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(AuditEntry.objects.values_list("key_id", flat=True)) == ["t1", "t1", "t1"]
    result = audit_verify()
    assert (result.ok, result.checked) == (True, 3)
