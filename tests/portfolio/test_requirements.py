"""Requirement sets: each rule counts correctly, LTFT scaling, training-year boundaries, RAG."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enhance.curriculum.models import Domain
from enhance.portfolio import requirements, services
from enhance.portfolio.models import Assessment, AssessmentType, Reflection, RequirementSet, Rule
from enhance.portfolio.requirements import ATTENDANCE_PERCENTAGE_FROM, CHOOSE_WHICH_ASSESSMENT_COUNTS


@pytest.fixture
def year_one(world):
    rs = requirements.requirement_set_save(
        actor=world["programme_lead"],
        requirement_set=RequirementSet(programme=world.programme, training_year=1, name="IMY1 enhance"),
    )
    opcat = AssessmentType.objects.get(code="OPCAT")
    requirements.rule_add(
        actor=world["programme_lead"],
        requirement_set=rs,
        rule=Rule(kind="assessments", target=2, assessment_type=opcat),
    )
    requirements.rule_add(
        actor=world["programme_lead"], requirement_set=rs, rule=Rule(kind="reflections", target=1)
    )
    return rs


def opcat(world, day):
    return Assessment.objects.create(
        person=world.learner_membership.person,
        type=AssessmentType.objects.get(code="OPCAT"),
        setting="community",
        date=day,
        encounter="clinic",
        assessor_email="a@b.example",
        status="completed",
        assessor_name="Dr A",
    )


def reflect(world, *domains):
    return services.reflection_save(
        actor=world["learner"],
        reflection=Reflection(title="r", happened="x", visibility="private"),
        domains=domains,
        themes=[],
        publish=True,
    )


def test_rules_count_evidence_in_the_current_training_year_only(world, year_one):
    opcat(world, dt.date(2026, 9, 1))
    opcat(world, dt.date(2027, 8, 10))  # training year 2: does not count for year 1
    with time_machine.travel(dt.datetime(2026, 10, 1, tzinfo=dt.UTC)):
        reflect(world, Domain.objects.get(number=1))
        p = requirements.progress_for(world.learner_membership)
    assert p.year == 1
    assert [(r.count, r.target, r.met) for r in p.rules] == [(1, 2, False), (1, 1, True)]
    assert p.rag == "amber"


def test_less_than_full_time_targets_scale_pro_rata(world, year_one):
    world.learner_membership.wte = Decimal("0.5")
    world.learner_membership.save()
    opcat(world, dt.date(2026, 9, 1))
    with time_machine.travel(dt.datetime(2026, 10, 1, tzinfo=dt.UTC)):
        reflect(world)
        p = requirements.progress_for(world.learner_membership)
    assert [(r.count, r.target) for r in p.rules] == [(1, 1), (1, 1)]
    assert p.rag == "green"


def test_the_training_year_turns_on_the_start_date(world):
    m = world.learner_membership  # started 5 August 2026
    assert requirements.training_year(m, dt.date(2027, 8, 4))[0] == 1
    assert requirements.training_year(m, dt.date(2027, 8, 5))[0] == 2


def test_every_domain_rule_names_the_gaps(world):
    rs = RequirementSet.objects.create(programme=world.programme, training_year=1, name="domains")
    requirements.rule_add(actor=world["programme_lead"], requirement_set=rs, rule=Rule(kind="all_domains"))
    with time_machine.travel(dt.datetime(2026, 10, 1, tzinfo=dt.UTC)):
        reflect(world, *Domain.objects.filter(number__lte=5))
        (rule,) = requirements.progress_for(world.learner_membership).rules
    assert (rule.count, rule.target, rule.met) == (5, 6, False)
    assert rule.missing == "reflections on: Systems working"


def test_rules_are_checked_and_only_leads_configure_them(world, year_one):
    with pytest.raises(ValidationError, match=re.escape(CHOOSE_WHICH_ASSESSMENT_COUNTS)):
        requirements.rule_add(
            actor=world["programme_lead"], requirement_set=year_one, rule=Rule(kind="assessments")
        )
    with pytest.raises(ValidationError, match=re.escape(ATTENDANCE_PERCENTAGE_FROM)):
        requirements.rule_add(
            actor=world["programme_lead"], requirement_set=year_one, rule=Rule(kind="attendance", target=150)
        )
    with pytest.raises(PermissionDenied):
        requirements.rule_add(
            actor=world["locality_lead"], requirement_set=year_one, rule=Rule(kind="reflections")
        )


def test_readiness_shows_red_then_green_as_evidence_lands(client, world, year_one):
    client.force_login(world["programme_lead"])
    with time_machine.travel(dt.datetime(2026, 10, 1, tzinfo=dt.UTC)):
        page = client.get(reverse("portfolio:readiness")).content.decode()
        assert (
            f'data-testid="rag-{world.learner_membership.pk}"><strong class="nhsuk-tag nhsuk-tag--red">'
            in page
        )
        opcat(world, dt.date(2026, 9, 1))
        opcat(world, dt.date(2026, 9, 8))
        reflect(world)
        page = client.get(reverse("portfolio:readiness")).content.decode()
        assert (
            f'data-testid="rag-{world.learner_membership.pk}"><strong class="nhsuk-tag nhsuk-tag--green">'
            in page
        )
        client.force_login(world["learner"])
        assert client.get(reverse("portfolio:readiness")).status_code == 403
        assert "Completed OPCAT: 2 of 2" in client.get(reverse("portfolio:progress")).content.decode()


def test_progress_page_costs_the_same_whatever_the_evidence(query_count, world, year_one):
    with time_machine.travel(dt.datetime(2026, 10, 1, tzinfo=dt.UTC)):
        opcat(world, dt.date(2026, 8, 20))
        reflect(world)
        few = query_count(world["learner"], reverse("portfolio:progress"))
        for n in range(5):
            opcat(world, dt.date(2026, 9, 1 + n))
            reflect(world)
        many = query_count(world["learner"], reverse("portfolio:progress"))
    assert many <= few


@pytest.mark.django_db(transaction=True)
def test_clinic_and_attendance_rules_count_what_the_other_areas_record(world, ranked_block):
    from enhance.placements import services as placement_services
    from enhance.placements.models import ClinicEntry, Placement
    from enhance.teaching import services as teaching
    from tests.teaching.test_sessions import START, series

    rs = RequirementSet.objects.create(programme=world.programme, training_year=1, name="year 1")
    requirements.rule_add(
        actor=world["programme_lead"], requirement_set=rs, rule=Rule(kind="clinics", target=2)
    )
    requirements.rule_add(
        actor=world["programme_lead"], requirement_set=rs, rule=Rule(kind="attendance", target=50)
    )
    run = placement_services.allocation_run_start(
        actor=world["programme_lead"], block=ranked_block, mode="balanced"
    )
    run.refresh_from_db()
    placement_services.allocation_run_publish(actor=world["programme_lead"], run=run)
    placement = Placement.objects.get(membership=world.learner_membership)
    for day, status in ((placement.starts_on, "confirmed"), (placement.starts_on, "submitted")):
        ClinicEntry.objects.create(
            placement=placement,
            date=day,
            clinic_type=placement.opportunity.type,
            site="s",
            supervisor="x",
            status=status,
        )
    first, second = series(world, count=2)
    with time_machine.travel(START + dt.timedelta(days=8)):
        teaching.register_save(
            actor=world["programme_lead"], session=first, statuses={world.learner_membership.pk: "present"}
        )
        teaching.register_save(
            actor=world["programme_lead"], session=second, statuses={world.learner_membership.pk: "absent"}
        )
    with time_machine.travel(dt.datetime(2027, 3, 1, tzinfo=dt.UTC)):
        clinics, attendance = requirements.progress_for(world.learner_membership).rules
    assert (clinics.count, clinics.target, clinics.met) == (1, 2, False)  # only confirmed clinics count
    assert (attendance.count, attendance.target, attendance.met) == (50, 50, True)


def test_readiness_page_costs_the_same_for_more_learners(client, world, year_one):
    from tests.factories import MembershipFactory

    client.force_login(world["programme_lead"])
    with time_machine.travel(dt.datetime(2026, 10, 1, tzinfo=dt.UTC)):
        opcat(world, dt.date(2026, 9, 1))
        reflect(world)
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("portfolio:readiness"))
        for _ in range(6):
            MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
        with CaptureQueriesContext(connection) as many:
            page = client.get(reverse("portfolio:readiness")).content.decode()
    assert page.count('data-testid="rag-') == 8
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_an_area_can_add_its_own_kind_of_evidence(world):
    from enhance.core import evidence as registry

    @registry.rule_kind("test_kind", "Test evidence", "things")
    def count(rule, memberships, windows):  # type: ignore[no-untyped-def]
        return {m.pk: registry.Counted(3, ["a", "b", "c"]) for m in memberships}

    try:
        rs = RequirementSet.objects.create(programme=world.programme, training_year=1, name="x")
        requirements.rule_add(
            actor=world["programme_lead"], requirement_set=rs, rule=Rule(kind="test_kind", target=2)
        )
        with time_machine.travel(dt.datetime(2026, 10, 1, tzinfo=dt.UTC)):
            (row,) = requirements.progress_for(world.learner_membership).rules
        assert (row.label, row.count, row.met) == ("Test evidence", 3, True)
    finally:
        registry._KINDS.pop("test_kind")


def test_only_the_programmes_leads_remove_a_rule_and_only_from_its_own_set(client, world, year_one):
    rule = year_one.rules.get(kind="reflections")
    url = reverse("portfolio:rule_remove", args=[year_one.pk, rule.pk])
    for persona in ("locality_lead", "faculty", "learner"):
        client.force_login(world[persona])
        assert client.post(url).status_code == 403
    assert year_one.rules.filter(pk=rule.pk).exists()
    client.force_login(world["programme_lead"])
    assert client.get(url).status_code == 405
    other = RequirementSet.objects.create(programme=world.programme, training_year=2, name="IMY2")
    wrong_set = reverse("portfolio:rule_remove", args=[other.pk, rule.pk])
    assert client.post(wrong_set).status_code == 404
    response = client.post(url)
    assert response.status_code == 302
    assert not year_one.rules.filter(pk=rule.pk).exists()
    assert year_one.rules.count() == 1
