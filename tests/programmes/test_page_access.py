"""Every persona against every page: allowed (200), forbidden (403) and not found (404)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS, World

MANAGERS = {"national_admin", "regional_lead", "programme_lead", "locality_lead"}
STAFF = MANAGERS | {"faculty", "community_lead", "partner_contact", "supervisor", "finance_officer"}
EVERYONE = set(PERSONAS)
# Who can see the Midlands programme, its localities and cohorts: its leads and faculty, the
# supervisor and finance officer of one of its learners, and its learners.
PROGRAMME_VIEWERS = MANAGERS | {"faculty", "supervisor", "finance_officer", "learner", "second_learner"}
# Who can open the first learner's profile.
PROFILE_VIEWERS = MANAGERS | {"faculty", "supervisor", "finance_officer", "learner"}

PAGES: list[tuple[str, Callable[[World], str], set[str]]] = [
    ("home", lambda w: reverse("home"), EVERYONE),
    ("programme list", lambda w: reverse("programmes:programme_list"), EVERYONE),
    ("programme", lambda w: reverse("programmes:programme_detail", args=[w.programme.pk]), PROGRAMME_VIEWERS),
    ("locality", lambda w: reverse("programmes:locality_detail", args=[w.locality.pk]), PROGRAMME_VIEWERS),
    ("cohort", lambda w: reverse("programmes:cohort_detail", args=[w.cohort.pk]), PROGRAMME_VIEWERS),
    ("learner list", lambda w: reverse("programmes:learner_list"), STAFF),
    (
        "learner profile",
        lambda w: reverse("learner", args=[w.learner_membership.person_id]),
        PROFILE_VIEWERS,
    ),
    (
        "edit person",
        lambda w: reverse("programmes:person_edit", args=[w.learner_membership.person_id]),
        MANAGERS,
    ),
    (
        "edit membership",
        lambda w: reverse("programmes:membership_edit", args=[w.learner_membership.pk]),
        MANAGERS,
    ),
    ("add learner", lambda w: reverse("programmes:learner_create"), MANAGERS),
    (
        "add membership",
        lambda w: reverse("programmes:membership_create", args=[w.learner_membership.person_id]),
        MANAGERS,
    ),
    ("import", lambda w: reverse("programmes:import_upload"), MANAGERS),
    ("import template", lambda w: reverse("programmes:import_template"), MANAGERS),
    (
        "organisation",
        lambda w: reverse("programmes:organisation_detail", args=[w.community_org.pk]),
        {"national_admin", "community_lead"},
    ),
    ("notifications", lambda w: reverse("notifications:list"), EVERYONE),
    ("email choices", lambda w: reverse("notifications:preferences"), EVERYONE),
    ("calendar", lambda w: reverse("calendars:mine"), EVERYONE),
]

CASES = [(name, persona) for name, _, _ in PAGES for persona in PERSONAS]


@pytest.mark.parametrize(("page", "persona"), CASES)
def test_persona_gets_page_only_within_scope(client, world, page, persona):
    _, url_for, allowed = next(p for p in PAGES if p[0] == page)
    client.force_login(world[persona])
    response = client.get(url_for(world))
    expected = 200 if persona in allowed else 403
    assert response.status_code == expected, f"{persona} on {page}"


NOT_FOUND = [
    reverse("programmes:programme_detail", args=[99999]),
    reverse("programmes:locality_detail", args=[99999]),
    reverse("programmes:cohort_detail", args=[99999]),
    reverse("learner", args=[99999]),
    reverse("programmes:person_edit", args=[99999]),
    reverse("programmes:membership_edit", args=[99999]),
    reverse("programmes:organisation_detail", args=[99999]),
    reverse("programmes:import_detail", args=[99999]),
]


@pytest.mark.parametrize("url", NOT_FOUND)
def test_missing_objects_are_not_found(client, world, url):
    client.force_login(world["national_admin"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/", "/learners/", "/programmes/", "/notifications/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_admin_site_is_only_for_superusers(client, world):
    world["national_admin"].is_staff = world["national_admin"].is_superuser = True
    world["national_admin"].save()
    client.force_login(world["national_admin"])
    assert client.get("/admin/programmes/registrationbody/").status_code == 200
    client.force_login(world["programme_lead"])
    assert client.get("/admin/").status_code == 302


def test_locality_lead_sees_only_their_localitys_learners(client, world):
    client.force_login(world["locality_lead"])
    page = client.get(reverse("programmes:learner_list")).content.decode()
    assert "Learner, Asha" in page
    assert "Second, Ben" not in page
    assert "Faraway, Cara" not in page
    other = reverse("learner", args=[world.second_membership.person_id])
    assert client.get(other).status_code == 403


def test_learner_sees_only_themselves_in_their_cohort(client, world):
    client.force_login(world["learner"])
    page = client.get(reverse("programmes:cohort_detail", args=[world.cohort.pk])).content.decode()
    assert "Learner, Asha" in page
    assert "Second, Ben" not in page


def test_health_check_needs_no_sign_in(client, db):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.content == b"ok"
