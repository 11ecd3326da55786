from __future__ import annotations

from django_tasks import task

from enhance.placements.allocation import allocation_run_execute


@task()
def run_allocation(run_id: int) -> str:
    return allocation_run_execute(run_id)
