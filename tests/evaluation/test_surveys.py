"""Confidence surveys: when each cohort is asked, invitations and reminders, answering once
while a survey is open, and a learner's own answers over time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from enhance.evaluation import surveys
from enhance.evaluation.models import Response, SurveyItem, SurveySchedule, Wave
from enhance.notifications.models import Notification
from enhance.programmes.models import Membership
from tests.factories import CohortFactory, MembershipFactory


def entry_wave(world, opens_on: dt.date, closes_on: dt.date) -> Wave:
    return Wave.objects.create(
        cohort=world.cohort, point="entry", year=0, opens_on=opens_on, closes_on=closes_on
    )


def _all_answers(items, score="4"):
    return {f"item_{i.pk}": (score if i.is_scale else "More community time, please.") for i in items}


def test_a_three_year_cohort_is_asked_at_entry_at_the_end_of_years_1_and_2_and_at_exit(world):
    planned = surveys.planned_waves(world.cohort, SurveySchedule(programme=world.programme), 3)
    assert [(p.label, p.opens_on, p.closes_on) for p in planned] == [
        ("Entry", dt.date(2026, 8, 5), dt.date(2026, 9, 2)),
        ("End of year 1", dt.date(2027, 7, 7), dt.date(2027, 8, 4)),
        ("End of year 2", dt.date(2028, 7, 7), dt.date(2028, 8, 4)),
        ("Exit", dt.date(2029, 7, 7), dt.date(2029, 8, 4)),
    ]


def test_a_one_year_school_without_year_end_surveys_is_asked_at_entry_and_exit(world):
    schedule = SurveySchedule(programme=world.programme, at_year_end=False, open_days=14)
    planned = surveys.planned_waves(world.cohort, schedule, 1)
    assert [(p.label, p.closes_on - p.opens_on) for p in planned] == [
        ("Entry", dt.timedelta(days=14)),
        ("Exit", dt.timedelta(days=14)),
    ]


@time_machine.travel(dt.datetime(2026, 8, 10, 9, 0), tick=False)
def test_the_daily_job_opens_a_due_survey_once_and_invites_the_active_learners(
    world, django_capture_on_commit_callbacks
):
    paused = MembershipFactory(
        programme=world.programme, cohort=world.cohort, status=Membership.Status.PAUSED
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert surveys.waves_open_due() == 1
        assert surveys.waves_open_due() == 0
    wave = Wave.objects.get(cohort=world.cohort)
    assert (wave.label, wave.invited_count) == ("Entry", 2)
    invited = Notification.objects.filter(kind="survey").values_list("recipient__email", flat=True)
    assert sorted(invited) == ["learner2@example.org", "learner@example.org"]
    assert paused.person.email not in invited
    assert not Wave.objects.filter(
        cohort=CohortFactory(programme=world.other_programme, intake_date=dt.date(2027, 1, 5))
    )


def test_a_week_before_closing_only_those_who_have_not_answered_are_reminded_once(world):
    wave = Wave.objects.create(
        cohort=world.cohort,
        point="entry",
        year=0,
        opens_on=dt.date(2026, 8, 5),
        closes_on=dt.date(2026, 9, 2),
        invited_at=dt.datetime(2026, 8, 5, 7, tzinfo=dt.UTC),
    )
    with time_machine.travel(dt.datetime(2026, 8, 27, 9, 0), tick=False):
        items = surveys.items_for(world.programme.pk)
        surveys.response_submit(actor=world["learner"], wave=wave, answers={i.pk: 4 for i in items})
        assert surveys.waves_remind() == 1
        assert surveys.waves_remind() == 0
    reminded = Notification.objects.filter(kind="survey").values_list("recipient__email", flat=True)
    assert list(reminded) == ["learner2@example.org"]


@time_machine.travel(dt.datetime(2026, 8, 20, 9, 0), tick=False)
def test_a_learner_answers_once_and_sees_their_answers(client, world):
    wave = entry_wave(world, dt.date(2026, 8, 5), dt.date(2026, 9, 2))
    client.force_login(world["learner"])
    items = list(surveys.items_for(world.programme.pk))
    page = client.get(reverse("evaluation:my_surveys")).content.decode()
    assert "Entry survey" in page and "You have not answered a survey yet." in page
    url = reverse("evaluation:answer", args=[wave.pk])
    missing = client.post(url, {f"item_{items[0].pk}": "4"})
    assert "Choose a rating from 1 to 5." in missing.content.decode() and not Response.objects.exists()
    assert client.post(url, _all_answers(items)).status_code == 302
    again = client.post(url, _all_answers(items, "2"))
    assert "You have already answered this survey." in again.content.decode()
    assert Response.objects.count() == 1
    mine = client.get(reverse("evaluation:my_surveys")).content.decode()
    assert "No survey is waiting for you." in mine and "More community time, please." in mine


@pytest.mark.parametrize("value", ["0", "6", "four", ""])
def test_a_rating_outside_1_to_5_is_refused(client, world, value):
    wave = entry_wave(world, dt.date(2020, 1, 1), dt.date(2099, 1, 1))
    client.force_login(world["learner"])
    items = list(surveys.items_for(world.programme.pk))
    data = {**_all_answers(items), f"item_{items[0].pk}": value}
    assert client.post(reverse("evaluation:answer", args=[wave.pk]), data).status_code == 200
    assert not Response.objects.exists()


def test_a_closed_survey_is_refused_and_another_cohorts_is_not_reachable(client, world):
    closed = entry_wave(world, dt.date(2020, 1, 1), dt.date(2020, 2, 1))
    client.force_login(world["learner"])
    items = list(surveys.items_for(world.programme.pk))
    page = client.post(reverse("evaluation:answer", args=[closed.pk]), _all_answers(items))
    assert "This survey is closed" in page.content.decode() and not Response.objects.exists()
    client.force_login(world["far_learner"])
    assert client.get(reverse("evaluation:answer", args=[closed.pk])).status_code == 403
    assert client.get(reverse("evaluation:answer", args=[999999])).status_code == 404


def test_a_programme_adds_its_own_question_after_the_national_ones(world):
    own = SurveyItem.objects.create(programme=world.programme, text="How confident are you in frailty care?")
    SurveyItem.objects.create(programme=world.other_programme, text="Not ours")
    texts = [i.text for i in surveys.items_for(world.programme.pk)]
    assert texts[-2] == own.text and "Not ours" not in texts and len(texts) == 14
    assert texts[-1].startswith("Is there anything else")


def test_a_lead_changes_the_schedule_and_sees_the_surveys_planned(client, world):
    client.force_login(world["programme_lead"])
    url = reverse("evaluation:schedule", args=[world.programme.pk])
    assert "Not yet open" in client.get(url).content.decode()
    assert client.post(url, {"at_entry": "on", "at_exit": "on", "open_days": "21"}).status_code == 302
    schedule = SurveySchedule.objects.get(programme=world.programme)
    assert (schedule.at_year_end, schedule.open_days) == (False, 21)
    bad = client.post(url, {"open_days": "3"})
    assert "Ensure this value is greater than or equal to 7." in bad.content.decode()
    assert SurveySchedule.objects.get(programme=world.programme).open_days == 21
