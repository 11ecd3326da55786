"""Attendance figures counted from value queries (`rates.count`) and the kept copy
(`Standing`) give exactly what the earlier single SQL query gave, on random programmes of
learners who join late, leave, pause and take leave, sessions for the whole programme or for
some cohorts and localities, cancelled sessions and every register status."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enhance.programmes.models import Membership, Pause
from enhance.teaching import rates, standing
from enhance.teaching.models import Attendance, LeaveRequest, Session, Standing, Topic
from tests.factories import CohortFactory, LocalityFactory, MembershipFactory
from tests.teaching.reference_rates import with_attendance

NOW = timezone.make_aware(dt.datetime(2027, 2, 15, 12, 30))


def random_programme(world, rng: random.Random) -> list:
    """Before each case: forty learners and sixty sessions of the world's programme."""
    programme = world.programme
    programme.apologies_excused = rng.random() < 0.5
    programme.attendance_threshold = rng.choice([50, 70, 80])
    programme.save()
    cohorts = [
        world.cohort,
        CohortFactory(programme=programme, name="February 2027 intake", intake_date=dt.date(2027, 2, 3)),
    ]
    localities = [None, world.locality, LocalityFactory(programme=programme, name="Leicester")]
    topic = Topic.objects.get(name="Human factors")
    memberships: list = []
    for _ in range(40):
        starts_on = dt.date(2026, 8, 5) + dt.timedelta(days=rng.randrange(-400, 200))
        ends_on = starts_on + dt.timedelta(days=rng.randrange(30, 500))
        memberships.append(
            MembershipFactory(
                programme=programme,
                cohort=rng.choice(cohorts),
                locality=rng.choice(localities),
                starts_on=starts_on,
                ends_on=rng.choice([None, None, ends_on]),
                status=rng.choice(["active"] * 6 + ["completed", "withdrawn", "paused"]),
                status_since=starts_on + dt.timedelta(days=rng.randrange(300)),
            )
        )
    for n in range(60):
        # Between July 2025 and August 2027, some at times near midnight (the local day counts).
        start = timezone.make_aware(
            dt.datetime(2025, 7, 1, rng.choice([0, 9, 14, 23]), rng.choice([0, 30]))
        ) + dt.timedelta(days=rng.randrange(790))
        session = Session.objects.create(
            programme=programme,
            title=f"Session {n}",
            topic=topic,
            mode="virtual",
            online_link="https://meet.example/enhance",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            cancelled=rng.random() < 0.1,
        )
        if rng.random() < 0.4:
            session.cohorts.set(rng.sample(cohorts, 1))
        if rng.random() < 0.3:
            session.localities.set([x for x in rng.sample(localities, 2) if x])
        marked = rng.sample(memberships, rng.randrange(30))
        Attendance.objects.bulk_create(
            Attendance(session=session, membership=m, status=rng.choice(Attendance.Status.values))
            for m in marked
        )
    for m in rng.sample(memberships, 12):
        day = dt.date(2026, 7, 1) + dt.timedelta(days=rng.randrange(400))
        if rng.random() < 0.5:
            Pause.objects.create(
                membership=m, starts_on=day, ends_on=rng.choice([None, day + dt.timedelta(days=60)])
            )
        else:
            LeaveRequest.objects.create(
                membership=m,
                starts_on=day,
                ends_on=day + dt.timedelta(days=rng.randrange(10)),
                days=1,
                status=rng.choice([LeaveRequest.Status.APPROVED, LeaveRequest.Status.SUBMITTED]),
            )
    return memberships


def earlier(memberships: list[Membership], windows=None) -> dict[int, tuple]:
    chosen = Membership.objects.filter(pk__in=[m.pk for m in memberships])
    rows = with_attendance(chosen, now=NOW, windows=windows)
    return {
        m.pk: (
            m.att_attended,
            m.att_expected,
            m.att_upcoming,
            m.att_rate,
            m.att_threshold,
            bool(m.att_reachable),
        )
        for m in rows
    }


def now_counted(memberships: list[Membership], windows=None) -> dict[int, tuple]:
    found = rates.count(memberships, now=NOW, windows=windows)
    return {pk: tuple(f[name] for name in rates.FIGURES) for pk, f in found.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_this_years_figures_are_those_the_earlier_query_gave(world, seed):
    memberships = random_programme(world, random.Random(seed))
    expected = earlier(memberships)
    assert now_counted(memberships) == expected
    assert any(f[1] for f in expected.values()) and any(not f[5] for f in expected.values())


@pytest.mark.parametrize("seed", [4, 5])
def test_whole_programme_figures_are_those_the_earlier_query_gave(world, seed):
    memberships = random_programme(world, random.Random(seed))
    windows = rates.since_start(memberships)
    assert now_counted(memberships, windows) == earlier(memberships, windows)


def test_the_kept_standing_holds_the_same_figures(world):
    memberships = random_programme(world, random.Random(6))
    standing.store([m.pk for m in memberships], NOW)
    kept = {
        s.membership_id: (s.attended, s.expected, s.upcoming, s.rate, s.threshold, s.reachable)
        for s in Standing.objects.all()
    }
    assert kept == earlier(memberships)


def both_counted(memberships: list[Membership]) -> list[dict[int, tuple]]:
    found = rates.count_each(memberships, [None, rates.since_start(memberships)], now=NOW)
    return [{pk: tuple(f[name] for name in rates.FIGURES) for pk, f in one.items()} for one in found]


@pytest.mark.parametrize("seed", [7, 8])
def test_this_year_and_the_whole_programme_counted_together_match_the_earlier_query(world, seed):
    """A learner's page counts both windows from one reading of their audience's sessions; a
    list counts everyone's, over many audiences."""
    memberships = random_programme(world, random.Random(seed))
    expected = [earlier(memberships), earlier(memberships, rates.since_start(memberships))]
    assert both_counted(memberships) == expected
    for m in memberships:
        assert both_counted([m]) == [{m.pk: expected[0][m.pk]}, {m.pk: expected[1][m.pk]}]


def anniversary_years(memberships: list[Membership]) -> dict:
    """Windows like readiness's training year: a year from the anniversary of their start."""
    years = {}
    for m in memberships:
        start = m.starts_on
        while start.replace(year=start.year + 1) <= NOW.date():
            start = start.replace(year=start.year + 1)
        years[m.pk] = rates.Window(start, start.replace(year=start.year + 1))
    return years


def test_a_page_counting_a_narrower_window_again_reuses_its_reading_with_the_same_figures(
    world, django_assert_num_queries
):
    """A learner's home counts this year and the whole programme, then readiness counts the
    anniversary year: inside `read_once` the second count reads only the memberships."""
    memberships = [m for m in random_programme(world, random.Random(9)) if m.starts_on.day != 29]
    years = anniversary_years(memberships)
    expected = earlier(memberships, years)
    for m, other in zip(memberships, memberships[1:] + memberships[:1], strict=True):
        with rates.read_once():
            both_counted([m])
            with django_assert_num_queries(1):
                assert now_counted([m], {m.pk: years[m.pk]}) == {m.pk: expected[m.pk]}
            with CaptureQueriesContext(connection) as afresh:  # someone else is read afresh
                assert now_counted([other], {other.pk: years[other.pk]}) == {other.pk: expected[other.pk]}
            assert len(afresh.captured_queries) >= 4
    cache.clear()  # the audiences' sessions are kept in the cache; the reading is not
    with django_assert_num_queries(5):  # outside the block, nothing is kept
        now_counted(memberships[:1], {memberships[0].pk: years[memberships[0].pk]})


def test_an_audiences_kept_sessions_follow_every_change_to_the_sessions(world, django_assert_num_queries):
    """One learner's figures come from their audience's sessions as kept in the cache: adding,
    cancelling, re-aiming and removing a session each gives the figures the earlier query gives."""
    m = MembershipFactory(
        programme=world.programme, cohort=world.cohort, locality=world.locality, starts_on=dt.date(2026, 8, 5)
    )
    other_cohort = CohortFactory(
        programme=world.programme, name="February 2027 intake", intake_date=dt.date(2027, 2, 3)
    )
    seen = []

    def counted_as_before():
        found = now_counted([m])
        assert found == earlier([m])
        seen.append(found[m.pk])

    counted_as_before()
    with django_assert_num_queries(4):  # the sessions are kept: the second count reads none
        assert now_counted([m]) == {m.pk: seen[0]}
    start = timezone.make_aware(dt.datetime(2027, 1, 10, 10, 0))
    topic = Topic.objects.get(name="Human factors")
    added = [
        Session.objects.create(
            programme=world.programme,
            title=f"Added {n}",
            topic=topic,
            mode="virtual",
            online_link="https://meet.example/enhance",
            starts_at=start + dt.timedelta(days=n),
            ends_at=start + dt.timedelta(days=n, hours=2),
        )
        for n in range(3)
    ]
    counted_as_before()
    added[0].cancelled = True
    added[0].save()
    counted_as_before()
    added[1].cohorts.set([other_cohort])
    counted_as_before()
    added[2].delete()
    counted_as_before()
    assert [s[1] - seen[0][1] for s in seen] == [0, 3, 2, 1, 0]  # sessions expected
