"""The shared pagination component: its links reach every page of a list."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NEXT_LINK = re.compile(r'class="nhsuk-pagination__link nhsuk-pagination__link--next"\s+href="([^"]+)"')


def test_next_link_is_a_single_query_string_that_opens_page_two(client, world):
    for _ in range(30):
        MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
    client.force_login(world["programme_lead"])
    url = reverse("programmes:learner_list")

    first = client.get(url).content.decode()
    href = NEXT_LINK.search(first)
    assert href is not None
    assert href.group(1) == "?page=2"

    second = client.get(url + href.group(1)).content.decode()
    assert "Showing 26 to 32 of 32." in second
    assert "nhsuk-pagination__link--prev" in second


def test_next_link_keeps_the_filters_of_the_list(client, world):
    for _ in range(30):
        MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
    client.force_login(world["programme_lead"])

    first = client.get(reverse("programmes:learner_list"), {"locality": world.locality.pk}).content.decode()
    href = NEXT_LINK.search(first)
    assert href is not None
    assert href.group(1) == f"?locality={world.locality.pk}&amp;page=2"
