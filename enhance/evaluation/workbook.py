"""The evaluation workbook: the filters used, a sheet per table of every measure (the
small-number rule applied as on the pages), and a data dictionary. Built in the background."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.spreadsheets import xlsx_bytes
from enhance.evaluation.filters import Filters, describe_filters
from enhance.evaluation.measures import MEASURES
from enhance.evaluation.models import Workbook
from enhance.evaluation.tables import FEWER_THAN_5, HIDDEN, Table, download_rows, ruled
from enhance.notifications.services import notify

KIND_MEANING = {
    "label": "What the row is",
    "people": f"A count of people; '{FEWER_THAN_5}' below national level when from 1 to 4",
    "count": "A count of sessions, places, ratings or records",
    "rate": f"A percentage; '{HIDDEN}' when it rests on fewer than 5 people",
    "mean": f"A mean; '{HIDDEN}' when it rests on fewer than 5 people",
    "p": "A p-value from the Wilcoxon signed-rank test (two-sided)",
}
READY_TITLE = "Your evaluation workbook is ready"


def _sheet_name(measure: str, table: Table, used: set[str]) -> str:
    name = f"{measure} - {table.title}"[:31]
    while name in used:
        name = name[:29] + f"{len(used) % 100:02d}"
    used.add(name)
    return name


@transaction.atomic
def workbook_request(*, actor: User, filters: Filters) -> Workbook:
    from enhance.evaluation.tasks import build_workbook

    book = Workbook.objects.create(requested_by=actor, filters=filters.as_dict(), total=len(MEASURES))
    transaction.on_commit(lambda: build_workbook.enqueue(workbook_id=book.pk))
    return book


def workbook_build(workbook_id: int) -> str:
    book = Workbook.objects.select_related("requested_by").get(pk=workbook_id)
    Workbook.objects.filter(pk=book.pk).update(status=Workbook.Status.BUILDING)
    user, filters = book.requested_by, Filters.from_dict(book.filters)
    sheets: dict[str, Any] = {
        "Filters": [
            ["Filter", "Value"],
            *describe_filters(filters),
            ["Built", f"{timezone.localtime():%d/%m/%Y %H:%M}"],
        ]
    }
    dictionary: list[list[Any]] = [["Sheet", "Column", "Kind", "Meaning", "About the table"]]
    used: set[str] = set(sheets)
    try:
        for done, measure in enumerate(MEASURES.values(), start=1):
            for table in ruled(measure.build, user, filters):
                name = _sheet_name(measure.title, table, used)
                sheets[name] = download_rows(table)
                dictionary += [
                    [name, c.label, c.kind, KIND_MEANING[c.kind], table.about] for c in table.columns
                ]
            Workbook.objects.filter(pk=book.pk).update(done=done)
        sheets["Data dictionary"] = dictionary
        content = xlsx_bytes(sheets)
    except Exception as exc:  # the person is shown it failed rather than a page that spins for ever
        Workbook.objects.filter(pk=book.pk).update(status=Workbook.Status.FAILED, error=str(exc)[:500])
        raise
    book.file.save(
        f"enhance-evaluation-{timezone.localdate():%Y-%m-%d}.xlsx", ContentFile(content), save=False
    )
    book.status, book.finished_at, book.done = Workbook.Status.READY, timezone.now(), len(MEASURES)
    book.save(update_fields=["file", "status", "finished_at", "done"])
    notify(recipient=user, kind="evaluation_workbook_ready", title=READY_TITLE, url=book.get_absolute_url())
    return f"{len(sheets)} sheets"
