"""Who sees which portfolio records.

Reflections: the learner their own; a supervisor the shared reflections of their learners;
the programme team those shared with the programme; drafts stay with their author.
Assessments: the learner, their supervisors and the named assessor. Requirement sets: the
leads who run the programme. Evidence packs: their learner only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from enhance.accounts.models import User
from enhance.portfolio.models import Assessment, EvidencePack, Reflection, RequirementSet, Rule
from enhance.programmes.access import memberships_manageable_by, programmes_run_by, scope_for


def reflections_visible_to(user: User) -> QuerySet[Reflection]:
    scope = scope_for(user)
    shared = Q(draft=False) & (
        Q(
            visibility__in=[Reflection.Visibility.SUPERVISOR, Reflection.Visibility.PROGRAMME],
            person__in=scope.supervised,
        )
        | Q(
            visibility=Reflection.Visibility.PROGRAMME,
            person__in=memberships_manageable_by(user).values("person_id"),
        )
    )
    return Reflection.objects.filter(Q(person_id=scope.person_id or 0) | shared).distinct()


def can_comment(user: User, reflection: Reflection) -> bool:
    return (
        reflection.person.user_id != user.pk
        and reflections_visible_to(user).filter(pk=reflection.pk).exists()
    )


def get_reflection_for(user: User, pk: int, *, write: bool = False) -> Reflection:
    """A reflection the user may read; with write=True, only its author may have it."""
    reflection = (
        Reflection.objects.select_related(
            "person", "session", "placement__opportunity", "clinic__clinic_type"
        )
        .filter(pk=pk)
        .first()
    )
    if reflection is None:
        raise Http404("No such reflection.")
    if not reflections_visible_to(user).filter(pk=pk).exists():
        raise PermissionDenied
    if write and reflection.person_id != scope_for(user).person_id:
        raise PermissionDenied
    return reflection


def get_assessment_for(user: User, pk: int) -> Assessment:
    found = Assessment.objects.select_related("type", "person").filter(pk=pk).first()
    if found is None:
        raise Http404("No such assessment.")
    scope = scope_for(user)
    visible = (
        found.person_id == scope.person_id
        or found.person_id in scope.supervised
        or found.assessor_email.lower() == user.email.lower()
    )
    if not visible:
        raise PermissionDenied
    return found


def get_requirement_set_for(user: User, pk: int) -> RequirementSet:
    found = RequirementSet.objects.select_related("programme").filter(pk=pk).first()
    if found is None:
        raise Http404("No such requirement set.")
    if not programmes_run_by(user).filter(pk=found.programme_id).exists():
        raise PermissionDenied
    return found


def get_rule_for(user: User, set_pk: int, pk: int) -> Rule:
    requirement_set = get_requirement_set_for(user, set_pk)
    rule = requirement_set.rules.filter(pk=pk).first()
    if rule is None:
        raise Http404("No such rule in this set.")
    return rule


def ensure_runs_a_programme(user: User) -> None:
    if not programmes_run_by(user).exists():
        raise PermissionDenied


def ensure_manages_learners(user: User) -> None:
    if not scope_for(user).manages_learners:
        raise PermissionDenied


def get_evidence_pack_for(user: User, pk: int) -> EvidencePack:
    pack = EvidencePack.objects.filter(pk=pk).first()
    if pack is None:
        raise Http404("No such evidence pack.")
    if pack.person_id != scope_for(user).person_id:
        raise PermissionDenied
    return pack
