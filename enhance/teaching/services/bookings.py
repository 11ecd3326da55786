"""Places at sessions with limited capacity, with a waiting list."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from enhance.accounts.models import User
from enhance.notifications.services import notify
from enhance.teaching.access import (
    learner_membership_for,
)
from enhance.teaching.models import Session
from enhance.teaching.notifications import PLACE_OFFERED
from enhance.teaching.services.attendance import _expected
from enhance.teaching.services.sessions import _when

# Messages people see when a rule refuses them (tests assert them by name).
SESSION_NO_LIMIT_PLACES_JUST = "This session has no limit on places: just come along."
BOOKING_CLOSED_SESSION_STARTED = "Booking has closed: the session has started."
YOU_NO_PLACE_SESSION = "You have no place at this session."

# --- Booking places when capacity is limited --------------------------------------------------


@transaction.atomic
def place_book(*, actor: User, session: Session) -> Any:
    """Book a place, or join the waiting list when full. The session row is locked while
    counting, so simultaneous bookings can never exceed the capacity."""
    from enhance.teaching.models import Booking

    membership = _expected(actor, session)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.capacity is None:
        raise ValidationError(SESSION_NO_LIMIT_PLACES_JUST)
    if timezone.now() >= session.starts_at:
        raise ValidationError(BOOKING_CLOSED_SESSION_STARTED)
    existing = Booking.objects.filter(session=session, membership=membership).first()
    if existing:
        return existing
    taken = Booking.objects.filter(session=session, waitlisted=False).count()
    return Booking.objects.create(
        session=session, membership=membership, waitlisted=taken >= session.capacity
    )


@transaction.atomic
def place_cancel(*, actor: User, session: Session) -> None:
    """Give up a place (or leave the waiting list); the first learner waiting gets the place."""
    from enhance.teaching.models import Booking

    membership = learner_membership_for(actor, session)
    session = Session.objects.select_for_update().get(pk=session.pk)
    booking = Booking.objects.filter(session=session, membership=membership).first()
    if booking is None:
        raise ValidationError(YOU_NO_PLACE_SESSION)
    freed = not booking.waitlisted
    booking.delete()
    if freed:
        nxt = (
            Booking.objects.filter(session=session, waitlisted=True)
            .select_related("membership__person__user")
            .first()
        )
        if nxt is not None:
            nxt.waitlisted = False
            nxt.save(update_fields=["waitlisted"])
            if nxt.membership.person.user is not None:
                notify(
                    recipient=nxt.membership.person.user,
                    kind=PLACE_OFFERED.code,
                    title=f"You have a place at {session.title}",
                    body=f"On {_when(session)}.",
                    url=reverse("teaching:session_detail", args=[session.pk]),
                )
