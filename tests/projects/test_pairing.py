"""Partners and pairing learners with them."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from enhance.notifications.models import Notification
from enhance.projects import services
from enhance.projects.models import Pairing, PairingRound, Partner, Population
from enhance.projects.services import (
    CONFIRM_ATTENDANCE_AFTER_DAY,
    PAIRS_ALREADY_CONFIRMED_ROUND,
    PARTNERS_VOLUNTARY_COMMUNITY_ORGANISATIONS,
    PLAN_DAYS_ONCE_PAIRS_CONFIRMED,
)
from tests.factories import OrganisationFactory


@pytest.fixture
def partners(world):
    made = [Partner.objects.create(organisation=world.partner_org, learners_per_year=1)]
    other = OrganisationFactory(name="Coventry Refugee Welcome", kind="voluntary")
    made.append(Partner.objects.create(organisation=other, learners_per_year=1))
    return made


@pytest.fixture
def pairing_round(world, partners):
    return services.round_create(
        actor=world["programme_lead"],
        pairing_round=PairingRound(cohort=world.cohort, name="Immersive 2026"),
        partners=partners,
    )


def test_leads_add_voluntary_organisations_as_partners(world):
    partner = services.partner_save(
        actor=world["programme_lead"],
        partner=Partner(organisation=world.partner_org, learners_per_year=2),
        populations=Population.objects.filter(name__startswith="People experiencing"),
    )
    assert partner.populations.count() == 1
    with pytest.raises(ValidationError, match=re.escape(PARTNERS_VOLUNTARY_COMMUNITY_ORGANISATIONS)):
        services.partner_save(
            actor=world["programme_lead"], partner=Partner(organisation=world.trust), populations=[]
        )
    with pytest.raises(PermissionDenied):
        services.partner_save(
            actor=world["learner"], partner=Partner(organisation=world.partner_org), populations=[]
        )


def test_learners_rank_partners_and_the_solver_pairs_within_capacity(world, partners, pairing_round):
    a, b = partners
    services.choices_set(
        actor=world["learner"],
        pairing_round=pairing_round,
        membership=world.learner_membership,
        partner_ids=[a.pk, b.pk],
    )
    services.choices_set(
        actor=world["second_learner"],
        pairing_round=pairing_round,
        membership=world.second_membership,
        partner_ids=[a.pk],
    )
    with pytest.raises(ValidationError, match=re.escape(services.RANK_EACH_PARTNER_ONCE)):
        services.choices_set(
            actor=world["learner"],
            pairing_round=pairing_round,
            membership=world.learner_membership,
            partner_ids=[a.pk, a.pk],
        )
    assert services.pair_automatically(actor=world["programme_lead"], pairing_round=pairing_round) == 2
    pairs = dict(Pairing.objects.values_list("membership_id", "partner_id"))
    # Fair: both are placed, so the learner who ranked two partners takes their second.
    assert pairs == {world.second_membership.pk: a.pk, world.learner_membership.pk: b.pk}


def test_hand_changes_respect_capacity_and_confirming_tells_only_the_right_contacts(
    world, partners, pairing_round
):
    a, b = partners
    services.pairing_set(
        actor=world["programme_lead"],
        pairing_round=pairing_round,
        membership=world.learner_membership,
        partner=a,
    )
    with pytest.raises(
        ValidationError, match=re.escape(services.PARTNER_FULL.format(partner=a, places=a.learners_per_year))
    ):
        services.pairing_set(
            actor=world["programme_lead"],
            pairing_round=pairing_round,
            membership=world.second_membership,
            partner=a,
        )
    services.round_confirm(actor=world["programme_lead"], pairing_round=pairing_round)
    assert (
        Notification.objects.filter(recipient=world["partner_contact"], kind="partner_learners").count() == 1
    )
    assert Notification.objects.filter(recipient=world["learner"], kind="partner_paired").exists()
    with pytest.raises(ValidationError, match=re.escape(PAIRS_ALREADY_CONFIRMED_ROUND)):
        services.pair_automatically(actor=world["programme_lead"], pairing_round=pairing_round)


def test_partner_contacts_see_only_their_own_learners(client, world, partners, pairing_round):
    a, b = partners
    services.pairing_set(
        actor=world["programme_lead"],
        pairing_round=pairing_round,
        membership=world.learner_membership,
        partner=a,
    )
    services.pairing_set(
        actor=world["programme_lead"],
        pairing_round=pairing_round,
        membership=world.second_membership,
        partner=b,
    )
    services.round_confirm(actor=world["programme_lead"], pairing_round=pairing_round)
    client.force_login(world["partner_contact"])
    page = client.get(reverse("projects:partner_view")).content.decode()
    assert "Asha Learner" in page and "Ben Second" not in page
    assert client.get(reverse("projects:round", args=[pairing_round.pk])).status_code == 403
    client.force_login(world["learner"])
    assert client.get(reverse("projects:partner_view")).status_code == 403
    assert client.get(reverse("projects:partner_list")).status_code == 403


def test_partner_contact_confirms_a_planned_immersive_day_and_the_learner_records_observations(
    world, partners, pairing_round
):
    import datetime as dt

    import time_machine

    a, _ = partners
    services.pairing_set(
        actor=world["programme_lead"],
        pairing_round=pairing_round,
        membership=world.learner_membership,
        partner=a,
    )
    pairing = Pairing.objects.get()
    with pytest.raises(ValidationError, match=re.escape(PLAN_DAYS_ONCE_PAIRS_CONFIRMED)):
        services.day_plan(actor=world["learner"], pairing=pairing, date=dt.date(2026, 12, 1))
    services.round_confirm(actor=world["programme_lead"], pairing_round=pairing_round)
    pairing.refresh_from_db()
    day = services.day_plan(actor=world["learner"], pairing=pairing, date=dt.date(2026, 12, 1))
    with pytest.raises(ValidationError, match=re.escape(CONFIRM_ATTENDANCE_AFTER_DAY)):
        services.day_confirm(actor=world["partner_contact"], day=day)
    with time_machine.travel(dt.datetime(2026, 12, 1, 16, tzinfo=dt.UTC)):
        with pytest.raises(PermissionDenied):
            services.day_confirm(actor=world["learner"], day=day)
        services.day_confirm(actor=world["partner_contact"], day=day)
    services.day_observe(actor=world["learner"], day=day, observations="Outreach van, three services")
    day.refresh_from_db()
    assert day.confirmed_by == world["partner_contact"] and day.observations.startswith("Outreach")


def test_the_pairing_board_pages_and_costs_the_same_whatever_the_cohort(
    client, query_count, world, pairing_round
):
    from tests.factories import MembershipFactory

    url = reverse("projects:round", args=[pairing_round.pk])
    services.pair_automatically(actor=world["programme_lead"], pairing_round=pairing_round)
    before = query_count(world["programme_lead"], url)
    for _ in range(30):
        MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
    services.pair_automatically(actor=world["programme_lead"], pairing_round=pairing_round)
    assert query_count(world["programme_lead"], url) <= before
    assert "Page 2 of 2" in client.get(url).content.decode()
