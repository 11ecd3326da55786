"""Programme leads add localities and open intakes in the app, with clear messages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from enhance.programmes import setup
from enhance.programmes.models import Cohort, Locality

pytestmark = pytest.mark.django_db


def test_a_lead_opens_the_next_intake_named_by_default(world):
    cohort = setup.cohort_open(
        actor=world["programme_lead"], programme=world.programme, intake_date=dt.date(2027, 8, 4)
    )
    assert cohort.name == "August 2027 intake"
    with pytest.raises(
        ValidationError,
        match=re.escape(setup.INTAKE_EXISTS.format(programme=world.programme, day=dt.date(2027, 8, 4))),
    ):
        setup.cohort_open(
            actor=world["programme_lead"], programme=world.programme, intake_date=dt.date(2027, 8, 4)
        )


def test_locality_names_are_unique_in_a_programme_whatever_their_case(world):
    setup.locality_add(actor=world["programme_lead"], programme=world.programme, name="Nottinghamshire")
    with pytest.raises(
        ValidationError,
        match=re.escape(setup.LOCALITY_EXISTS.format(programme=world.programme, name="derbyshire")),
    ):
        setup.locality_add(actor=world["programme_lead"], programme=world.programme, name="derbyshire")
    with pytest.raises(ValidationError, match=re.escape(setup.NAME_NEEDED)):
        setup.locality_add(actor=world["programme_lead"], programme=world.programme, name="   ")


@pytest.mark.parametrize("persona", ["locality_lead", "faculty", "learner"])
def test_only_those_who_run_the_programme_set_it_up(world, persona):
    with pytest.raises(PermissionDenied):
        setup.locality_add(actor=world[persona], programme=world.programme, name="Elsewhere")
    assert not Locality.objects.filter(name="Elsewhere").exists()


def test_the_programme_page_adds_a_locality_and_opens_an_intake(client, world):
    client.force_login(world["programme_lead"])
    page = client.get(reverse("programmes:programme_detail", args=[world.programme.pk])).content.decode()
    assert "Add locality" in page and "Open intake" in page
    client.post(reverse("programmes:locality_add", args=[world.programme.pk]), {"name": "Nottinghamshire"})
    response = client.post(
        reverse("programmes:cohort_open", args=[world.programme.pk]), {"intake_date": "not a date"}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("programmes:cohort_open", args=[world.programme.pk]),
        {"intake_date": "2027-08-04"},
        follow=True,
    )
    assert "August 2027 intake opened." in response.content.decode()
    assert Locality.objects.filter(programme=world.programme, name="Nottinghamshire").exists()
    assert Cohort.objects.filter(programme=world.programme, intake_date=dt.date(2027, 8, 4)).exists()
    client.force_login(world["locality_lead"])
    page = client.get(reverse("programmes:programme_detail", args=[world.programme.pk])).content.decode()
    assert "Add locality" not in page
    assert (
        client.post(reverse("programmes:locality_add", args=[world.programme.pk]), {"name": "X"}).status_code
        == 403
    )


def test_a_community_lead_adds_a_site_with_its_postcode_checked(client, world):
    from enhance.programmes.models import Site

    url = reverse("programmes:organisation_detail", args=[world.community_org.pk])
    client.force_login(world["community_lead"])
    site = {
        "name": "Ilkeston Health Centre",
        "address": "South Street",
        "postcode": "not one",
        "public_transport": "",
    }
    response = client.post(url, site)
    assert response.status_code == 400 and 'id="id_postcode-error"' in response.content.decode()
    response = client.post(url, {**site, "postcode": "DE7 5QJ"}, follow=True)
    assert "Site Ilkeston Health Centre added." in response.content.decode()
    assert Site.objects.filter(organisation=world.community_org, name="Ilkeston Health Centre").exists()


def test_nobody_else_adds_sites_to_an_organisation(client, world):
    from enhance.programmes.models import Site

    site = {"name": "Elsewhere", "address": "x", "postcode": "DE7 5QJ", "public_transport": ""}
    for persona in ("finance_officer", "partner_contact", "programme_lead"):
        client.force_login(world[persona])
        client.post(reverse("programmes:organisation_detail", args=[world.community_org.pk]), site)
    client.force_login(world["finance_officer"])
    page = client.get(reverse("programmes:organisation_detail", args=[world.trust.pk])).content.decode()
    assert "Add a site" not in page
    assert (
        client.post(reverse("programmes:organisation_detail", args=[world.trust.pk]), site).status_code == 403
    )
    assert not Site.objects.filter(name="Elsewhere").exists()


def test_a_cohort_closes_only_when_no_learner_is_in_training_and_then_takes_no_one(client, world):
    from enhance.programmes.models import COHORT_CLOSED, Membership

    cohort = world.cohort
    client.force_login(world["programme_lead"])
    page = client.post(reverse("programmes:cohort_close", args=[cohort.pk]), follow=True).content.decode()
    assert "still has 2 learners in training" in page
    cohort.refresh_from_db()
    assert not cohort.is_closed
    Membership.objects.filter(cohort=cohort).update(status=Membership.Status.COMPLETED)
    page = client.post(reverse("programmes:cohort_close", args=[cohort.pk]), follow=True).content.decode()
    assert f"{cohort.name} closed." in page and "Closed" in page
    cohort.refresh_from_db()
    with pytest.raises(ValidationError, match=re.escape(COHORT_CLOSED.format(cohort=cohort))):
        Membership(person=world.far_membership.person, programme=world.programme, cohort=cohort).full_clean()
    with pytest.raises(PermissionDenied):
        setup.cohort_close(
            actor=world["locality_lead"], cohort=Cohort.objects.get(programme=world.other_programme)
        )
    with pytest.raises(ValidationError, match="already closed"):
        setup.cohort_close(actor=world["programme_lead"], cohort=cohort)
