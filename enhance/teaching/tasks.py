from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from enhance.core.scheduling import daily


@daily("teaching_feedback_requests", at=dt.time(7, 0))
@task()
def send_feedback_requests() -> int:
    """Each morning: ask yesterday's attendees for feedback."""
    from enhance.teaching.services import feedback_requests_send

    return feedback_requests_send(timezone.localdate() - dt.timedelta(days=1))
