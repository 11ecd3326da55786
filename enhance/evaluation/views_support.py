"""What the dashboard pages and the workbook share: whether a view is national, and the
filters described in words."""

from __future__ import annotations

from typing import Any

from enhance.accounts.models import User
from enhance.evaluation.filters import Filters, year_label
from enhance.programmes.access import scope_for
from enhance.programmes.models import Cohort, Locality, Profession, Programme, Region


def is_national(user: User, filters: Filters) -> bool:
    """A national admin looking at everything: the only view whose totals are national."""
    return scope_for(user).admin and not filters.narrowed


def describe_filters(f: Filters) -> list[list[Any]]:
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


def filters_from(data: Any, user: User) -> tuple[Any, Filters | None]:
    """The filter form from a query string, and its filters when valid (None otherwise)."""
    from enhance.evaluation.filters import FiltersForm

    form = FiltersForm(data or None, user=user)
    if not data:
        form.is_valid()
        return form, Filters()
    return form, form.filters() if form.is_valid() else None


def shown_tables(user: User, info: Any, filters: Filters) -> list[dict[str, Any]]:
    """A measure's tables as its page shows them: the rule applied, rows for display, chart data."""
    from enhance.evaluation.tables import apply_rule, chart_data, html_rows

    national = is_national(user, filters)
    shown = []
    for table in info.build(user, filters):
        apply_rule(table, national=national)
        shown.append({"t": table, "rows": html_rows(table), "chart": chart_data(table)})
    return shown
