"""A measure's figures as tables: typed columns, the small-number rule, what a page shows,
what a download holds and what a chart draws, all from the same rows.

The small-number rule: below national level, a count of people from 1 to 4 is shown as
"fewer than 5", and a rate or mean resting on fewer than 5 people is hidden."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.cache import cache

from enhance.accounts.models import User
from enhance.evaluation.filters import Filters, is_national

SMALL = 5
FEWER_THAN_5 = "fewer than 5"
HIDDEN = "hidden (fewer than 5)"
NONE = "none"

LABEL, PEOPLE, COUNT, RATE, MEAN, P_VALUE = "label", "people", "count", "rate", "mean", "p"


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    kind: str = COUNT
    base: str = ""  # the people column a rate or mean rests on
    about: str = ""


@dataclass(frozen=True)
class Chart:
    """Which columns a chart draws: a bar (or line) per row, one series per column."""

    series: list[str]
    kind: str = "bar"
    stacked: bool = False
    y_title: str = ""


@dataclass
class Table:
    slug: str
    title: str
    about: str
    columns: list[Col]
    rows: list[dict[str, Any]]
    chart: Chart | None = None
    whole: bool = False  # rows cover the whole selection (not one programme, cohort or group)
    cells: list[list[Any]] = field(default_factory=list)  # after the small-number rule

    def header(self) -> list[str]:
        return [c.label for c in self.columns]


def _small(value: Any) -> bool:
    return isinstance(value, int) and 0 < value < SMALL


def _rests_on_few(row: dict[str, Any], col: Col) -> bool:
    if not col.base:
        return False
    base = row.get(col.base)
    return base is None or base < SMALL


def shown_count(value: Any) -> Any:
    """A count of people as it may be shown below national level."""
    return FEWER_THAN_5 if _small(value) else value


def _cell(row: dict[str, Any], col: Col, exempt: bool) -> Any:
    value = row.get(col.key)
    if col.kind == LABEL:
        return value if value not in (None, "") else NONE
    if not exempt and col.kind == PEOPLE and _small(value):
        return FEWER_THAN_5
    if col.kind in (RATE, MEAN, P_VALUE) and not exempt and _rests_on_few(row, col):
        return HIDDEN if value is not None else ""
    if value is None:
        return ""
    if col.kind == RATE:
        return round(100 * value, 1)
    if col.kind == MEAN:
        return round(value, 2)
    if col.kind == P_VALUE:
        return round(value, 4)
    return value


def apply_rule(table: Table, *, national: bool) -> Table:
    """Fill `cells` from `rows`. Figures for the whole nation (a national view, rows covering
    the whole selection) are exempt; every other figure follows the small-number rule."""
    exempt = national and table.whole
    table.cells = [[_cell(row, col, exempt) for col in table.columns] for row in table.rows]
    return table


# A measure groups every register row, answer or placement of its scope (two million
# attendance rows nationally), so each person's tables for each choice of filters are kept
# this many seconds, the same for the page, its downloads and the workbook.
KEPT_FOR = 3600


def key(build: Callable[[User, Filters], list[Table]], user: User, filters: Filters) -> str:
    chosen = ",".join(f"{k}={v}" for k, v in sorted(asdict(filters).items()))
    return f"evaluation:{build.__module__}.{build.__qualname__}:{user.pk}:{chosen}"


def ruled(build: Callable[[User, Filters], list[Table]], user: User, filters: Filters) -> list[Table]:
    """A measure's tables for this person and these filters, the small-number rule applied:
    what its page, its downloads and the workbook all show (counted at most KEPT_FOR ago)."""

    def count() -> list[Table]:
        national = is_national(user, filters)
        return [apply_rule(table, national=national) for table in build(user, filters)]

    return cache.get_or_set(key(build, user, filters), count, KEPT_FOR)  # type: ignore[return-value]


def kept(build: Callable[[User, Filters], list[Table]], user: User, filters: Filters) -> list[Table] | None:
    """The tables `ruled` keeps, if they have been counted (None if not yet)."""
    return cache.get(key(build, user, filters))  # type: ignore[no-any-return]


def display(value: Any, col: Col) -> str:
    if isinstance(value, str):
        return value
    if col.kind == RATE:
        return f"{value:.1f}%"
    if col.kind == P_VALUE:
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    if col.kind == MEAN:
        return f"{value:.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def html_rows(table: Table) -> list[list[str]]:
    return [[display(v, c) for v, c in zip(row, table.columns, strict=True)] for row in table.cells]


def download_rows(table: Table) -> list[list[Any]]:
    return [table.header(), *table.cells]


def chart_data(table: Table) -> dict[str, Any] | None:
    """What the chart script draws: labels from the first column, a series per chart column;
    figures hidden by the small-number rule are gaps."""
    if table.chart is None or not table.cells:
        return None
    index = {c.key: i for i, c in enumerate(table.columns)}
    labels = [str(row[0]) for row in table.cells]
    series = []
    for key in table.chart.series:
        col = table.columns[index[key]]
        values = [row[index[key]] for row in table.cells]
        series.append(
            {"label": col.label, "data": [v if isinstance(v, int | float) else None for v in values]}
        )
    return {
        "type": table.chart.kind,
        "labels": labels,
        "series": series,
        "stacked": table.chart.stacked,
        "yTitle": table.chart.y_title,
        "title": table.title,
    }


def for_page(table: Table) -> dict[str, Any]:
    return {"t": table, "rows": html_rows(table), "chart": chart_data(table)}
