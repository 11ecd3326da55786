from __future__ import annotations

from django_tasks import task

from enhance.placements import kinds  # noqa: F401  (registers the notification kinds)


@task()
def run_allocation(run_id: int) -> str:
    from enhance.placements.services import allocation_run_execute

    return allocation_run_execute(run_id)
