"""Writing thousands of rows at once without Django's per-value SQL compilation.

``bulk_create`` and ``bulk_update`` build their SQL value by value (a model instance per row,
``field_as_sql`` per field and row, a ``CASE WHEN`` per field and row for updates): for the
tens of thousands of warnings, changes, tasks and events of a district's monitoring run that
costs far more than the database's own work. These helpers send one parametrised statement
with ``executemany``; each value is prepared by its field as a save would. No signals are sent
(neither does ``bulk_create``) and no primary keys come back: callers that need them select
them by a unique key afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

# fields whose Python value is already what the database driver takes (no preparation)
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)
_PLAIN_VALUES = (str, int, float, bool, type(None))


def _preparer(field, connection):
    if field.get_internal_type() in _PLAIN_TYPES:

        def prepare(value):
            if type(value) in _PLAIN_VALUES:
                return value
            return field.get_db_prep_save(value, connection)

        return prepare
    return lambda value: field.get_db_prep_save(value, connection)


def rows_insert(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
    *,
    now=None,
    batch_size: int = 2000,
) -> int:
    """Insert ``rows`` (each a mapping of field attnames, e.g. ``household_id``, to values) as
    ``bulk_create`` would: a field a row leaves out gets its default, ``auto_now`` and
    ``auto_now_add`` fields get ``now`` (one time for all rows; default: the current time).
    Returns the number of rows inserted."""
    rows = list(rows)
    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    now = now or timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:  # what a model instance built without the field holds
            defaults[f.attname] = f.get_default()
    prepare = [_preparer(f, connection) for f in fields]
    names = [f.attname for f in fields]
    # a default is the same value for every row: prepared once
    prepared = {
        f.attname: prep(defaults[f.attname]) for f, prep in zip(fields, prepare, strict=True)
    }
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ("
        + ", ".join(quote(f.column) for f in fields)
        + ") VALUES ("
        + ", ".join(["%s"] * len(fields))
        + ")"
    )
    params = []
    for row in rows:
        values = []
        for name, prep in zip(names, prepare, strict=True):
            values.append(prep(row[name]) if name in row else prepared[name])
        params.append(values)
    with connection.cursor() as cursor:
        for start in range(0, len(params), batch_size):
            cursor.executemany(sql, params[start : start + batch_size])
    return len(params)


def rows_update(model, objs: list, fields: list[str], *, batch_size: int = 2000) -> None:
    """Save ``fields`` of ``objs`` as ``bulk_update`` does, without its ``CASE WHEN`` per field
    and row (slow to build and to run for thousands of rows): one parametrised ``UPDATE … WHERE
    id = %s`` sent with ``executemany``. Values are prepared by each field as a save would."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET "
        + ", ".join(f"{quote(f.column)} = %s" for f in columns)
        + f" WHERE {quote(meta.pk.column)} = %s"
    )
    prepare = [(f.attname, _preparer(f, connection)) for f in columns]
    params = [[prep(getattr(obj, name)) for name, prep in prepare] + [obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        for start in range(0, len(params), batch_size):
            cursor.executemany(sql, params[start : start + batch_size])
