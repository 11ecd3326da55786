"""The expenses batch a finance officer downloads for payroll (see core.downloads)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict

from enhance.accounts.models import User
from enhance.core.downloads import Sheet
from enhance.expenses import access, services
from enhance.expenses.models import ExportBatch


def batch_sheet(user: User, query: QueryDict, pk: int | None = None) -> Sheet:
    """One line per item of every claim in the batch, then a total."""
    batch = access.get_batch_for(user, pk or 0)
    return Sheet(
        rows=_lines(batch),
        filename=f"enhance-expenses-batch-{batch.pk}",
        title="Expenses",
        size=batch.claims.count,
    )


def _lines(batch: ExportBatch) -> Iterator[list[Any]]:
    """Read when the file is written (not when a large one is only being asked for)."""
    yield services.HEADER
    yield from services.batch_lines(batch)
