from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from enhance.core.scheduling import daily
from enhance.placements.allocation import allocation_run_execute


@task()
def run_allocation(run_id: int) -> str:
    return allocation_run_execute(run_id)


@task()
def publish_run(run_id: int) -> str:
    from enhance.placements.services import allocation_run_publish_requested

    return allocation_run_publish_requested(run_id)


@daily("placements_closing_reminders", at=dt.time(8, 0))
@task()
def send_closing_reminders() -> int:
    """Each morning: learners who have not ranked a block closing within 48 hours."""
    from enhance.placements.reminders import preferences_closing_send

    return preferences_closing_send(timezone.now())
