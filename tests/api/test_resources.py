"""Every API resource is scoped exactly as the pages are: another programme's lead and another
learner reach none of it; writes follow the pages' rules; lists cost the same at any size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enhance.api.tokens import SCOPES, token_create
from enhance.expenses.models import Claim
from enhance.programmes.models import Role
from enhance.teaching.models import Attendance
from tests.api.conftest import Api
from tests.factories import MembershipFactory, staff_user

pytestmark = pytest.mark.django_db


def lists(s):  # type: ignore[no-untyped-def]
    """Each list of the API, with the scene's object that a Midlands lead finds in it."""
    m = s.world.learner_membership
    return [
        ("/programmes", s.world.programme.pk),
        (f"/programmes/{s.world.programme.pk}/localities", s.world.locality.pk),
        (f"/programmes/{s.world.programme.pk}/cohorts", s.world.cohort.pk),
        ("/learners", m.pk),
        ("/sessions", s.session.pk),
        (f"/sessions/{s.session.pk}/attendance", m.pk),
        ("/opportunities", s.opportunity.pk),
        ("/blocks", s.block.pk),
        (f"/blocks/{s.block.pk}/runs", s.run.pk),
        ("/placements", s.placement.pk),
        ("/projects", s.project.pk),
        (f"/projects/{s.project.pk}/milestones", s.milestone.pk),
        ("/claims", s.claim.pk),
        ("/readiness", m.pk),
    ]


def ids(body):  # type: ignore[no-untyped-def]
    return {item.get("id", item.get("membership_id")) for item in body["items"]}


def api_of(user) -> Api:  # type: ignore[no-untyped-def]
    return Api(token_create(actor=user, name="t", scopes=SCOPES, days=1)[1])


def test_a_lead_finds_every_resource_of_their_programme(scene):
    lead = api_of(scene.world["programme_lead"])
    for path, expected in lists(scene):
        response = lead.get(path)
        assert response.status_code == 200, (path, response.content)
        assert expected in ids(response.json()), path


def test_another_programme_s_lead_reaches_none_of_it(scene):
    from enhance.programmes.models import Programme

    london = Programme.objects.get(pk=scene.world.other_programme.pk)
    other = api_of(staff_user(Role.PROGRAMME_LEAD, programme=london))
    for path, expected in lists(scene):
        response = other.get(path)
        assert response.status_code in (200, 403, 404), path
        if response.status_code == 200:
            assert expected not in ids(response.json()), path


def test_another_learner_reaches_none_of_the_learner_s_data(scene):
    second = api_of(scene.world["second_learner"])
    for path, expected in lists(scene):
        if path in ("/programmes", "/sessions", "/blocks") or path.startswith("/programmes/"):
            continue  # their own programme, sessions and blocks are theirs too
        response = second.get(path)
        assert response.status_code in (200, 403, 404), path
        if response.status_code == 200:
            assert expected not in ids(response.json()), path


def test_attendance_is_written_with_the_register_s_rules(scene):
    lead = api_of(scene.world["programme_lead"])
    m = scene.world.learner_membership
    path = f"/sessions/{scene.session.pk}/attendance"
    response = lead.put(path, {"statuses": {str(m.pk): "late"}})
    assert response.json() == {"changed": 1}
    recorded = Attendance.objects.get(session=scene.session, membership=m)
    assert recorded.status == "late"
    assert recorded.history.first().history_user == scene.world["programme_lead"], (
        "the API's writes keep history"
    )
    assert lead.put(path, {"statuses": {str(m.pk): "asleep"}}).status_code == 422
    outsider = MembershipFactory(programme=scene.world.other_programme)
    refused = lead.put(path, {"statuses": {str(outsider.pk): "present"}})
    assert refused.status_code == 422 and refused.json()["code"] == "invalid"
    reader = Api(
        token_create(actor=scene.world["programme_lead"], name="r", scopes=["teaching:read"], days=1)[1]
    )
    assert reader.put(path, {"statuses": {str(m.pk): "present"}}).status_code == 403
    assert api_of(scene.world["learner"]).put(path, {"statuses": {str(m.pk): "present"}}).status_code == 403


def test_a_finance_officer_marks_an_exported_claim_paid_by_its_reference(scene):
    finance = api_of(scene.world["finance_officer"])
    claim = Claim.objects.filter(batch__isnull=False).first()
    assert claim is not None
    listed = finance.get("/claims", status="exported").json()
    assert claim.pk in ids(listed)
    body = {"reference": claim.reference, "paid_on": dt.date.today().isoformat()}
    response = finance.post("/claims/paid", body)
    assert response.status_code == 200 and response.json()["status"] == "paid"
    again = finance.post("/claims/paid", body)
    assert again.status_code == 422 and "not waiting for payment" in again.json()["message"]
    assert finance.post("/claims/paid", {**body, "reference": "ENH-999999"}).status_code == 404
    assert finance.post("/claims/paid", {**body, "reference": "nonsense"}).status_code == 422
    assert api_of(scene.world["learner"]).post("/claims/paid", body).status_code in (403, 404)


def test_api_lists_cost_the_same_whatever_their_size(scene):
    lead = api_of(scene.world["programme_lead"])

    def cost(path: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert lead.get(path).status_code == 200
        return len(ctx.captured_queries)

    paths = [path for path, _ in lists(scene)]
    before = {p: cost(p) for p in paths}
    for _ in range(4):
        MembershipFactory(
            programme=scene.world.programme, cohort=scene.world.cohort, locality=scene.world.locality
        )
    after = {p: cost(p) for p in paths}
    grown = {p: (before[p], after[p]) for p in paths if after[p] > before[p]}
    assert not grown, grown


def test_lists_filter_as_the_pages_do(scene):
    lead = api_of(scene.world["programme_lead"])
    stage = scene.project.stage
    assert scene.project.pk in ids(lead.get("/projects", stage=stage).json())
    other = next(s for s in ("immersion", "scoping") if s != stage)
    assert scene.project.pk not in ids(lead.get("/projects", stage=other).json())
    assert lead.get("/projects", stage="finished").status_code == 422
    rag = lead.get("/readiness", rag="red")
    assert rag.status_code == 200
    assert lead.get("/readiness", rag="purple").status_code == 422
