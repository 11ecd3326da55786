"""Reads for programme, people and membership pages; each returns a queryset whose related
rows are already joined or prefetched, so a page costs the same whatever its size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf

from enhance.accounts.models import User
from enhance.core.audit import AuditEntry, audit_entries
from enhance.programmes import access
from enhance.programmes.access import memberships_visible_to, programmes_visible_to
from enhance.programmes.models import (
    GradePeriod,
    ImportBatch,
    Locality,
    Membership,
    Person,
    Programme,
    RecordView,
    Role,
    RoleAssignment,
)


def current_grade_subquery(on: dt.date | None = None) -> Subquery:
    on = on or dt.date.today()
    return Subquery(
        GradePeriod.objects.filter(membership=OuterRef("pk"), starts_on__lte=on)
        .order_by("-starts_on")
        .values("grade__code")[:1]
    )


def learner_list(user: User, filters: dict[str, Any] | None = None) -> QuerySet[Membership]:
    qs = (
        memberships_visible_to(user)
        .select_related("person", "programme", "cohort", "locality", "employing_organisation")
        .annotate(current_grade=current_grade_subquery())
    )
    return memberships_filtered(qs, filters or {}).order_by("person__surname", "person__forename", "pk")


def memberships_filtered(qs: QuerySet[Membership], filters: dict[str, Any]) -> QuerySet[Membership]:
    """Memberships narrowed by the learner filters (words of a name, email or registration
    number; programme, locality, cohort, status, employer, profession, current grade), as every
    learner list offers."""
    q = (filters.get("q") or "").strip()
    if q:
        for word in q.split():
            qs = qs.filter(
                Q(person__forename__icontains=word)
                | Q(person__surname__icontains=word)
                | Q(person__preferred_name__icontains=word)
                | Q(person__email__icontains=word)
                | Q(person__registration_number__iexact=word)
            )
    for key in ("programme", "locality", "cohort", "status", "employing_organisation"):
        value = filters.get(key)
        if value:
            qs = qs.filter(**{key: value})
    if filters.get("profession"):
        qs = qs.filter(person__profession=filters["profession"])
    if filters.get("grade"):
        qs = qs.annotate(grade_now=current_grade_subquery()).filter(grade_now=filters["grade"].code)
    return qs


# Downloads read this many rows from the database at a time while they are written.
EXPORT_CHUNK = 2000

LEARNER_COLUMNS = ["Learner", "Email", "Programme", "Cohort", "Locality"]


# A membership's learner's name as shown (Person.full_name), worked out in the query.
LEARNER_NAME = Concat(
    Coalesce(NullIf("person__preferred_name", Value("")), "person__forename"),
    Value(" "),
    "person__surname",
)

# The first cells of every learner-list export (see LEARNER_COLUMNS), worked out in the query.
_LEARNER_CELLS = {
    "cell_name": LEARNER_NAME,
    "cell_email": F("person__email"),
    "cell_programme": F("programme__name"),
    "cell_cohort": F("cohort__name"),
    "cell_locality": Coalesce("locality__name", Value("")),
}


def learner_rows(learners: QuerySet[Any, Any], *fields: str) -> Iterator[tuple[list[Any], dict[str, Any]]]:
    """Each learner's first export cells with the values of `fields`, as plain values read a
    chunk at a time, in the queryset's order (no model objects: a download may list 20,000)."""
    for row in learners.values(*fields, **_LEARNER_CELLS).iterator(chunk_size=EXPORT_CHUNK):
        yield [row[name] for name in _LEARNER_CELLS], row


def programme_list(user: User) -> QuerySet[Programme]:
    return (
        programmes_visible_to(user)
        .select_related("region")
        .annotate(
            # Counted per programme shown (a page of them), not by joining every learner.
            learner_count=_count_per_programme(Membership.objects.filter(status=Membership.Status.ACTIVE)),
            locality_count=_count_per_programme(Locality.objects.all()),
        )
        .order_by("region__name", "name")
    )


def _count_per_programme(rows: QuerySet[Any, Any]) -> Coalesce:
    counted = rows.filter(programme=OuterRef("pk")).order_by().values("programme").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")), 0)


def leads_for_programme(programme: Programme) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(
            Q(role=Role.PROGRAMME_LEAD, programme=programme)
            | Q(role=Role.LOCALITY_LEAD, locality__programme=programme)
            | Q(role=Role.REGIONAL_LEAD, region=programme.region_id)
        )
        .select_related("user", "locality")
        .order_by("role", "user__full_name")
    )


def programme_detail_localities(programme: Programme) -> Any:
    return programme.localities.annotate(
        learner_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
    ).prefetch_related(
        Prefetch(
            "roleassignment_set",
            queryset=RoleAssignment.objects.filter(role=Role.LOCALITY_LEAD).select_related("user"),
            to_attr="lead_roles",
        )
    )


def programme_detail_cohorts(programme: Programme) -> Any:
    return programme.cohorts.annotate(
        learner_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
    )


def person_memberships(user: User, person_id: int) -> QuerySet[Membership]:
    return (
        memberships_visible_to(user)
        .filter(person_id=person_id)
        .select_related("programme", "programme__region", "cohort", "locality", "employing_organisation")
        .prefetch_related(Prefetch("grade_periods", queryset=GradePeriod.objects.select_related("grade")))
        .annotate(current_grade=current_grade_subquery())
    )


def leads_of(membership: Membership) -> list[User]:
    """The people who decide for a learner: their programme's leads and their locality's."""
    return leads_of_many([membership])[membership.pk]


class InAudience(Protocol):
    """A membership, or a row read as values with the same three fields."""

    @property
    def pk(self) -> Any: ...
    @property
    def programme_id(self) -> int: ...
    @property
    def locality_id(self) -> int | None: ...


def leads_of_many(memberships: Sequence[InAudience]) -> dict[int, list[User]]:
    """`leads_of` for many learners in one query: membership id to its leads."""
    roles = RoleAssignment.objects.filter(
        Q(role=Role.PROGRAMME_LEAD, programme__in={m.programme_id for m in memberships})
        | Q(role=Role.LOCALITY_LEAD, locality__in={m.locality_id for m in memberships if m.locality_id})
    ).select_related("user")
    by_programme: dict[int, dict[int, User]] = {}
    by_locality: dict[int, dict[int, User]] = {}
    for r in roles:
        if r.role == Role.PROGRAMME_LEAD:
            by_programme.setdefault(r.programme_id or 0, {})[r.user_id] = r.user
        else:
            by_locality.setdefault(r.locality_id or 0, {})[r.user_id] = r.user
    return {
        m.pk: list((by_programme.get(m.programme_id, {}) | by_locality.get(m.locality_id or 0, {})).values())
        for m in memberships
    }


def learner_home(user: User, person_id: int) -> dict[str, Any]:
    """A learner's home: their memberships, their leads and their supervisors."""
    memberships = list(person_memberships(user, person_id))
    localities = [m.locality_id for m in memberships if m.locality_id]
    leads = RoleAssignment.objects.filter(
        Q(programme_id__in=[m.programme_id for m in memberships], role=Role.PROGRAMME_LEAD)
        | Q(locality_id__in=localities, role=Role.LOCALITY_LEAD)
    ).select_related("user", "programme", "locality")
    return {"memberships": memberships, "leads": list(leads), "supervisors": list(supervisors_of(person_id))}


def staff_home(user: User) -> dict[str, Any]:
    """A staff member's home: their roles, programmes, learners and organisations."""
    active = access.memberships_visible_to(user).filter(status=Membership.Status.ACTIVE)
    return {
        "roles": RoleAssignment.objects.filter(user=user)
        .select_related("region", "programme", "locality", "organisation", "learner")
        .order_by("role"),
        "programmes": programme_list(user)[:20],
        "learner_total": active.count(),
        "recent_learners": learner_list(user)
        .filter(status=Membership.Status.ACTIVE)
        .order_by("-starts_on", "pk")[:5],
        "organisations": access.organisations_of_staff(user).prefetch_related("sites"),
    }


def supervisors_of(person_id: int) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(learner_id=person_id, role=Role.SUPERVISOR).select_related("user")


def locality_leads(locality: Locality) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(role=Role.LOCALITY_LEAD, locality=locality).select_related("user")


def programme_history(programme: Programme, limit: int = 10) -> list[AuditEntry]:
    """Changes to a programme's rules, newest first."""
    rows = list(Programme.history.filter(id=programme.pk).select_related("history_user")[: limit + 1])
    entries = audit_entries(rows, "Programme settings")
    entries.reverse()
    return entries[:limit]


def person_history(person: Person, limit: int = 15) -> list[AuditEntry]:
    """Changes to a person's details and memberships, newest first."""
    history = audit_entries(
        list(Person.history.filter(id=person.pk).select_related("history_user")), "Personal details"
    ) + audit_entries(
        list(Membership.history.filter(person_id=person.pk).select_related("history_user")), "Membership"
    )
    history.sort(key=lambda h: h.when, reverse=True)
    return history[:limit]


def learner_profile(user: User, person: Person) -> dict[str, Any]:
    """Everything the learner page shows about `person` to `user`."""
    scope = access.scope_for(user)
    manageable = set(
        access.memberships_manageable_by(user).filter(person=person).values_list("id", flat=True)
    )
    return {
        "person": person,
        "memberships": list(person_memberships(user, person.pk)),
        "manageable": manageable,
        "history": person_history(person) if manageable or scope.admin else [],
        "supervisors": supervisors_of(person.pk),
        "is_self": scope.person_id == person.pk,
        "can_add_membership": scope.manages_learners,
        "can_export_data": scope.admin,
    }


def imports_waiting(user: User) -> QuerySet[ImportBatch]:
    """Uploads this person checked and has not yet imported or discarded."""
    return ImportBatch.objects.filter(created_by=user, status=ImportBatch.Status.READY).order_by(
        "created_at", "pk"
    )


def never_signed_in(user: User) -> QuerySet[Membership]:
    """Active learners this person leads who have not signed in once."""
    return (
        access.memberships_manageable_by(user)
        .filter(status=Membership.Status.ACTIVE)
        .filter(Q(person__user__isnull=True) | Q(person__user__last_login__isnull=True))
    )


def recent_imports(user: User) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(created_by=user).order_by("-created_at")[:10]


def current_membership(user: User) -> Membership | None:
    """A learner's current (most recently started, active) programme membership."""
    scope = access.scope_for(user)
    if scope.person_id is None:
        return None
    return (
        Membership.objects.filter(person_id=scope.person_id, status=Membership.Status.ACTIVE)
        .select_related("programme", "programme__region", "person", "cohort", "locality")
        .order_by("-starts_on")
        .first()
    )


def record_views_of(user: User) -> QuerySet[RecordView]:
    """Who opened the signed-in person's records, newest first."""
    return RecordView.objects.filter(person_id=access.scope_for(user).person_id or 0).select_related("viewer")
