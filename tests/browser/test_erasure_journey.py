"""A national admin erases a learner who has left; the programme's figures do not change.
Clicked in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from enhance.programmes.models import Membership
from tests.browser.conftest import assert_accessible, goto, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def departed(world):
    """Before the journey: the learner finished the programme last summer."""
    Membership.objects.filter(pk=world.learner_membership.pk).update(status=Membership.Status.COMPLETED)
    return world.learner_membership


def test_national_admin_erases_a_departed_learner_and_counts_stay(new_page, world, departed):
    m = departed
    page = sign_in(new_page, world["national_admin"].email)
    goto(page, f"/programmes/{world.programme.pk}/")
    figures_before = page.get_by_role("main").inner_text()
    goto(page, f"/learners/{m.person_id}/")
    page.get_by_role("link", name="Erase this person").click()
    expect(page.get_by_role("heading", name="Erase Asha Learner")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Erase this person").click()
    expect(page.get_by_text("Why is this person being erased?")).to_be_visible()
    expect(page.locator(".nhsuk-error-message")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why is this person being erased?").fill(
        "Completed IMT in July 2026 and asked to be removed"
    )
    page.get_by_role("button", name="Erase this person").click()
    expect(page.get_by_text("The person was erased.")).to_be_visible()
    goto(page, f"/learners/{m.person_id}/")
    expect(page.get_by_role("heading", name=f"Erased person {m.person_id}")).to_be_visible()
    goto(page, f"/programmes/{world.programme.pk}/")
    assert page.get_by_role("main").inner_text() == figures_before
