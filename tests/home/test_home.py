"""Home pages list what is waiting for each person, and cost the same whatever the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enhance.expenses.models import Claim
from enhance.home import selectors
from enhance.portfolio.models import Assessment, AssessmentType, Reflection
from enhance.programmes.models import Membership, Role, RoleAssignment
from enhance.teaching import services as teaching
from enhance.teaching.models import Attendance, LeaveRequest, Session, Topic
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "learner",
    "programme_lead",
    "regional_lead",
    "locality_lead",
    "national_admin",
    "supervisor",
    "faculty",
    "community_lead",
    "partner_contact",
    "finance_officer",
]


def session_at(world, starts_at, **fields):
    (session,) = teaching.session_series_create(
        actor=world["programme_lead"],
        session=Session(
            programme=world.programme,
            title=fields.pop("title", "Frailty"),
            topic=Topic.objects.get(name="Human factors"),
            mode="virtual",
            online_link="https://meet.example/enhance",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            **fields,
        ),
        m2m={"facilitators": [world["faculty"]]},
        repeat="none",
        count=1,
    )
    return session


def grow(world, n):
    """n more learners, each with something waiting for every staff persona."""
    now = timezone.now()
    for i in range(n):
        m = MembershipFactory(
            programme=world.programme,
            cohort=world.cohort,
            locality=world.locality,
            employing_organisation=world.trust,
            arcp_date=timezone.localdate() + dt.timedelta(weeks=4),
        )
        RoleAssignment.objects.create(user=world["supervisor"], role=Role.SUPERVISOR, learner=m.person)
        LeaveRequest.objects.create(
            membership=m, starts_on=dt.date(2030, 3, 4), ends_on=dt.date(2030, 3, 4), reason="Course", days=1
        )
        for k, status in enumerate((Claim.Status.SUBMITTED, Claim.Status.APPROVED, Claim.Status.RETURNED)):
            Claim.objects.create(
                membership=m,
                month=dt.date(2026, 1 + k, 1),
                status=status,
                submitted_at=now,
                total_pence=10,
            )
        Reflection.objects.create(
            person=m.person, title=f"R{i}", happened="x", draft=False, visibility="supervisor"
        )
        Assessment.objects.create(
            person=m.person,
            type=AssessmentType.objects.get(code="OPCAT"),
            setting="community",
            date=dt.date(2026, 9, 1),
            encounter="Clinic",
            assessor_email=f"a{i}@example.org",
            status=Assessment.Status.AWAITING_APPROVAL,
        )
        session_at(world, now - dt.timedelta(days=3 + i % 5), title=f"Past {i}")
        session_at(world, now + dt.timedelta(days=1 + i % 5), title=f"Soon {i}")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_home_page_costs_the_same_whatever_the_data(query_count, scene, persona):
    world = scene.world
    grow(world, 2)
    small = query_count(world[persona], reverse("home"))
    grow(world, 12)
    assert query_count(world[persona], reverse("home")) <= small
    assert small <= 60


def test_the_learner_page_costs_the_same_whatever_the_data(query_count, scene):
    world = scene.world
    url = reverse("learner", args=[world.learner_membership.person_id])
    grow(world, 2)
    small = query_count(world["programme_lead"], url)
    grow(world, 12)
    assert query_count(world["programme_lead"], url) <= small


def texts(section):
    return [item.text for item in section.items]


def test_a_learner_is_told_to_answer_a_returned_claim_and_rank_an_open_block(world, ranked_block, client):
    m = world.learner_membership
    Claim.objects.create(membership=m, month=dt.date(2026, 10, 1), status=Claim.Status.RETURNED)
    ranked_block.preference_sets.filter(membership=m).delete()
    todo = selectors.learner_todo(world["learner"], m.person_id, timezone.now())
    assert "Answer your returned claim for October 2026" in texts(todo)
    assert f"Rank your placement preferences: {ranked_block.name}" in texts(todo)
    assert all(item.urgent for item in todo.items[:2])


def test_a_learner_whose_block_is_ranked_is_offered_a_change_not_told_off(world, ranked_block):
    todo = selectors.learner_todo(world["learner"], world.learner_membership.person_id, timezone.now())
    item = next(i for i in todo.items if ranked_block.name in i.text)
    assert item.text.startswith("Change your ranking") and not item.urgent


def test_check_in_is_offered_on_the_home_page_only_while_it_is_open(world, client):
    now = timezone.now()
    open_now = session_at(world, now + dt.timedelta(minutes=10), title="Open now")
    later = session_at(world, now + dt.timedelta(days=2), title="Later")
    client.force_login(world["learner"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("teaching:session_detail", args=[open_now.pk]) + "#check-in" in page
    assert reverse("teaching:session_detail", args=[later.pk]) + "#check-in" not in page


def test_a_learner_with_nothing_waiting_sees_the_empty_state(world, client):
    client.force_login(world["learner"])
    assert "Nothing is waiting for you." in client.get(reverse("home")).content.decode()


def test_the_lead_sees_leave_and_claims_waiting_with_their_age(world):
    m = world.learner_membership
    leave = LeaveRequest.objects.create(
        membership=m, starts_on=dt.date(2030, 3, 4), ends_on=dt.date(2030, 3, 4), reason="Course", days=1
    )
    LeaveRequest.objects.filter(pk=leave.pk).update(created_at=timezone.now() - dt.timedelta(days=6))
    Claim.objects.create(
        membership=m, month=dt.date(2026, 10, 1), status=Claim.Status.SUBMITTED, submitted_at=timezone.now()
    )
    approvals = selectors.lead_approvals(world["programme_lead"], timezone.localdate())
    assert [(i.text, i.note) for i in approvals.items] == [
        ("1 study leave request to decide", "waiting 6 days"),
        ("1 travel claim to decide", "today"),
    ]
    assert (
        selectors.lead_approvals(world["locality_lead"], timezone.localdate())
        .items[0]
        .text.startswith("1 study")
    )
    assert selectors.lead_approvals(world["faculty"], timezone.localdate()).items == []


def test_the_learner_out_of_reach_heads_the_lead_s_at_risk_list(world):
    m = world.learner_membership
    Membership.objects.filter(pk=m.pk).update(starts_on=dt.date(2020, 1, 1))
    past = session_at(world, timezone.now() - dt.timedelta(days=1))
    Attendance.objects.create(session=past, membership=m, status="absent")
    at_risk = selectors.lead_at_risk(world["programme_lead"], timezone.now())
    assert at_risk.items[0].text.startswith(m.person.full_name)
    assert at_risk.items[0].url == reverse("learner", args=[m.person_id])


def test_a_register_two_days_old_and_not_closed_is_on_the_lead_s_home(world):
    old = session_at(world, timezone.now() - dt.timedelta(days=3), title="Old one")
    session_at(world, timezone.now() - dt.timedelta(hours=5), title="Recent one")
    found = texts(selectors.lead_sessions(world["programme_lead"], timezone.now()))
    assert "Close the register: Old one" in found
    assert "Close the register: Recent one" not in found
    teaching.register_close(actor=world["programme_lead"], session=old)
    found = texts(selectors.lead_sessions(world["programme_lead"], timezone.now()))
    assert "Close the register: Old one" not in found


def test_a_supervisor_is_asked_to_comment_and_approve_assessors(scene):
    world = scene.world
    found = texts(selectors.supervisor_section(world["supervisor"], timezone.localdate()))
    name = world.learner_membership.person.full_name
    assert f"Comment on {name}'s reflection: Safety-netting" in found
    Assessment.objects.filter(pk=scene.assessment.pk).update(status=Assessment.Status.AWAITING_APPROVAL)
    found = texts(selectors.supervisor_section(world["supervisor"], timezone.localdate()))
    assert f"Approve the assessor for {name}'s OPCAT" in found


def test_community_partner_and_finance_homes_list_their_work(scene):
    world = scene.world
    today = timezone.localdate()
    name = world.learner_membership.person.full_name
    clinic_date = scene.clinic.date
    assert f"Confirm {name}'s clinic of {clinic_date:%-d %b %Y}" in texts(
        selectors.community_section(world["community_lead"], today)
    )
    assert f"Confirm {name}'s immersive day" in texts(
        selectors.partner_section(world["partner_contact"], today)
    )
    Claim.objects.create(
        membership=world.learner_membership, month=dt.date(2026, 5, 1), status=Claim.Status.APPROVED
    )
    found = texts(selectors.finance_section(world["finance_officer"]))
    assert f"{world.trust.name}: 1 approved claim to export" in found


def test_an_open_survey_is_on_the_learner_s_list_until_answered(world):
    from enhance.evaluation import surveys
    from enhance.evaluation.models import Wave

    today = timezone.localdate()
    wave = Wave.objects.create(
        cohort=world.cohort, point="entry", year=0, opens_on=today, closes_on=today + dt.timedelta(days=10)
    )
    person_id = world.learner_membership.person_id
    assert "Answer your entry survey" in texts(
        selectors.learner_todo(world["learner"], person_id, timezone.now())
    )
    items = surveys.items_for(world.programme.pk)
    answers = {i.pk: 3 for i in items if i.is_scale}
    surveys.response_submit(actor=world["learner"], wave=wave, answers=answers)
    assert "Answer your entry survey" not in texts(
        selectors.learner_todo(world["learner"], person_id, timezone.now())
    )


def test_past_three_out_of_reach_the_lead_is_told_how_many_in_all(world):
    crowd = [MembershipFactory(programme=world.programme, cohort=world.cohort) for _ in range(3)]
    everyone = [world.learner_membership, world.second_membership, *crowd]
    Membership.objects.filter(pk__in=[m.pk for m in everyone]).update(starts_on=dt.date(2020, 1, 1))
    past = session_at(world, timezone.now() - dt.timedelta(days=1))
    for m in everyone:
        Attendance.objects.create(session=past, membership=m, status="absent")
    at_risk = selectors.lead_at_risk(world["programme_lead"], timezone.now())
    texts_shown = [i.text for i in at_risk.items]
    assert len([t for t in texts_shown if "cannot reach" in t]) == 3
    assert "All 5 learners whose attendance is out of reach" in texts_shown


def test_the_at_risk_panel_is_kept_for_five_minutes_then_counted_again(world):
    import time_machine

    m = world.learner_membership
    Membership.objects.filter(pk=m.pk).update(starts_on=dt.date(2020, 1, 1))
    now = timezone.now()
    before = selectors.lead_at_risk(world["programme_lead"], now)
    assert not any("cannot reach" in i.text for i in before.items)
    past = session_at(world, now - dt.timedelta(days=1))
    Attendance.objects.create(session=past, membership=m, status="absent")
    with time_machine.travel(now + dt.timedelta(seconds=selectors.AT_RISK_KEPT_FOR - 10)):
        assert selectors.lead_at_risk(world["programme_lead"], now).items == before.items
    with time_machine.travel(now + dt.timedelta(seconds=selectors.AT_RISK_KEPT_FOR + 10)):
        after = selectors.lead_at_risk(world["programme_lead"], now)
    assert after.items[0].text.startswith(m.person.full_name)


def test_the_lead_s_projects_with_milestones_past_due_are_listed_most_overdue_first(world):
    from enhance.projects.models import Milestone, Partner, Project

    partner = Partner.objects.create(organisation=world.community_org)
    today = timezone.localdate()
    past, future = today - dt.timedelta(days=10), today + dt.timedelta(days=10)

    def project(membership, title, *milestones):
        made = Project.objects.create(lead=membership, partner=partner, title=title)
        for due, done in milestones:
            Milestone.objects.create(project=made, name="Step", due_on=due, completed_on=done)

    elsewhere = MembershipFactory(programme=world.other_programme)
    project(world.learner_membership, "One late", (past, None), (past, today), (future, None))
    project(world.second_membership, "Two late", (past, None), (past, None))
    project(MembershipFactory(programme=world.programme), "On time", (past, today), (future, None))
    project(elsewhere, "Not theirs", (past, None))
    items = selectors.lead_at_risk(world["programme_lead"], timezone.now()).items
    assert [(i.text.split(" (")[0], i.note) for i in items if "overdue" in i.note] == [
        ("Two late", "2 milestones overdue"),
        ("One late", "1 milestone overdue"),
    ]
