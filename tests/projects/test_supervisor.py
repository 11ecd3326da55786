"""A lead names a project's supervisor through the page; the supervisor is told."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from enhance.notifications.models import Notification
from enhance.projects import projects
from enhance.projects.models import Partner, Project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(world):
    partner = Partner.objects.create(organisation=world.partner_org, learners_per_year=3)
    return Project.objects.create(
        lead=world.learner_membership, partner=partner, title="Discharge to hostels"
    )


def test_a_lead_names_the_learner_s_supervisor_and_they_are_told(world, project):
    projects.supervisor_set(actor=world["programme_lead"], project=project, supervisor=world["supervisor"])
    project.refresh_from_db()
    assert project.supervisor == world["supervisor"]
    told = Notification.objects.get(recipient=world["supervisor"])
    assert told.title == projects.SUPERVISING_TITLE.format(title="Discharge to hostels")
    assert project.history.first().supervisor_id == world["supervisor"].pk


def test_only_the_learner_s_supervisors_or_faculty_and_only_by_a_lead(world, project):
    with pytest.raises(ValidationError, match=re.escape(projects.CHOOSE_SUPERVISOR_FROM_LIST)):
        projects.supervisor_set(actor=world["programme_lead"], project=project, supervisor=UserFactory())
    with pytest.raises(PermissionDenied):
        projects.supervisor_set(actor=world["learner"], project=project, supervisor=world["supervisor"])
    projects.supervisor_set(actor=world["programme_lead"], project=project, supervisor=world["faculty"])
    project.refresh_from_db()
    assert project.supervisor == world["faculty"]


def test_the_project_page_sets_the_supervisor_and_refuses_a_stranger(client, world, project):
    client.force_login(world["programme_lead"])
    url = reverse("projects:supervisor_set", args=[project.pk])
    assert client.post(url, {"supervisor": UserFactory().pk}).status_code == 400
    assert client.post(url, {"supervisor": "x"}).status_code == 400
    client.post(url, {"supervisor": world["supervisor"].pk})
    project.refresh_from_db()
    assert project.supervisor == world["supervisor"]
    client.force_login(world["learner"])
    assert client.post(url, {"supervisor": world["faculty"].pk}).status_code in (302, 403)
    project.refresh_from_db()
    assert project.supervisor == world["supervisor"]


def test_the_learner_proposes_a_supervisor_and_a_lead_confirms_it(client, world, project):
    client.force_login(world["learner"])
    url = reverse("projects:supervisor_set", args=[project.pk])
    page = client.post(url, {"supervisor": world["supervisor"].pk}, follow=True).content.decode()
    assert "Your programme lead will confirm" in page and "Waiting for your programme lead" in page
    project.refresh_from_db()
    assert (project.proposed_supervisor, project.supervisor) == (world["supervisor"], None)
    assert Notification.objects.filter(recipient=world["programme_lead"], title__contains="proposes").exists()
    client.force_login(world["programme_lead"])
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert "Save to confirm" in page
    client.post(url, {"supervisor": world["supervisor"].pk})
    project.refresh_from_db()
    assert (project.proposed_supervisor, project.supervisor) == (None, world["supervisor"])


def test_nobody_else_proposes_and_only_a_candidate_can_be_proposed(world, project):
    with pytest.raises(PermissionDenied):
        projects.supervisor_propose(
            actor=world["second_learner"], project=project, supervisor=world["supervisor"]
        )
    with pytest.raises(ValidationError, match=re.escape(projects.CHOOSE_SUPERVISOR_FROM_LIST)):
        projects.supervisor_propose(actor=world["learner"], project=project, supervisor=UserFactory())
