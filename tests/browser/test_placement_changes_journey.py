"""After publication, clicked in Chromium: the programme lead places a learner the run left
unplaced and swaps two placements, with reasons; the learners are told."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from enhance.placements import services
from enhance.placements.models import Placement
from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.browser.steps import menu
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(world, ranked_block):
    """Before the journey: the block's run was published, and Una (who never ranked) is unplaced."""
    una = PersonFactory(forename="Una", surname="Unranked", email="una@example.org")
    unranked = MembershipFactory(
        person=una, programme=world.programme, cohort=world.cohort, locality=world.locality
    )
    run = services.allocation_run_start(actor=world["programme_lead"], block=ranked_block, mode="balanced")
    run.refresh_from_db()
    services.allocation_run_publish(actor=world["programme_lead"], run=run)
    return ranked_block, unranked


def open_change(lead: Page, name: str) -> None:
    lead.get_by_role("link", name=f"Change the placement of {name}").click()
    expect(lead.get_by_role("heading", name=f"Change the placement of {name}")).to_be_visible()
    assert_accessible(lead)


def test_a_lead_places_an_unplaced_learner_and_swaps_two(new_page, world, published, opportunities):
    block, unranked = published
    first = Placement.objects.get(block=block, membership=world.learner_membership).opportunity
    second = Placement.objects.get(block=block, membership=world.second_membership).opportunity
    taken = {o.pk: Placement.objects.filter(block=block, opportunity=o).count() for o in opportunities}
    room = next(o for o in opportunities if taken[o.pk] < o.capacity and not o.requires_driver)
    assert first != second
    learner_name, second_name = (
        world.learner_membership.person.full_name,
        world.second_membership.person.full_name,
    )

    lead = sign_in(new_page, world["programme_lead"].email)
    menu(lead, "Placements")
    lead.get_by_role("link", name=block.name).click()
    expect(lead.get_by_text("None: the placements are as published.")).to_be_visible()
    assert_accessible(lead)

    open_change(lead, "Una Unranked")
    expect(lead.get_by_test_id("placement-now")).to_have_text("Unplaced")
    lead.get_by_role("button", name="Save change").click()  # no opportunity, no reason
    expect(lead.get_by_text("Error: Choose the opportunity.")).to_be_visible()
    assert_accessible(lead)
    lead.get_by_label("Opportunity to place in or move to").select_option(value=str(room.pk))
    lead.get_by_label("Reason").fill("Joined the cohort after ranking closed")
    lead.get_by_role("button", name="Save change").click()
    expect(lead.get_by_text(f"Una Unranked placed at {room.title}.")).to_be_visible()
    expect(lead.get_by_test_id("placement-changes")).to_contain_text("Joined the cohort after ranking closed")
    assert_accessible(lead)

    open_change(lead, learner_name)
    lead.get_by_label("Swap with another learner").check()
    lead.get_by_label("Learner to swap with").select_option(label=f"{second_name} ({second.title})")
    lead.get_by_label("Reason").fill("They asked to swap: travel")
    lead.get_by_role("button", name="Save change").click()
    expect(lead.get_by_text(f"{learner_name} and {second_name} swapped placements.")).to_be_visible()
    expect(lead.get_by_test_id("placement-changes")).to_contain_text("They asked to swap: travel")
    assert_accessible(lead)

    una = sign_in(new_page, "una@example.org", staff=False)
    una.get_by_role("link", name="Notifications").first.click()
    expect(una.get_by_role("heading", name=f"Your placement: {room.title}")).to_be_visible()
    assert_accessible(una)
    learner = sign_in(new_page, world["learner"].email, staff=False)
    learner.get_by_role("link", name="Notifications").first.click()
    expect(learner.get_by_role("heading", name=f"Your placement: {second.title}")).to_be_visible()
    goto(learner, "/placements/my/")
    expect(learner.get_by_role("main")).to_contain_text(second.title)
    expect(learner.get_by_role("main")).not_to_contain_text(first.title)
