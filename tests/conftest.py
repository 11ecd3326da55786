from __future__ import annotations

import datetime as dt
import importlib
import time
from dataclasses import dataclass
from typing import Any

import factory.random
import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enhance.accounts.models import User
from enhance.placements.models import Opportunity, OpportunityType, PlacementBlock
from enhance.placements.services import preferences_set
from enhance.programmes.models import (
    Cohort,
    Locality,
    Membership,
    Organisation,
    Programme,
    Region,
    Role,
)
from tests.factories import (
    CohortFactory,
    LocalityFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
    staff_user,
)


class SignedInClient(Client):
    """`force_login` stands for a completed sign-in: for staff that includes the second factor,
    recorded in the session as allauth records it (the middleware refuses a session without it)."""

    def _login(self, user, backend=None):  # type: ignore[no-untyped-def]
        super()._login(user, backend)
        session = self.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()


@pytest.fixture
def client() -> Client:
    return SignedInClient()


@pytest.fixture
def query_count(client):
    """How many queries a page costs the signed-in `user`: the one way every query-count test
    measures, so a page's cost can be compared at two data sizes."""

    def count(user, url, data=None) -> int:  # type: ignore[no-untyped-def]
        if user is not None:
            client.force_login(user)
        cache.clear()  # the cost from cold, whatever a page keeps for a while
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, data)
            response.getvalue()  # a streamed download reads its rows while it is sent
        assert response.status_code == 200, (url, response.status_code)
        return len(ctx.captured_queries)

    return count


@pytest.fixture(autouse=True)
def _same_names_every_run():
    """Factory names come from Faker: seeded per test, a name that trips a test (an apostrophe,
    say) trips it on every run instead of one run in fifty."""
    factory.random.reseed_random("enhance")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    """Two programmes in two regions and one user per persona."""

    programme: Programme
    other_programme: Programme
    locality: Locality
    other_locality: Locality
    cohort: Cohort
    trust: Organisation
    community_org: Organisation
    partner_org: Organisation
    learner_membership: Membership
    second_membership: Membership
    far_membership: Membership
    users: dict[str, User]

    def __getitem__(self, persona: str) -> User:
        return self.users[persona]


def ensure_reference_data() -> None:
    """Reference data comes from data migrations; tests that commit (browser tests) truncate
    every table afterwards, so the next test puts it back with the same idempotent code."""
    from django.apps import apps

    for module in (
        "enhance.curriculum.migrations.0002_default_framework",
        "enhance.programmes.migrations.0002_reference_data",
        "enhance.placements.migrations.0002_opportunity_types",
        "enhance.expenses.migrations.0002_nhs_mileage_rates",
        "enhance.teaching.migrations.0002_topics",
        "enhance.portfolio.migrations.0003_assessment_types",
        "enhance.projects.migrations.0002_populations",
        "enhance.privacy.migrations.0003_default_retention_rules",
        "enhance.evaluation.migrations.0002_national_questionnaire",
    ):
        importlib.import_module(module).forwards(apps, None)


@pytest.fixture
def world(db):  # returns World (factory_boy calls are untyped)
    ensure_reference_data()
    midlands = Region.objects.get(code="midlands")
    london = Region.objects.get(code="london")
    programme = ProgrammeFactory(name="Midlands IMT", region=midlands)
    other = ProgrammeFactory(name="London cohort", region=london)
    locality = LocalityFactory(programme=programme, name="Derbyshire")
    other_locality = LocalityFactory(programme=programme, name="Coventry")
    cohort = CohortFactory(programme=programme, name="August 2026 intake", intake_date=dt.date(2026, 8, 5))
    CohortFactory(programme=other, name="September 2026 intake", intake_date=dt.date(2026, 9, 2))
    trust = OrganisationFactory(name="Derby Hospitals NHS Trust")
    community = OrganisationFactory(
        name="Derbyshire Community Trust", kind=Organisation.Kind.COMMUNITY_PROVIDER
    )
    partner = OrganisationFactory(name="Derby Homeless Partnership", kind=Organisation.Kind.VOLUNTARY)
    learner_m = MembershipFactory(
        programme=programme,
        cohort=cohort,
        locality=locality,
        employing_organisation=trust,
        person__forename="Asha",
        person__surname="Learner",
        person__email="learner@example.org",
    )
    second_m = MembershipFactory(
        programme=programme,
        cohort=cohort,
        locality=other_locality,
        person__forename="Ben",
        person__surname="Second",
        person__email="learner2@example.org",
    )
    far_m = MembershipFactory(
        programme=other,
        person__forename="Cara",
        person__surname="Faraway",
        person__email="far@example.org",
    )
    users = {
        "national_admin": staff_user(Role.NATIONAL_ADMIN),
        "regional_lead": staff_user(Role.REGIONAL_LEAD, region=midlands),
        "programme_lead": staff_user(Role.PROGRAMME_LEAD, programme=programme),
        "locality_lead": staff_user(Role.LOCALITY_LEAD, locality=locality),
        "faculty": staff_user(Role.FACULTY, programme=programme),
        "community_lead": staff_user(Role.COMMUNITY_LEAD, organisation=community),
        "partner_contact": staff_user(Role.PARTNER_CONTACT, organisation=partner),
        "supervisor": staff_user(Role.SUPERVISOR, learner=learner_m.person),
        "finance_officer": staff_user(Role.FINANCE_OFFICER, organisation=trust),
        "learner": learner_m.person.user,
        "second_learner": second_m.person.user,
        "far_learner": far_m.person.user,
        "outsider": UserFactory(email="outsider@example.org"),
    }
    return World(
        programme=programme,
        other_programme=other,
        locality=locality,
        other_locality=other_locality,
        cohort=cohort,
        trust=trust,
        community_org=community,
        partner_org=partner,
        learner_membership=learner_m,
        second_membership=second_m,
        far_membership=far_m,
        users=users,
    )


PERSONAS = [
    "national_admin",
    "regional_lead",
    "programme_lead",
    "locality_lead",
    "faculty",
    "community_lead",
    "partner_contact",
    "supervisor",
    "finance_officer",
    "learner",
    "second_learner",
    "far_learner",
    "outsider",
]


# Placements: six opportunities of the community organisation and a block for the cohort.
BLOCK_START = dt.date(2027, 2, 1)


@pytest.fixture
def opportunities(world):
    kinds = {t.name: t for t in OpportunityType.objects.all()}
    specs = [
        ("Diabetes clinic", "Diabetic clinic", 1, False),
        ("Frailty unit", "Frailty service", 1, False),
        ("Home visits", "Home visiting team", 1, True),
        ("Heart failure clinic", "Heart failure service", 1, False),
        ("Virtual ward", "Virtual ward", 2, False),
        ("Respiratory team", "Respiratory service", 1, False),
    ]
    return [
        Opportunity.objects.create(
            organisation=world.community_org,
            type=kinds[kind],
            title=title,
            capacity=places,
            requires_driver=driver,
            community_lead=world["community_lead"],
        )
        for title, kind, places, driver in specs
    ]


@pytest.fixture
def block(world, opportunities):
    block = PlacementBlock.objects.create(
        cohort=world.cohort,
        name="Spring community placement",
        starts_on=BLOCK_START,
        ends_on=BLOCK_START + dt.timedelta(weeks=16),
        preferences_close_at=timezone.now() + dt.timedelta(days=30),
        choices=5,
        seed=7,
        created_by=world["programme_lead"],
    )
    block.opportunities.set(opportunities)
    return block


@pytest.fixture
def ranked_block(world, block, opportunities):
    """Both Midlands learners and three more have ranked."""
    ids = [o.pk for o in opportunities]
    preferences_set(
        actor=world["learner"], block=block, membership=world.learner_membership, opportunity_ids=ids[:5]
    )
    preferences_set(
        actor=world["second_learner"],
        block=block,
        membership=world.second_membership,
        opportunity_ids=ids[:3],
    )
    for n in range(3):
        m = MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
        preferences_set(actor=m.person.user, block=block, membership=m, opportunity_ids=ids[n : n + 4])
    return block


@dataclass
class Scene:
    """One object of every kind, in the Midlands programme, for URL-by-persona tests."""

    world: World
    objects: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture
def scene(world, ranked_block, opportunities):  # returns Scene
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enhance.calendars.services import feed_token_for
    from enhance.core.models import Download
    from enhance.evaluation.models import Wave, Workbook
    from enhance.expenses import services as expenses
    from enhance.expenses.models import Claim, Cost, Journey
    from enhance.notifications.services import notify
    from enhance.placements import allocation
    from enhance.placements import services as placements
    from enhance.placements.models import ClinicEntry, OpportunityType
    from enhance.portfolio.models import (
        Assessment,
        AssessmentType,
        EvidencePack,
        Reflection,
        RequirementSet,
        Rule,
    )
    from enhance.privacy.models import DataExport
    from enhance.programmes.import_jobs import import_preview
    from enhance.projects import projects
    from enhance.projects import services as pairing
    from enhance.projects.models import ImmersiveDay, MilestoneTemplate, PairingRound, Partner, Project
    from enhance.teaching import services as teaching
    from enhance.teaching.models import Attendance, LeaveRequest, Material, Session, Topic
    from tests.programmes.test_imports import GOOD_ROWS, csv_bytes

    lead, learner = world["programme_lead"], world["learner"]
    m = world.learner_membership
    m.holds_driving_licence, m.business_insurance_expires_on = True, dt.date(2030, 1, 1)
    m.save()
    yesterday = timezone.now() - dt.timedelta(days=1)
    (session,) = teaching.session_series_create(
        actor=lead,
        session=Session(
            programme=world.programme,
            title="Human factors",
            topic=Topic.objects.get(name="Human factors"),
            mode="virtual",
            online_link="https://meet.example/enhance",
            starts_at=yesterday,
            ends_at=yesterday + dt.timedelta(hours=2),
        ),
        m2m={"facilitators": [world["faculty"]]},
        repeat="none",
        count=1,
    )
    Attendance.objects.create(session=session, membership=m, status="present", recorded_by=lead)
    material = Material.objects.create(
        session=session,
        title="Slides",
        file=SimpleUploadedFile("s.pdf", b"%PDF-1.4 x"),
        content_type="application/pdf",
    )
    leave = LeaveRequest.objects.create(
        membership=m, starts_on=dt.date(2030, 3, 4), ends_on=dt.date(2030, 3, 4), reason="Course", days=1
    )

    run = placements.allocation_run_start(actor=lead, block=ranked_block, mode="balanced")
    allocation.allocation_run_execute(run.pk)
    run.refresh_from_db()
    placements.allocation_run_publish(actor=lead, run=run)
    placement = m.placements.get()
    clinic = ClinicEntry.objects.create(
        placement=placement,
        date=placement.starts_on,
        clinic_type=OpportunityType.objects.first(),
        site="Ilkeston",
        supervisor="Dr Rao",
    )

    month = timezone.localdate().replace(day=1)
    claim = expenses.claim_open(actor=learner, membership=m, month=month)
    journey = Journey.objects.create(
        claim=claim,
        date=month,
        origin="Derby",
        destination="Ilkeston",
        purpose="session",
        mode="public",
        miles=0,
    )
    cost = Cost.objects.create(
        journey=journey,
        kind="fare",
        pence=450,
        receipt=SimpleUploadedFile("r.pdf", b"%PDF-1.4 r"),
        receipt_type="application/pdf",
    )
    earlier = Claim.objects.create(
        membership=m, month=dt.date(2020, 1, 1), status=Claim.Status.APPROVED, total_pence=100
    )
    batch = expenses.export_batch_create(actor=world["finance_officer"], organisation=world.trust)
    earlier.refresh_from_db()

    reflection = Reflection.objects.create(
        person=m.person, title="Safety-netting", happened="A clinic", draft=False, visibility="supervisor"
    )
    assessment = Assessment.objects.create(
        person=m.person,
        type=AssessmentType.objects.get(code="OPCAT"),
        setting="community",
        date=dt.date(2026, 9, 1),
        encounter="Clinic",
        assessor_email="assessor@example.org",
    )
    requirement_set = RequirementSet.objects.create(programme=world.programme, training_year=1, name="IMY1")
    rule = Rule.objects.create(requirement_set=requirement_set, kind="reflections", target=1)
    pack = EvidencePack.objects.create(
        person=m.person, starts_on=dt.date(2026, 8, 1), ends_on=dt.date(2026, 9, 1)
    )

    partner = Partner.objects.create(organisation=world.partner_org, learners_per_year=3)
    pairing_round = pairing.round_create(
        actor=lead, pairing_round=PairingRound(cohort=world.cohort, name="Immersive"), partners=[partner]
    )
    pairing.pairing_set(actor=lead, pairing_round=pairing_round, membership=m, partner=partner)
    pairing.round_confirm(actor=lead, pairing_round=pairing_round)
    the_pairing = pairing_round.pairings.get(membership=m)
    day = ImmersiveDay.objects.create(pairing=the_pairing, date=dt.date(2026, 10, 1))
    MilestoneTemplate.objects.create(
        programme=world.programme, name="Recommendation", training_year=1, months_into_year=11
    )
    project = projects.project_create(
        actor=learner,
        project=Project(
            lead=m, partner=partner, title="Discharge to shelters", supervisor=world["supervisor"]
        ),
    )
    notification = notify(recipient=learner, kind="general", title="Welcome")
    import_batch = import_preview(actor=lead, filename="t.csv", data=csv_bytes(*GOOD_ROWS[:1])).batch
    return Scene(
        world=world,
        objects={
            "session": session,
            "material": material,
            "leave": leave,
            "block": ranked_block,
            "run": run,
            "placement": placement,
            "clinic": clinic,
            "opportunity": opportunities[0],
            "claim": claim,
            "journey": journey,
            "cost": cost,
            "approved_claim": earlier,
            "batch": batch,
            "reflection": reflection,
            "assessment": assessment,
            "requirement_set": requirement_set,
            "rule": rule,
            "pack": pack,
            "partner": partner,
            "round": pairing_round,
            "pairing": the_pairing,
            "day": day,
            "project": project,
            "milestone": project.milestones.first(),
            "notification": notification,
            "import_batch": import_batch,
            "feed_token": feed_token_for(learner).token,
            "export": DataExport.objects.create(person=m.person, requested_by=learner),
            "wave": Wave.objects.create(
                cohort=world.cohort,
                point=Wave.Point.ENTRY,
                year=0,
                opens_on=timezone.localdate() - dt.timedelta(days=1),
                closes_on=timezone.localdate() + dt.timedelta(days=14),
            ),
            "workbook": Workbook.objects.create(requested_by=world["national_admin"], total=7),
            "download": Download.objects.create(
                requested_by=world["programme_lead"], maker="enhance.teaching.downloads.attendance_sheet"
            ),
        },
    )
