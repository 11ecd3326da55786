"""Who looked: opening another person's reflection, assessment or claim is logged, and the
person sees who looked and when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from enhance.expenses.models import Claim
from enhance.portfolio.models import Assessment, AssessmentType, Reflection
from enhance.programmes.models import RecordView

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    person = world.learner_membership.person
    return {
        "reflection": Reflection.objects.create(
            person=person, title="Safety-netting", happened="x", draft=False, visibility="supervisor"
        ),
        "assessment": Assessment.objects.create(
            person=person,
            type=AssessmentType.objects.get(code="OPCAT"),
            setting="community",
            date=dt.date(2026, 9, 1),
            encounter="Clinic",
            assessor_email="assessor@example.org",
        ),
        "claim": Claim.objects.create(membership=world.learner_membership, month=dt.date(2026, 10, 1)),
    }


def test_others_opening_a_learners_records_is_logged_and_shown_to_the_learner(client, world, records):
    client.force_login(world["supervisor"])
    client.get(reverse("portfolio:reflection_detail", args=[records["reflection"].pk]))
    client.get(reverse("portfolio:assessment_detail", args=[records["assessment"].pk]))
    client.force_login(world["programme_lead"])
    client.get(reverse("expenses:claim_detail", args=[records["claim"].pk]))
    assert RecordView.objects.count() == 3

    client.force_login(world["learner"])
    page = " ".join(client.get(reverse("programmes:record_views")).content.decode().split())
    assert "viewed <a" in page
    assert "your reflection “Safety-netting”" in page
    assert "your OPCAT assessment of 01 September 2026" in page
    assert "your travel claim for October 2026" in page
    assert page.count(escape(str(world["supervisor"]))) == 2


def test_opening_your_own_records_is_not_logged(client, world, records):
    client.force_login(world["learner"])
    client.get(reverse("portfolio:reflection_detail", args=[records["reflection"].pk]))
    client.get(reverse("expenses:claim_detail", args=[records["claim"].pk]))
    assert not RecordView.objects.exists()
    assert (
        "Nobody else has opened your records yet."
        in client.get(reverse("programmes:record_views")).content.decode()
    )


def test_a_refused_look_is_not_logged(client, world, records):
    client.force_login(world["far_learner"])
    assert (
        client.get(reverse("portfolio:reflection_detail", args=[records["reflection"].pk])).status_code == 403
    )
    assert not RecordView.objects.exists()


def test_the_who_looked_page_costs_the_same_whatever_its_length(client, world, query_count):
    person = world.learner_membership.person
    RecordView.objects.create(person=person, viewer=world["supervisor"], what="a")
    few = query_count(world["learner"], reverse("programmes:record_views"))
    for n in range(30):
        RecordView.objects.create(person=person, viewer=world["programme_lead"], what=f"r{n}")
    assert query_count(world["learner"], reverse("programmes:record_views")) <= few
