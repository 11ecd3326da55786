"""Imports run in the background: pressing "Import" queues the previewed batch, a worker
commits it as the lead who uploaded it, and the lead is told when it is done or why not."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from enhance.accounts.models import User
from enhance.notifications import kinds
from enhance.notifications.services import notify
from enhance.programmes.imports import ALREADY, ONLY_PERSON_WHO_UPLOADED_FILE, import_commit
from enhance.programmes.models import ImportBatch
from enhance.programmes.tasks import commit_import

NOT_IMPORTED_TITLE = "{filename} was not imported"


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
