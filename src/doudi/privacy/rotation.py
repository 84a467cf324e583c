"""Re-encrypting field-encrypted values under the newest key, in batches, resumably.

A value already readable with the newest key alone is left as it is, so a run that was
interrupted (killed, power lost) is simply run again: it skips what is done and finishes the
rest. Each batch is one transaction. Values are read and written as stored tokens (raw SQL), so
no model logic (timestamps, signals) runs and no plaintext is kept beyond the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.db import connection, transaction

from doudi.privacy import crypto
from doudi.privacy.fields import EncryptedTextField


@dataclass
class RotationCount:
    table: str
    column: str
    checked: int = 0
    rewritten: int = 0


def encrypted_columns() -> Iterator[tuple[type, str]]:
    """(model, column) of every field-encrypted column of every installed model."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field.column


def _newest() -> Fernet:
    return Fernet(crypto._keys()[0].encode())


def reencrypt_column(
    model, column: str, *, batch_size: int = 1000, after_batch: Callable[[int], None] | None = None
) -> RotationCount:
    """Rewrite every token of ``column`` that the newest key alone cannot read."""
    newest = _newest()
    table, pk = model._meta.db_table, model._meta.pk.column
    qn = connection.ops.quote_name
    count = RotationCount(table=table, column=column)
    last = None
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                where = f"WHERE {qn(pk)} > %s " if last is not None else ""
                cursor.execute(
                    f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)} {where}"
                    f"ORDER BY {qn(pk)} LIMIT %s",
                    [last, batch_size] if last is not None else [batch_size],
                )
                rows = cursor.fetchall()
                for row_pk, token in rows:
                    count.checked += 1
                    if not token:
                        continue
                    try:
                        newest.decrypt(token.encode())
                        continue  # already under the newest key
                    except InvalidToken:
                        pass
                    plaintext = crypto.decrypt(token)
                    cursor.execute(
                        f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s",
                        [newest.encrypt(plaintext.encode()).decode(), row_pk],
                    )
                    count.rewritten += 1
        if not rows:
            return count
        last = rows[-1][0]
        if after_batch is not None:
            after_batch(count.checked)
