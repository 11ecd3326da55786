"""Domain coverage for a learner, gap suggestions, and the cohort heat map."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from enhance.curriculum.models import Domain
from enhance.portfolio import services
from enhance.portfolio.models import Reflection
from enhance.teaching import services as teaching
from enhance.teaching.models import Session, Topic
from tests.factories import MembershipFactory
from tests.teaching.test_sessions import START, code_now, series


def domain(n: int) -> Domain:
    return Domain.objects.get(number=n)


def reflect(world, *numbers: int, title="On discharge letters"):
    return services.reflection_save(
        actor=world["learner"],
        reflection=Reflection(title=title, happened="x", visibility="private"),
        domains=[domain(n) for n in numbers],
        themes=[],
        publish=True,
    )


def test_grid_shows_evidence_from_each_area_and_suggests_sessions_for_gaps(client, world):
    (past,) = series(world, repeat="none", count=1)
    past.domains.set([domain(1)])
    with time_machine.travel(START):
        teaching.check_in(actor=world["learner"], session=past, code=code_now(past))
    reflect(world, 2)
    start = timezone.now() + dt.timedelta(days=10)
    upcoming = Session.objects.create(
        programme=world.programme,
        title="Planetary health",
        topic=Topic.objects.first(),
        mode="virtual",
        online_link="https://meet.example/p",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    upcoming.domains.set([domain(5)])
    client.force_login(world["learner"])
    page = client.get(reverse("portfolio:coverage")).content.decode()
    assert "Session: Human factors" in page and "Reflection: On discharge letters" in page
    assert "Planetary health" in page  # suggested for environmental sustainability
    assert page.count("None yet") >= 3


def test_cohort_heat_map_counts_evidence_per_domain_for_managers_only(client, world):
    reflect(world, 2, 2, 6)
    client.force_login(world["programme_lead"])
    page = client.get(reverse("portfolio:cohort_coverage", args=[world.cohort.pk])).content.decode()
    assert "Asha Learner" in page and "Ben Second" in page
    client.force_login(world["faculty"])
    assert (
        "No learners you manage"
        in client.get(reverse("portfolio:cohort_coverage", args=[world.cohort.pk])).content.decode()
        or client.get(reverse("portfolio:cohort_coverage", args=[world.cohort.pk])).status_code == 403
    )
    client.force_login(world["far_learner"])
    assert client.get(reverse("portfolio:cohort_coverage", args=[world.cohort.pk])).status_code == 403


def test_coverage_pages_cost_the_same_whatever_the_evidence(query_count, world):
    reflect(world, 1)
    few = query_count(world["learner"], reverse("portfolio:coverage"))
    for n in range(6):
        reflect(world, 1 + n % 6, 2, title=f"R{n}")
    assert query_count(world["learner"], reverse("portfolio:coverage")) <= few


def test_heat_map_counts_are_the_evidence_the_grid_lists(world, block, opportunities):
    """The heat map counts in the database what the learner's grid lists piece by piece:
    reflections in several domains, sessions with two domains or none, placements."""
    from enhance.placements.models import AllocationRun, Placement
    from enhance.portfolio.coverage import coverage_for, heat_map

    reflect(world, 1, 2)
    reflect(world, 2, title="On handover")
    sessions = series(world, count=3)
    sessions[0].domains.set([domain(1), domain(3)])
    sessions[1].domains.set([domain(3)])
    for session in sessions:
        teaching.register_save(
            actor=world["programme_lead"],
            session=session,
            statuses={world.learner_membership.pk: "present", world.second_membership.pk: "absent"},
        )
    opportunities[0].domains.set([domain(4), domain(5)])
    run = AllocationRun.objects.create(
        block=block, number=1, mode="balanced", instance={}, created_by=world["programme_lead"]
    )
    for m in (world.learner_membership, world.second_membership):
        Placement.objects.create(
            membership=m,
            opportunity=opportunities[0],
            block=block,
            run=run,
            starts_on=block.starts_on,
            ends_on=block.ends_on,
        )
    memberships = [world.learner_membership, world.second_membership]
    domains, rows = heat_map(memberships)
    listed = coverage_for([m.person_id for m in memberships])
    for m, counts in rows:
        assert counts == [len(listed[m.person_id].get(("domain", d.pk), [])) for d in domains]
    assert dict(rows)[world.learner_membership][:5] == [2, 2, 2, 1, 1]
    assert dict(rows)[world.second_membership][:5] == [0, 0, 0, 1, 1]


def test_the_heat_map_of_a_large_cohort_pages_by_name(client, world, query_count):
    for n in range(5):
        MembershipFactory(programme=world.programme, cohort=world.cohort, person__surname=f"Zz{n:02d}")
    url = reverse("portfolio:cohort_coverage", args=[world.cohort.pk])
    few = query_count(world["programme_lead"], url)
    for n in range(5, 55):
        MembershipFactory(programme=world.programme, cohort=world.cohort, person__surname=f"Zz{n:02d}")
    assert query_count(world["programme_lead"], url) <= few
    first = client.get(url).content.decode()
    assert "57 active learners" in first and "Zz47" in first and "Zz48" not in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "Zz48" in second and "Zz54" in second and "Asha Learner" not in second
