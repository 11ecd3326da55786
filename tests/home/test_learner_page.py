"""The learner page: everything about one learner, each section as its area lets the viewer see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enhance.programmes.models import RecordView

pytestmark = pytest.mark.django_db


def page_for(client, user, person_id):
    client.force_login(user)
    response = client.get(reverse("learner", args=[person_id]))
    return response.status_code, response.content.decode()


def test_the_lead_sees_every_section_of_the_learner(client, scene):
    world = scene.world
    status, page = page_for(client, world["programme_lead"], world.learner_membership.person_id)
    assert status == 200
    for heading in (
        'id="attendance"',
        'id="readiness"',
        'id="leave"',
        'id="placements"',
        'id="claims"',
        'id="reflections"',
        'id="assessments"',
        'id="project"',
    ):
        assert heading in page
    assert "Human factors" in page and "Present" in page  # the session attended, as the register has it
    assert reverse("placements:placement_detail", args=[scene.placement.pk]) in page
    assert reverse("expenses:claim_detail", args=[scene.claim.pk]) in page
    assert reverse("projects:project", args=[scene.project.pk]) in page
    assert "Discharge to shelters" in page
    assert "Safety-netting" not in page  # shared with the supervisor only
    assert (
        reverse("portfolio:assessment_detail", args=[scene.assessment.pk]) not in page
    )  # listed, not opened


def test_the_supervisor_sees_reflections_assessments_and_project_but_not_attendance_or_claims(client, scene):
    world = scene.world
    status, page = page_for(client, world["supervisor"], world.learner_membership.person_id)
    assert status == 200
    assert 'id="attendance"' not in page and 'id="leave"' not in page
    assert reverse("expenses:claim_detail", args=[scene.claim.pk]) not in page
    assert "Safety-netting" in page and "Discharge to shelters" in page
    assert reverse("portfolio:assessment_detail", args=[scene.assessment.pk]) in page


def test_viewing_another_person_s_page_is_recorded_for_them(client, scene):
    world = scene.world
    person_id = world.learner_membership.person_id
    page_for(client, world["programme_lead"], person_id)
    page_for(client, world["learner"], person_id)
    views = RecordView.objects.filter(person_id=person_id, what="Learner page")
    assert list(views.values_list("viewer", flat=True)) == [world["programme_lead"].pk]


def test_the_finance_officer_sees_approved_claims_only(client, scene):
    world = scene.world
    status, page = page_for(client, world["finance_officer"], world.learner_membership.person_id)
    assert status == 200
    assert reverse("expenses:claim_detail", args=[scene.approved_claim.pk]) in page
    assert reverse("expenses:claim_detail", args=[scene.claim.pk]) not in page  # still a draft
    assert 'id="attendance"' not in page and 'id="assessments"' not in page


@pytest.mark.parametrize("persona", ["far_learner", "partner_contact", "outsider"])
def test_people_outside_the_learner_s_scope_cannot_open_the_page(client, scene, persona):
    status, _ = page_for(client, scene.world[persona], scene.world.learner_membership.person_id)
    assert status in (403, 404)
