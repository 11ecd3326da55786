from __future__ import annotations

import datetime as dt

from django_tasks import task

from enhance.core.scheduling import daily


@daily("project_milestone_reminders", at=dt.time(7, 30))
@task()
def milestone_reminders() -> int:
    from enhance.projects.projects import send_milestone_reminders

    return send_milestone_reminders()
