from __future__ import annotations

import datetime as dt

from django_tasks import task

from enhance.core.scheduling import daily
from enhance.privacy.erasure import retention_apply
from enhance.privacy.services import data_export_build


@task()
def build_data_export(export_id: int) -> str:
    return data_export_build(export_id)


@daily("privacy_retention", at=dt.time(2, 30))
@task()
def apply_retention_rules() -> dict[str, int]:
    """Delete or clear what the retention rules say has been kept long enough."""
    return retention_apply()
