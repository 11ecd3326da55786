"""A learner requests an OPCAT; the assessor completes it through the link in a fresh browser
with no account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, goto, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_opcat_requested_and_completed_by_an_assessor_without_an_account(new_page, world):
    learner = sign_in(new_page, "learner@example.org", staff=False)
    goto(learner, "/portfolio/assessments/")
    learner.get_by_role("link", name="Request an assessment").click()
    learner.get_by_role("link", name="OPCAT: Outpatient care assessment tool").click()
    assert_accessible(learner)
    learner.get_by_label("Community").check()
    learner.get_by_label("Date of the encounter").fill("2026-11-20")
    learner.get_by_label("What the assessor saw").fill("Heart failure clinic, five patients")
    learner.get_by_label("Assessor's email address").fill("assessor@trust.example")
    learner.get_by_label("Clinic", exact=True).fill("Heart failure")
    learner.get_by_label("Number of patients").fill("5")
    learner.get_by_label("Observed", exact=True).check()
    learner.get_by_role("button", name="Send to the assessor").click()
    expect(learner.get_by_text("Request sent to assessor@trust.example.")).to_be_visible()
    assert_accessible(learner)

    link = re.search(r"http://[^/]+(/assess/[^/\s]+/)", mail.outbox[-1].body).group(1)
    assessor = new_page()  # a fresh browser context: no account, no session
    goto(assessor, link)
    expect(assessor.get_by_role("heading", name="OPCAT for Asha Learner")).to_be_visible()
    assert_accessible(assessor)
    assessor.get_by_label("Meets the level expected").check()
    assessor.get_by_label("Feedback for the learner").fill("Good history taking; agree the plan with the GP.")
    assessor.get_by_label("Your name").fill("Dr Ola Reed")
    assessor.get_by_label("Your role").fill("Consultant cardiologist")
    assessor.get_by_role("button", name="Submit assessment").click()
    expect(assessor.get_by_test_id("assessor-message")).to_contain_text("complete and now locked")
    assert_accessible(assessor)
    goto(assessor, link)
    expect(assessor.get_by_test_id("assessor-message")).to_contain_text("already been completed")

    learner.reload()
    expect(learner.get_by_test_id("assessment-status")).to_have_text("Completed")
    expect(learner.get_by_test_id("assessment-feedback")).to_contain_text("agree the plan with the GP")
