"""The readiness list: kept in the database, so it sorts, filters, pages and exports across
every learner, and stays current as evidence changes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from enhance.portfolio import readiness
from enhance.portfolio.models import Readiness, Reflection, RequirementSet, Rule
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def one_reflection(world):
    """Year 1 asks for one finished reflection: with it a learner is green, without it red."""
    rs = RequirementSet.objects.create(programme=world.programme, training_year=1, name="IMY1")
    Rule.objects.create(requirement_set=rs, kind="reflections", target=1)


def reflect(m, title="A clinic"):
    return Reflection.objects.create(person=m.person, title=title, happened="x", draft=False)


@pytest.fixture
def crowd(world, one_reflection):
    """30 green learners in Derbyshire, and one red learner whose name sorts last."""
    for _ in range(30):
        reflect(MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality))
    reflect(world.learner_membership)
    reflect(world.second_membership)
    return MembershipFactory(
        programme=world.programme,
        cohort=world.cohort,
        locality=world.other_locality,
        person__forename="Zed",
        person__surname="Zulu",
        arcp_date=dt.date(2027, 6, 1),
    )


def page(client, user, **query):
    client.force_login(user)
    return client.get(reverse("portfolio:readiness"), query).content.decode()


def names_in_order(html, *names):
    return sorted(names, key=html.index)


def test_red_comes_first_across_every_learner_not_just_the_page(client, world, crowd):
    with time_machine.travel(WHEN):
        first = page(client, world["programme_lead"])
        assert f'data-testid="rag-{crowd.pk}"' in first  # row 1 of page 1, though "Zulu" sorts last
        assert "Page 2 of 2" in first
        second = page(client, world["programme_lead"], page=2)
    assert f'data-testid="rag-{crowd.pk}"' not in second
    assert second.count('data-testid="rag-') == 33 - 25


def test_the_list_filters_by_status_and_locality(client, world, crowd):
    with time_machine.travel(WHEN):
        red = page(client, world["programme_lead"], rag="red")
        in_coventry = page(client, world["programme_lead"], locality=world.other_locality.pk)
    assert red.count('data-testid="rag-') == 1 and "Zed Zulu" in red
    assert in_coventry.count('data-testid="rag-') == 2  # Zed and the second learner


def test_soonest_arcp_first_orders_by_the_arcp_date(client, world, crowd):
    world.learner_membership.arcp_date = dt.date(2027, 1, 10)
    world.learner_membership.save()
    with time_machine.travel(WHEN):
        html = page(client, world["programme_lead"], order="arcp")
    learner = world.learner_membership.person.full_name
    assert names_in_order(html, "Zed Zulu", learner) == [learner, "Zed Zulu"]


def test_the_export_is_the_filtered_list_every_row(client, world, crowd):
    client.force_login(world["programme_lead"])
    with time_machine.travel(WHEN):
        csv = (
            client.get(reverse("portfolio:readiness_export", args=["csv"]), {"rag": "green"})
            .getvalue()
            .decode()
        )
        xlsx = client.get(reverse("portfolio:readiness_export", args=["xlsx"])).getvalue()
    lines = csv.strip().splitlines()
    assert len(lines) == 1 + 32 and all(line.endswith(",1,1,Green") for line in lines[1:])
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet.max_row == 1 + 33
    assert client.get(reverse("portfolio:readiness_export", args=["pdf"])).status_code == 404


def test_evidence_marks_the_learner_stale_and_the_list_recomputes_them(client, world, crowd):
    with time_machine.travel(WHEN):
        page(client, world["programme_lead"])
        kept = Readiness.objects.get(membership=crowd)
        assert (kept.rag, kept.stale) == ("red", False)
        reflect(crowd)
        assert Readiness.objects.get(membership=crowd).stale
        html = page(client, world["programme_lead"], rag="red")
    assert "Zed Zulu" not in html
    assert Readiness.objects.get(membership=crowd).rag == "green"


def test_the_nightly_refresh_recomputes_yesterday_s_figures(world, crowd):
    with time_machine.travel(WHEN):
        assert readiness.refresh_all() == Readiness.objects.count() > 30
        assert readiness.refresh_all() == 0  # nothing stale, nothing recomputed
    with time_machine.travel(WHEN + dt.timedelta(days=1)):
        assert readiness.refresh_all() == Readiness.objects.count()
        assert set(Readiness.objects.values_list("computed_on", flat=True)) == {timezone.localdate()}


def test_every_learner_list_filters_by_profession_and_current_grade(client, world, crowd):
    from enhance.programmes.models import Grade, GradePeriod, Profession

    nurse = Profession.objects.get(name="Nurse")
    crowd.person.profession = nurse
    crowd.person.save()
    GradePeriod.objects.create(
        membership=crowd, grade=Grade.objects.get(code="IMY2"), starts_on=dt.date(2026, 9, 1)
    )
    client.force_login(world["programme_lead"])
    with time_machine.travel(WHEN):
        for url in (
            reverse("portfolio:readiness"),
            reverse("teaching:attendance"),
            reverse("programmes:learner_list"),
        ):
            by_profession = client.get(url, {"profession": nurse.pk}).content.decode()
            by_grade = client.get(url, {"grade": Grade.objects.get(code="IMY2").pk}).content.decode()
            zed = reverse("learner", args=[crowd.person_id]) + '"'
            asha = reverse("learner", args=[world.learner_membership.person_id]) + '"'
            assert zed in by_profession and asha not in by_profession, url
            assert zed in by_grade and asha not in by_grade, url
            assert client.get(url, {"grade": "not-a-grade"}).status_code == 200
