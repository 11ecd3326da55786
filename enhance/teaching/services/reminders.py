"""Daily reminders: tomorrow's session to its learners, and study leave waiting more than five
working days to the learner's leads. Each goes once (claimed by a conditional update)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.dates import working_days_before
from enhance.notifications.services import Message, notify_many
from enhance.programmes.services import chase_leads_once
from enhance.teaching.access import expected_memberships
from enhance.teaching.models import Attendance, LeaveRequest, Session
from enhance.teaching.notifications import LEAVE_REQUESTED, SESSION_TOMORROW

LEAVE_CHASE_AFTER_WORKING_DAYS = 5
TOMORROW_TITLE = "Tomorrow: {title}"
TOMORROW_BODY = "{start:%A %-d %B, %H:%M}{where}. Send apologies from the session page if you cannot come."
LEAVE_WAITING_TITLE = "Study leave waiting since {since:%-d %B}: {person}"


def session_reminders_send(today: dt.date) -> int:
    """Remind the learners expected at each session tomorrow (not those who sent apologies)."""
    sent = 0
    for session in Session.objects.filter(
        starts_at__date=today + dt.timedelta(days=1), cancelled=False, reminded_at__isnull=True
    ).select_related("venue"):
        if not Session.objects.filter(pk=session.pk, reminded_at__isnull=True).update(
            reminded_at=timezone.now()
        ):
            continue  # another scheduler got there first
        apologised = Attendance.objects.filter(session=session, status=Attendance.Status.APOLOGIES)
        learners = expected_memberships(session).exclude(pk__in=apologised.values("membership_id"))
        recipients = User.objects.filter(pk__in=learners.values("person__user_id")).only("pk", "is_active")
        where = f" at {session.venue.name}" if session.venue else " (online)"
        body = TOMORROW_BODY.format(start=timezone.localtime(session.starts_at), where=where)
        url = reverse("teaching:session_detail", args=[session.pk])
        title = TOMORROW_TITLE.format(title=session.title)
        messages = [Message(user, title, body, url) for user in recipients]
        sent += len(notify_many(kind=SESSION_TOMORROW.code, messages=messages))
    return sent


def leave_chasers_send(today: dt.date) -> int:
    """Tell the leads once about each study leave request waiting more than five working days."""
    since = working_days_before(today, LEAVE_CHASE_AFTER_WORKING_DAYS)
    waiting = LeaveRequest.objects.filter(
        status=LeaveRequest.Status.SUBMITTED, created_at__date__lte=since, chased_at__isnull=True
    )
    return chase_leads_once(
        waiting,
        kind=LEAVE_REQUESTED.code,
        title=lambda r: LEAVE_WAITING_TITLE.format(since=r.created_at, person=r.membership.person.full_name),
        url=lambda r: reverse("teaching:leave"),
    )
