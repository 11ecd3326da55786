"""Project and pairing pages: scope of partners and learner lists, one URL per action, and
malformed ids answered with a message, never an error page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enhance.programmes.models import Role
from enhance.projects import projects
from enhance.projects.forms import NOT_A_COHORT_MATE
from enhance.projects.models import Partner, Project
from tests.factories import MembershipFactory, OrganisationFactory, staff_user
from tests.projects.test_pairing import pairing_round, partners  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(world):
    return Partner.objects.create(organisation=world.partner_org, safeguarding_notes="Lone working policy")


@pytest.fixture
def project(world, partner):
    return projects.project_create(
        actor=world["learner"],
        project=Project(lead=world.learner_membership, partner=partner, title="Discharge to shelters"),
    )


def test_a_lead_in_another_region_neither_sees_nor_edits_the_regions_partners(client, world, partner):
    london_lead = staff_user(Role.PROGRAMME_LEAD, programme=world.other_programme)
    client.force_login(london_lead)
    assert "Lone working policy" not in client.get(reverse("projects:partner_list")).content.decode()
    assert world.partner_org.name not in client.get(reverse("projects:partner_list")).content.decode()
    assert client.get(reverse("projects:partner_edit", args=[partner.pk])).status_code == 403
    client.force_login(world["programme_lead"])
    assert world.partner_org.name in client.get(reverse("projects:partner_list")).content.decode()
    assert client.get(reverse("projects:partner_edit", args=[partner.pk])).status_code == 200


def test_a_lead_cannot_add_a_partner_outside_their_regions(client, world):
    from enhance.programmes.models import Organisation, Region

    far = OrganisationFactory(
        name="Camden Outreach", kind=Organisation.Kind.VOLUNTARY, region=Region.objects.get(code="london")
    )
    client.force_login(world["programme_lead"])
    response = client.post(
        reverse("projects:partner_create"), {"organisation": far.pk, "learners_per_year": 2}
    )
    assert response.status_code == 200
    assert "in a region whose programmes you run" in response.content.decode()
    assert not Partner.objects.filter(organisation=far).exists()


def test_a_locality_lead_hands_over_only_to_learners_of_their_locality(client, world, project):
    same = MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
    other = world.second_membership  # Coventry, another locality
    client.force_login(world["locality_lead"])
    url = reverse("projects:handover", args=[project.pk])
    refused = client.post(url, {"to": other.person.email})
    assert refused.status_code == 400 and NOT_A_COHORT_MATE.replace("'", "&#x27;") in refused.content.decode()
    project.refresh_from_db()
    assert project.lead_id == world.learner_membership.pk
    assert client.post(url, {"to": same.person.email.upper()}).status_code == 302
    project.refresh_from_db()
    assert project.lead_id == same.pk


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("projects:co_learner_add", {"member": "abc"}),
        ("projects:handover", {"to": "abc"}),
        ("projects:meeting_add", {"meeting-date": "not a date", "meeting-notes": "x"}),
        ("projects:output_add", {"output-kind": "abstract", "output-date": "abc"}),
    ],
)
def test_malformed_project_input_gets_a_message_and_changes_nothing(client, world, project, url_name, data):
    client.force_login(world["programme_lead"])
    before = project.history.count()
    response = client.post(reverse(url_name, args=[project.pk]), data)
    assert response.status_code == 400
    assert "nhsuk-error-message" in response.content.decode()
    assert project.history.count() == before
    assert not project.meetings.exists() and not project.outputs.exists() and not project.co_learners.exists()


def test_malformed_pairing_and_day_ids_get_a_message(client, world, pairing_round):  # noqa: F811
    client.force_login(world["programme_lead"])
    response = client.post(
        reverse("projects:round_pair", args=[pairing_round.pk]),
        {"membership": "abc", "partner": "1x"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    client.force_login(world["learner"])
    response = client.post(
        reverse("projects:day_plan"), {"pairing": "abc", "date": "2027-01-01"}, follow=True
    )
    assert response.status_code == 200
    assert "Enter the date of the day." in response.content.decode()


def test_each_project_action_has_its_own_address_and_refuses_get(client, world, project):
    client.force_login(world["programme_lead"])
    for name in (
        "projects:output_add",
        "projects:meeting_add",
        "projects:co_learner_add",
        "projects:handover",
    ):
        assert client.get(reverse(name, args=[project.pk])).status_code == 405


def test_my_projects_is_offered_only_to_learners_who_can_open_it(client, world):
    client.force_login(world["learner"])
    assert reverse("projects:my_projects") in client.get(reverse("projects:home")).content.decode()
    client.force_login(world["programme_lead"])
    assert reverse("projects:my_projects") not in client.get(reverse("projects:home")).content.decode()


def test_the_lead_learner_adds_a_cohort_mate_by_email_address(client, world, project):
    client.force_login(world["learner"])
    url = reverse("projects:co_learner_add", args=[project.pk])
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert "Add a co-learner" in page and world.second_membership.person.full_name not in page
    refused = client.post(url, {"member": "nobody@example.org"})
    assert refused.status_code == 400 and not project.co_learners.exists()
    assert client.post(url, {"member": world.second_membership.person.email}).status_code == 302
    assert list(project.co_learners.all()) == [world.second_membership]
