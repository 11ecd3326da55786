"""The daily reminders: each goes to the right people, once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from enhance.core.dates import working_days_before
from enhance.expenses.models import Claim
from enhance.expenses.reminders import claim_chasers_send
from enhance.notifications.models import Notification
from enhance.placements.reminders import preferences_closing_send
from enhance.placements.services import preferences_set
from enhance.teaching import services as teaching
from enhance.teaching.models import LeaveRequest
from enhance.teaching.services.reminders import leave_chasers_send, session_reminders_send
from tests.teaching.test_sessions import START, series

pytestmark = pytest.mark.django_db(transaction=True)


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_working_days_before_skips_the_weekend():
    monday = dt.date(2026, 11, 23)
    assert working_days_before(monday, 1) == dt.date(2026, 11, 20)  # the Friday
    assert working_days_before(monday, 5) == dt.date(2026, 11, 16)


def test_tomorrow_s_session_reminds_its_learners_once_not_those_who_sent_apologies(world):
    (session,) = series(world, repeat="none", count=1)
    with time_machine.travel(START - dt.timedelta(days=2)):
        teaching.apologies_send(actor=world["second_learner"], session=session, note="Nights")
    day_before = START.date() - dt.timedelta(days=1)
    assert session_reminders_send(day_before) == 1
    assert told("session_tomorrow") == [world["learner"].email]
    assert session_reminders_send(day_before) == 0


def test_leave_waiting_five_working_days_is_chased_with_the_leads_once(world):
    request = LeaveRequest.objects.create(
        membership=world.learner_membership,
        starts_on=dt.date(2027, 3, 4),
        ends_on=dt.date(2027, 3, 4),
        reason="Course",
        days=1,
    )
    LeaveRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 11, 16, 9))
    )
    assert leave_chasers_send(dt.date(2026, 11, 20)) == 0  # four working days: not yet
    sent = leave_chasers_send(dt.date(2026, 11, 23))
    assert sent == 2 and told("leave_requested") == sorted(
        [world["programme_lead"].email, world["locality_lead"].email]
    )
    assert leave_chasers_send(dt.date(2026, 11, 24)) == 0


def test_a_claim_waiting_five_working_days_is_chased_once(world):
    Claim.objects.create(
        membership=world.second_membership,
        month=dt.date(2026, 10, 1),
        status=Claim.Status.SUBMITTED,
        submitted_at=timezone.make_aware(dt.datetime(2026, 11, 16, 9)),
    )
    assert claim_chasers_send(dt.date(2026, 11, 23)) == 1  # Coventry: the programme lead only
    assert told("claim_submitted") == [world["programme_lead"].email]
    assert claim_chasers_send(dt.date(2026, 11, 24)) == 0


def test_ranking_closing_within_two_days_reminds_those_who_have_not_ranked_once(world, block, opportunities):
    preferences_set(
        actor=world["learner"],
        block=block,
        membership=world.learner_membership,
        opportunity_ids=[opportunities[0].pk],
    )
    early = block.preferences_close_at - dt.timedelta(days=3)
    assert preferences_closing_send(early) == 0
    soon = block.preferences_close_at - dt.timedelta(hours=30)
    assert preferences_closing_send(soon) == 1
    assert told("preferences_closing") == [world["second_learner"].email]
    assert preferences_closing_send(soon + dt.timedelta(hours=1)) == 0


def test_an_assessor_silent_for_a_week_is_chased_once_with_the_same_link(world):
    from django.core import mail

    from enhance.portfolio.assessments import link_url
    from enhance.portfolio.models import Assessment, AssessmentType
    from enhance.portfolio.reminders import CHASER_SUBJECT, assessor_chasers_send

    now = timezone.now()
    a = Assessment.objects.create(
        person=world.learner_membership.person,
        type=AssessmentType.objects.get(code="OPCAT"),
        setting="community",
        date=dt.date(2026, 11, 2),
        encounter="Clinic",
        assessor_email="gp@nhs.example",
        link_nonce="abc123",
        link_expires_at=now + dt.timedelta(days=6),
    )
    Assessment.objects.filter(pk=a.pk).update(created_at=now - dt.timedelta(days=8))
    expired = Assessment.objects.create(
        person=world.learner_membership.person,
        type=AssessmentType.objects.get(code="OPCAT"),
        setting="community",
        date=dt.date(2026, 10, 2),
        encounter="Clinic",
        assessor_email="old@nhs.example",
        link_nonce="def456",
        link_expires_at=now - dt.timedelta(days=1),
    )
    Assessment.objects.filter(pk=expired.pk).update(created_at=now - dt.timedelta(days=20))
    assert assessor_chasers_send(now) == 1
    (chaser,) = mail.outbox
    assert chaser.to == ["gp@nhs.example"]
    assert chaser.subject == CHASER_SUBJECT.format(
        code="OPCAT", person=world.learner_membership.person.full_name
    )
    assert link_url(a) in chaser.body
    assert assessor_chasers_send(now) == 0


def test_a_learner_red_eight_weeks_before_arcp_and_their_leads_are_warned_once(world):
    from enhance.portfolio.models import RequirementSet, Rule
    from enhance.portfolio.reminders import arcp_red_warnings_send

    rs = RequirementSet.objects.create(programme=world.programme, training_year=1, name="IMY1")
    Rule.objects.create(requirement_set=rs, kind="reflections", target=3)
    today = dt.date(2026, 11, 23)
    m = world.learner_membership
    m.arcp_date = today + dt.timedelta(weeks=7)
    m.save()
    with time_machine.travel(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)):
        assert arcp_red_warnings_send(today) == 3  # the learner, the programme lead, the locality lead
        assert arcp_red_warnings_send(today) == 0
    assert world["learner"].email in told("arcp_red")


def test_insurance_expiring_within_a_month_is_flagged_once_per_expiry(world):
    from enhance.expenses.reminders import insurance_reminders_send

    m = world.learner_membership
    m.holds_driving_licence, m.business_insurance_expires_on = True, dt.date(2026, 12, 10)
    m.save()
    assert insurance_reminders_send(dt.date(2026, 11, 1)) == 0  # more than 30 days away
    assert insurance_reminders_send(dt.date(2026, 11, 23)) == 1
    assert insurance_reminders_send(dt.date(2026, 11, 24)) == 0
    m.business_insurance_expires_on = dt.date(2026, 12, 20)  # renewed for ten days only
    m.save()
    assert insurance_reminders_send(dt.date(2026, 11, 25)) == 1
    assert told("insurance_expiring") == [world["learner"].email] * 2
