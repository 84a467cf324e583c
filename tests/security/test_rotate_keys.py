"""`doudi rotate-keys`: field-encrypted values move to the newest key in batches; an interrupted
run is finished by running it again; look-up by ID number works with the new key alone."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from doudi.audit.models import AuditEntry
from doudi.registry.models import Person
from doudi.registry.selectors import id_index_of

pytestmark = pytest.mark.django_db

OLD = "mwAOzS5WyyxTXjgI-QjrrdZCpCe6Ipwhso3KYhzO0Ak="  # the test settings' key
NEW = Fernet.generate_key().decode()


def _tokens() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM registry_person ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


class Interrupted(Exception):
    pass


def test_interrupted_rotation_finishes_on_rerun(households, clients, settings):
    numbers = dict(Person.objects.values_list("pk", "id_number"))
    assert len(numbers) == 6
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    from importlib import import_module

    from doudi.web.management.commands import __path__ as commands_path  # noqa: F401

    command_module = import_module("doudi.web.management.commands.rotate-keys")
    calls = []

    def interrupt(self, done):
        calls.append(done)
        raise Interrupted

    original = command_module.Command._after_batch
    command_module.Command._after_batch = interrupt
    try:
        with pytest.raises(Interrupted):
            call_command("rotate-keys", "--batch-size", "2", stdout=StringIO())
    finally:
        command_module.Command._after_batch = original
    new_only = Fernet(NEW.encode())
    readable = [t for t in _tokens() if _readable(new_only, t)]
    assert len(readable) == 2  # the first batch was committed, the rest not yet
    out = StringIO()
    call_command("rotate-keys", "--batch-size", "2", stdout=out)
    assert "registry_person.id_number: 6 checked, 4 re-encrypted" in out.getvalue()
    assert "ID-number index: 6 rebuilt" in out.getvalue()
    # Every value now reads with the new key alone, unchanged.
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert all(_readable(new_only, t) for t in _tokens())
    assert dict(Person.objects.values_list("pk", "id_number")) == numbers
    for person in Person.objects.all():
        assert person.id_index == id_index_of(person.id_number)
    # Search by ID number works with the new key only.
    zhang = Person.objects.get(name="张伟")
    hits = clients["alice"].post("/households/", {"q": zhang.id_number}, follow=True)
    assert [h.hukou_no for h in hits.context["page"].object_list] == ["100000002"]
    entry = AuditEntry.objects.get(action="keys.rotate")
    assert entry.detail == {"reencrypted": 4, "reindexed": 6}
    # A third run has nothing left to do.
    again = StringIO()
    call_command("rotate-keys", stdout=again)
    assert "registry_person.id_number: 6 checked, 0 re-encrypted" in again.getvalue()
    assert "ID-number index: 0 rebuilt" in again.getvalue()


def _readable(fernet: Fernet, token: str) -> bool:
    try:
        fernet.decrypt(token.encode())
        return True
    except Exception:
        return False
