"""A learner writes and shares a reflection; the supervisor comments. In Chromium, with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.steps import menu

pytestmark = pytest.mark.django_db(transaction=True)


def test_learner_shares_a_reflection_and_the_supervisor_comments(new_page, world):
    learner = sign_in(new_page, "learner@example.org", staff=False)
    menu(learner, "Portfolio")
    learner.get_by_role("link", name="Write a reflection").click()
    assert_accessible(learner)
    learner.get_by_label("Title").fill("Safety-netting when tests are hard to get")
    learner.get_by_label("What happened").fill(
        "A frail patient at home needed bloods the team could not get for days."
    )
    learner.get_by_label("What it meant").fill("Plans must work with the community's real capacity.")
    learner.get_by_label("Complex multimorbidity").check()
    learner.get_by_label("Shared with my supervisor", exact=True).check()
    learner.get_by_role("button", name="Save as draft").click()
    expect(learner.get_by_text("Draft saved.")).to_be_visible()
    learner.get_by_role("link", name="Edit this reflection").click()
    learner.get_by_role("button", name="Save and finish").click()
    expect(learner.get_by_text("Reflection saved.")).to_be_visible()
    assert_accessible(learner)

    supervisor = sign_in(new_page, world["supervisor"].email)
    menu(supervisor, "Portfolio")
    supervisor.get_by_test_id("shared-reflections").get_by_role("link").first.click()
    assert_accessible(supervisor)
    supervisor.get_by_label("Your comment").fill("Good: think about who holds the plan out of hours.")
    supervisor.get_by_role("button", name="Add comment").click()
    expect(supervisor.get_by_test_id("comments")).to_contain_text("who holds the plan")

    learner.reload()
    expect(learner.get_by_test_id("comments")).to_contain_text("who holds the plan")
    assert_accessible(learner)
