from __future__ import annotations

import datetime as dt

from django_tasks import task

from enhance.core.scheduling import daily


@task()
def deliver_announcement(announcement_id: int) -> int:
    """Send a lead's message to its learners, in the background."""
    from enhance.programmes.announcements import announcement_deliver

    return announcement_deliver(announcement_id)


@daily("programmes_end_expired_roles", at=dt.time(0, 15))
@task()
def end_expired_roles() -> int:
    """Each night: roles past their end date end, and their holders are told."""
    from enhance.programmes.roles import end_expired_roles as end

    return end()


@task()
def commit_import(batch_id: int) -> None:
    """Import a previewed batch of trainees, in the background."""
    from enhance.programmes.import_jobs import import_run

    import_run(batch_id)


@task()
def check_import(batch_id: int) -> None:
    """Check the rows of an uploaded file of trainees, in the background."""
    from enhance.programmes.import_jobs import import_check

    import_check(batch_id)
