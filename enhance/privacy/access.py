"""Who may ask for and open a copy of a person's data: the person themself, and national
admins (who can produce it for anyone; each request is recorded with who made it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from enhance.accounts.models import User
from enhance.privacy.models import DataExport
from enhance.programmes.access import scope_for
from enhance.programmes.models import Person


def exports_visible_to(user: User) -> QuerySet[DataExport]:
    scope = scope_for(user)
    if scope.admin:
        return DataExport.objects.all()
    return DataExport.objects.filter(person_id=scope.person_id or 0)


def get_export_for(user: User, pk: int) -> DataExport:
    export = DataExport.objects.select_related("person").filter(pk=pk).first()
    if export is None:
        raise Http404("No such data export.")
    if not exports_visible_to(user).filter(pk=pk).exists():
        raise PermissionDenied
    return export


def get_person_for_export(user: User, pk: int) -> Person:
    """Whose data a request is for: your own, or anyone's for a national admin."""
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    scope = scope_for(user)
    if not (scope.admin or scope.person_id == person.pk):
        raise PermissionDenied
    return person


def get_person_to_erase(user: User, pk: int) -> Person:
    if not scope_for(user).admin:
        raise PermissionDenied
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    return person
