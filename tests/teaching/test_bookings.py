"""Places at sessions with limited capacity: booking, the waiting list, and no oversubscription."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections

from enhance.notifications.models import Notification
from enhance.teaching import services
from enhance.teaching.models import Booking
from enhance.teaching.services.bookings import BOOKING_CLOSED_SESSION_STARTED, SESSION_NO_LIMIT_PLACES_JUST
from tests.factories import MembershipFactory
from tests.teaching.test_sessions import START, series


@pytest.fixture
def limited(world):
    (session,) = series(world, repeat="none", count=1)
    session.capacity = 1
    session.save()
    return session


def test_full_sessions_put_learners_on_the_waiting_list_and_free_places_are_offered(world, limited):
    with time_machine.travel(START - dt.timedelta(days=2)):
        assert services.place_book(actor=world["learner"], session=limited).waitlisted is False
        assert services.place_book(actor=world["second_learner"], session=limited).waitlisted is True
        again = services.place_book(actor=world["learner"], session=limited)
        assert Booking.objects.filter(session=limited).count() == 2 and again.waitlisted is False
        services.place_cancel(actor=world["learner"], session=limited)
    assert Booking.objects.get(session=limited).membership == world.second_membership
    assert Booking.objects.get(session=limited).waitlisted is False
    assert Notification.objects.filter(recipient=world["second_learner"], kind="place_offered").exists()


def test_booking_closes_at_the_start_and_unlimited_sessions_need_none(world, limited):
    with (
        time_machine.travel(START + dt.timedelta(minutes=1)),
        pytest.raises(ValidationError, match=re.escape(BOOKING_CLOSED_SESSION_STARTED)),
    ):
        services.place_book(actor=world["learner"], session=limited)
    limited.capacity = None
    limited.save()
    with (
        time_machine.travel(START - dt.timedelta(days=1)),
        pytest.raises(ValidationError, match=re.escape(SESSION_NO_LIMIT_PLACES_JUST)),
    ):
        services.place_book(actor=world["learner"], session=limited)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_never_exceed_capacity(world):
    (session,) = series(world, repeat="none", count=1, start=dt.datetime(2030, 1, 9, 14, 0, tzinfo=dt.UTC))
    session.capacity = 3
    session.save()
    users = [MembershipFactory(programme=world.programme, cohort=world.cohort).person.user for _ in range(12)]
    barrier = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def book(user) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.place_book(actor=user, session=session)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Booking.objects.filter(session=session, waitlisted=False).count() == 3
    assert Booking.objects.filter(session=session, waitlisted=True).count() == 9
