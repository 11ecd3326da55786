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
