"""Who keeps which reference data: the catalogue says, per kind; these helpers refuse the rest."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from enhance.accounts.models import User
from enhance.reference.catalogue import KINDS, Kind


def kinds_kept_by(user: User) -> list[Kind]:
    return [k for k in KINDS.values() if k.may_keep(user)]


def get_kind_for(user: User, slug: str) -> Kind:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404("No such list.")
    if not kind.may_keep(user):
        raise PermissionDenied
    return kind


def get_row_for(user: User, kind: Kind, pk: int) -> Any:
    """One row the person may change (404 if there is no such row; 403 if it is not theirs)."""
    row = kind.model._default_manager.filter(pk=pk).first()
    if row is None:
        raise Http404("No such record.")
    if not kind.rows(user).filter(pk=pk).exists():
        raise PermissionDenied
    return row
