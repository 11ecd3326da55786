"""What makes every demo home page real: ARCP requirements with learners in red, amber and green,
ARCP dates, a supervised project, a placement under way, a mid-year joiner, and something
waiting for every staff persona."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from enhance.accounts.models import User
from enhance.demo.accounts import DEMO_DOMAIN
from enhance.expenses.models import Claim
from enhance.placements.models import AllocationRun, ClinicEntry, Opportunity, Placement, PlacementBlock
from enhance.portfolio.models import Assessment, AssessmentType, Comment, Reflection, RequirementSet, Rule
from enhance.programmes.models import Cohort, Membership, Person, Programme, Role, RoleAssignment
from enhance.projects.models import (
    ImmersiveDay,
    Meeting,
    Milestone,
    MilestoneTemplate,
    Pairing,
    PairingRound,
    Partner,
    Project,
)
from enhance.projects.projects import due_date
from enhance.teaching.models import Feedback, LeaveRequest, Session

REQUIREMENTS = {  # training year -> (reflections, completed OPCATs)
    1: (2, 1),
    2: (4, 2),
    3: (6, 2),
}


def _user(name: str) -> User:
    return User.objects.get(email=f"{name}@{DEMO_DOMAIN}")


def load_waiting(midlands: Programme, today: dt.date) -> None:
    cohorts = list(midlands.cohorts.order_by("-intake_date"))
    _requirements(midlands, cohorts, today)
    _joiner(cohorts[0])
    _approvals(midlands, today)
    _placement_under_way(midlands, cohorts[1], today)
    _project(midlands, cohorts[1], today)
    _supervision(today)
    _feedback(midlands)


def _requirements(midlands: Programme, cohorts: list[Cohort], today: dt.date) -> None:
    """Requirement sets for IMY1-3, evidence that leaves learners in red, amber and green, and
    ARCP dates: June for most, within twelve weeks for the red ones of the second year."""
    opcat = AssessmentType.objects.get(code="OPCAT")
    for year, (reflections, opcats) in REQUIREMENTS.items():
        rs = RequirementSet.objects.create(programme=midlands, training_year=year, name=f"IMY{year}")
        Rule.objects.create(requirement_set=rs, kind="attendance", target=midlands.attendance_threshold)
        Rule.objects.create(requirement_set=rs, kind="reflections", target=reflections)
        Rule.objects.create(requirement_set=rs, kind="assessments", target=opcats, assessment_type=opcat)
    june = dt.date(today.year + 1, 6, 15)
    for year, cohort in enumerate(cohorts[:3], start=1):
        reflections, opcats = REQUIREMENTS[year]
        active = cohort.memberships.filter(status=Membership.Status.ACTIVE).select_related("person")
        for n, m in enumerate(active.order_by("pk")):
            standing = n % 3  # 0 green, 1 amber, 2 red
            m.arcp_date = today + dt.timedelta(weeks=8) if standing == 2 and year == 2 else june
            m.save(update_fields=["arcp_date"])
            if m.person.email.startswith(("learner@", "learner2@")):
                continue  # the demo learners' own portfolios start empty
            _evidence(m, today, reflections if standing < 2 else 0, opcats if standing == 0 else 0, opcat)


def _evidence(m: Membership, today: dt.date, reflections: int, opcats: int, opcat: AssessmentType) -> None:
    for r in range(reflections):
        Reflection.objects.create(
            person=m.person, title=f"Reflection {r + 1}", happened="A patient seen in clinic.", draft=False
        )
    for a in range(opcats):
        Assessment.objects.create(
            person=m.person,
            type=opcat,
            setting=Assessment.Setting.COMMUNITY,
            date=today - dt.timedelta(days=20 + a),
            encounter="Outpatient review",
            assessor_email=f"assessor{a}@{DEMO_DOMAIN}",
            status=Assessment.Status.COMPLETED,
            completed_at=timezone.now(),
            judgement=Assessment.Judgement.MEETS,
        )


def _joiner(newest: Cohort) -> None:
    """A learner who joined the August intake in mid-October: only sessions since count."""
    person = Person.objects.create(
        user=User.objects.create_user(email=f"joiner@{DEMO_DOMAIN}", full_name="Priya Joiner"),
        forename="Priya",
        surname="Joiner",
        email=f"joiner@{DEMO_DOMAIN}",
    )
    Membership.objects.create(
        person=person,
        programme=newest.programme,
        cohort=newest,
        locality=newest.programme.localities.get(name="Derbyshire"),
        starts_on=dt.date(newest.intake_date.year, 10, 15),
        status_since=dt.date(newest.intake_date.year, 10, 15),
        arcp_date=dt.date(newest.intake_date.year + 1, 6, 15),
    )


def _approvals(midlands: Programme, today: dt.date) -> None:
    """Study leave and a claim waiting for the leads; a claim returned to the demo learner."""
    learner = Membership.objects.get(person__email=f"learner@{DEMO_DOMAIN}")
    second = Membership.objects.get(person__email=f"learner2@{DEMO_DOMAIN}")
    colleague = (
        Membership.objects.filter(programme=midlands, cohort=learner.cohort, locality=learner.locality)
        .exclude(pk=learner.pk)
        .exclude(person__email__startswith="joiner@")
        .order_by("pk")
        .first()
    )
    assert colleague is not None
    for m, offset, reason in ((second, 30, "Acute medicine course"), (colleague, 45, "Simulation course")):
        day = today + dt.timedelta(days=offset)
        LeaveRequest.objects.create(
            membership=m, starts_on=day, ends_on=day, days=Decimal("1"), reason=reason
        )
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    Claim.objects.create(
        membership=colleague,
        month=month,
        status=Claim.Status.SUBMITTED,
        submitted_at=timezone.now() - dt.timedelta(days=3),
        total_pence=1280,
    )
    earlier = (month - dt.timedelta(days=1)).replace(day=1)
    Claim.objects.create(
        membership=learner,
        month=earlier,
        status=Claim.Status.RETURNED,
        submitted_at=timezone.now() - dt.timedelta(days=20),
        return_reason="Please add the receipt for the car park at Ilkeston.",
        total_pence=640,
    )


def _placement_under_way(midlands: Programme, cohort: Cohort, today: dt.date) -> None:
    """Last autumn's block for the second-year cohort, published: one learner is on placement
    with a clinic to confirm, another starts in two weeks."""
    admin = _user("admin")
    block = PlacementBlock.objects.create(
        cohort=cohort,
        name=f"IMY2 community placement, autumn {today.year}",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=60),
        preferences_close_at=timezone.now() - dt.timedelta(days=90),
        status=PlacementBlock.Status.PUBLISHED,
        choices=5,
        created_by=admin,
    )
    run = AllocationRun.objects.create(
        block=block,
        number=1,
        mode=AllocationRun.Mode.BALANCED,
        status=AllocationRun.Status.DONE,
        instance={},
        result={},
        created_by=admin,
        finished_at=timezone.now() - dt.timedelta(days=60),
        published_at=timezone.now() - dt.timedelta(days=60),
    )
    opportunity = (
        Opportunity.objects.filter(organisation__name__startswith="Derbyshire").order_by("pk").first()
    )
    assert opportunity is not None
    block.opportunities.set([opportunity])
    learners = cohort.memberships.filter(locality__name="Derbyshire", status=Membership.Status.ACTIVE)
    first, second = learners.order_by("pk")[:2]
    on = Placement.objects.create(
        membership=first,
        opportunity=opportunity,
        block=block,
        run=run,
        rank=1,
        starts_on=block.starts_on,
        ends_on=block.ends_on,
    )
    Placement.objects.create(
        membership=second,
        opportunity=opportunity,
        block=block,
        run=run,
        rank=2,
        starts_on=today + dt.timedelta(days=14),
        ends_on=block.ends_on,
    )
    ClinicEntry.objects.create(
        placement=on,
        date=today - dt.timedelta(days=5),
        clinic_type=opportunity.type,
        site=opportunity.site.name if opportunity.site else "Clinic",
        supervisor="Dr Amara Okafor",
    )


def _project(midlands: Programme, cohort: Cohort, today: dt.date) -> None:
    """A confirmed pairing for the second-year cohort with an immersive day to confirm, and a
    supervised project whose last meeting was two months ago."""
    partner = Partner.objects.get(organisation__name="Derby Homeless Health Partnership")
    pairing_round = PairingRound.objects.create(
        cohort=cohort,
        name="Immersive experience partners",
        status=PairingRound.Status.CONFIRMED,
        created_by=_user("admin"),
    )
    pairing_round.partners.set([partner])
    lead = cohort.memberships.filter(locality__name="Derbyshire").order_by("-pk").first()
    assert lead is not None
    pairing = Pairing.objects.create(round=pairing_round, membership=lead, partner=partner, rank=1)
    ImmersiveDay.objects.create(pairing=pairing, date=today - dt.timedelta(days=6))
    supervisor = _user("supervisor")
    RoleAssignment.objects.get_or_create(user=supervisor, role=Role.SUPERVISOR, learner=lead.person)
    project = Project.objects.create(
        lead=lead,
        partner=partner,
        supervisor=supervisor,
        title="Hospital discharge for people without a home",
        area="Discharge planning",
        stage=Project.Stage.SCOPING,
    )
    for template in MilestoneTemplate.objects.filter(programme=midlands):
        Milestone.objects.create(
            project=project,
            name=template.name,
            due_on=due_date(lead, template),
            completed_by_output=template.completed_by_output,
        )
    Meeting.objects.create(
        project=project,
        date=today - dt.timedelta(days=60),
        notes="Agreed the audit questions.",
        recorded_by=supervisor,
    )


def _supervision(today: dt.date) -> None:
    """The demo learner's reflection waiting for a comment, and an assessor to approve."""
    learner = Person.objects.get(email=f"learner@{DEMO_DOMAIN}")
    Reflection.objects.create(
        person=learner,
        title="Safety-netting a frail patient going home",
        happened="A patient went home from the virtual ward with a clear plan.",
        meaning="Community teams need the plan in words the family can use.",
        visibility=Reflection.Visibility.SUPERVISOR,
        draft=False,
    )
    older = Reflection.objects.create(
        person=learner,
        title="My first community clinic",
        happened="A respiratory clinic.",
        draft=False,
        visibility=Reflection.Visibility.SUPERVISOR,
    )
    Comment.objects.create(
        reflection=older, author=_user("supervisor"), text="Good start: what would you change?"
    )
    Assessment.objects.create(
        person=learner,
        type=AssessmentType.objects.get(code="OPCAT"),
        setting=Assessment.Setting.COMMUNITY,
        date=today - dt.timedelta(days=4),
        encounter="Home visit with the frailty team",
        assessor_email="frailty.nurse@example.org",
        status=Assessment.Status.AWAITING_APPROVAL,
    )


def _feedback(midlands: Programme) -> None:
    """Feedback on the latest past session, for the faculty's home."""
    session = (
        Session.objects.filter(programme=midlands, ends_at__lt=timezone.now()).order_by("-starts_at").first()
    )
    if session is None:
        return
    attended = session.attendance.filter(status__in=("present", "late")).order_by("pk")[:6]
    for n, row in enumerate(attended):
        Feedback.objects.create(session=session, membership_id=row.membership_id, rating=4 + n % 2)
