"""Saving reference data: the person must keep this kind, the row must be theirs, and every
link must be one of their choices (a regional lead cannot move a programme to another
region). The model's own validation runs; history records who changed what."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from enhance.accounts.models import User
from enhance.core.validation import save_valid
from enhance.reference.catalogue import Kind

NOT_YOURS = "You cannot keep {kind} there: it is outside what you lead."
CHOOSE_ONE_OF_YOURS = "Choose one of the options offered."


@transaction.atomic
def row_save(*, actor: User, kind: Kind, row: Any) -> Any:
    if not kind.may_keep(actor):
        raise PermissionDenied(NOT_YOURS.format(kind=kind.title.lower()))
    if row.pk is not None and not kind.rows(actor).filter(pk=row.pk).exists():
        raise PermissionDenied(NOT_YOURS.format(kind=kind.title.lower()))
    for name, choices in kind.choices.items():
        value = getattr(row, f"{name}_id")
        if value is not None and not choices(actor).filter(pk=value).exists():
            raise ValidationError({name: CHOOSE_ONE_OF_YOURS})
    save_valid(row)
    return row
