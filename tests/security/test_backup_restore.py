"""`doudi backup` / `doudi restore`: an encrypted archive of the database, lake, results,
private files and audit anchors round-trips (run on SQLite and PostgreSQL); restore refuses a
database that holds data without --replace; a wrong key or an altered archive is refused."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from doudi.audit.actions import audit_record, audit_verify
from doudi.audit.models import AuditEntry
from doudi.registry.models import Household, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(tmp_path, settings):
    for name in ("lake", "results", "private"):
        (tmp_path / name).mkdir()
    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.DOUDI_RESULTS_DIR = tmp_path / "results"
    settings.DOUDI_PRIVATE_DIR = tmp_path / "private"
    settings.DOUDI_AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    (tmp_path / "lake" / "canlian").mkdir()
    (tmp_path / "lake" / "canlian" / "part-0.parquet").write_bytes(b"PAR1 lake bytes PAR1")
    (tmp_path / "results" / "run-1.parquet").write_bytes(b"PAR1 results PAR1")
    (tmp_path / "private" / "photo.png").write_bytes(b"\x89PNG private")
    return tmp_path


def _snapshot():
    return {
        "households": sorted(Household.objects.values_list("hukou_no", "address", "community_id")),
        "ids": sorted(Person.objects.values_list("name", "id_number", "id_index")),
        "audit": list(AuditEntry.objects.order_by("seq").values_list("seq", "hash", "key_id")),
    }


# Transactional: backup and restore run as they do from the command line (their own outermost
# transaction; PostgreSQL's TRUNCATE and snapshot isolation need that).
@pytest.mark.django_db(transaction=True)
def test_round_trip(server, households, cast):
    audit_record(action="test.before_backup", detail={"n": 1})
    call_command("audit", "anchor", stdout=StringIO())
    before = _snapshot()
    archive = server / "backup.doudi"
    out = StringIO()
    call_command("backup", "--out", str(archive), stdout=out)
    assert out.getvalue().strip() == "backup written: backup.doudi (lake, results, private)"
    raw = archive.read_bytes()
    number = Person.objects.get(name="张伟").id_number
    assert number.encode() not in raw and b"PAR1" not in raw and "王建国".encode() not in raw

    # Restoring over a database that holds data is refused and changes nothing.
    with pytest.raises(CommandError) as err:
        call_command("restore", str(archive), stdout=StringIO())
    assert str(err.value) == (
        "the database is not empty: restore into a fresh database, or add --replace to overwrite it"
    )

    # Disaster: the data is damaged, files lost.
    Household.objects.filter(pk=households["A1"].pk).update(address="被改动")
    (server / "lake" / "canlian" / "part-0.parquet").unlink()
    (server / "anchors.jsonl").write_text("")

    call_command("restore", str(archive), "--replace", stdout=StringIO())
    after = _snapshot()
    # The archive holds the log as it was when it was written; the restore is then recorded.
    restored_entries = after["audit"][:-1]
    assert after["households"] == before["households"]
    assert after["ids"] == before["ids"]
    assert restored_entries == before["audit"]
    assert (server / "lake" / "canlian" / "part-0.parquet").read_bytes() == b"PAR1 lake bytes PAR1"
    assert (server / "results" / "run-1.parquet").read_bytes() == b"PAR1 results PAR1"
    assert (server / "private" / "photo.png").read_bytes() == b"\x89PNG private"
    assert (server / "anchors.jsonl").read_text().count("\n") == 1
    # The restored chain (with the backup and restore entries after it) verifies, anchors too.
    result = audit_verify()
    assert result.ok, result.describe()
    assert AuditEntry.objects.order_by("-seq").first().action == "backup.restore"
    # Search by ID number works on the restored database.
    from tests.conftest import sign_in

    page = sign_in(cast["alice"]).post("/households/", {"q": number}, follow=True)
    assert [h.hukou_no for h in page.context["page"].object_list] == ["100000002"]


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database(server, households):
    archive = server / "b.doudi"
    call_command("backup", "--out", str(archive), stdout=StringIO())
    before = _snapshot()
    call_command("flush", interactive=False, verbosity=0)
    assert Household.objects.count() == 0
    call_command("restore", str(archive), stdout=StringIO())
    after = _snapshot()
    assert after["households"] == before["households"] and after["ids"] == before["ids"]


@pytest.mark.django_db(transaction=True)
def test_wrong_key_and_altered_archive_are_refused(server, households, settings):
    archive = server / "b.doudi"
    call_command("backup", "--out", str(archive), stdout=StringIO())
    count = Household.objects.count()
    settings.DOUDI_BACKUP_KEY = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktISE="
    with pytest.raises(CommandError) as err:
        call_command("restore", str(archive), "--replace", stdout=StringIO())
    assert str(err.value) == (
        "the backup cannot be decrypted: wrong DOUDI_BACKUP_KEY or an altered file"
    )
    settings.DOUDI_BACKUP_KEY = "dGVzdC1vbmx5LWJhY2t1cC1rZXktMDEyMzQ1Njc4OWE="
    data = bytearray(archive.read_bytes())
    data[200] ^= 1
    archive.write_bytes(bytes(data))
    with pytest.raises(CommandError):
        call_command("restore", str(archive), "--replace", stdout=StringIO())
    cut = server / "cut.doudi"
    call_command("backup", "--out", str(cut), stdout=StringIO())
    cut.write_bytes(cut.read_bytes()[:-10])
    with pytest.raises(CommandError) as err:
        call_command("restore", str(cut), "--replace", stdout=StringIO())
    assert "cut short" in str(err.value) or "cannot be decrypted" in str(err.value)
    assert Household.objects.count() == count


def test_missing_key_is_one_line(server, settings, db):
    settings.DOUDI_BACKUP_KEY = ""
    with pytest.raises(CommandError) as err:
        call_command("backup", "--out", str(server / "x"), stdout=StringIO())
    assert str(err.value).startswith("DOUDI_BACKUP_KEY must be base64 of 32 random bytes")
    assert not (server / "x").exists()
    assert connection.vendor in ("sqlite", "postgresql")
