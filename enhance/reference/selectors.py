"""Reads of reference data: a kind's rows for its list (searched and ordered in the database)
and one row's history."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from enhance.accounts.models import User
from enhance.reference.catalogue import Kind


def rows_listed(user: User, kind: Kind, q: str = "", order: str = "") -> QuerySet[Any]:
    rows = kind.rows(user).select_related(*kind.select)
    if q:
        match = Q()
        for name in kind.search:
            match |= Q(**{f"{name}__icontains": q})
        rows = rows.filter(match)
    sortable = {name for name, _ in kind.columns}
    key = order.removeprefix("-")
    if key in sortable:
        return rows.order_by(order, "pk")
    return rows.order_by(*(kind.model._meta.ordering or []), "pk")


def history_of(row: Any, limit: int = 20) -> list[Any]:
    """The latest changes to a row: when, who, and which fields changed."""
    records = list(
        row.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    for i, newer in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        newer.changed = (
            [c.field for c in newer.diff_against(older).changes] if older is not None else ["created"]
        )
    return records[:limit]


def cells(kind: Kind, rows: Any) -> list[tuple[Any, list[str]]]:
    """Each row of a page with the text of its list columns (links followed, choices shown by
    their labels)."""
    table = []
    for row in rows:
        values = []
        for name, _ in kind.columns:
            *path, last = name.split("__")
            target = row
            for step in path:
                target = getattr(target, step, None)
            display = getattr(target, f"get_{last}_display", None)
            value = display() if callable(display) else getattr(target, last, "")
            values.append("" if value is None else str(value))
        table.append((row, values))
    return table
