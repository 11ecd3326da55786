"""A lead pages through a long learner list by clicking its links."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_programme_lead_pages_forward_and_back_through_the_learner_list(new_page, world):
    for _ in range(55):
        MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
    page = sign_in(new_page, world["programme_lead"].email)

    goto(page, "/learners/")
    expect(page.get_by_text("Showing 1 to 25 of 57.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Showing 26 to 50 of 57.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Showing 51 to 57 of 57.")).to_be_visible()
    expect(page.get_by_role("link", name="Next")).to_have_count(0)

    page.get_by_role("link", name="Previous").click()
    expect(page.get_by_text("Showing 26 to 50 of 57.")).to_be_visible()
