"""Copies of people's data: requested by the person (or a national admin for anyone), built in
the background into one zip: a readable PDF summary, the complete data as JSON, and the
receipts they uploaded."""

from __future__ import annotations

import io
import json
import zipfile

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from enhance.accounts.models import User
from enhance.notifications.services import notify
from enhance.privacy.models import DataExport
from enhance.privacy.notifications import DATA_EXPORT_READY
from enhance.privacy.selectors import personal_data, receipts_of
from enhance.programmes.access import scope_for
from enhance.programmes.models import Person

# Messages people see when a rule refuses them (tests assert them by name).
YOU_CAN_ASK_ONLY_OWN = "You can ask only for your own data."


@transaction.atomic
def data_export_request(*, actor: User, person: Person) -> DataExport:
    """Ask for a copy of `person`'s data. One is built at a time per person: a second request
    while one is on its way returns that one."""
    scope = scope_for(actor)
    if not (scope.admin or scope.person_id == person.pk):
        raise PermissionDenied(YOU_CAN_ASK_ONLY_OWN)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    pending = DataExport.objects.filter(
        person=person, status__in=[DataExport.Status.QUEUED, DataExport.Status.BUILDING]
    ).first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(person=person, requested_by=actor)
    from enhance.privacy.tasks import build_data_export

    transaction.on_commit(lambda: build_data_export.enqueue(export_id=export.pk))
    return export


def export_zip(person: Person) -> bytes:
    from weasyprint import HTML

    data = personal_data(person)
    summary = render_to_string(
        "privacy/summary.html", {"person": person, "data": data, "made": timezone.now()}
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.pdf", HTML(string=summary).write_pdf())
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
        for cost in receipts_of(person):
            with cost.receipt.open("rb") as receipt:
                archive.writestr(f"receipts/{cost.pk}-{cost.receipt.name.rsplit('/', 1)[-1]}", receipt.read())
    return out.getvalue()


def data_export_build(export_id: int) -> str:
    """Build a queued export (claimed with a conditional update: one worker only)."""
    claimed = DataExport.objects.filter(pk=export_id, status=DataExport.Status.QUEUED).update(
        status=DataExport.Status.BUILDING
    )
    if not claimed:
        return "skipped"
    export = DataExport.objects.select_related("person", "requested_by").get(pk=export_id)
    try:
        content = export_zip(export.person)
    except Exception as exc:  # noqa: BLE001 (recorded for the person to see)
        export.status, export.error = DataExport.Status.FAILED, str(exc)[:500]
        export.save(update_fields=["status", "error"])
        return "failed"
    export.file.save(f"enhance-data-{export.person_id}.zip", ContentFile(content), save=False)
    export.status, export.finished_at = DataExport.Status.READY, timezone.now()
    export.save(update_fields=["file", "status", "finished_at"])
    if export.requested_by is not None:
        notify(
            recipient=export.requested_by,
            kind=DATA_EXPORT_READY.code,
            title="The copy of the data you asked for is ready",
            url=export.get_absolute_url(),
        )
    return "ready"
