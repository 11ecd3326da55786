"""The placement journey, clicked through in Chromium with axe-core on every page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from enhance.placements.models import Placement
from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.browser.steps import menu, open_block

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def add(page: Page, title: str) -> None:
    card = page.get_by_test_id("available").get_by_role("listitem").filter(has_text=title)
    card.get_by_role("button", name="Add to my ranking").click()


def ranked(page: Page, title: str):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("my-ranking").get_by_role("listitem").filter(has_text=title)


def test_placement_journey_from_opportunity_to_confirmed_clinic(new_page, world, opportunities):
    traveller = time_machine.travel(NOW, tick=True)
    traveller.start()
    try:
        # A community lead adds an opportunity.
        community = sign_in(new_page, world["community_lead"].email)
        menu(community, "Placements")
        expect(community.get_by_role("heading", name="Learners on placement with us")).to_be_visible()
        assert_accessible(community)
        community.get_by_role("link", name="Manage your opportunities").click()
        community.get_by_role("link", name="Add an opportunity").click()
        assert_accessible(community)
        community.get_by_label("Type").select_option(label="Community palliative care")
        community.get_by_label("Title").fill("Hospice at home team")
        community.get_by_label("Places per block").fill("1")
        community.get_by_label("Days and sessions").fill("Friday mornings")
        community.get_by_label("Person-centred practice").check()
        community.get_by_role("button", name="Save opportunity").click()
        expect(community.get_by_text("Saved Hospice at home team.")).to_be_visible()
        expect(community.get_by_test_id("opportunity-table")).to_contain_text("Hospice at home team")
        assert_accessible(community)

        # The programme lead opens a block offering every opportunity.
        lead = sign_in(new_page, world["programme_lead"].email)
        block_url = open_block(
            lead,
            "Midlands IMT: August 2026 intake",
            "Spring community placement",
            ("2027-02-01", "2027-05-28", "2027-01-08T17:00"),
        )

        # A learner ranks five, then changes their mind.
        learner = sign_in(new_page, "learner@example.org", staff=False)
        menu(learner, "Placements")
        learner.get_by_role("link", name="Spring community placement").click()
        expect(learner.get_by_role("heading", name="Spring community placement")).to_be_visible()
        assert_accessible(learner)
        for title in [
            "Diabetes clinic",
            "Frailty unit",
            "Heart failure clinic",
            "Virtual ward",
            "Home visits",
        ]:
            add(learner, title)
            expect(ranked(learner, title)).to_be_visible()  # the new page has loaded before the next click
        expect(learner.get_by_text("needs a driver and your record shows no driving licence")).to_be_visible()
        ranking = learner.get_by_test_id("my-ranking")
        expect(ranking.get_by_role("listitem")).to_have_count(5)
        ranked(learner, "Home visits").get_by_role("button", name="Remove").click()
        add(learner, "Hospice at home team")
        ranked(learner, "Virtual ward").get_by_role("button", name="Move up").click()
        expect(ranking.get_by_role("listitem").nth(2)).to_contain_text("Virtual ward")
        assert_accessible(learner)

        # The lead runs, pins, re-runs, compares and publishes.
        goto(lead, block_url)
        expect(lead.get_by_test_id("ranked-count")).to_contain_text("1 of")
        lead.get_by_label("Balanced", exact=False).check()
        lead.get_by_role("button", name="Run allocation").click()
        expect(lead.get_by_role("heading", name="Run 1: balanced")).to_be_visible()
        expect(lead.get_by_test_id("run-summary")).to_contain_text("Placed")
        assert_accessible(lead)
        row = lead.get_by_test_id("run-assignments").get_by_role("row").filter(has_text="Asha Learner")
        row.get_by_role("button", name="Pin").click()
        expect(lead.get_by_text("Pinned Asha Learner")).to_be_visible()
        lead.get_by_label("Fair", exact=False).check()
        lead.get_by_role("button", name="Run again with current pins and preferences").click()
        expect(lead.get_by_role("heading", name="Run 2: fair")).to_be_visible()
        lead.get_by_role("button", name="Compare runs").click()
        expect(lead.get_by_test_id("compare-summary")).to_contain_text("Worst choice")
        assert_accessible(lead)
        lead.get_by_role("link", name="Back to run 2").click()
        lead.get_by_role("button", name="Publish this run").click()
        expect(lead.get_by_test_id("published")).to_contain_text("Published 1 placement on")
        assert_accessible(lead)
    finally:
        traveller.stop()

    placement = Placement.objects.get(membership=world.learner_membership)
    # Two weeks into the placement: the learner logs a clinic and the community lead confirms it.
    with time_machine.travel(dt.datetime(2027, 2, 15, 10, 0, tzinfo=dt.UTC), tick=True):
        learner = sign_in(new_page, "learner@example.org", staff=False)
        goto(learner, "/placements/my/")
        expect(learner.get_by_role("heading", name=placement.opportunity.title)).to_be_visible()
        assert_accessible(learner)
        learner.get_by_role("navigation", name="Account").get_by_role("link", name="Calendar").click()
        expect(learner.get_by_test_id("upcoming")).to_contain_text(
            f"Placement: {placement.opportunity.title}"
        )
        assert_accessible(learner)
        goto(learner, "/placements/my/")
        learner.get_by_role("link", name="Clinic log").click()
        learner.get_by_label("Date").fill("2027-02-11")
        learner.get_by_label("Clinic type").select_option(label=placement.opportunity.type.name)
        learner.get_by_label("Site").fill("Ilkeston Community Hospital")
        learner.get_by_label("Supervising clinician").fill("Dr Priya Shah")
        learner.get_by_role("button", name="Log clinic").click()
        expect(learner.get_by_text("Clinic logged.")).to_be_visible()
        expect(learner.get_by_test_id("clinic-log")).to_contain_text("Waiting for confirmation")
        assert_accessible(learner)

        community = sign_in(new_page, world["community_lead"].email)
        menu(community, "Placements")
        community.get_by_role("link", name="Asha Learner").click()
        community.get_by_role("button", name="Confirm attendance", exact=False).click()
        expect(community.get_by_test_id("clinic-log")).to_contain_text("Confirmed")
        assert_accessible(community)


def test_a_lead_publishes_a_run_and_the_page_shows_it_publishing_then_done(
    new_page, world, ranked_block, settings
):
    from enhance.placements import services

    run = services.allocation_run_start(actor=world["programme_lead"], block=ranked_block, mode="balanced")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker yet
    lead = sign_in(new_page, world["programme_lead"].email)
    goto(lead, run.get_absolute_url())
    lead.get_by_role("button", name="Publish this run").click()
    expect(lead.get_by_text("Publishing this run…")).to_be_visible()
    expect(lead.get_by_role("button", name="Publish this run")).to_have_count(0)
    assert_accessible(lead)
    services.allocation_run_publish_requested(run.pk)  # the background worker publishes it
    expect(lead.get_by_test_id("published")).to_contain_text("Published 5 placements on")  # by itself
    assert_accessible(lead)
