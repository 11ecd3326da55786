from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enhance.placements.models import Opportunity, OpportunityType, PlacementBlock
from enhance.placements.services import preferences_set
from tests.factories import MembershipFactory

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
    preferences_set(actor=world["learner"], block=block, membership=world.learner_membership, opportunity_ids=ids[:5])
    preferences_set(
        actor=world["second_learner"], block=block, membership=world.second_membership, opportunity_ids=ids[:3]
    )
    for n in range(3):
        m = MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
        preferences_set(actor=m.person.user, block=block, membership=m, opportunity_ids=ids[n : n + 4])
    return block
