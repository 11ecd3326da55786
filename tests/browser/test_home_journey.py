"""Home pages in Chromium: the learner's home leads them to check in, rank placements and answer
a returned claim; the programme lead's home leads them to approve leave, to the learner most at
risk (top of page 1 of the attendance list, across every learner) and to that learner's page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from enhance.expenses import services as expenses
from enhance.expenses.models import Claim, Journey
from enhance.teaching import services as teaching
from enhance.teaching.models import LeaveRequest, Session, Topic
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.steps import menu
from tests.teaching.test_sessions import START

pytestmark = pytest.mark.django_db(transaction=True)


def home(page: Page) -> None:
    menu(page, "Home")


@pytest.fixture
def learner_s_week(world, block):
    """Before the journey: a session starting in ten minutes, an open placement block the learner
    has not ranked, and last month's claim returned to them by the lead."""
    start = timezone.now() + dt.timedelta(minutes=10)
    (session,) = teaching.session_series_create(
        actor=world["programme_lead"],
        session=Session(
            programme=world.programme,
            title="Frailty in the community",
            topic=Topic.objects.get(name="Human factors"),
            mode="virtual",
            online_link="https://meet.example/enhance",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        ),
        m2m={},
        repeat="none",
        count=1,
    )
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    claim = expenses.claim_open(actor=world["learner"], membership=world.learner_membership, month=month)
    expenses.journey_save(
        actor=world["learner"],
        claim=claim,
        journey=Journey(date=month, origin="Derby", destination="Ilkeston", purpose="session", mode="public"),
        costs=[("fare", 450, SimpleUploadedFile("r.pdf", b"%PDF-1.4 r"))],
    )
    expenses.claim_submit(actor=world["learner"], claim=claim)
    expenses.claim_return(actor=world["programme_lead"], claim=claim, reason="Which bus did you take?")
    return session, month


def test_the_learner_s_home_leads_to_check_in_ranking_and_the_returned_claim(new_page, world, learner_s_week):
    session, month = learner_s_week
    page = sign_in(new_page, "learner@example.org", staff=False)
    todo = page.get_by_test_id("home-todo")
    expect(todo).to_contain_text(f"Answer your returned claim for {month:%B %Y}")
    expect(todo).to_contain_text("Rank your placement preferences: Spring community placement")
    assert_accessible(page)

    page.get_by_role("link", name=f"Check in to {session.title}").click()
    code = teaching.typed_code(session, teaching.current_window())  # as read off the venue screen
    page.get_by_label("Code shown on the screen").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_test_id("my-status")).to_contain_text("Present (checked in")

    home(page)
    page.get_by_role("link", name="Rank your placement preferences: Spring community placement").click()
    page.get_by_test_id("available").get_by_role("listitem").filter(has_text="Diabetes clinic").get_by_role(
        "button", name="Add to my ranking"
    ).click()
    expect(page.get_by_text("Your preferences were saved.")).to_be_visible()

    home(page)
    expect(page.get_by_test_id("home-todo")).to_contain_text(
        "Change your ranking: Spring community placement"
    )
    page.get_by_role("link", name=f"Answer your returned claim for {month:%B %Y}").click()
    expect(page.get_by_test_id("return-reason")).to_contain_text("Which bus did you take?")
    page.get_by_role("button", name="Submit claim").click()
    expect(page.get_by_test_id("claim-status")).to_have_text("Submitted")

    home(page)
    expect(page.get_by_test_id("home-todo")).not_to_contain_text("returned claim")
    assert (
        Claim.objects.get(membership=world.learner_membership, month=month).status == Claim.Status.SUBMITTED
    )


def test_the_lead_s_home_leads_to_leave_the_learner_most_at_risk_and_their_page(new_page, world, marked):
    leave_day = START.date() + dt.timedelta(days=90)
    with time_machine.travel(START + dt.timedelta(days=30), tick=True):
        learner = sign_in(new_page, "learner2@example.org", staff=False)
        menu(learner, "Teaching")
        learner.get_by_role("link", name="Study leave").click()
        learner.get_by_label("First day").fill(f"{leave_day:%Y-%m-%d}")
        learner.get_by_label("Last day").fill(f"{leave_day:%Y-%m-%d}")
        learner.get_by_label("Reason").fill("Simulation course")
        learner.get_by_role("button", name="Request leave").click()
        expect(learner.get_by_text("Study leave requested.")).to_be_visible()

        page = sign_in(new_page, world["programme_lead"].email)
        assert_accessible(page)
        page.get_by_role("link", name="1 study leave request to decide").click()
        page.get_by_test_id("pending-leave").get_by_role("button", name="Approve").click()
        expect(page.get_by_text("Decision saved.")).to_be_visible()

        home(page)
        expect(page.get_by_role("link", name="1 study leave request to decide")).to_have_count(0)
        page.get_by_role("link", name="Attendance by learner").click()
        table = page.get_by_test_id("attendance")
        expect(table.get_by_role("row").nth(1)).to_contain_text("Asha Learner")  # first of 32, page 1
        expect(table.get_by_role("row").nth(1)).to_contain_text("Out of reach")
        expect(page.get_by_role("link", name="Next")).to_be_visible()

        home(page)
        page.get_by_role("link", name="Asha Learner: attendance 0% cannot reach", exact=False).click()
        expect(page.get_by_role("heading", name="Asha Learner", exact=True)).to_be_visible()
        expect(page.get_by_test_id("learner-attendance")).to_contain_text("Out of reach")
        expect(page.get_by_role("heading", name="Placements and clinics")).to_be_visible()
        assert_accessible(page)
    leave = LeaveRequest.objects.get(membership=world.second_membership)
    assert (leave.starts_on, leave.status) == (leave_day, LeaveRequest.Status.APPROVED)


def test_a_lead_previews_and_sends_a_message_to_a_cohort(new_page, world):
    page = sign_in(new_page, world["programme_lead"].email)
    page.get_by_role("link", name="Message learners").click()
    expect(page.get_by_text("No messages yet.")).to_be_visible()
    page.get_by_label("Programme").select_option(label="Midlands IMT")
    page.get_by_label("Cohort").select_option(label="Midlands IMT: August 2026 intake")
    page.get_by_label("Subject").fill("Teaching moves to room 2")
    page.get_by_label("Message").fill("From next week we meet in room 2 of the education centre.")
    page.get_by_role("button", name="Preview who receives it").click()
    expect(page.get_by_test_id("preview")).to_contain_text("This message will go to 2 learners")
    assert_accessible(page)
    page.get_by_role("button", name="Send to 2 learners").click()
    expect(page.get_by_text("Message on its way to 2 learners.")).to_be_visible()
    expect(page.get_by_test_id("sent")).to_contain_text("Teaching moves to room 2")

    learner = sign_in(new_page, "learner@example.org", staff=False)
    learner.get_by_role("link", name="Notifications", exact=False).first.click()
    expect(learner.get_by_text("Teaching moves to room 2", exact=False).first).to_be_visible()
