"""Who may see and run which sessions, and which learners a session is for.

Staff: the leads of the programmes they run (and facilitators, for their sessions). Learners:
the sessions whose audience includes one of their active memberships."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from enhance.accounts.models import User
from enhance.programmes.access import memberships_manageable_by, programmes_run_by, scope_for
from enhance.programmes.models import Locality, Membership
from enhance.teaching.models import LeaveRequest, Material, Session


def locality_sessions(user: User) -> QuerySet[Session]:
    """Sessions for a locality lead's localities only (naming no other locality)."""
    mine = scope_for(user).localities
    if not mine:
        return Session.objects.none()
    return Session.objects.filter(localities__in=mine).exclude(
        localities__in=Locality.objects.exclude(id__in=mine)
    )


def sessions_manageable_by(user: User) -> QuerySet[Session]:
    """Sessions a person changes and cancels: all of the programmes they run; a locality lead,
    those for their locality."""
    return Session.objects.filter(
        Q(programme__in=programmes_run_by(user)) | Q(pk__in=locality_sessions(user).values("pk"))
    )


def sessions_for_staff(user: User) -> QuerySet[Session]:
    return Session.objects.filter(
        Q(programme__in=programmes_run_by(user))
        | Q(facilitators=user)
        | Q(pk__in=locality_sessions(user).values("pk"))
    ).distinct()


def can_add_sessions(user: User) -> bool:
    """Leads who run a programme add its sessions; locality leads add sessions for their locality."""
    return programmes_run_by(user).exists() or bool(scope_for(user).localities)


def may_add_session(user: User, programme_id: int, localities: list[Locality]) -> bool:
    if programmes_run_by(user).filter(pk=programme_id).exists():
        return True
    mine = scope_for(user).localities
    return bool(localities) and all(x.pk in mine and x.programme_id == programme_id for x in localities)


def expected_memberships(session: Session) -> QuerySet[Membership]:
    """The learners a session is for: active members of its programme, narrowed to its cohorts
    and localities when it names any."""
    qs = Membership.objects.filter(programme_id=session.programme_id, status=Membership.Status.ACTIVE)
    cohort_ids = [c.pk for c in session.cohorts.all()]
    locality_ids = [loc.pk for loc in session.localities.all()]
    if cohort_ids:
        qs = qs.filter(cohort_id__in=cohort_ids)
    if locality_ids:
        qs = qs.filter(locality_id__in=locality_ids)
    return qs


def _audience_includes(membership: Membership) -> Q:
    """Sessions of the membership's programme meant for its cohort and locality (or for all)."""
    return (
        Q(programme_id=membership.programme_id)
        & (Q(cohorts__isnull=True) | Q(cohorts=membership.cohort_id))
        & (Q(localities__isnull=True) | Q(localities=membership.locality_id))
    )


def sessions_for_membership(membership: Membership) -> QuerySet[Session]:
    return Session.objects.filter(_audience_includes(membership)).distinct()


def sessions_for_learner(user: User) -> QuerySet[Session]:
    scope = scope_for(user)
    memberships = Membership.objects.filter(person_id=scope.person_id or 0, status=Membership.Status.ACTIVE)
    q = Q(pk__in=[])
    for m in memberships:
        q |= _audience_includes(m)
    return Session.objects.filter(q).distinct()


def learner_membership_for(user: User, session: Session) -> Membership | None:
    scope = scope_for(user)
    return expected_memberships(session).filter(person_id=scope.person_id or 0).first()


def can_take_register(user: User, session: Session) -> bool:
    return sessions_for_staff(user).filter(pk=session.pk).exists()


def get_session_for(user: User, pk: int, *, write: bool = False) -> Session:
    """A session its learners and staff may open; with write=True, only the leads who run its
    programme (facilitators take the register but do not change the session)."""
    session = Session.objects.select_related("programme", "topic", "venue").filter(pk=pk).first()
    if session is None:
        raise Http404("No such session.")
    if write:
        allowed = sessions_manageable_by(user).filter(pk=pk).exists()
    else:
        allowed = can_take_register(user, session) or learner_membership_for(user, session) is not None
    if not allowed:
        raise PermissionDenied
    return session


def get_register_session_for(user: User, pk: int) -> Session:
    """A session whose register (check-in screen, QR code, exports) this person keeps."""
    session = get_session_for(user, pk)
    if not can_take_register(user, session):
        raise PermissionDenied
    return session


def get_material_for(user: User, session_pk: int, pk: int) -> Material:
    session = get_session_for(user, session_pk)
    material = Material.objects.filter(pk=pk, session=session).first()
    if material is None:
        raise Http404("No such file for this session.")
    return material


def get_leave_request_for(user: User, pk: int) -> LeaveRequest:
    """A study-leave request: its learner, and the leads who manage that learner."""
    found = LeaveRequest.objects.select_related("membership__person").filter(pk=pk).first()
    if found is None:
        raise Http404("No such leave request.")
    own = found.membership.person_id == scope_for(user).person_id
    if not own and not memberships_manageable_by(user).filter(pk=found.membership_id).exists():
        raise PermissionDenied
    return found


def get_own_leave_request_for(user: User, pk: int) -> LeaveRequest:
    """One of the signed-in learner's own leave requests."""
    found = LeaveRequest.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such leave request.")
    if not LeaveRequest.objects.filter(pk=pk, membership__person_id=scope_for(user).person_id or 0).exists():
        raise PermissionDenied
    return found


def ensure_sees_attendance(user: User) -> None:
    """Leads of any kind (locality leads for their locality) follow learners' attendance."""
    if not scope_for(user).is_staff or not memberships_manageable_by(user).exists():
        raise PermissionDenied


def ensure_runs_sessions(user: User) -> None:
    if not can_add_sessions(user):
        raise PermissionDenied
