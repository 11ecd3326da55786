from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from enhance.core.scheduling import daily


@task()
def recount_standings() -> int:
    """After a change: count again the attendance of the learners it touched."""
    from enhance.teaching.standing import refresh_stale

    return refresh_stale()


@daily("teaching_standing_refresh", at=dt.time(2, 30))
@task()
def refresh_standings() -> int:
    """Each night: every active learner's attendance counted for the new day."""
    from enhance.teaching.standing import refresh_all

    return refresh_all()


@daily("teaching_feedback_requests", at=dt.time(7, 0))
@task()
def send_feedback_requests() -> int:
    """Each morning: ask yesterday's attendees for feedback."""
    from enhance.teaching.services import feedback_requests_send

    return feedback_requests_send(timezone.localdate() - dt.timedelta(days=1))


@daily("teaching_out_of_reach_alerts", at=dt.time(7, 15))
@task()
def send_out_of_reach_alerts() -> int:
    """Each morning: tell learners (and their leads) whose attendance can no longer reach the
    threshold this training year, once a year."""
    from enhance.teaching.services import out_of_reach_alerts_send

    return out_of_reach_alerts_send()


@daily("teaching_reminders", at=dt.time(7, 45))
@task()
def send_reminders() -> int:
    """Each morning: tomorrow's sessions to their learners; leave waiting too long to the leads."""
    from enhance.teaching.services.reminders import leave_chasers_send, session_reminders_send

    today = timezone.localdate()
    return session_reminders_send(today) + leave_chasers_send(today)
