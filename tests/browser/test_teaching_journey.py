"""Teaching in Chromium: a series, apologies, check-in by QR link and by typed code, and the
register on a phone-sized screen."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from enhance.teaching import services
from enhance.teaching.models import Attendance, Session
from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.browser.steps import menu

pytestmark = pytest.mark.django_db(transaction=True)

LONDON = ZoneInfo("Europe/London")
WEEK_BEFORE = dt.datetime(2026, 10, 7, 10, 0, tzinfo=LONDON)
FIRST = dt.datetime(2026, 10, 14, 14, 0, tzinfo=LONDON)


def test_series_apologies_check_in_and_register(new_page, world):
    with time_machine.travel(WEEK_BEFORE, tick=True):
        lead = sign_in(new_page, world["programme_lead"].email)
        goto(lead, "/teaching/")
        lead.get_by_role("link", name="Add sessions").click()
        assert_accessible(lead)
        lead.get_by_label("Programme").select_option(label="Midlands IMT")
        lead.get_by_label("Title").fill("Human factors in the community")
        lead.get_by_label("Topic").select_option(label="Human factors")
        lead.get_by_label("Mode").select_option(label="Virtual")
        lead.get_by_label("Online link").fill("https://meet.example/hf")
        lead.get_by_label("Starts").fill("2026-10-14T14:00")
        lead.get_by_label("Ends").fill("2026-10-14T16:00")
        lead.get_by_label("Midlands IMT: August 2026 intake").check()
        lead.get_by_label("Facilitators").select_option(label=str(world["faculty"]))
        lead.get_by_label("Repeat").select_option(label="Every week")
        lead.get_by_label("How many sessions in the series").fill("3")
        lead.get_by_role("button", name="Save").click()
        expect(lead.get_by_text("Created 3 sessions.")).to_be_visible()
        assert_accessible(lead)

        learner = sign_in(new_page, "learner@example.org", staff=False)
        menu(learner, "Teaching")
        expect(learner.get_by_test_id("timetable").get_by_role("listitem")).to_have_count(3)
        assert_accessible(learner)
        learner.get_by_role("link", name="Human factors in the community").nth(1).click()
        learner.get_by_label("Reason (optional)").fill("Night shifts that week")
        learner.get_by_role("button", name="Send apologies").click()
        expect(learner.get_by_test_id("my-status")).to_have_text("Apologies sent")
        assert_accessible(learner)

    first = Session.objects.order_by("starts_at").first()
    with time_machine.travel(FIRST - dt.timedelta(minutes=5), tick=True):
        facilitator = sign_in(new_page, world["faculty"].email)
        goto(facilitator, f"/teaching/sessions/{first.pk}/")
        facilitator.get_by_role("link", name="Check-in screen for the venue").click()
        expect(facilitator.get_by_role("img", name="QR code to check in")).to_be_visible()
        assert_accessible(facilitator)
        typed = facilitator.get_by_test_id("typed-code").inner_text().strip()

        # One learner follows the QR code's link; another types the code.
        learner = sign_in(new_page, "learner@example.org", staff=False)
        token = services.qr_token(first, services.current_window())
        goto(learner, f"/teaching/check-in/{first.pk}/{token}/")
        assert_accessible(learner)
        learner.get_by_role("button", name="Check me in").click()
        expect(learner.get_by_text("You are checked in: present.")).to_be_visible()

        second = sign_in(new_page, "learner2@example.org", staff=False)
        goto(second, f"/teaching/sessions/{first.pk}/")
        second.get_by_label("Code shown on the screen").fill(typed)
        second.get_by_role("button", name="Check in").click()
        expect(second.get_by_test_id("my-status")).to_contain_text("Present (checked in")
        assert_accessible(second)

    with time_machine.travel(FIRST + dt.timedelta(minutes=40), tick=True):
        phone = sign_in(new_page, world["faculty"].email, phone=True)
        goto(phone, f"/teaching/sessions/{first.pk}/register/")
        expect(phone.get_by_test_id("register").get_by_role("listitem")).to_have_count(2)
        assert_accessible(phone)
        phone.get_by_label("Ben Second", exact=False).select_option(label="Left early")
        phone.get_by_role("button", name="Save register").click()
        expect(phone.get_by_text("Register saved (1 change).")).to_be_visible()

    with time_machine.travel(FIRST + dt.timedelta(hours=2, minutes=5), tick=True):
        learner = sign_in(new_page, "learner@example.org", staff=False)
        goto(learner, f"/teaching/sessions/{first.pk}/")
        learner.get_by_label("4", exact=True).check()
        learner.get_by_label("What worked").fill("Cases from the community team")
        learner.get_by_role("button", name="Send feedback").click()
        expect(learner.get_by_text("Thank you for your feedback.")).to_be_visible()
        assert_accessible(learner)
        with learner.expect_download() as download:
            learner.get_by_role("link", name="Download your certificate of attendance (PDF)").click()
        with open(download.value.path(), "rb") as handle:
            assert handle.read(5) == b"%PDF-"
    statuses = dict(
        Attendance.objects.filter(session=first).values_list("membership__person__surname", "status")
    )
    assert statuses == {"Learner": "present", "Second": "left_early"}
