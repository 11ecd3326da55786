"""A lead adds a partner; learners rank partners and the lead pairs them. In Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.browser.steps import menu
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_adds_a_partner_learners_rank_and_the_lead_pairs(new_page, world):
    OrganisationFactory(name="Coventry Refugee Welcome", kind="voluntary")
    lead = sign_in(new_page, world["programme_lead"].email)
    goto(lead, "/projects/partners/")
    for name in ("Derby Homeless Partnership", "Coventry Refugee Welcome"):
        lead.get_by_role("link", name="Add a partner").click()
        lead.get_by_label("Organisation").select_option(label=name)
        lead.get_by_label("What they do").fill("Street outreach and drop-in health care.")
        lead.get_by_label("People experiencing homelessness").check()
        lead.get_by_label("Learners per year").fill("1")
        lead.get_by_role("button", name="Save partner").click()
        expect(lead.get_by_text(f"Saved {name}.")).to_be_visible()
    assert_accessible(lead)
    goto(lead, "/projects/")
    lead.get_by_role("link", name="Open a pairing round").click()
    lead.get_by_label("Cohort").select_option(label="Midlands IMT: August 2026 intake")
    lead.get_by_label("Name").fill("Immersive experience 2026")
    lead.get_by_label("Derby Homeless Partnership").check()
    lead.get_by_label("Coventry Refugee Welcome").check()
    lead.get_by_role("button", name="Open round").click()
    expect(lead.get_by_text("Immersive experience 2026 is open for rankings.")).to_be_visible()
    assert_accessible(lead)
    board = lead.url

    for email, first in (
        ("learner@example.org", "Derby Homeless Partnership"),
        ("learner2@example.org", "Derby Homeless Partnership"),
    ):
        learner = sign_in(new_page, email, staff=False)
        menu(learner, "Immersive")
        learner.get_by_role("link", name="Immersive experience 2026").click()
        learner.get_by_label("First choice").select_option(label=first)
        if email.startswith("learner@"):
            learner.get_by_label("Second choice").select_option(label="Coventry Refugee Welcome")
        learner.get_by_role("button", name="Save my choices").click()
        expect(learner.get_by_text("Your choices were saved.")).to_be_visible()
        assert_accessible(learner)

    goto(lead, board)
    lead.get_by_role("button", name="Pair learners from their choices").click()
    expect(lead.get_by_text("Paired 2 learners.")).to_be_visible()
    expect(lead.get_by_test_id("places")).to_contain_text("Derby Homeless Partnership: 1 of 1")
    lead.get_by_role("button", name="Confirm pairs and tell partners").click()
    expect(lead.get_by_text("Pairs confirmed. Learners and partner contacts were told.")).to_be_visible()
    assert_accessible(lead)

    contact = sign_in(new_page, world["partner_contact"].email)
    goto(contact, "/projects/partner/")
    expect(contact.get_by_test_id("partner-learners")).to_contain_text("Ben Second")
    assert_accessible(contact)
