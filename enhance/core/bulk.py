"""Inserting many rows of one model at once, for the daily jobs and bulk notifications.

On PostgreSQL the rows are sent with COPY, their ids drawn from the table's sequence first: a
bulk INSERT of 40,000 notifications spends seconds preparing and quoting half a million
values, COPY a fraction of that. Elsewhere (SQLite in development) it is `bulk_create`. Like
`bulk_create`, no signals are sent and `save()` is not called.

Also here: working out one URL per row for thousands of rows without `reverse` each time."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import connection, models
from django.urls import reverse

M = TypeVar("M", bound=models.Model)


def insert_many(model: type[M], objs: list[M]) -> list[M]:
    """Insert `objs` (new instances of `model`) and return them with their primary keys set."""
    meta = model._meta
    fields = list(meta.concrete_fields)
    if not objs or connection.vendor != "postgresql" or any(isinstance(f, models.JSONField) for f in fields):
        return model._default_manager.bulk_create(objs)  # (JSON would need adapting for COPY)
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            for field in stamped:
                field.pre_save(obj, add=True)
            obj._state.adding, obj._state.db = False, connection.alias
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([getattr(obj, f.attname) for f in fields])
    return objs


def path_for_each(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for a URL taking one integer, worked out once: a job telling
    20,000 people spends seconds in `reverse` otherwise."""
    marker = 4_611_686_018_427_387_903  # an id no row has
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{int(pk)}{tail}"
