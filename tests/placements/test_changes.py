"""After publication a lead places, moves, swaps and withdraws placements, with a reason; the
published run keeps its result, capacities hold, and learners and community leads are told."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse

from enhance.notifications.models import Notification
from enhance.placements import allocation, changes, services
from enhance.placements.models import ClinicEntry, OpportunityType, Placement, PlacementChange
from tests.conftest import BLOCK_START
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world, ranked_block):
    """The block published, with one learner of the cohort who never ranked (so unplaced)."""
    unranked = MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
    run = services.allocation_run_start(actor=world["programme_lead"], block=ranked_block, mode="balanced")
    allocation.allocation_run_execute(run.pk)
    run.refresh_from_db()
    services.allocation_run_publish(actor=world["programme_lead"], run=run)
    return ranked_block, unranked, run


def room_left(block, opportunity):
    return opportunity.capacity - Placement.objects.filter(block=block, opportunity=opportunity).count()


def with_room(block, opportunities, driver=False):
    return next(o for o in opportunities if room_left(block, o) > 0 and (driver or not o.requires_driver))


def full(block, opportunities):
    return next(o for o in opportunities if room_left(block, o) == 0 and not o.requires_driver)


def test_a_lead_places_an_unplaced_learner_who_and_the_community_lead_are_told(
    world, published, opportunities
):
    block, unranked, run = published
    target = with_room(block, opportunities)
    changes.placement_place(
        actor=world["programme_lead"],
        block=block,
        membership=unranked,
        opportunity=target,
        reason="Late joiner",
    )
    placement = Placement.objects.get(block=block, membership=unranked)
    assert placement.opportunity == target and placement.rank is None and placement.run == run
    change = PlacementChange.objects.get(block=block)
    assert (change.kind, change.to_opportunity, change.reason) == ("placed", target, "Late joiner")
    assert Notification.objects.filter(
        recipient=unranked.person.user, title=f"Your placement: {target}"
    ).exists()
    assert Notification.objects.filter(
        recipient=world["community_lead"], title__startswith=f"{unranked.person} is coming to {target}"
    ).exists()
    run.refresh_from_db()
    assert unranked.pk in run.result["unassigned"], "the published run keeps its result"


def test_placing_in_a_full_opportunity_is_refused_and_changes_nothing(world, published, opportunities):
    block, unranked, _ = published
    target = full(block, opportunities)
    with pytest.raises(ValidationError) as refused:
        changes.placement_place(
            actor=world["programme_lead"], block=block, membership=unranked, opportunity=target, reason="x"
        )
    assert "no place left" in refused.value.message_dict["opportunity"][0]
    assert not Placement.objects.filter(membership=unranked).exists()
    assert not PlacementChange.objects.exists()


def test_a_move_tells_the_learner_and_both_community_leads(world, published, opportunities):
    block, _, _ = published
    placement = Placement.objects.get(block=block, membership=world.learner_membership)
    target = with_room(block, opportunities)
    changes.placement_move(
        actor=world["programme_lead"],
        block=block,
        membership=world.learner_membership,
        opportunity=target,
        reason="Closer to home",
    )
    placement.refresh_from_db()
    assert placement.opportunity == target
    lead_titles = set(
        Notification.objects.filter(recipient=world["community_lead"]).values_list("title", flat=True)
    )
    assert any(t.startswith(f"{world.learner_membership.person} is no longer coming") for t in lead_titles)
    assert any(t.startswith(f"{world.learner_membership.person} is coming to {target}") for t in lead_titles)


def test_a_swap_exchanges_two_placements(world, published):
    block, _, _ = published
    first = Placement.objects.get(block=block, membership=world.learner_membership)
    second = Placement.objects.get(block=block, membership=world.second_membership)
    a, b = first.opportunity, second.opportunity
    changes.placement_swap(
        actor=world["programme_lead"],
        block=block,
        membership=world.learner_membership,
        other=world.second_membership,
        reason="Both asked",
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.opportunity, second.opportunity) == (b, a)
    assert PlacementChange.objects.get().other == world.second_membership


def test_withdrawing_needs_a_reason_and_then_frees_the_place(world, published):
    block, _, _ = published
    placement = Placement.objects.get(block=block, membership=world.learner_membership)
    with pytest.raises(ValidationError) as refused:
        changes.placement_withdraw(
            actor=world["programme_lead"], block=block, membership=world.learner_membership, reason="  "
        )
    assert refused.value.message_dict["reason"] == [changes.GIVE_A_REASON]
    assert Placement.objects.filter(pk=placement.pk).exists()
    changes.placement_withdraw(
        actor=world["programme_lead"],
        block=block,
        membership=world.learner_membership,
        reason="Went on leave",
    )
    assert not Placement.objects.filter(pk=placement.pk).exists()
    assert Notification.objects.filter(
        recipient=world["learner"], title=f"Your placement at {placement.opportunity} was withdrawn"
    ).exists()


def test_a_placement_with_logged_clinics_cannot_change(world, published, opportunities):
    block, _, _ = published
    placement = Placement.objects.get(block=block, membership=world.learner_membership)
    ClinicEntry.objects.create(
        placement=placement,
        date=BLOCK_START,
        clinic_type=OpportunityType.objects.first(),
        site="A",
        supervisor="B",
    )
    with pytest.raises(ValidationError, match="logged clinics"):
        changes.placement_withdraw(
            actor=world["programme_lead"], block=block, membership=world.learner_membership, reason="x"
        )


def test_changes_need_a_published_block_and_a_lead_of_it(world, ranked_block, opportunities):
    with pytest.raises(ValidationError, match="not published"):
        changes.placement_place(
            actor=world["programme_lead"],
            block=ranked_block,
            membership=world.learner_membership,
            opportunity=opportunities[0],
            reason="x",
        )
    for persona in ("faculty", "locality_lead", "community_lead", "learner"):
        with pytest.raises(PermissionDenied):
            changes.placement_withdraw(
                actor=world[persona], block=ranked_block, membership=world.learner_membership, reason="x"
            )


def test_the_change_page_puts_errors_next_to_fields_and_lists_changes_on_the_block(
    client, world, published, opportunities
):
    block, unranked, _ = published
    client.force_login(world["programme_lead"])
    url = reverse("placements:placement_change", args=[block.pk, unranked.pk])
    page = client.post(url, {"action": "place", "reason": ""}).content.decode()
    assert "Choose the opportunity." in page and "This field is required." in page
    page = client.post(url, {"action": "place", "opportunity": "abc", "reason": "x"}).content.decode()
    assert "Select a valid choice" in page
    assert not PlacementChange.objects.exists()
    target = with_room(block, opportunities)
    response = client.post(url, {"action": "place", "opportunity": target.pk, "reason": "Joined late"})
    assert response.status_code == 302
    page = client.get(reverse("placements:block_detail", args=[block.pk])).content.decode()
    assert "Joined late" in page and "Changes since publication" in page
    wrong = reverse("placements:placement_change", args=[block.pk, 999999])
    assert client.get(wrong).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_leads_placing_into_the_last_place_at_once_fill_it_once(world, published, opportunities):
    block, unranked, _ = published
    other = MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
    target = with_room(block, opportunities)
    for _ in range(room_left(block, target) - 1):
        extra = MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
        changes.placement_place(
            actor=world["programme_lead"], block=block, membership=extra, opportunity=target, reason="fill"
        )
    barrier, outcomes = threading.Barrier(2), []

    def place(membership) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            changes.placement_place(
                actor=world["programme_lead"],
                block=block,
                membership=membership,
                opportunity=target,
                reason="r",
            )
            outcomes.append("placed")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=place, args=(m,)) for m in (unranked, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["placed", "refused"]
    assert room_left(block, target) == 0


def test_the_change_page_and_the_published_block_cost_the_same_whatever_the_changes(
    query_count, world, published, opportunities
):
    block, unranked, _ = published
    lead = world["programme_lead"]
    urls = [
        reverse("placements:placement_change", args=[block.pk, unranked.pk]),
        reverse("placements:block_detail", args=[block.pk]),
    ]
    before = {u: query_count(lead, u) for u in urls}
    target = with_room(block, opportunities)
    changes.placement_place(actor=lead, block=block, membership=unranked, opportunity=target, reason="r")
    for _ in range(3):
        extra = MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
        if spare := next(
            (o for o in opportunities if room_left(block, o) > 0 and not o.requires_driver), None
        ):
            changes.placement_place(actor=lead, block=block, membership=extra, opportunity=spare, reason="r")
    changes.placement_swap(
        actor=lead,
        block=block,
        membership=world.learner_membership,
        other=world.second_membership,
        reason="r",
    )
    for u in urls:
        assert query_count(lead, u) <= before[u], u
