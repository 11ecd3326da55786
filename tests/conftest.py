from __future__ import annotations

import datetime as dt
import importlib
import time
from dataclasses import dataclass

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
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, data)
        assert response.status_code == 200, (url, response.status_code)
        return len(ctx.captured_queries)

    return count


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
