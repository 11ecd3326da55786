"""The partner contact's page: their learners, immersive days and projects, one list at a time,
paged and searchable, at a cost that does not grow with how many learners they host."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enhance.projects.models import ImmersiveDay, Pairing, PairingRound, Partner, Project
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

URL = reverse("projects:partner_view")


@pytest.fixture
def host(world):
    """Adds n learners paired with the contact's organisation, each with a day and a project;
    every other day is already confirmed."""
    partner = Partner.objects.create(organisation=world.partner_org, learners_per_year=500)
    pairing_round = PairingRound.objects.create(
        cohort=world.cohort,
        name="Immersive",
        status=PairingRound.Status.CONFIRMED,
        created_by=world["programme_lead"],
    )
    made = []

    def add(n):
        for _ in range(n):
            m = MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
            pairing = Pairing.objects.create(round=pairing_round, membership=m, partner=partner)
            confirmed = timezone.now() if len(made) % 2 else None
            ImmersiveDay.objects.create(pairing=pairing, date=dt.date(2026, 11, 2), confirmed_at=confirmed)
            Project.objects.create(lead=m, partner=partner, title=f"Project of {m.person.surname}")
            made.append(m)
        return made

    return add


@pytest.mark.parametrize("show", ["learners", "days", "projects"])
def test_each_list_costs_the_same_queries_however_many_learners(query_count, world, host, show):
    host(2)
    small = query_count(world["partner_contact"], URL, {"show": show})
    host(30)
    assert query_count(world["partner_contact"], URL, {"show": show}) <= small


def test_lists_are_paged_counted_and_searchable(client, world, host):
    learners = host(30)
    client.force_login(world["partner_contact"])
    first = client.get(URL).content.decode()
    assert "Learners (30)" in first and "Immersive days (30)" in first and "15 to confirm" in first
    assert first.count("), with ") == 25 and "Next" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert second.count("), with ") == 5

    one = learners[7].person
    one.surname = "Quennell-Farthingdale"  # a surname no other made-up learner has
    one.save()
    Project.objects.filter(lead=learners[7]).update(title=f"Project of {one.surname}")
    found = client.get(URL, {"q": one.surname, "show": "projects"}).content.decode()
    assert f"Project of {one.surname}" in found and "Projects (1)" in found
    assert "No learner with that name" in client.get(URL, {"q": "zzzz-nobody"}).content.decode()

    days = client.get(URL, {"show": "days"}).content.decode()
    assert days.count("Confirm attendance") == 15  # all 15 to confirm come first, on page 1
    assert "Confirmed" in days


def test_bad_choices_show_the_learners_and_say_what_was_wrong(client, world, host):
    host(1)
    client.force_login(world["partner_contact"])
    page = client.get(URL, {"show": "everything", "q": "x" * 101})
    assert page.status_code == 200 and "nhsuk-error-message" in page.content.decode()
    assert "Learners (1)" in page.content.decode()
