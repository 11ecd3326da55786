"""Study leave rules, decisions, excused absences, attendance rates and repeated absences."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from enhance.notifications.models import Notification
from enhance.teaching import selectors, services
from enhance.teaching.models import Attendance, LeaveRequest
from enhance.teaching.services import leave
from enhance.teaching.services.leave import (
    DATES_INCLUDE_SESSION_S_DATE,
    GIVE_REASON_WHEN_YOU_REFUSE,
    HALF_DAY_SINGLE_DATE,
    LAST_DAY_AFTER_FIRST_DAY,
    SPLIT_LEAVE_ACROSS_AUGUST_CHANGEOVER,
    STUDY_LEAVE_CANNOT_REQUESTED_DAYS,
    THOSE_DATES_NO_WORKING_DAYS,
    TOO_FEW_DAYS_LEFT,
    TOO_LITTLE_NOTICE,
    YOU_ALREADY_STUDY_LEAVE_SOME,
)
from tests.teaching.test_sessions import START, series

TODAY = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def today():
    with time_machine.travel(TODAY):
        yield TODAY.date()


def ask(world, start, end=None, **extra):
    return leave.leave_request_submit(
        actor=world["learner"],
        membership=world.learner_membership,
        starts_on=start,
        ends_on=end or start,
        reason="Regional teaching day",
        **extra,
    )


def test_allowance_is_pro_rata_and_pending_requests_count(world, today):
    m = world.learner_membership
    m.wte = Decimal("0.8")
    m.save()
    b = leave.balance(m, today)
    assert (b.standard, b.enhance) == (Decimal("24.0"), Decimal("4.0"))
    ask(world, dt.date(2026, 10, 19), dt.date(2026, 10, 21))  # Mon to Wed: 3 working days
    assert leave.balance(m, today).standard_left == Decimal("21.0")


def test_each_rule_has_its_own_message(world, today):
    with pytest.raises(ValidationError, match=re.escape(STUDY_LEAVE_CANNOT_REQUESTED_DAYS)):
        ask(world, dt.date(2026, 8, 20))
    with pytest.raises(ValidationError, match=re.escape(TOO_LITTLE_NOTICE.split(":")[0].format(weeks=6))):
        ask(world, dt.date(2026, 9, 15))
    with pytest.raises(ValidationError, match=re.escape(LAST_DAY_AFTER_FIRST_DAY)):
        ask(world, dt.date(2026, 11, 5), dt.date(2026, 11, 4))
    with pytest.raises(ValidationError, match=re.escape(THOSE_DATES_NO_WORKING_DAYS)):
        ask(world, dt.date(2026, 10, 17), dt.date(2026, 10, 18))  # a weekend
    with pytest.raises(ValidationError, match=re.escape(HALF_DAY_SINGLE_DATE)):
        ask(world, dt.date(2026, 11, 2), dt.date(2026, 11, 3), part="am")
    with pytest.raises(ValidationError, match=re.escape(SPLIT_LEAVE_ACROSS_AUGUST_CHANGEOVER)):
        ask(world, dt.date(2027, 7, 30), dt.date(2027, 8, 2))
    with pytest.raises(
        ValidationError, match=re.escape(TOO_FEW_DAYS_LEFT.format(days=35, left=30, kind="standard"))
    ):
        ask(world, dt.date(2026, 11, 2), dt.date(2026, 12, 18))
    ask(world, dt.date(2026, 11, 2))
    with pytest.raises(ValidationError, match=re.escape(YOU_ALREADY_STUDY_LEAVE_SOME)):
        ask(world, dt.date(2026, 11, 2), part="pm")
    with pytest.raises(PermissionDenied):
        leave.leave_request_submit(
            actor=world["second_learner"],
            membership=world.learner_membership,
            starts_on=dt.date(2026, 11, 9),
            ends_on=dt.date(2026, 11, 9),
            reason="x",
        )
    assert LeaveRequest.objects.count() == 1


def test_half_days_and_enhance_sessions_use_the_right_allowance(world, today):
    (session,) = series(world, repeat="none", count=1, start=dt.datetime(2026, 11, 4, 13, 0, tzinfo=dt.UTC))
    ask(world, dt.date(2026, 11, 4), part="pm", session=session)
    b = leave.balance(world.learner_membership, today)
    assert (b.enhance_used, b.standard_used) == (Decimal("0.5"), Decimal("0"))
    with pytest.raises(ValidationError, match=re.escape(DATES_INCLUDE_SESSION_S_DATE)):
        ask(world, dt.date(2026, 11, 11), session=session)


def test_lead_approves_or_refuses_with_a_comment_and_absences_become_excused(world, today):
    (session,) = series(world, repeat="none", count=1, start=dt.datetime(2026, 11, 4, 13, 0, tzinfo=dt.UTC))
    request = ask(world, dt.date(2026, 11, 4))
    with pytest.raises(ValidationError, match=re.escape(GIVE_REASON_WHEN_YOU_REFUSE)):
        leave.leave_decide(actor=world["programme_lead"], request=request, approve=False)
    with pytest.raises(PermissionDenied):
        leave.leave_decide(actor=world["faculty"], request=request, approve=True)
    leave.leave_decide(actor=world["locality_lead"], request=request, approve=True)
    assert Notification.objects.filter(recipient=world["learner"], kind="leave_decided").exists()
    with time_machine.travel(dt.datetime(2026, 11, 4, 17, 0, tzinfo=dt.UTC)):
        services.register_save(
            actor=world["programme_lead"], session=session, statuses={world.learner_membership.pk: "absent"}
        )
    assert Attendance.objects.get(session=session).status == "excused"


def test_attendance_rate_and_whether_the_threshold_is_still_reachable(world):
    sessions = series(world, count=4)
    with time_machine.travel(START + dt.timedelta(days=15)):  # three sessions have happened
        services.register_save(
            actor=world["programme_lead"],
            session=sessions[0],
            statuses={world.learner_membership.pk: "present"},
        )
        services.register_save(
            actor=world["programme_lead"],
            session=sessions[1],
            statuses={world.learner_membership.pk: "absent"},
        )
        services.register_save(
            actor=world["programme_lead"],
            session=sessions[2],
            statuses={world.learner_membership.pk: "absent"},
        )
        summary = selectors.attendance_summaries([world.learner_membership])[world.learner_membership.pk]
    assert (summary["attended"], summary["expected"], summary["upcoming"], summary["rate"]) == (1, 3, 1, 33)
    assert summary["reachable"] is False  # at best 2 of 4 = 50% < 70%


def test_leads_hear_of_a_second_absence_in_a_row(world):
    first, second = series(world, count=2)
    with time_machine.travel(START + dt.timedelta(days=8)):
        services.register_save(
            actor=world["programme_lead"], session=first, statuses={world.learner_membership.pk: "absent"}
        )
        assert not Notification.objects.filter(kind="second_absence").exists()
        services.register_save(
            actor=world["programme_lead"], session=second, statuses={world.learner_membership.pk: "absent"}
        )
    warned = Notification.objects.filter(kind="second_absence").values_list("recipient", flat=True)
    assert set(warned) == {world["programme_lead"].pk, world["locality_lead"].pk}


def test_approved_leave_appears_in_the_calendar_feed(client, world, today):
    request = ask(world, dt.date(2026, 11, 2))
    leave.leave_decide(actor=world["programme_lead"], request=request, approve=True)
    client.force_login(world["learner"])
    page = client.get(reverse("calendars:mine"), {"start": "2026-10-20"}).content.decode()
    assert "Study leave" in page
    assert (
        "Study leave" not in client.get(reverse("calendars:mine")).content.decode()
    )  # not in the next 4 weeks


def test_leave_page_per_persona(client, world, today):
    from tests.conftest import PERSONAS

    allowed = {
        "national_admin",
        "regional_lead",
        "programme_lead",
        "locality_lead",
        "learner",
        "second_learner",
        "far_learner",
    }
    for persona in PERSONAS:
        client.force_login(world[persona])
        assert client.get(reverse("teaching:leave")).status_code == (200 if persona in allowed else 403), (
            persona
        )


def test_leads_see_attendance_rates_with_those_at_risk_first(client, world):
    first, second = series(world, count=2)
    with time_machine.travel(START + dt.timedelta(days=8)):
        services.register_save(
            actor=world["programme_lead"],
            session=first,
            statuses={world.learner_membership.pk: "absent", world.second_membership.pk: "present"},
        )
        services.register_save(
            actor=world["programme_lead"],
            session=second,
            statuses={world.learner_membership.pk: "absent", world.second_membership.pk: "present"},
        )
        client.force_login(world["programme_lead"])
        page = client.get(reverse("teaching:attendance")).content.decode()
        client.force_login(world["learner"])
        assert client.get(reverse("teaching:attendance")).status_code == 403
    assert page.index("Asha Learner") < page.index("Ben Second")
    assert "Out of reach" in page and "On track" in page


def test_a_learner_withdraws_a_pending_request_and_cancels_approved_future_leave(client, world, today):
    pending = ask(world, dt.date(2026, 11, 2))
    approved = ask(world, dt.date(2026, 11, 9))
    leave.leave_decide(actor=world["programme_lead"], request=approved, approve=True)
    used = leave.balance(world.learner_membership, today).standard_used
    client.force_login(world["learner"])
    page = client.get(reverse("teaching:leave")).content.decode()
    assert page.count("Withdraw<span") == 2
    for request in (pending, approved):
        client.post(reverse("teaching:leave_withdraw", args=[request.pk]))
        request.refresh_from_db()
        assert request.status == LeaveRequest.Status.WITHDRAWN
    assert leave.balance(world.learner_membership, today).standard_used == used - 2
    told = Notification.objects.filter(recipient=world["programme_lead"], kind="leave_requested")
    assert told.filter(title__contains="withdrew study leave from 9 November (approved)").exists()
    with pytest.raises(ValidationError, match=re.escape(leave.LEAVE_NOT_OPEN.format(status="withdrawn"))):
        leave.leave_withdraw(actor=world["learner"], request=pending)


def test_leave_that_has_started_cannot_be_withdrawn_and_nobody_else_withdraws_it(client, world, today):
    request = ask(world, dt.date(2026, 11, 2))
    leave.leave_decide(actor=world["programme_lead"], request=request, approve=True)
    with pytest.raises(PermissionDenied):
        leave.leave_withdraw(actor=world["programme_lead"], request=request)
    client.force_login(world["second_learner"])
    assert client.post(reverse("teaching:leave_withdraw", args=[request.pk])).status_code == 403
    started = time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC))
    with started, pytest.raises(ValidationError, match=re.escape(leave.LEAVE_STARTED_ASK_LEAD)):
        leave.leave_withdraw(actor=world["learner"], request=request)
    request.refresh_from_db()
    assert request.status == LeaveRequest.Status.APPROVED
