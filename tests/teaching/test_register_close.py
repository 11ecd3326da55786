"""Closing a register: the unmarked become "not recorded" (or excused on leave), once, after the session."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enhance.teaching import services
from enhance.teaching.models import Attendance, LeaveRequest, Session
from enhance.teaching.selectors import attendance_summaries
from enhance.teaching.services.attendance import REGISTER_ALREADY_CLOSED, REGISTER_CLOSES_AFTER_SESSION
from tests.teaching.test_sessions import START, series

pytestmark = pytest.mark.django_db

AFTER = START + dt.timedelta(days=3)


def statuses(session):
    return dict(Attendance.objects.filter(session=session).values_list("membership_id", "status"))


def test_closing_records_the_unmarked_as_not_recorded_and_leave_as_excused(world):
    (session,) = series(world, repeat="none", count=1)
    learner, second = world.learner_membership, world.second_membership
    services.register_save(actor=world["programme_lead"], session=session, statuses={learner.pk: "present"})
    LeaveRequest.objects.create(
        membership=second,
        starts_on=START.date(),
        ends_on=START.date(),
        reason="Exam",
        days=1,
        status=LeaveRequest.Status.APPROVED,
    )
    not_recorded = services.register_close(actor=world["programme_lead"], session=session, now=AFTER)
    assert not_recorded == 0
    assert statuses(session) == {learner.pk: "present", second.pk: "excused"}
    session.refresh_from_db()
    assert session.register_closed_at == AFTER and session.register_closed_by == world["programme_lead"]


def test_a_not_recorded_session_counts_as_expected_and_missed(world):
    (session,) = series(world, repeat="none", count=1)
    m = world.learner_membership
    m.starts_on = START.date() - dt.timedelta(days=30)
    m.save()
    assert services.register_close(actor=world["programme_lead"], session=session, now=AFTER) == 2
    assert statuses(session)[m.pk] == Attendance.Status.NOT_RECORDED
    figures = attendance_summaries([m], AFTER)[m.pk]
    assert (figures["attended"], figures["expected"]) == (0, 1)


def test_a_register_cannot_close_before_the_session_is_over_or_twice(world):
    (session,) = series(world, repeat="none", count=1)
    with pytest.raises(ValidationError, match=re.escape(REGISTER_CLOSES_AFTER_SESSION)):
        services.register_close(
            actor=world["programme_lead"], session=session, now=START + dt.timedelta(hours=1)
        )
    assert statuses(session) == {}
    services.register_close(actor=world["programme_lead"], session=session, now=AFTER)
    with pytest.raises(ValidationError, match=re.escape(REGISTER_ALREADY_CLOSED)):
        services.register_close(actor=world["programme_lead"], session=session, now=AFTER)
    assert Attendance.objects.filter(session=session).count() == 2


def test_a_closed_register_can_still_be_corrected(world):
    (session,) = series(world, repeat="none", count=1)
    services.register_close(actor=world["programme_lead"], session=session, now=AFTER)
    m = world.learner_membership
    services.register_save(actor=world["programme_lead"], session=session, statuses={m.pk: "present"})
    assert statuses(session)[m.pk] == "present"


def test_the_lead_closes_the_register_from_its_page_and_others_are_refused(client, world):
    (session,) = series(world, repeat="none", count=1, start=START - dt.timedelta(days=400))
    url = reverse("teaching:register_close", args=[session.pk])
    for persona in ("learner", "community_lead", "finance_officer"):
        client.force_login(world[persona])
        assert client.post(url).status_code in (403, 404)
    assert Session.objects.get(pk=session.pk).register_closed_at is None
    client.force_login(world["programme_lead"])
    page = client.get(reverse("teaching:register", args=[session.pk])).content.decode()
    assert "Close the register" in page
    page = client.post(url, follow=True).content.decode()
    assert "Register closed: 2 learners not recorded." in page
    assert "Register closed " in page and "Close the register</button>" not in page
