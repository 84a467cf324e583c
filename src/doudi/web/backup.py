"""Encrypted, consistent backups: the database (Django's serializer, engine-neutral), the lake,
the identity results, the private attachments and the audit anchors, in one archive.

The archive is a tar stream encrypted in 1 MiB chunks with AES-256-GCM under
``settings.DOUDI_BACKUP_KEY`` (base64 of 32 bytes); each chunk's nonce carries its number and a
"last chunk" flag, so a reordered, cut or altered archive is refused. The database is read in one
transaction (a snapshot on PostgreSQL and SQLite), and the files are copied inside it.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
import shutil
import struct
import tarfile
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

MAGIC = b"DOUDIBK1"
CHUNK = 1 << 20
FORMAT_VERSION = 1
# Not backed up: regenerated or meaningless on another server.
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes", "django_tasks_database"]
# Tables that make a database "not empty" for restore.
CONTENT_MODELS = ["accounts.User", "registry.Household", "audit.AuditEntry"]


class BackupError(Exception):
    """One line naming the cause and the fix."""


def _key() -> bytes:
    value = getattr(settings, "DOUDI_BACKUP_KEY", "") or ""
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupError(
            "DOUDI_BACKUP_KEY must be base64 of 32 random bytes: set it to "
            "$(openssl rand -base64 32) and keep a copy away from the backups"
        )
    return key


def _nonce(index: int, last: bool) -> bytes:
    return struct.pack(">IQ", 1 if last else 0, index)


def encrypt_stream(plain: io.BufferedIOBase, out, key: bytes) -> None:
    aead = AESGCM(key)
    out.write(MAGIC)
    index, chunk = 0, plain.read(CHUNK)
    while True:
        following = plain.read(CHUNK)
        last = not following
        sealed = aead.encrypt(_nonce(index, last), chunk, MAGIC)
        out.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        index, chunk = index + 1, following


def decrypt_stream(source, out, key: bytes) -> None:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("not a doudi backup (wrong header): check the file name")
    aead = AESGCM(key)
    index = 0
    while True:
        head = source.read(4)
        if len(head) < 4:
            raise BackupError("the backup is cut short: use a complete copy")
        sealed = source.read(struct.unpack(">I", head)[0])
        for last in (False, True):
            try:
                out.write(aead.decrypt(_nonce(index, last), sealed, MAGIC))
                break
            except InvalidTag:
                continue
        else:
            raise BackupError(
                "the backup cannot be decrypted: wrong DOUDI_BACKUP_KEY or an altered file"
            )
        if last:
            if source.read(1):
                raise BackupError("the backup has data after its end: use an unaltered copy")
            return
        index += 1


def _folders() -> dict[str, Path]:
    return {
        "lake": Path(settings.DOUDI_LAKE_DIR),
        "results": Path(settings.DOUDI_RESULTS_DIR),
        "private": Path(settings.DOUDI_PRIVATE_DIR),
    }


def backup(out: Path) -> dict:
    """Write an encrypted backup to ``out``; return its manifest."""
    key = _key()
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="doudi-backup-") as tmp:
        plain = Path(tmp) / "backup.tar"
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                # One snapshot for every table (must be the transaction's first statement).
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            dump = Path(tmp) / "database.xml"
            call_command(
                "dumpdata",
                format="xml",
                natural_foreign=True,
                exclude=EXCLUDE,
                output=str(dump),
                verbosity=0,
            )
            with tarfile.open(plain, "w") as tar:
                tar.add(dump, arcname="database.xml")
                for name, folder in _folders().items():
                    if folder.exists():
                        tar.add(folder, arcname=name)
                anchors = Path(settings.DOUDI_AUDIT_ANCHOR_FILE)
                if anchors.exists():
                    tar.add(anchors, arcname="audit-anchors.jsonl")
                manifest = {
                    "format": FORMAT_VERSION,
                    "database": connection.vendor,
                    "folders": [n for n, f in _folders().items() if f.exists()],
                    "anchors": anchors.exists(),
                }
                data = json.dumps(manifest).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        partial = out.with_name(out.name + ".partial")
        with open(plain, "rb") as source, open(partial, "wb") as target:
            encrypt_stream(source, target, key)
            target.flush()
            os.fsync(target.fileno())
        os.chmod(partial, 0o600)
        partial.replace(out)
    return manifest


def database_is_empty() -> bool:
    from django.apps import apps

    return not any(apps.get_model(label).objects.exists() for label in CONTENT_MODELS)


def restore(source: Path, *, replace: bool = False) -> dict:
    """Restore a backup into this server's database and folders. Refuses a database that holds
    data unless ``replace``."""
    key = _key()
    source = Path(source)
    if not source.exists():
        raise BackupError(f"no such backup file: {source}")
    if not replace and not database_is_empty():
        raise BackupError(
            "the database is not empty: restore into a fresh database, or add --replace "
            "to overwrite it"
        )
    with tempfile.TemporaryDirectory(prefix="doudi-restore-") as tmp:
        plain = Path(tmp) / "backup.tar"
        with open(source, "rb") as encrypted, open(plain, "wb") as target:
            decrypt_stream(encrypted, target, key)
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(plain) as tar:
            tar.extractall(unpacked, filter="data")
        manifest = json.loads((unpacked / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"backup format {manifest.get('format')} is not supported here")
        with transaction.atomic():
            if replace:
                call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(unpacked / "database.xml"), verbosity=0)
        for name, folder in _folders().items():
            if (unpacked / name).exists():
                if folder.exists():
                    shutil.rmtree(folder)
                folder.parent.mkdir(parents=True, exist_ok=True)
                shutil.copytree(unpacked / name, folder)
        if (unpacked / "audit-anchors.jsonl").exists():
            anchors = Path(settings.DOUDI_AUDIT_ANCHOR_FILE)
            anchors.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(unpacked / "audit-anchors.jsonl", anchors)
    return manifest
