"""Feedback from learners who attended, and the daily requests for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from enhance.accounts.models import User
from enhance.notifications.services import Message, notify_many
from enhance.teaching.access import (
    learner_membership_for,
)
from enhance.teaching.models import Attendance, Session
from enhance.teaching.notifications import FEEDBACK_REQUEST

# Messages people see when a rule refuses them (tests assert them by name).
ONLY_LEARNERS_WHO_ATTENDED_CAN = "Only learners who attended can give feedback."
FEEDBACK_OPENS_NEAR_END_SESSION = "Feedback opens near the end of the session."
CHOOSE_RATING_FROM = "Choose a rating from 1 to 5."
YOU_ALREADY_GIVEN_FEEDBACK_SESSION = "You have already given feedback on this session. Thank you."

FEEDBACK_OPENS_BEFORE_END = dt.timedelta(minutes=15)

# --- Feedback ------------------------------------------------------------------------------


@transaction.atomic
def feedback_give(*, actor: User, session: Session, rating: int, worked: str = "", change: str = "") -> Any:
    from enhance.teaching.models import Feedback

    membership = learner_membership_for(actor, session)
    attended = Attendance.objects.filter(
        session=session, membership=membership, status__in=Attendance.ATTENDED
    )
    if membership is None or not attended.exists():
        raise PermissionDenied(ONLY_LEARNERS_WHO_ATTENDED_CAN)
    if timezone.now() < session.ends_at - FEEDBACK_OPENS_BEFORE_END:
        raise ValidationError(FEEDBACK_OPENS_NEAR_END_SESSION)
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": CHOOSE_RATING_FROM})
    if Feedback.objects.filter(session=session, membership=membership).exists():
        raise ValidationError(YOU_ALREADY_GIVEN_FEEDBACK_SESSION)
    return Feedback.objects.create(
        session=session, membership=membership, rating=rating, worked=worked.strip(), change=change.strip()
    )


def feedback_requests_send(day: dt.date) -> int:
    """Ask everyone who attended a session that ended on `day` for feedback."""
    sessions = Session.objects.filter(ends_at__date=day, cancelled=False)
    attendance = Attendance.objects.filter(
        session__in=sessions, status__in=Attendance.ATTENDED
    ).select_related("session", "membership__person__user")
    messages = [
        Message(
            a.membership.person.user,
            f"How was {a.session.title}?",
            "Two minutes of feedback helps the faculty improve the next session.",
            reverse("teaching:session_detail", args=[a.session_id]),
        )
        for a in attendance
        if a.membership.person.user is not None
    ]
    return len(notify_many(kind=FEEDBACK_REQUEST.code, messages=messages))
