"""After a round is confirmed a lead can still pair, move or unpair a learner, with a reason;
partners' places hold, and the learner and the partner contacts are told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from enhance.notifications.models import Notification
from enhance.projects import pairing_changes, services
from enhance.projects.models import ImmersiveDay, Pairing, PairingChange, PairingRound, Partner
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(world):
    """A confirmed round: the learner with the world's partner (one place), the second learner
    unpaired, and a second partner with one place free."""
    home = Partner.objects.create(organisation=world.partner_org, learners_per_year=1)
    other = Partner.objects.create(
        organisation=OrganisationFactory(name="Coventry Refugee Welcome", kind="voluntary"),
        learners_per_year=1,
    )
    lead = world["programme_lead"]
    pairing_round = services.round_create(
        actor=lead,
        pairing_round=PairingRound(cohort=world.cohort, name="Immersive 2026"),
        partners=[home, other],
    )
    services.pairing_set(
        actor=lead, pairing_round=pairing_round, membership=world.learner_membership, partner=home
    )
    services.round_confirm(actor=lead, pairing_round=pairing_round)
    return pairing_round, home, other


def change(world, pairing_round, membership, partner, reason="Asked to move", actor="programme_lead"):
    return pairing_changes.pair(
        actor=world[actor], pairing_round=pairing_round, membership=membership, partner=partner, reason=reason
    )


def test_a_lead_moves_a_paired_learner_and_everyone_involved_is_told(world, confirmed):
    pairing_round, home, other = confirmed
    said = change(world, pairing_round, world.learner_membership, other)
    assert said.startswith(f"{world.learner_membership.person} is now paired with {other}")
    assert Pairing.objects.get(round=pairing_round, membership=world.learner_membership).partner == other
    record = PairingChange.objects.get()
    assert (record.from_partner, record.to_partner, record.reason) == (home, other, "Asked to move")
    assert Notification.objects.filter(
        recipient=world["learner"], title=f"Your immersive-experience partner is now {other}"
    ).exists()
    assert Notification.objects.filter(
        recipient=world["partner_contact"],
        title=f"{world.learner_membership.person} is no longer paired with {home}",
    ).exists()


def test_a_lead_pairs_an_unpaired_learner_only_where_there_is_room(world, confirmed):
    pairing_round, home, other = confirmed
    with pytest.raises(ValidationError) as refused:
        change(world, pairing_round, world.second_membership, home)
    assert "is full" in refused.value.message_dict["partner"][0]
    change(world, pairing_round, world.second_membership, other)
    assert Pairing.objects.filter(round=pairing_round, partner=other).count() == 1


def test_a_change_after_confirmation_needs_a_reason_and_a_real_change(world, confirmed):
    pairing_round, home, _ = confirmed
    with pytest.raises(ValidationError) as refused:
        change(world, pairing_round, world.learner_membership, None, reason=" ")
    assert refused.value.message_dict["reason"] == [pairing_changes.GIVE_A_REASON]
    with pytest.raises(ValidationError, match="already paired with"):
        change(world, pairing_round, world.learner_membership, home)
    assert Pairing.objects.filter(round=pairing_round).count() == 1
    assert not PairingChange.objects.exists()


def test_a_pair_with_immersive_days_keeps_its_partner(world, confirmed):
    pairing_round, _, other = confirmed
    pairing = Pairing.objects.get(round=pairing_round)
    ImmersiveDay.objects.create(pairing=pairing, date=dt.date(2026, 11, 2))
    with pytest.raises(ValidationError, match="immersive days"):
        change(world, pairing_round, world.learner_membership, other)


def test_only_the_round_s_leads_change_pairs(world, confirmed):
    pairing_round, _, other = confirmed
    for persona in ("faculty", "locality_lead", "partner_contact", "learner"):
        with pytest.raises(PermissionDenied):
            change(world, pairing_round, world.learner_membership, other, actor=persona)


def test_the_board_takes_a_reason_and_lists_the_changes(client, world, confirmed):
    pairing_round, _, other = confirmed
    client.force_login(world["programme_lead"])
    url = reverse("projects:round_pair", args=[pairing_round.pk])
    data = {"membership": world.learner_membership.pk, "partner": other.pk, "reason": ""}
    page = client.post(url, data, follow=True).content.decode()
    assert "Say why the pair changes" in page
    page = client.post(url, {**data, "reason": "Nearer home"}, follow=True).content.decode()
    assert "Changes since confirmation" in page and "Nearer home" in page
    page = client.post(url, {**data, "membership": "x"}, follow=True).content.decode()
    assert "Select a valid choice" in page


def test_the_confirmed_board_costs_the_same_whatever_the_changes(query_count, world, confirmed):
    pairing_round, home, other = confirmed
    url = reverse("projects:round", args=[pairing_round.pk])
    before = query_count(world["programme_lead"], url)
    change(world, pairing_round, world.learner_membership, other)
    change(world, pairing_round, world.second_membership, home)
    change(world, pairing_round, world.second_membership, None)
    assert query_count(world["programme_lead"], url) <= before
