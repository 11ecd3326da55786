"""Error pages are NHS.UK pages with the header and a way back, never bare Django pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

pytestmark = pytest.mark.django_db


def assert_nhs_page(html: str, heading: str) -> None:
    assert 'class="nhsuk-header"' in html
    assert f"<h1>{heading}</h1>" in html
    assert 'href="/"' in html  # the way home


def test_a_missing_page_is_an_nhs_page_with_a_way_home(client, world):
    client.force_login(world["learner"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_nhs_page(response.content.decode(), "Page not found")


def test_a_refused_page_says_why_and_offers_a_way_home(client, world):
    client.force_login(world["learner"])
    response = client.get(reverse("programmes:learner_list"))
    assert response.status_code == 403
    assert_nhs_page(response.content.decode(), "You cannot open this page")


def test_server_error_and_bad_request_pages_render_without_a_request_context():
    request = RequestFactory().get("/")
    error = defaults.server_error(request)
    assert error.status_code == 500
    assert_nhs_page(error.content.decode(), "Sorry, there is a problem with the service")
    bad = defaults.bad_request(request, SuspiciousOperation("bad"))
    assert bad.status_code == 400
    assert_nhs_page(bad.content.decode(), "Something was wrong with that request")
