"""A page's query count does not grow with its data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enhance.notifications import kinds
from enhance.notifications.services import notify
from enhance.programmes.import_jobs import import_preview
from enhance.programmes.models import Role, RoleAssignment
from tests.factories import MembershipFactory, ProgrammeFactory, UserFactory
from tests.programmes.test_imports import GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db


def add_learners(world, n):
    for i in range(n):
        locality = world.locality if i % 2 else world.other_locality
        m = MembershipFactory(
            programme=world.programme,
            cohort=world.cohort,
            locality=locality,
            employing_organisation=world.trust,
        )
        RoleAssignment.objects.create(user=world["supervisor"], role=Role.SUPERVISOR, learner=m.person)
        notify(recipient=world["programme_lead"], kind=kinds.GENERAL.code, title=f"n{i}")
        notify(recipient=world["learner"], kind=kinds.GENERAL.code, title=f"n{i}")
        ProgrammeFactory()


PAGES = [
    ("national_admin", lambda w: reverse("programmes:programme_list")),
    ("programme_lead", lambda w: reverse("programmes:programme_detail", args=[w.programme.pk])),
    ("programme_lead", lambda w: reverse("programmes:locality_detail", args=[w.locality.pk])),
    ("programme_lead", lambda w: reverse("programmes:cohort_detail", args=[w.cohort.pk])),
    ("programme_lead", lambda w: reverse("programmes:learner_list")),
    ("supervisor", lambda w: reverse("programmes:learner_list")),
    ("programme_lead", lambda w: reverse("programmes:learner_list") + "?q=a&status=active"),
    ("programme_lead", lambda w: reverse("notifications:list")),
    ("learner", lambda w: reverse("notifications:list")),
]


@pytest.mark.parametrize(("persona", "url_for"), PAGES)
def test_query_count_does_not_grow_with_data(query_count, world, persona, url_for):
    url = url_for(world)
    add_learners(world, 3)
    small = query_count(world[persona], url)
    add_learners(world, 30)
    assert query_count(world[persona], url) <= small
    assert small <= 25


def test_import_preview_page_cost_is_flat(query_count, world):
    rows = [GOOD_ROWS[0].replace("7123456", f"70{i:05d}").replace("dana.okafor", f"d{i}") for i in range(60)]
    small = import_preview(actor=world["programme_lead"], filename="a.csv", data=csv_bytes(*rows[:2])).batch
    big = import_preview(actor=world["programme_lead"], filename="b.csv", data=csv_bytes(*rows)).batch
    lead = world["programme_lead"]
    few = query_count(lead, reverse("programmes:import_detail", args=[small.pk]))
    assert query_count(lead, reverse("programmes:import_detail", args=[big.pk])) <= few


def test_import_check_cost_does_not_grow_with_rows(world):
    rows = [GOOD_ROWS[0].replace("7123456", f"70{i:05d}").replace("dana.okafor", f"d{i}") for i in range(200)]
    import_preview(actor=world["programme_lead"], filename="warm.csv", data=csv_bytes(*rows[:1]))
    with CaptureQueriesContext(connection) as few:
        import_preview(actor=world["programme_lead"], filename="a.csv", data=csv_bytes(*rows[:2]))
    with CaptureQueriesContext(connection) as many:
        import_preview(actor=world["programme_lead"], filename="b.csv", data=csv_bytes(*rows))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_learner_list_unaffected_by_users_without_roles(query_count, world):
    UserFactory.create_batch(5)
    assert query_count(world["programme_lead"], reverse("programmes:learner_list")) <= 25
