"""Reference data kept in the app, by scope: national lists by national admins, programmes by
regional leads in their region, venues and milestone templates by the leads who run a
programme. Bad input is refused next to its field; every change keeps its history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from enhance.programmes.models import (
    EXAMPLE_DOES_NOT_MATCH,
    PATTERN_INVALID,
    Programme,
    Region,
    RegistrationBody,
    Site,
)
from enhance.projects.models import MilestoneTemplate
from enhance.reference import services
from enhance.reference.catalogue import KINDS
from enhance.teaching.models import Topic

pytestmark = pytest.mark.django_db


def post(client, user, slug, data, pk=None):
    client.force_login(user)
    url = reverse("reference:edit", args=[slug, pk]) if pk else reverse("reference:create", args=[slug])
    return client.post(url, data)


def test_each_persona_sees_the_lists_they_keep(client, world):
    expected = {
        "national_admin": set(KINDS),
        "regional_lead": {
            "programmes",
            "organisations",
            "venues",
            "topics",
            "opportunity-types",
            "populations",
            "milestone-templates",
            "programme-survey-questions",
        },
        "programme_lead": {
            "venues",
            "topics",
            "opportunity-types",
            "populations",
            "milestone-templates",
            "programme-survey-questions",
        },
        "community_lead": {"venues"},
        "faculty": set(),
        "finance_officer": set(),
    }
    for persona, slugs in expected.items():
        client.force_login(world[persona])
        page = client.get(reverse("reference:index")).content.decode()
        shown = {slug for slug in KINDS if reverse("reference:list", args=[slug]) in page}
        assert shown == slugs, persona
    client.force_login(world["programme_lead"])
    assert client.get(reverse("reference:list", args=["regions"])).status_code == 403
    assert client.get(reverse("reference:list", args=["no-such-list"])).status_code == 404
    assert client.get(reverse("reference:edit", args=["topics", 999999])).status_code == 404


def test_a_national_admin_adds_a_registration_body_checked_field_by_field(client, world):
    admin = world["national_admin"]
    data = {
        "code": "PSNI",
        "name": "Pharmaceutical Society NI",
        "number_pattern": "P[0-9",
        "number_example": "P123",
    }
    page = post(client, admin, "registration-bodies", data).content.decode()
    assert PATTERN_INVALID in page
    page = post(
        client, admin, "registration-bodies", {**data, "number_pattern": "P[0-9]{6}"}
    ).content.decode()
    assert EXAMPLE_DOES_NOT_MATCH in page
    assert not RegistrationBody.objects.filter(code="PSNI").exists()
    response = post(client, admin, "registration-bodies", {**data, "number_pattern": "P[0-9]{3}"})
    assert response.status_code == 302
    body = RegistrationBody.objects.get(code="PSNI")
    page = client.get(reverse("reference:edit", args=["registration-bodies", body.pk])).content.decode()
    assert "created" in page and escape(admin.full_name) in page


def test_a_regional_lead_adds_programmes_only_in_their_region(client, world):
    lead = world["regional_lead"]
    midlands, london = Region.objects.get(code="midlands"), Region.objects.get(code="london")
    framework = world.programme.framework_id
    data = {
        "name": "Midlands Foundation",
        "pathway": world.programme.pathway,
        "length_years": 2,
        "framework": framework,
    }
    page = post(client, lead, "programmes", {**data, "region": london.pk}).content.decode()
    assert "Select a valid choice" in page
    assert not Programme.objects.filter(name="Midlands Foundation").exists()
    assert post(client, lead, "programmes", {**data, "region": midlands.pk}).status_code == 302
    assert Programme.objects.get(name="Midlands Foundation").region == midlands
    with pytest.raises(PermissionDenied):
        services.row_save(actor=lead, kind=KINDS["programmes"], row=world.other_programme)
    london_programme = Programme(
        region=london, name="Sneaked in", pathway="imt", length_years=1, framework_id=framework
    )
    with pytest.raises(ValidationError):
        services.row_save(actor=lead, kind=KINDS["programmes"], row=london_programme)


def test_a_programme_lead_adds_a_venue_and_milestones_for_their_own_programme(client, world):
    lead = world["programme_lead"]
    venue = {
        "organisation": world.community_org.pk,
        "name": "Ilkeston Health Centre",
        "address": "1 High St",
        "postcode": "XYZ",
    }
    page = post(client, lead, "venues", venue).content.decode()
    assert "Enter a UK postcode" in page
    assert post(client, lead, "venues", {**venue, "postcode": "DE7 5AB"}).status_code == 302
    assert Site.objects.filter(name="Ilkeston Health Centre").exists()
    milestone = {
        "programme": world.other_programme.pk,
        "name": "Abstract",
        "training_year": 2,
        "months_into_year": 9,
    }
    assert "Select a valid choice" in post(client, lead, "milestone-templates", milestone).content.decode()
    assert (
        post(client, lead, "milestone-templates", {**milestone, "programme": world.programme.pk}).status_code
        == 302
    )
    other = MilestoneTemplate.objects.create(
        programme=world.other_programme, name="Theirs", training_year=1, months_into_year=3
    )
    assert client.get(reverse("reference:edit", args=["milestone-templates", other.pk])).status_code == 403
    page = client.get(reverse("reference:list", args=["milestone-templates"])).content.decode()
    assert "Abstract" in page and "Theirs" not in page


def test_lists_search_order_and_page_in_the_database(client, world, query_count):
    lead = world["programme_lead"]
    url = reverse("reference:list", args=["topics"])
    before = query_count(lead, url)
    Topic.objects.bulk_create(Topic(name=f"Topic {n:03}") for n in range(60))
    assert query_count(lead, url) <= before
    page = client.get(url, {"q": "Topic 0", "order": "-name"}).content.decode()
    assert page.index("Topic 059") < page.index("Topic 058")
    assert "Page 1 of 3" in client.get(url, {"q": "Topic", "page": 2}).content.decode()
    assert "Topic 059" in client.get(url, {"q": "Topic", "page": 3}).content.decode()
    assert client.get(url, {"order": "bogus", "page": "x"}).status_code == 200


def test_survey_questions_national_for_admins_and_a_programmes_own_for_its_leads(client, world):
    from enhance.evaluation.models import SurveyItem

    question = {
        "text": "How confident are you in frailty care?",
        "answer": "scale",
        "order": 20,
        "active": "on",
    }
    question |= {"low_label": "Not at all confident", "high_label": "Very confident"}
    assert post(client, world["national_admin"], "survey-questions", question).status_code == 302
    assert SurveyItem.objects.get(text=question["text"]).programme is None
    lead = world["programme_lead"]
    assert post(client, lead, "survey-questions", question).status_code == 403
    page = post(client, lead, "programme-survey-questions", {**question, "text": "Ours"}).content.decode()
    assert "This field is required." in page and not SurveyItem.objects.filter(text="Ours").exists()
    both = {**question, "text": "Ours", "programme": world.programme.pk}
    linked = post(client, lead, "programme-survey-questions", {**both, "answer": "text", "domain": 1})
    assert "cannot be linked" in linked.content.decode()
    assert post(client, lead, "programme-survey-questions", both).status_code == 302
    assert SurveyItem.objects.get(text="Ours").programme == world.programme
