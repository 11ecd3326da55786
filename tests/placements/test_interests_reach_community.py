"""Learners' interests reach the people who tailor the work, and every community lead of the
receiving organisation hears who is coming."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enhance.notifications.models import Notification
from enhance.placements import services
from enhance.placements.models import Placement
from enhance.programmes.models import Role
from tests.factories import staff_user
from tests.placements.test_placement_pages import start_run

pytestmark = pytest.mark.django_db


def test_every_community_lead_of_the_organisation_is_told_and_sees_interests(
    client, world, ranked_block, opportunities, django_capture_on_commit_callbacks
):
    colleague = staff_user(Role.COMMUNITY_LEAD, organisation=world.community_org)
    services.preferences_set(
        actor=world["learner"],
        block=ranked_block,
        membership=world.learner_membership,
        opportunity_ids=[o.pk for o in opportunities[:5]],
        interests="Frailty and falls",
        learning_needs="Confidence with home visits",
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(world, ranked_block)
    run.refresh_from_db()
    services.allocation_run_publish(actor=world["programme_lead"], run=run)
    for lead in (world["community_lead"], colleague):
        told = Notification.objects.get(recipient=lead, kind="placement_incoming")
        assert told.title == f"5 learners coming for {ranked_block.name}"
    client.force_login(colleague)
    page = client.get(reverse("placements:incoming")).content.decode()
    mine = Placement.objects.get(membership=world.learner_membership)
    assert f'data-testid="interests-{mine.pk}"' in page
    assert "Frailty and falls" in page and "Learning needs: Confidence with home visits" in page


def test_the_partner_contact_sees_each_paired_learner_s_interests(client, world):
    from enhance.projects import services as pairing
    from enhance.projects.models import PairingRound, Partner

    partner = Partner.objects.create(organisation=world.partner_org, learners_per_year=3)
    pairing_round = pairing.round_create(
        actor=world["programme_lead"],
        pairing_round=PairingRound(cohort=world.cohort, name="Immersive"),
        partners=[partner],
    )
    pairing.choices_set(
        actor=world["learner"],
        pairing_round=pairing_round,
        membership=world.learner_membership,
        partner_ids=[partner.pk],
        interest="Health of people sleeping rough",
    )
    pairing.pairing_set(
        actor=world["programme_lead"],
        pairing_round=pairing_round,
        membership=world.learner_membership,
        partner=partner,
    )
    pairing.round_confirm(actor=world["programme_lead"], pairing_round=pairing_round)
    client.force_login(world["partner_contact"])
    page = client.get(reverse("projects:partner_view")).content.decode()
    assert "Interests: Health of people sleeping rough" in page
