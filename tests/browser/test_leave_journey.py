"""Study leave in Chromium: requested, approved, and the absence shows as excused."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from enhance.teaching import selectors
from enhance.teaching.models import Attendance
from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.teaching.test_sessions import series

pytestmark = pytest.mark.django_db(transaction=True)


def test_leave_is_requested_approved_and_excuses_the_absence(new_page, world):
    (session,) = series(world, repeat="none", count=1, start=dt.datetime(2026, 11, 4, 13, 0, tzinfo=dt.UTC))
    with time_machine.travel(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC), tick=True):
        learner = sign_in(new_page, "learner@example.org", staff=False)
        goto(learner, "/teaching/leave/")
        expect(learner.get_by_test_id("leave-balance")).to_contain_text("30 of 30 days left")
        assert_accessible(learner)
        learner.get_by_label("First day").fill("2026-11-04")
        learner.get_by_label("Last day").fill("2026-11-04")
        learner.get_by_label("Reason").fill("Regional IMT teaching")
        learner.get_by_role("button", name="Request leave").click()
        expect(learner.get_by_text("Study leave requested.")).to_be_visible()
        expect(learner.get_by_test_id("leave-balance")).to_contain_text("29 of 30 days left")

        lead = sign_in(new_page, world["programme_lead"].email)
        goto(lead, "/teaching/leave/")
        assert_accessible(lead)
        lead.get_by_test_id("pending-leave").get_by_role("button", name="Approve").click()
        expect(lead.get_by_text("Decision saved.")).to_be_visible()

    with time_machine.travel(dt.datetime(2026, 11, 4, 17, 0, tzinfo=dt.UTC), tick=True):
        lead = sign_in(new_page, world["programme_lead"].email)
        goto(lead, f"/teaching/sessions/{session.pk}/register/")
        lead.get_by_label("Everyone not yet marked (on every page)").select_option(label="Absent")
        lead.get_by_role("button", name="Save register").click()
        expect(lead.get_by_text("Register saved")).to_be_visible()
        learner = sign_in(new_page, "learner@example.org", staff=False)
        goto(learner, f"/teaching/sessions/{session.pk}/")
        expect(learner.get_by_test_id("my-status")).to_have_text("Excused")
        assert_accessible(learner)
    assert Attendance.objects.get(session=session, membership=world.learner_membership).status == "excused"
    assert (
        selectors.attendance_summaries([world.learner_membership])[world.learner_membership.pk]["expected"]
        == 0
    )
