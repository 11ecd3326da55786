"""Community opportunities and an open placement block with most rankings in."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from enhance.accounts.models import User
from enhance.demo.accounts import DEMO_DOMAIN
from enhance.placements.models import Opportunity, OpportunityType, PlacementBlock, Preference, PreferenceSet
from enhance.programmes.models import Organisation, Programme

# Community opportunities: (organisation, type, title, places, needs a driver, days)
OPPORTUNITIES = [
    (
        "Derbyshire Community Health NHS Trust",
        "Diabetic clinic",
        "Community diabetes clinic, Ilkeston",
        2,
        False,
        "Tuesday and Thursday mornings",
    ),
    (
        "Derbyshire Community Health NHS Trust",
        "Frailty service",
        "Frailty unit, Walton Hospital",
        2,
        False,
        "Monday to Wednesday",
    ),
    (
        "Derbyshire Community Health NHS Trust",
        "Home visiting team",
        "Rural home visiting team, Peak District",
        1,
        True,
        "Wednesday and Friday",
    ),
    (
        "Derbyshire Community Health NHS Trust",
        "Heart failure service",
        "Heart failure nurse service",
        2,
        False,
        "Monday and Thursday",
    ),
    (
        "Lincolnshire Community Services",
        "Respiratory service",
        "Coastal respiratory service, Skegness",
        2,
        True,
        "Tuesday to Thursday",
    ),
    (
        "Lincolnshire Community Services",
        "Virtual ward",
        "Frailty virtual ward",
        2,
        False,
        "Daily huddles, 9am",
    ),
]


def load_placements(
    midlands: Programme, orgs: dict[str, Organisation], today: dt.date, rng: random.Random
) -> None:
    """Opportunities, and an open block for the newest Midlands cohort with most rankings in."""

    community_lead = User.objects.get(email=f"community.lead@{DEMO_DOMAIN}")
    types = {t.name: t for t in OpportunityType.objects.all()}
    opportunities = []
    for org_name, type_name, title, places, driver, days in OPPORTUNITIES:
        org = orgs[org_name]
        opportunities.append(
            Opportunity.objects.create(
                organisation=org,
                type=types[type_name],
                title=title,
                site=org.sites.first(),
                description=f"Join the {type_name.lower()} team and see care outside hospital.",
                days_and_sessions=days,
                capacity=places,
                requires_driver=driver,
                community_lead=community_lead if org_name.startswith("Derbyshire") else None,
            )
        )
    cohort = midlands.cohorts.order_by("-intake_date").first()
    assert cohort is not None
    admin = User.objects.get(email=f"admin@{DEMO_DOMAIN}")
    block = PlacementBlock.objects.create(
        cohort=cohort,
        name=f"IMY1 community placement, spring {today.year + 1}",
        starts_on=dt.date(today.year + 1, 2, 2),
        ends_on=dt.date(today.year + 1, 5, 29),
        preferences_close_at=timezone.make_aware(dt.datetime(today.year + 1, 1, 9, 17, 0)),
        choices=5,
        seed=20260801,
        created_by=admin,
    )
    block.opportunities.set(opportunities)
    for membership in cohort.memberships.select_related("person").order_by("pk"):
        if membership.person.email.startswith(("learner@", "learner2@")):
            continue  # the demo learners rank for themselves
        pref_set = PreferenceSet.objects.create(block=block, membership=membership, interests="")
        order = list(opportunities)
        rng.shuffle(order)
        for rank, opportunity in enumerate(order[:5], start=1):
            Preference.objects.create(preference_set=pref_set, opportunity=opportunity, rank=rank)
