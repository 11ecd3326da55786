"""Who may see and change what. Default-deny: every read of a person, membership or
programme page goes through one of the get_<thing>_for helpers or a *_visible_to queryset.

A user's scope is read once per request (two queries) and kept on the user object."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from enhance.accounts.models import User
from enhance.programmes.models import (
    Cohort,
    ImportBatch,
    Locality,
    Membership,
    Organisation,
    Person,
    Programme,
    Role,
    RoleAssignment,
)

_CACHE_ATTR = "_enhance_scope"


@dataclass(frozen=True)
class Scope:
    admin: bool = False
    regions: frozenset[int] = frozenset()
    lead_programmes: frozenset[int] = frozenset()
    localities: frozenset[int] = frozenset()
    faculty_programmes: frozenset[int] = frozenset()
    supervised: frozenset[int] = frozenset()
    finance_orgs: frozenset[int] = frozenset()
    community_orgs: frozenset[int] = frozenset()
    partner_orgs: frozenset[int] = frozenset()
    person_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return bool(self.roles) or self.admin

    @property
    def is_learner(self) -> bool:
        return self.person_id is not None

    @property
    def manages_learners(self) -> bool:
        """Can create and edit memberships somewhere."""
        return self.admin or bool(self.regions or self.lead_programmes or self.localities)


def scope_for(user: User) -> Scope:
    if not user.is_authenticated:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    buckets: dict[str, set[int]] = {
        "regions": set(),
        "lead_programmes": set(),
        "localities": set(),
        "faculty_programmes": set(),
        "supervised": set(),
        "finance_orgs": set(),
        "community_orgs": set(),
        "partner_orgs": set(),
    }
    target: dict[str, tuple[str, str]] = {
        Role.REGIONAL_LEAD: ("regions", "region_id"),
        Role.PROGRAMME_LEAD: ("lead_programmes", "programme_id"),
        Role.LOCALITY_LEAD: ("localities", "locality_id"),
        Role.FACULTY: ("faculty_programmes", "programme_id"),
        Role.SUPERVISOR: ("supervised", "learner_id"),
        Role.FINANCE_OFFICER: ("finance_orgs", "organisation_id"),
        Role.COMMUNITY_LEAD: ("community_orgs", "organisation_id"),
        Role.PARTNER_CONTACT: ("partner_orgs", "organisation_id"),
    }
    roles: set[str] = set()
    rows = RoleAssignment.objects.filter(user=user).values_list(
        "role", "region_id", "programme_id", "locality_id", "organisation_id", "learner_id"
    )
    for role, region_id, programme_id, locality_id, organisation_id, learner_id in rows:
        roles.add(role)
        if role in target:
            bucket, attr = target[role]
            value = {
                "region_id": region_id,
                "programme_id": programme_id,
                "locality_id": locality_id,
                "organisation_id": organisation_id,
                "learner_id": learner_id,
            }[attr]
            if value is not None:
                buckets[bucket].add(value)
    person_id = Person.objects.filter(user=user).values_list("id", flat=True).first()
    scope = Scope(
        admin=user.is_superuser or Role.NATIONAL_ADMIN in roles,
        person_id=person_id,
        roles=frozenset(roles),
        **{name: frozenset(ids) for name, ids in buckets.items()},
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def own_person_id(user: User) -> int:
    """The signed-in person's own learner record; pages only learners use refuse others."""
    person_id = scope_for(user).person_id
    if person_id is None:
        raise PermissionDenied
    return person_id


def _manage_q(scope: Scope, prefix: str = "") -> Q:
    """Memberships this scope may create and edit."""
    if scope.admin:
        return Q()
    q = Q(pk__in=[])
    if scope.regions:
        q |= Q(**{f"{prefix}programme__region__in": scope.regions})
    if scope.lead_programmes:
        q |= Q(**{f"{prefix}programme__in": scope.lead_programmes})
    if scope.localities:
        q |= Q(**{f"{prefix}locality__in": scope.localities})
    return q


def _view_q(scope: Scope) -> Q:
    """Memberships this scope may see."""
    if scope.admin:
        return Q()
    q = _manage_q(scope)
    if scope.faculty_programmes:
        q |= Q(programme__in=scope.faculty_programmes)
    if scope.supervised:
        q |= Q(person__in=scope.supervised)
    if scope.finance_orgs:
        q |= Q(employing_organisation__in=scope.finance_orgs)
    if scope.person_id:
        q |= Q(person_id=scope.person_id)
    return q


def memberships_visible_to(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(_view_q(scope_for(user)))


def memberships_manageable_by(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(_manage_q(scope_for(user)))


def people_visible_to(user: User) -> QuerySet[Person]:
    scope = scope_for(user)
    if scope.admin:
        return Person.objects.all()
    return Person.objects.filter(
        Q(id__in=Membership.objects.filter(_view_q(scope)).values("person_id")) | Q(id=scope.person_id or 0)
    )


def programmes_visible_to(user: User) -> QuerySet[Programme]:
    scope = scope_for(user)
    if scope.admin:
        return Programme.objects.all()
    direct = scope.lead_programmes | scope.faculty_programmes
    return Programme.objects.filter(
        Q(region__in=scope.regions)
        | Q(id__in=direct)
        | Q(id__in=Locality.objects.filter(id__in=scope.localities).values("programme_id"))
        | Q(id__in=Membership.objects.filter(_view_q(scope)).values("programme_id"))
    )


def programmes_manageable_by(user: User) -> QuerySet[Programme]:
    scope = scope_for(user)
    if scope.admin:
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(region__in=scope.regions)
        | Q(id__in=scope.lead_programmes)
        | Q(id__in=Locality.objects.filter(id__in=scope.localities).values("programme_id"))
    )


def localities_manageable_by(user: User) -> QuerySet[Locality]:
    """Localities a user may add learners to. A locality lead has only their own."""
    scope = scope_for(user)
    if scope.admin:
        return Locality.objects.all()
    return Locality.objects.filter(
        Q(programme__region__in=scope.regions)
        | Q(programme__in=scope.lead_programmes)
        | Q(id__in=scope.localities)
    )


def programmes_run_by(user: User) -> QuerySet[Programme]:
    """Programmes a user runs as a whole (admins, their regional and programme leads): they
    open placement blocks and add teaching sessions. Locality leads manage learners only."""
    scope = scope_for(user)
    if scope.admin:
        return Programme.objects.all()
    return Programme.objects.filter(Q(region__in=scope.regions) | Q(id__in=scope.lead_programmes))


def can_manage_programme_wide(user: User, programme: Programme) -> bool:
    """Whole-programme management (not just one locality): admins, regional and programme leads."""
    scope = scope_for(user)
    return scope.admin or programme.region_id in scope.regions or programme.id in scope.lead_programmes


def _get_or_deny(model_qs: QuerySet, visible_qs: QuerySet, pk: int):  # type: ignore[no-untyped-def]
    try:
        obj = model_qs.get(pk=pk)
    except model_qs.model.DoesNotExist:
        raise Http404 from None
    if not visible_qs.filter(pk=pk).exists():
        raise PermissionDenied
    return obj


def get_person_for(user: User, pk: int, *, write: bool = False) -> Person:
    if write:
        visible = Person.objects.filter(id__in=memberships_manageable_by(user).values("person_id"))
    else:
        visible = people_visible_to(user)
    return _get_or_deny(Person.objects.select_related("profession", "registration_body", "user"), visible, pk)


def get_membership_for(user: User, pk: int, *, write: bool = False) -> Membership:
    visible = memberships_manageable_by(user) if write else memberships_visible_to(user)
    qs = Membership.objects.select_related(
        "person", "programme", "programme__region", "cohort", "locality", "employing_organisation"
    )
    return _get_or_deny(qs, visible, pk)


def get_own_or_managed_membership_for(user: User, pk: int) -> Membership:
    """A membership the person holds themselves, or manages as a lead (private documents)."""
    scope = scope_for(user)
    visible = Membership.objects.filter(
        Q(pk__in=memberships_manageable_by(user).values("pk")) | Q(person_id=scope.person_id or 0)
    )
    return _get_or_deny(Membership.objects.select_related("person"), visible, pk)


def get_programme_for(user: User, pk: int) -> Programme:
    return _get_or_deny(
        Programme.objects.select_related("region", "framework"), programmes_visible_to(user), pk
    )


def get_locality_for(user: User, pk: int) -> Locality:
    visible = Locality.objects.filter(programme__in=programmes_visible_to(user))
    return _get_or_deny(Locality.objects.select_related("programme"), visible, pk)


def get_cohort_for(user: User, pk: int) -> Cohort:
    visible = Cohort.objects.filter(programme__in=programmes_visible_to(user))
    return _get_or_deny(Cohort.objects.select_related("programme"), visible, pk)


def organisations_of_staff(user: User) -> QuerySet[Organisation]:
    scope = scope_for(user)
    return Organisation.objects.filter(id__in=scope.finance_orgs | scope.community_orgs | scope.partner_orgs)


def ensure_manages_learners(user: User) -> None:
    """Adding learners, importing and editing memberships: leads of any level only."""
    if not scope_for(user).manages_learners:
        raise PermissionDenied


def can_add_learners(user: User) -> bool:
    return scope_for(user).manages_learners


def ensure_learner(user: User) -> None:
    if scope_for(user).person_id is None:
        raise PermissionDenied


def ensure_staff(user: User) -> None:
    if not scope_for(user).is_staff:
        raise PermissionDenied


def get_import_batch_for(user: User, pk: int) -> ImportBatch:
    """An import is seen only by the lead who uploaded it."""
    ensure_manages_learners(user)
    return _get_or_deny(ImportBatch.objects.all(), ImportBatch.objects.filter(created_by=user), pk)


def can_manage_sites(user: User, organisation: Organisation) -> bool:
    """An organisation's community leads (and national admins) keep its sites."""
    scope = scope_for(user)
    return scope.admin or organisation.pk in scope.community_orgs


def get_organisation_for(user: User, pk: int) -> Organisation:
    """Admins see every organisation; staff, the organisations their roles are in."""
    scope = scope_for(user)
    visible = Organisation.objects.all() if scope.admin else organisations_of_staff(user)
    qs = Organisation.objects.select_related("region").prefetch_related("sites")
    return _get_or_deny(qs, visible, pk)
