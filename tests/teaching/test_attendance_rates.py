"""Who is expected at which session, and the attendance rate that follows: each test is named
for the case it proves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from enhance.core.evidence import Window
from enhance.programmes.models import Membership, Person, Programme
from enhance.programmes.services import membership_update
from enhance.teaching import selectors, services
from enhance.teaching.evidence import count_attendance
from enhance.teaching.models import LeaveRequest
from tests.factories import MembershipFactory
from tests.teaching.test_sessions import START, series

AFTER = START + dt.timedelta(days=47)  # six weekly sessions from 14 October have all ended


def figures(membership: Membership, now: dt.datetime = AFTER) -> tuple:
    found = selectors.attendance_summaries([membership], now)[membership.pk]
    return found["attended"], found["expected"], found["upcoming"], found["rate"]


def mark(world, session, statuses):
    with time_machine.travel(session.ends_at + dt.timedelta(hours=1)):
        services.register_save(actor=world["programme_lead"], session=session, statuses=statuses)


def approved_leave(membership: Membership, day: dt.date) -> None:
    """Before the case: leave the learner asked for and a lead approved."""
    LeaveRequest.objects.create(
        membership=membership, starts_on=day, ends_on=day, status=LeaveRequest.Status.APPROVED, days=1
    )


@pytest.fixture
def six(world):
    return series(world, count=6)


def test_a_mid_year_joiner_is_expected_only_from_their_start(world, six):
    joiner = MembershipFactory(programme=world.programme, cohort=world.cohort, starts_on=dt.date(2026, 11, 1))
    mark(world, six[3], {joiner.pk: "present"})
    assert figures(joiner) == (1, 3, 0, 33)  # 4, 11 and 18 November; not the three before


def test_a_less_than_full_time_learner_is_expected_at_the_same_sessions(world, six):
    ltft = MembershipFactory(programme=world.programme, cohort=world.cohort, wte=Decimal("0.6"))
    for session in six[:3]:
        mark(world, session, {ltft.pk: "present"})
    assert figures(ltft) == (3, 6, 0, 50)
    assert figures(ltft)[1] == figures(world.second_membership)[1]  # a full-time learner's sessions


def test_approved_leave_excuses_a_session_with_no_register_row(world, six):
    m = world.learner_membership
    approved_leave(m, dt.date(2026, 10, 21))
    mark(world, six[0], {m.pk: "present"})
    assert figures(m) == (1, 5, 0, 20)  # 21 October left out, though nobody marked it


def test_attending_on_a_day_of_leave_still_counts(world, six):
    m = world.learner_membership
    approved_leave(m, dt.date(2026, 10, 14))
    mark(world, six[0], {m.pk: "present"})
    assert figures(m)[:2] == (1, 6)


def test_a_learner_who_left_is_not_expected_after_leaving(world, six):
    m = world.learner_membership
    mark(world, six[0], {m.pk: "present"})
    membership_update(
        actor=world["programme_lead"],
        membership=m,
        status=Membership.Status.WITHDRAWN,
        status_since=dt.date(2026, 10, 25),
    )
    assert figures(Membership.objects.get(pk=m.pk)) == (1, 2, 0, 50)  # 14 and 21 October only


def test_a_paused_learner_is_not_expected_during_the_pause(world, six):
    m = world.learner_membership
    membership_update(
        actor=world["programme_lead"],
        membership=m,
        status=Membership.Status.PAUSED,
        status_since=dt.date(2026, 10, 20),
    )
    m.refresh_from_db()
    membership_update(
        actor=world["programme_lead"],
        membership=m,
        status=Membership.Status.ACTIVE,
        status_since=dt.date(2026, 11, 10),
    )
    assert figures(m)[1] == 3  # 14 October, 11 and 18 November; the pause covered three


def test_apologies_count_as_missed_unless_the_programme_lets_them_excuse(world, six):
    m = world.learner_membership
    with time_machine.travel(six[0].starts_at - dt.timedelta(days=1)):
        services.apologies_send(actor=world["learner"], session=six[0], note="Night shifts")
    assert figures(m)[:2] == (0, 6)
    Programme.objects.filter(pk=world.programme.pk).update(apologies_excused=True)
    assert figures(m)[:2] == (0, 5)


def test_rates_cover_the_current_training_year_only(world):
    last_year = series(world, count=2, start=START.replace(year=2025))
    this_year = series(world, count=1)
    mark(world, last_year[0], {world.learner_membership.pk: "absent"})
    mark(world, this_year[0], {world.learner_membership.pk: "present"})
    # The learner started in August 2026: the 2025 sessions were before them and before the
    # training year; only this year's session counts.
    assert figures(world.learner_membership) == (1, 1, 0, 100)
    Programme.objects.filter(pk=world.programme.pk).update(year_start_month=11)
    assert figures(world.learner_membership, START + dt.timedelta(days=30))[1] == 0  # year began 1 November


def test_sessions_for_another_cohort_are_not_expected(world, six):
    from tests.factories import CohortFactory

    other = CohortFactory(
        programme=world.programme, name="August 2025 intake", intake_date=dt.date(2025, 8, 6)
    )
    elsewhere = MembershipFactory(programme=world.programme, cohort=other)
    assert figures(elsewhere)[:3] == (0, 0, 0)


def test_the_arcp_attendance_rule_counts_within_its_window(world, six):
    m = world.learner_membership
    for session in six:
        mark(world, session, {m.pk: "present" if session.starts_at.day in (14, 21) else "absent"})
    october = Window(dt.date(2026, 10, 1), dt.date(2026, 11, 1))
    with time_machine.travel(AFTER):
        counted = count_attendance(None, [m], {m.pk: october})[m.pk]
    assert counted.count == 67  # 2 of the 3 October sessions
    assert counted.evidence == ["2 of 3 sessions"]


def test_the_attendance_list_puts_the_learner_most_at_risk_on_page_one(client, world, six):
    """The at-risk learner sorts last by name, beyond the first page of 25: the order is
    across every learner, not within a page."""
    crowd = [
        MembershipFactory(programme=world.programme, cohort=world.cohort, person__surname=f"A{n:02d}")
        for n in range(30)
    ]
    worst = MembershipFactory(programme=world.programme, cohort=world.cohort, person__surname="Zephyr")
    for session in six:
        mark(world, session, {**{c.pk: "present" for c in crowd}, worst.pk: "absent"})
    with time_machine.travel(AFTER):
        client.force_login(world["programme_lead"])
        response = client.get(reverse("teaching:attendance"))
        assert response.status_code == 200, response
        first = response.content.decode()
        second = client.get(reverse("teaching:attendance"), {"page": 2}).content.decode()
    assert "Zephyr" in first and "Out of reach" in first
    assert "Zephyr" not in second


def test_learner_and_leads_are_told_once_when_the_threshold_is_out_of_reach(world):
    from enhance.notifications.models import Notification
    from enhance.teaching.services import out_of_reach_alerts_send

    sessions = series(world, count=4)
    m = world.learner_membership
    Person.objects.filter(pk=m.person_id).update(preferred_name="Sunny", surname="Learner")
    mark(world, sessions[0], {m.pk: "absent", world.second_membership.pk: "present"})
    with time_machine.travel(sessions[0].ends_at + dt.timedelta(hours=2)):
        assert out_of_reach_alerts_send() == 0  # 0 of 1 so far, but 3 of 4 is still possible
    mark(world, sessions[1], {m.pk: "absent", world.second_membership.pk: "present"})
    with time_machine.travel(sessions[1].ends_at + dt.timedelta(hours=2)):
        assert out_of_reach_alerts_send() == 1  # at best 2 of 4 = 50%, under 70%
        assert out_of_reach_alerts_send() == 0
    told = set(
        Notification.objects.filter(kind="attendance_out_of_reach").values_list("recipient", flat=True)
    )
    assert told == {world["learner"].pk, world["programme_lead"].pk, world["locality_lead"].pk}
    lead_told = Notification.objects.get(kind="attendance_out_of_reach", recipient=world["programme_lead"])
    assert lead_told.title == "Sunny Learner's attendance can no longer reach the threshold this year"
    assert lead_told.body.startswith("Attendance this training year is 0% and the programme asks for 70%")
    assert lead_told.url == reverse("learner", args=[m.person_id])


def test_locality_leads_filter_attendance_to_their_locality_and_export_it(client, world, six):
    from tests.factories import LocalityFactory

    here = world.learner_membership.locality
    elsewhere = LocalityFactory(programme=world.programme, name="Staffordshire")
    away = MembershipFactory(
        programme=world.programme,
        cohort=world.cohort,
        locality=elsewhere,
        person__surname="Elsewhereton",  # a name no signed-in lead's random name can contain
    )
    for session in six:
        mark(world, session, {world.learner_membership.pk: "absent", away.pk: "present"})
    with time_machine.travel(AFTER):
        client.force_login(world["locality_lead"])
        page = client.get(reverse("teaching:attendance")).content.decode()
        assert "Asha Learner" in page and away.person.surname not in page
        client.force_login(world["programme_lead"])
        url = reverse("teaching:attendance")
        mine = client.get(url, {"locality": here.pk, "standing": "out_of_reach"}).content.decode()
        assert "Asha Learner" in mine and "Ben Second" not in mine and away.person.surname not in mine
        on_track = client.get(url, {"standing": "on_track"}).content.decode()
        assert away.person.surname in on_track and "Asha Learner" not in on_track
        export = client.get(reverse("teaching:attendance_export", args=["csv"]), {"locality": elsewhere.pk})
    lines = export.getvalue().decode().splitlines()
    assert lines[0].startswith("Learner,Email,Programme,Cohort,Locality,Attended,Expected")
    assert len(lines) == 2 and lines[1].endswith(",Staffordshire,6,6,100,On track")


def test_bad_attendance_filters_and_formats_are_refused_cleanly(client, world):
    client.force_login(world["programme_lead"])
    page = client.get(reverse("teaching:attendance"), {"cohort": "abc", "standing": "nonsense"})
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    assert client.get(reverse("teaching:attendance_export", args=["pdf"])).status_code == 404


def test_the_alert_job_tells_many_learners_at_a_flat_query_cost(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enhance.notifications.models import Notification
    from enhance.teaching.services import out_of_reach_alerts_send

    sessions = series(world, count=4)
    after = sessions[1].ends_at + dt.timedelta(hours=2)

    def absent_twice(n):
        crowd = [MembershipFactory(programme=world.programme, cohort=world.cohort) for _ in range(n)]
        for session in sessions[:2]:
            mark(world, session, {m.pk: "absent" for m in crowd})
        return crowd

    with time_machine.travel(after):
        out_of_reach_alerts_send()  # the world's own learners
        absent_twice(2)
        with CaptureQueriesContext(connection) as few:
            assert out_of_reach_alerts_send() == 2
        crowd = absent_twice(15)
        with CaptureQueriesContext(connection) as many:
            assert out_of_reach_alerts_send() == 15
    assert len(many.captured_queries) <= len(few.captured_queries)
    told = Notification.objects.filter(kind="attendance_out_of_reach", recipient=world["programme_lead"])
    assert told.filter(title__contains=crowd[-1].person.surname).exists()
