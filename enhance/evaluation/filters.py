"""The dashboards' filters (where: trailblazer, programme, locality, cohort; who: programme
shape, profession, grade; when: training year) and the learners they select, always within
the scope of the person looking."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from enhance.accounts.models import User
from enhance.programmes.access import (
    localities_manageable_by,
    memberships_manageable_by,
    programmes_manageable_by,
    scope_for,
)
from enhance.programmes.models import Cohort, Grade, Locality, Profession, Programme, Region
from enhance.programmes.selectors import current_grade_subquery

FIRST_YEAR = 2022
YEAR_STARTS = 8  # training years run from August (the changeover) to July


@dataclass(frozen=True)
class Filters:
    region: int | None = None
    programme: int | None = None
    locality: int | None = None
    cohort: int | None = None
    year: int | None = None
    pathway: str = ""
    profession: int | None = None
    grade: str = ""

    @property
    def narrowed(self) -> bool:
        return any(asdict(self).values())

    def window(self) -> tuple[dt.date, dt.date] | None:
        if self.year is None:
            return None
        return dt.date(self.year, YEAR_STARTS, 1), dt.date(self.year + 1, YEAR_STARTS, 1) - dt.timedelta(
            days=1
        )

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filters:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def current_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= YEAR_STARTS else today.year - 1


def regions_for(user: User) -> QuerySet[Region]:
    scope = scope_for(user)
    if scope.admin:
        return Region.objects.all()
    return Region.objects.filter(programmes__in=programmes_manageable_by(user)).distinct()


class FiltersForm(forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), required=False, label="Trailblazer")
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), required=False)
    locality = forms.ModelChoiceField(queryset=Locality.objects.none(), required=False)
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none(), required=False, label="Cohort (intake)")
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Training year")
    pathway = forms.ChoiceField(required=False, label="Programme shape")
    profession = forms.ModelChoiceField(queryset=Profession.objects.all(), required=False)
    grade = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = programmes_manageable_by(user)
        f = self.fields
        f["region"].queryset = regions_for(user)  # type: ignore[attr-defined]
        f["programme"].queryset = programmes.select_related("region")  # type: ignore[attr-defined]
        f["locality"].queryset = localities_manageable_by(user).select_related("programme")  # type: ignore[attr-defined]
        f["cohort"].queryset = Cohort.objects.filter(programme__in=programmes).select_related(  # type: ignore[attr-defined]
            "programme"
        )
        years = range(current_year(), FIRST_YEAR - 1, -1)
        f["year"].choices = [("", "All years"), *((y, year_label(y)) for y in years)]  # type: ignore[attr-defined]
        f["pathway"].choices = [("", "All shapes"), *Programme.Pathway.choices]  # type: ignore[attr-defined]
        f["grade"].choices = [("", "All grades"), *Grade.objects.values_list("code", "name")]  # type: ignore[attr-defined]
        for name in ("region", "programme", "locality", "cohort", "profession"):
            f[name].empty_label = "All"  # type: ignore[attr-defined]

    def filters(self) -> Filters:
        data = self.cleaned_data
        pk = {
            name: data[name].pk if data.get(name) else None
            for name in ("region", "programme", "locality", "cohort", "profession")
        }
        return Filters(
            year=data.get("year"), pathway=data.get("pathway") or "", grade=data.get("grade") or "", **pk
        )


def filters_from(data: Any, user: User) -> tuple[FiltersForm, Filters | None]:
    """The filter form from a query string, and its filters when valid (None otherwise)."""
    form = FiltersForm(data or None, user=user)
    if not data:
        return form, Filters()
    return form, form.filters() if form.is_valid() else None


def is_national(user: User, filters: Filters) -> bool:
    """A national admin looking at everything: the only view whose totals are national."""
    return scope_for(user).admin and not filters.narrowed


def describe_filters(f: Filters) -> list[list[Any]]:
    """The filters in words, for the workbook."""
    names = {
        "Trailblazer": Region.objects.filter(pk=f.region).first() if f.region else None,
        "Programme": Programme.objects.filter(pk=f.programme).first() if f.programme else None,
        "Locality": Locality.objects.filter(pk=f.locality).first() if f.locality else None,
        "Cohort": Cohort.objects.filter(pk=f.cohort).first() if f.cohort else None,
        "Profession": Profession.objects.filter(pk=f.profession).first() if f.profession else None,
    }
    rows = [[label, str(value) if value else "All"] for label, value in names.items()]
    rows.append(["Training year", year_label(f.year) if f.year else "All years"])
    rows.append(["Programme shape", dict(Programme.Pathway.choices).get(f.pathway, "All shapes")])
    rows.append(["Grade", f.grade or "All grades"])
    return rows


def learners(user: User, f: Filters) -> QuerySet[Any]:
    """The memberships the figures count: the person's scope, narrowed by the filters."""
    qs = memberships_manageable_by(user)
    exact = {
        "programme__region": f.region,
        "programme": f.programme,
        "locality": f.locality,
        "cohort": f.cohort,
        "person__profession": f.profession,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    if f.pathway:
        qs = qs.filter(programme__pathway=f.pathway)
    if f.grade:
        qs = qs.annotate(current_grade=current_grade_subquery()).filter(current_grade=f.grade)
    window = f.window()
    if window:
        qs = qs.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=window[0]), starts_on__lte=window[1])
    return qs
