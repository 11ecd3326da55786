"""Who sees what: the dashboards are for those who manage learners (national admins, regional,
programme and locality leads), each within their scope; a survey is for its cohort's learners;
a workbook for the person who asked for it. No page shows one person's answers to staff."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from enhance.accounts.models import User
from enhance.evaluation.measures import MEASURES, MeasureInfo
from enhance.evaluation.models import Wave, Workbook
from enhance.programmes.access import programmes_run_by, scope_for
from enhance.programmes.models import Membership, Programme


def require_dashboards(user: User) -> None:
    if not scope_for(user).manages_learners:
        raise PermissionDenied


def get_measure(user: User, slug: str) -> MeasureInfo:
    require_dashboards(user)
    if slug not in MEASURES:
        raise Http404("No such measure.")
    return MEASURES[slug]


def get_wave_for_answer(user: User, pk: int) -> Wave:
    wave = Wave.objects.select_related("cohort__programme").filter(pk=pk).first()
    if wave is None:
        raise Http404("No such survey.")
    if not Membership.objects.filter(person__user=user, cohort_id=wave.cohort_id).exists():
        raise PermissionDenied
    return wave


def get_workbook_for(user: User, pk: int) -> Workbook:
    book = Workbook.objects.filter(pk=pk).first()
    if book is None:
        raise Http404("No such workbook.")
    if book.requested_by_id != user.pk:
        raise PermissionDenied
    return book


def get_programme_for_schedule(user: User, pk: int) -> Programme:
    programme = Programme.objects.filter(pk=pk).first()
    if programme is None:
        raise Http404("No such programme.")
    if not programmes_run_by(user).filter(pk=pk).exists():
        raise PermissionDenied
    return programme
