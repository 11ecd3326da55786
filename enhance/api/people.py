"""Programmes, localities, cohorts and learners, scoped exactly as the pages are, and the bulk
upsert of learners in the import's shape (all rows checked first; all or nothing)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from enhance.api.base import Id, Paging, Text, error, page, paged_schema, require, responses
from enhance.programmes import access
from enhance.programmes.import_jobs import import_preview
from enhance.programmes.imports import LABELS, ImportFileError, import_commit
from enhance.programmes.models import Membership
from enhance.programmes.selectors import learner_list, programme_list

router = Router(tags=["Programmes and learners"])

BULK_TOO_MANY = "Send at most 2,000 rows at once."


class ProgrammeOut(Schema):
    id: int
    name: str
    region: str
    pathway: str
    length_years: int
    attendance_threshold: int

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return str(obj.region.name)


class PlaceOut(Schema):
    id: int
    name: str


class CohortOut(PlaceOut):
    intake_date: dt.date
    closed_on: dt.date | None


class LearnerOut(Schema):
    id: int
    person_id: int
    forename: str
    surname: str
    email: str
    programme_id: int
    cohort_id: int
    locality_id: int | None
    status: str
    starts_on: dt.date
    ends_on: dt.date | None
    wte: Decimal
    grade: str | None

    @staticmethod
    def resolve_forename(obj: Any) -> str:
        return str(obj.person.forename)

    @staticmethod
    def resolve_surname(obj: Any) -> str:
        return str(obj.person.surname)

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj.person.email)

    @staticmethod
    def resolve_grade(obj: Any) -> str | None:
        return getattr(obj, "current_grade", None)


class LearnerFilters(Paging):
    programme: Id | None = None
    cohort: Id | None = None
    locality: Id | None = None
    status: Membership.Status | None = None
    q: Text | None = None


class BulkRow(Schema):
    """One learner in the import's shape (the same columns as the spreadsheet)."""

    forename: Text
    surname: Text
    email: Text
    programme: Text
    start_date: Text
    grade: Text
    locality: Text = ""
    employing_organisation: Text = ""
    wte: Text = ""
    profession: Text = ""
    registration_body: Text = ""
    registration_number: Text = ""
    gmc_number: Text = ""


class BulkIn(Schema):
    rows: list[BulkRow]


class BulkOut(Schema):
    created: int
    updated: int
    unchanged: int


@router.get("/programmes", response=responses(paged_schema(ProgrammeOut)), summary="Programmes in scope")
def programmes(request: HttpRequest, paging: Query[Paging]) -> Any:
    user = require(request, "programmes:read")
    return page(programme_list(user).select_related("region").order_by("name", "pk"), paging)


@router.get("/programmes/{programme_id}", response=responses(ProgrammeOut), summary="One programme")
def programme(request: HttpRequest, programme_id: Id) -> Any:
    return access.get_programme_for(require(request, "programmes:read"), programme_id)


@router.get("/programmes/{programme_id}/localities", response=responses(paged_schema(PlaceOut)))
def localities(request: HttpRequest, programme_id: Id, paging: Query[Paging]) -> Any:
    found = access.get_programme_for(require(request, "programmes:read"), programme_id)
    return page(found.localities.order_by("name", "pk"), paging)


@router.get("/programmes/{programme_id}/cohorts", response=responses(paged_schema(CohortOut)))
def cohorts(request: HttpRequest, programme_id: Id, paging: Query[Paging]) -> Any:
    found = access.get_programme_for(require(request, "programmes:read"), programme_id)
    return page(found.cohorts.order_by("-intake_date", "pk"), paging)


@router.get("/learners", response=responses(paged_schema(LearnerOut)), summary="Learners with memberships")
def learners(request: HttpRequest, filters: Query[LearnerFilters]) -> Any:
    user = require(request, "learners:read")
    wanted = filters.dict(exclude={"limit", "offset"}, exclude_none=True)
    return page(learner_list(user, wanted), filters)


@router.post("/learners/bulk", response=responses(BulkOut), summary="Add or update learners, all or nothing")
def learners_bulk(request: HttpRequest, body: BulkIn) -> Any:
    """Every row is checked as an import checks it; one bad row and nothing changes (422 with
    every bad row and field). People already present are matched and updated."""
    user = require(request, "learners:write")
    access.ensure_manages_learners(user)
    if len(body.rows) > 2000:
        raise ValidationError({"rows": BULK_TOO_MANY})
    try:
        preview = import_preview(actor=user, filename="api-bulk.csv", data=_as_csv(body.rows))
    except ImportFileError as exc:
        raise ValidationError({"rows": str(exc)}) from None
    if preview.batch is None:
        items: list[dict[str, Any]] = [
            {"code": "invalid", "message": message, "field": field, "row": row.number - 1}
            for row in preview.error_rows
            for field, message in row.errors.items()
        ]
        message = f"{len(preview.error_rows)} of {len(preview.rows)} rows need fixing: nothing changed."
        return Status(422, error("invalid", message, items[0]["field"], items))
    done = import_commit(actor=user, batch=preview.batch)
    return {"created": done.created_count, "updated": done.updated_count, "unchanged": done.unchanged_count}


@router.get("/learners/{membership_id}", response=responses(LearnerOut), summary="One learner's membership")
def learner(request: HttpRequest, membership_id: Id) -> Any:
    user = require(request, "learners:read")
    access.get_membership_for(user, membership_id)
    return learner_list(user).get(pk=membership_id)


def _as_csv(rows: list[BulkRow]) -> bytes:
    columns = [name for name in LABELS if any(getattr(r, name) for r in rows)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([LABELS[name] for name in columns])
    for row in rows:
        writer.writerow([getattr(row, name) for name in columns])
    return out.getvalue().encode()
