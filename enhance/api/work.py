"""Teaching sessions and attendance, placements, projects, travel claims and readiness, each
read through the same access rules and written through the same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from enhance.api.base import Id, Moment, Paging, page, paged_schema, require, responses
from enhance.expenses.access import claims_visible_to
from enhance.expenses.models import Claim
from enhance.expenses.services import claim_mark_paid
from enhance.placements import access as placements
from enhance.placements.models import AllocationRun
from enhance.portfolio.selectors import learners_for_readiness
from enhance.programmes.access import scope_for
from enhance.projects import access as projects
from enhance.projects.models import Project
from enhance.teaching import access as teaching
from enhance.teaching.models import Attendance, Session
from enhance.teaching.selectors import register_learners, register_rows
from enhance.teaching.services.attendance import register_save

router = Router(tags=["Teaching, placements, projects, claims and readiness"])

NO_SUCH_CLAIM = "No claim {reference} waiting for your Trust's payment."


class SessionOut(Schema):
    id: int
    programme_id: int
    title: str
    topic: str
    mode: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    cancelled: bool
    register_closed: bool
    cohort_ids: list[int]
    locality_ids: list[int]

    @staticmethod
    def resolve_topic(obj: Any) -> str:
        return str(obj.topic.name)

    @staticmethod
    def resolve_register_closed(obj: Any) -> bool:
        return obj.register_closed_at is not None

    @staticmethod
    def resolve_cohort_ids(obj: Any) -> list[int]:
        return [c.pk for c in obj.cohorts.all()]

    @staticmethod
    def resolve_locality_ids(obj: Any) -> list[int]:
        return [x.pk for x in obj.localities.all()]


class SessionFilters(Paging):
    programme: Id | None = None
    starts_after: Moment | None = None
    starts_before: Moment | None = None


class AttendanceOut(Schema):
    membership_id: int
    learner: str
    status: str | None


class AttendanceIn(Schema):
    statuses: dict[Id, Attendance.Status] = Field(description="Membership id to status.")


class SavedOut(Schema):
    changed: int


class OpportunityOut(Schema):
    id: int
    title: str
    organisation: str
    type: str
    capacity: int
    requires_driver: bool
    active: bool

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj.organisation.name)

    @staticmethod
    def resolve_type(obj: Any) -> str:
        return str(obj.type.name)


class BlockOut(Schema):
    id: int
    cohort_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    preferences_close_at: dt.datetime
    status: str


class RunOut(Schema):
    id: int
    block_id: int
    number: int
    mode: str
    status: str
    published_at: dt.datetime | None
    placed: int | None
    unplaced: int | None

    @staticmethod
    def resolve_placed(obj: Any) -> int | None:
        return len(obj.result["assignments"]) if obj.result else None

    @staticmethod
    def resolve_unplaced(obj: Any) -> int | None:
        return len(obj.result["unassigned"]) if obj.result else None


class PlacementOut(Schema):
    id: int
    block_id: int
    membership_id: int
    opportunity_id: int
    rank: int | None
    starts_on: dt.date
    ends_on: dt.date


class ProjectOut(Schema):
    id: int
    title: str
    stage: str
    lead_membership_id: int
    partner: str
    supervisor_id: int | None

    @staticmethod
    def resolve_lead_membership_id(obj: Any) -> int:
        return int(obj.lead_id)

    @staticmethod
    def resolve_partner(obj: Any) -> str:
        return str(obj.partner.organisation.name)


class MilestoneOut(Schema):
    id: int
    name: str
    due_on: dt.date
    completed_on: dt.date | None


class OutputOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    date: dt.date | None
    doi: str
    pmid: str


class ClaimOut(Schema):
    id: int
    reference: str
    membership_id: int
    month: dt.date
    status: str
    total_pence: int
    approved_at: dt.datetime | None
    paid_on: dt.date | None


class PaidIn(Schema):
    reference: str = Field(pattern=r"^ENH-\d{6,}$", examples=["ENH-000123"])
    paid_on: dt.date


class ReadinessOut(Schema):
    membership_id: int
    learner: str
    rag: str | None
    arcp_date: dt.date | None

    @staticmethod
    def resolve_membership_id(obj: Any) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_learner(obj: Any) -> str:
        return f"{obj.person.forename} {obj.person.surname}"

    @staticmethod
    def resolve_rag(obj: Any) -> str | None:
        kept = getattr(obj, "readiness", None)
        return kept.rag if kept is not None else None


class ReadinessFilters(Paging):
    programme: Id | None = None
    cohort: Id | None = None
    locality: Id | None = None
    rag: Literal["red", "amber", "green", "none"] | None = None


def _sessions_for(user: Any) -> QuerySet[Session]:
    visible = (
        teaching.sessions_for_staff(user) if scope_for(user).is_staff else teaching.sessions_for_learner(user)
    )
    return Session.objects.filter(pk__in=visible.values("pk"))


@router.get(
    "/sessions", response=responses(paged_schema(SessionOut)), summary="Teaching sessions with audience"
)
def sessions(request: HttpRequest, filters: Query[SessionFilters]) -> Any:
    found = _sessions_for(require(request, "teaching:read"))
    if filters.programme:
        found = found.filter(programme_id=filters.programme)
    if filters.starts_after:
        found = found.filter(starts_at__gte=filters.starts_after)
    if filters.starts_before:
        found = found.filter(starts_at__lt=filters.starts_before)
    found = found.select_related("topic").prefetch_related("cohorts", "localities")
    return page(found.order_by("starts_at", "pk"), filters)


@router.get("/sessions/{session_id}/attendance", response=responses(paged_schema(AttendanceOut)))
def attendance(request: HttpRequest, session_id: Id, paging: Query[Paging]) -> Any:
    """The register of a session, for those who take it."""
    session = teaching.get_register_session_for(require(request, "teaching:read"), session_id)
    found = page(register_learners(session), paging)
    found["items"] = [
        {"membership_id": m.pk, "learner": m.person.full_name, "status": a.status if a else None}
        for m, a in register_rows(session, found["items"])
    ]
    return found


@router.put("/sessions/{session_id}/attendance", response=responses(SavedOut), summary="Record attendance")
def attendance_save(request: HttpRequest, session_id: Id, body: AttendanceIn) -> Any:
    """The same rules as the register page: only expected learners, known statuses."""
    user = require(request, "teaching:write")
    session = teaching.get_register_session_for(user, session_id)
    return {"changed": register_save(actor=user, session=session, statuses=dict(body.statuses))}


@router.get("/opportunities", response=responses(paged_schema(OpportunityOut)))
def opportunities(request: HttpRequest, paging: Query[Paging]) -> Any:
    found = placements.opportunities_visible_to(require(request, "placements:read"))
    return page(found.select_related("organisation", "type").order_by("title", "pk"), paging)


@router.get("/blocks", response=responses(paged_schema(BlockOut)), summary="Placement blocks")
def blocks(request: HttpRequest, paging: Query[Paging]) -> Any:
    found = placements.blocks_visible_to(require(request, "placements:read"))
    return page(found.order_by("-starts_on", "pk"), paging)


@router.get("/blocks/{block_id}/runs", response=responses(paged_schema(RunOut)), summary="A block's runs")
def runs(request: HttpRequest, block_id: Id, paging: Query[Paging]) -> Any:
    block = placements.get_block_for(require(request, "placements:read"), block_id, manage=True)
    return page(AllocationRun.objects.filter(block=block).order_by("-number", "pk"), paging)


@router.get("/placements", response=responses(paged_schema(PlacementOut)))
def placement_list(request: HttpRequest, paging: Query[Paging], block: Id | None = None) -> Any:
    found = placements.placements_visible_to(require(request, "placements:read"))
    if block is not None:
        found = found.filter(block_id=block)
    return page(found.order_by("-starts_on", "pk"), paging)


@router.get("/projects", response=responses(paged_schema(ProjectOut)))
def project_list(request: HttpRequest, paging: Query[Paging], stage: Project.Stage | None = None) -> Any:
    found = projects.projects_visible_to(require(request, "projects:read"))
    if stage is not None:
        found = found.filter(stage=stage)
    return page(found.select_related("partner__organisation").order_by("title", "pk"), paging)


@router.get("/projects/{project_id}/milestones", response=responses(paged_schema(MilestoneOut)))
def milestones(request: HttpRequest, project_id: Id, paging: Query[Paging]) -> Any:
    project = projects.get_project_for(require(request, "projects:read"), project_id)
    return page(project.milestones.order_by("due_on", "pk"), paging)


@router.get("/projects/{project_id}/outputs", response=responses(paged_schema(OutputOut)))
def outputs(request: HttpRequest, project_id: Id, paging: Query[Paging]) -> Any:
    project = projects.get_project_for(require(request, "projects:read"), project_id)
    return page(project.outputs.order_by("pk"), paging)


@router.get("/claims", response=responses(paged_schema(ClaimOut)), summary="Travel claims in scope")
def claims(request: HttpRequest, paging: Query[Paging], status: Claim.Status | None = None) -> Any:
    found = claims_visible_to(require(request, "expenses:read"))
    if status is not None:
        found = found.filter(status=status)
    return page(found.order_by("-month", "pk"), paging)


@router.post("/claims/paid", response=responses(ClaimOut), summary="Mark a claim paid by its reference")
def claim_paid(request: HttpRequest, body: PaidIn) -> Any:
    user = require(request, "expenses:write")
    number = int(body.reference.removeprefix("ENH-"))
    claim = claims_visible_to(user).filter(pk=number).first()
    if claim is None:
        raise Http404(NO_SUCH_CLAIM.format(reference=body.reference))
    return claim_mark_paid(actor=user, claim=claim, paid_on=body.paid_on)


@router.get("/readiness", response=responses(paged_schema(ReadinessOut)), summary="ARCP readiness")
def readiness(request: HttpRequest, filters: Query[ReadinessFilters]) -> Any:
    user = require(request, "portfolio:read")
    wanted = filters.dict(exclude={"limit", "offset"}, exclude_none=True)
    return page(learners_for_readiness(user, wanted), filters)
