"""The audit log is append-only and tamper-evident; `doudi audit verify` finds the first bad entry."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from doudi.audit.actions import audit_record, audit_verify
from doudi.audit.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_entries():
    return [
        audit_record(action="test.event", object_type="thing", object_id=i, detail={"n": i})
        for i in range(1, 6)
    ]


def _verify_output():
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue().strip()


def test_untouched_log_verifies(five_entries):
    assert [e.seq for e in five_entries] == [1, 2, 3, 4, 5]
    assert five_entries[1].prev_hash == five_entries[0].hash
    assert _verify_output() == "audit log intact: 5 entries verified"


def test_altered_row_is_named(five_entries):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_id = %s WHERE seq = %s", ["999", 3])
    with pytest.raises(CommandError) as err:
        _verify_output()
    assert str(err.value) == "audit log broken at entry #3: entry altered (hash mismatch)"


def test_altered_detail_is_named(five_entries):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET outcome = %s WHERE seq = %s", ["denied", 2])
    assert audit_verify().bad_seq == 2


def test_deleted_row_is_named(five_entries):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [4])
    result = audit_verify()
    assert (result.ok, result.bad_seq, result.problem) == (False, 4, "entry missing (sequence gap)")


def test_deleted_last_row_is_named(five_entries):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [5])
    result = audit_verify()
    assert (result.ok, result.bad_seq, result.problem) == (
        False,
        5,
        "entry missing (log truncated)",
    )


def test_rehashed_row_still_breaks_the_link(five_entries):
    # An intruder who recomputes the altered row's own hash still breaks the next entry's link.
    entry = AuditEntry.objects.get(seq=2)
    entry.object_id = "forged"
    forged_hash = entry.compute_hash(b"test-only-audit-key-0123456789abcdef")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET object_id = %s, hash = %s WHERE seq = %s",
            ["forged", forged_hash, 2],
        )
    result = audit_verify()
    assert (result.bad_seq, result.problem) == (3, "previous-hash link broken")


def test_application_cannot_change_or_delete_entries(five_entries):
    entry = AuditEntry.objects.get(seq=1)
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(seq=1).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["test.event"] * 5
    assert audit_verify().ok


def test_entry_records_who_what_when_outcome(cast):
    entry = audit_record(
        actor=cast["alice"],
        action="household.view",
        object_type="household",
        object_id=7,
        outcome="success",
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (
        stored.actor_name,
        stored.actor_role,
        stored.action,
        stored.object_type,
        stored.object_id,
        stored.outcome,
    ) == ("alice", "community_officer", "household.view", "household", "7", "success")
    assert stored.at.tzinfo is not None


def test_viewing_a_household_is_audited(households, clients):
    household = households["A1"]
    clients["alice"].get(f"/households/{household.pk}/")
    views = AuditEntry.objects.filter(action="household.view")
    assert list(views.values_list("actor_name", "object_id")) == [("alice", str(household.pk))]


def test_no_admin_screen_for_audit_entries(cast):
    from django.apps import apps

    assert not apps.is_installed("django.contrib.admin")  # no admin site at all (issue 12)


def test_entries_appended_at_once_chain_like_single_ones(five_entries):
    from doudi.audit.actions import audit_record_many

    assert audit_record_many([]) == 0
    count = audit_record_many(
        [
            {"action": "test.many", "object_type": "task", "object_id": 7, "detail": {"n": 7}},
            {"action": "test.many", "object_type": "task", "object_id": 8, "outcome": "denied"},
        ]
    )
    single = audit_record(action="test.event", object_type="thing", object_id=9)
    assert count == 2
    rows = list(AuditEntry.objects.filter(seq__gt=5).order_by("seq"))
    assert [(e.seq, e.action, e.object_id, e.outcome, e.detail) for e in rows] == [
        (6, "test.many", "7", "success", {"n": 7}),
        (7, "test.many", "8", "denied", {}),
        (8, "test.event", "9", "success", {}),
    ]
    assert rows[0].prev_hash == five_entries[-1].hash
    assert rows[1].prev_hash == rows[0].hash and single.prev_hash == rows[1].hash
    assert audit_verify().ok
    assert audit_verify().checked == 8
