from __future__ import annotations

from django_tasks import task

from enhance.privacy.services import data_export_build


@task()
def build_data_export(export_id: int) -> str:
    return data_export_build(export_id)
