from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import task

from enhance.core.scheduling import daily
from enhance.evaluation.counting import measure_count
from enhance.evaluation.surveys import waves_open_due, waves_remind
from enhance.evaluation.workbook import workbook_build


@task()
def build_workbook(workbook_id: int) -> str:
    return workbook_build(workbook_id)


@task()
def count_measure(user_id: int, slug: str, filters: dict[str, Any]) -> str:
    return measure_count(user_id, slug, filters)


@daily("evaluation_surveys", at=dt.time(7, 0))
@task()
def open_and_remind_surveys() -> dict[str, int]:
    """Open the confidence surveys that are due (inviting each cohort) and remind, a week before
    a survey closes, those who have not answered."""
    return {"opened": waves_open_due(), "reminded": waves_remind()}
