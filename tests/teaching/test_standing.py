"""The attendance kept per learner (`Standing`): counted again after any change it depends on,
in the background once the change commits; each night for everyone; and the lists that read
it say when a large recount is still under way instead of making the lead wait."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from enhance.core.scheduling import registered_daily_jobs
from enhance.programmes.models import Pause
from enhance.teaching import services, standing
from enhance.teaching.models import Standing
from tests.factories import MembershipFactory
from tests.teaching.test_attendance_rates import AFTER, mark
from tests.teaching.test_sessions import series


def kept(membership) -> tuple:
    s = Standing.objects.get(membership=membership)
    return s.attended, s.expected, s.rate, s.stale


@pytest.fixture
def six(world):
    return series(world, count=6)


def test_a_saved_register_is_counted_again_once_it_commits(world, six, django_capture_on_commit_callbacks):
    m = world.learner_membership
    with time_machine.travel(AFTER):
        standing.refresh_all()
        assert kept(m) == (0, 6, 0, False)
        with django_capture_on_commit_callbacks(execute=True) as queued:
            mark(world, six[0], {m.pk: "present", world.second_membership.pk: "present"})
    assert len(queued) == 1  # one recount however many rows the register changed
    assert kept(m) == (1, 6, 17, False)
    assert kept(world.second_membership) == (1, 6, 17, False)


def test_a_pause_marks_the_learner_stale_at_once_and_queues_one_recount(
    world, six, django_capture_on_commit_callbacks
):
    m = world.learner_membership
    with time_machine.travel(AFTER):
        standing.refresh_all()
        with django_capture_on_commit_callbacks() as queued:
            Pause.objects.create(membership=m, starts_on=dt.date(2026, 10, 1))
            Pause.objects.create(membership=world.second_membership, starts_on=dt.date(2026, 10, 1))
        assert kept(m)[3] is True and kept(world.second_membership)[3] is True
        assert len(queued) == 1
        queued[0]()
    assert kept(m) == (0, 0, None, False)


def test_the_list_counts_a_few_stale_learners_before_it_reads(client, world, six):
    m = world.learner_membership
    with time_machine.travel(AFTER):
        standing.refresh_all()
        mark(world, six[0], {m.pk: "present"})  # not committed in this test: still marked stale
        assert kept(m)[3] is True
        client.force_login(world["programme_lead"])
        page = client.get(reverse("teaching:attendance")).content.decode()
    assert kept(m) == (1, 6, 17, False)
    assert "being counted again" not in page


def test_a_large_recount_is_left_to_the_background_and_the_list_says_so(client, world, six, monkeypatch):
    monkeypatch.setattr(standing, "INLINE", 1)
    queued = []
    monkeypatch.setattr(standing, "_queue_recount", lambda: queued.append(1))
    with time_machine.travel(AFTER):
        client.force_login(world["programme_lead"])
        page = client.get(reverse("teaching:attendance")).content.decode()
    assert "The attendance of 2 learners is being counted again in the background" in page
    assert "Not yet counted" in page and queued == [1]
    assert not Standing.objects.exists()


def test_each_night_everyone_is_counted_for_the_new_day(world, six):
    job, at = registered_daily_jobs()["teaching_standing_refresh"]
    assert at < registered_daily_jobs()["teaching_out_of_reach_alerts"][1]
    with time_machine.travel(six[2].ends_at + dt.timedelta(hours=1)):
        job.call()
    assert kept(world.learner_membership) == (0, 3, 0, False)
    with time_machine.travel(AFTER):
        assert job.call() == 3  # counted yesterday or before: the three active learners again
        assert job.call() == 0
    assert kept(world.learner_membership) == (0, 6, 0, False)


def test_a_learner_who_joins_is_counted_when_first_read(client, world, six):
    with time_machine.travel(AFTER):
        standing.refresh_all()
        joiner = MembershipFactory(programme=world.programme, cohort=world.cohort, person__surname="Newcomb")
        client.force_login(world["programme_lead"])
        page = client.get(reverse("teaching:attendance"), {"q": "Newcomb"}).content.decode()
    assert "Newcomb" in page and "0 of 6" in page
    assert kept(joiner)[:2] == (0, 6)


def test_the_morning_alert_counts_again_what_was_counted_yesterday(world, six):
    m = world.learner_membership
    mark(world, six[0], {m.pk: "absent", world.second_membership.pk: "present"})
    with time_machine.travel(six[0].ends_at + dt.timedelta(hours=2)):
        standing.refresh_all()
        assert Standing.objects.get(membership=m).reachable  # at best 5 of 6
    # A week later the next session has passed unmarked: at best 4 of 6, under 70%.
    with time_machine.travel(six[1].ends_at + dt.timedelta(hours=20)):
        assert services.out_of_reach_alerts_send() == 1
    assert Standing.objects.get(membership=m).reachable is False
