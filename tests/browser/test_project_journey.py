"""Immersive day confirmed by the partner; recommendation, supervision meeting, abstract
completing its milestone, and a hand-over. In Chromium with axe."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from enhance.projects import services
from enhance.projects.models import MilestoneTemplate, PairingRound, Partner
from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.browser.steps import menu

pytestmark = pytest.mark.django_db(transaction=True)


def test_immersive_day_recommendation_meeting_abstract_and_hand_over(new_page, world):
    MilestoneTemplate.objects.create(
        programme=world.programme,
        name="Conference abstract",
        training_year=2,
        months_into_year=9,
        completed_by_output="abstract",
    )
    partner = Partner.objects.create(organisation=world.partner_org, learners_per_year=2)
    pairing_round = services.round_create(
        actor=world["programme_lead"],
        partners=[partner],
        pairing_round=PairingRound(cohort=world.cohort, name="Immersive 2026"),
    )
    services.pairing_set(
        actor=world["programme_lead"],
        pairing_round=pairing_round,
        membership=world.learner_membership,
        partner=partner,
    )
    services.round_confirm(actor=world["programme_lead"], pairing_round=pairing_round)

    with time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC), tick=True):
        learner = sign_in(new_page, "learner@example.org", staff=False)
        menu(learner, "Immersive")
        learner.get_by_label("Plan an immersive day").fill("2026-11-23")
        learner.get_by_role("button", name="Plan day").click()
        expect(learner.get_by_text("Immersive day planned.")).to_be_visible()
        assert_accessible(learner)

        contact = sign_in(new_page, world["partner_contact"].email)
        goto(contact, "/projects/partner/")
        contact.get_by_role("link", name="Immersive days (1)").click()
        expect(contact.get_by_text("1 to confirm")).to_be_visible()
        contact.get_by_test_id("partner-days").get_by_role("button", name="Confirm attendance").click()
        expect(contact.get_by_text("Attendance confirmed.")).to_be_visible()
        assert_accessible(contact)

        learner.reload()
        expect(learner.get_by_test_id("my-days")).to_contain_text("Attendance confirmed")
        goto(learner, "/projects/mine/")
        learner.get_by_label("Title").fill("Safe discharge to hostels")
        learner.get_by_label("Partner").select_option(label="Derby Homeless Partnership")
        learner.get_by_role("button", name="Start project").click()
        expect(learner.get_by_text("Project started, with its milestones.")).to_be_visible()
        learner.get_by_label("Stage").select_option(label="Recommendation")
        learner.get_by_label("Recommendation").fill("A named link worker for every hostel discharge.")
        learner.get_by_role("button", name="Save project").click()
        expect(learner.get_by_test_id("recommendation")).to_contain_text("named link worker")
        assert_accessible(learner)
        project_url = learner.url

    with time_machine.travel(dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC), tick=True):
        lead = sign_in(new_page, world["programme_lead"].email)
        goto(lead, project_url)
        lead.get_by_label("Project supervisor").select_option(label=world["supervisor"].full_name)
        lead.get_by_role("button", name="Save supervisor").click()
        expect(lead.get_by_text("now supervises the project.")).to_be_visible()
        assert_accessible(lead)

        supervisor = sign_in(new_page, world["supervisor"].email)
        goto(supervisor, project_url)
        supervisor.get_by_label("Date of the meeting").fill("2027-03-01")
        supervisor.get_by_label("What was discussed").fill("Plan the abstract for the spring conference.")
        supervisor.get_by_role("button", name="Log meeting").click()
        expect(supervisor.get_by_test_id("meetings")).to_contain_text("spring conference")
        assert_accessible(supervisor)

        learner = sign_in(new_page, "learner@example.org", staff=False)
        goto(learner, project_url)
        learner.get_by_label("Kind").select_option(label="Conference abstract")
        learner.get_by_label("Title", exact=True).fill("Link workers for hostel discharges")
        learner.get_by_label("Venue or journal").fill("Society for Acute Medicine, spring meeting")
        learner.get_by_label("Date", exact=True).fill("2027-03-01")
        learner.get_by_role("button", name="Record output").click()
        expect(learner.get_by_test_id("milestones")).to_contain_text("Complete")
        assert_accessible(learner)

        goto(lead, project_url)  # the lead is still signed in (an authenticator code works once)
        lead.get_by_label("Hand the project to").fill("learner2@example.org")
        lead.get_by_role("button", name="Hand over the project").click()
        expect(lead.get_by_text("Project handed over to Ben Second.")).to_be_visible()
        expect(lead.get_by_test_id("project-history")).to_contain_text("lead: Asha Learner")
        assert_accessible(lead)
