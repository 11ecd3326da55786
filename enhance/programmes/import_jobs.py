"""Imports run in the background: an uploaded file is read in the request and its rows are
checked by a worker (the batch's page shows them under way, then the problems by row and
column, or the preview); pressing "Import" queues the previewed batch, a worker commits it as
the lead who uploaded it, and the lead is told when it is done or why not."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from enhance.accounts.models import User
from enhance.notifications import kinds
from enhance.notifications.services import notify
from enhance.programmes.imports import (
    ALREADY,
    NEW_LEARNER,
    ONLY_PERSON_WHO_UPLOADED_FILE,
    Preview,
    RowResult,
    check_rows,
    import_commit,
    read_rows,
)
from enhance.programmes.models import ImportBatch
from enhance.programmes.tasks import check_import, commit_import

NOT_IMPORTED_TITLE = "{filename} was not imported"
COMMIT_FAILED = (
    "The import stopped because of an error on our side and nothing was saved. Please upload the file again."
)
CHECK_FAILED = "The file could not be checked because of an error on our side. Please upload it again."


def stored(rows: list[RowResult]) -> list[dict[str, Any]]:
    """Rows as a batch keeps them (what the preview shows is exactly what lands)."""
    return [{"number": r.number, "values": r.values, "action": r.action} for r in rows]


def batch_create(actor: User, filename: str, data: bytes, rows: list[RowResult], status: str) -> ImportBatch:
    digest = hashlib.sha256(data).hexdigest()
    return ImportBatch.objects.create(
        created_by=actor, filename=filename[:255], sha256=digest, rows=stored(rows), status=status
    )


def import_preview(*, actor: User, filename: str, data: bytes) -> Preview:
    """Read and check a file at once (the API's bulk call). Raises ImportFileError for a file
    that cannot be read; returns a preview with errors per row and column, or with a stored
    batch when all is well."""
    rows = read_rows(data)
    check_rows(actor, rows)
    preview = Preview(rows=rows)
    if not preview.error_rows:
        preview.batch = batch_create(actor, filename, data, rows, ImportBatch.Status.READY)
    return preview


@transaction.atomic
def import_upload(*, actor: User, filename: str, data: bytes) -> ImportBatch:
    """Read a file (ImportFileError when it cannot be read at all) and check its rows in the
    background; nothing in the programme data changes until the lead imports the batch."""
    rows = read_rows(data)
    batch = batch_create(actor, filename, data, rows, ImportBatch.Status.CHECKING)
    transaction.on_commit(lambda: check_import.enqueue(batch_id=batch.pk))
    return batch


def import_check(batch_id: int) -> None:
    """The background check of an uploaded batch: ready with each row's action, or the
    problems by row and column (and nothing stored for import)."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.CHECKING:
        return
    rows = [RowResult(number=r["number"], values=r["values"]) for r in batch.rows]
    try:
        check_rows(batch.created_by, rows)
    except Exception:  # the lead is shown it stopped rather than a page that checks for ever
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED, error=CHECK_FAILED)
        raise
    problems = [{"number": r.number, "errors": r.errors} for r in rows if r.errors]
    found = {"status": ImportBatch.Status.REJECTED, "problems": problems} if problems else {}
    checked = found or {"status": ImportBatch.Status.READY, "rows": stored(rows)}
    ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKING).update(**checked)


def import_summary(batch: ImportBatch) -> dict[str, Any]:
    """How many rows add a learner (and so an invitation) and how many change someone already
    in the programme (shown for the lead to confirm)."""
    actions = [row.get("action", "") for row in batch.rows]
    return {
        "rows": len(actions),
        "new": sum(1 for a in actions if a == NEW_LEARNER),
        "updates": sum(1 for a in actions if "update:" in a),
    }


@transaction.atomic
def import_queue(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Start importing a previewed batch in the background; its page shows it under way, and
    the lead is told when it is done (or why it stopped)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.created_by_id != actor.pk:
        raise PermissionDenied(ONLY_PERSON_WHO_UPLOADED_FILE)
    if batch.status != ImportBatch.Status.READY:
        raise ValidationError(ALREADY.format(status=batch.get_status_display().lower()))
    batch.status = ImportBatch.Status.QUEUED
    batch.save(update_fields=["status"])
    transaction.on_commit(lambda: commit_import.enqueue(batch_id=batch.pk))
    return batch


def import_run(batch_id: int) -> None:
    """The background half: commit the batch as the lead who uploaded it, or record why not."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.QUEUED:
        return
    try:
        import_commit(actor=batch.created_by, batch=batch)
    except ValidationError as exc:
        reason = " ".join(exc.messages)
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED, error=reason)
        notify(
            recipient=batch.created_by,
            kind=kinds.IMPORT_FINISHED.code,
            title=NOT_IMPORTED_TITLE.format(filename=batch.filename),
            body=reason,
            url=batch.get_absolute_url(),
        )
    except Exception:  # nothing was kept (one transaction); the page says so rather than spinning
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED, error=COMMIT_FAILED)
        raise
