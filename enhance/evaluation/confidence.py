"""Confidence over time: each question's mean at each survey, the paired change from entry for
learners who answered both (n, mean change, 95% confidence interval, Wilcoxon signed-rank
p-value), and response rates. Ratings run from 1 to 5, so every change is a whole number from
-4 to 4: the database counts each change per question and survey, and the statistics are
computed from those counts, whatever the number of learners."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db.models import Avg, Count, F, Q, QuerySet
from scipy import stats

from enhance.evaluation.filters import Filters, learners
from enhance.evaluation.models import Answer, Response, Wave, wave_label
from enhance.evaluation.tables import LABEL, MEAN, P_VALUE, PEOPLE, RATE, Chart, Col, Table

if TYPE_CHECKING:
    from enhance.accounts.models import User

ENTRY = Wave.Point.ENTRY


@dataclass(frozen=True)
class Change:
    n: int
    mean: float | None
    low: float | None
    high: float | None
    p: float | None


def paired_change(counts: dict[int, int]) -> Change:
    """Statistics of paired changes given as {change: how many learners}: the mean change, its
    95% confidence interval (Student's t) and the two-sided Wilcoxon signed-rank p-value (zero
    changes dropped, as Wilcoxon proposed; none when every change is zero)."""
    n = sum(counts.values())
    if n == 0:
        return Change(0, None, None, None, None)
    mean = sum(d * c for d, c in counts.items()) / n
    if n < 2:
        return Change(n, mean, None, None, None)
    variance = sum(c * (d - mean) ** 2 for d, c in counts.items()) / (n - 1)
    half = float(stats.t.ppf(0.975, n - 1)) * math.sqrt(variance / n)
    diffs = np.repeat(np.array(list(counts), dtype=float), list(counts.values()))
    nonzero = diffs[diffs != 0]
    # Exact for up to 50 changes without ties; otherwise the normal approximation with the tie
    # correction (ratings on a 1-5 scale tie a lot, and permutation tests would cost seconds).
    ties = len(np.unique(np.abs(nonzero))) < len(nonzero)
    method = "exact" if len(nonzero) <= 50 and not ties and len(nonzero) == n else "approx"
    p = float(stats.wilcoxon(diffs, method=method).pvalue) if len(nonzero) else None
    return Change(n, mean, mean - half, mean + half, p)


def responses(user: User, f: Filters) -> QuerySet[Response]:
    base = learners(user, f)
    qs = Response.objects.filter(
        wave__cohort__in=base.values("cohort_id"), respondent__person__in=base.values("person_id")
    )
    window = f.window()
    return qs.filter(wave__opens_on__range=window) if window else qs


def _order(point: str, year: int) -> int:
    return 0 if point == ENTRY else (99 if point == Wave.Point.EXIT else year)


def _waves_in(groups: list[tuple[str, int]]) -> list[str]:
    """Survey labels in time order (exits of programmes of any length come last, together)."""
    return list(dict.fromkeys(wave_label(p, y) for p, y in sorted(set(groups), key=lambda g: _order(*g))))


def _means(answers: QuerySet[Answer]) -> Table:
    grouped = answers.values(
        "item_id", "item__text", "item__order", "response__wave__point", "response__wave__year"
    ).annotate(n=Count("id"), mean=Avg("score"))
    rows: dict[int, dict[str, Any]] = {}
    sums: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0, 0.0])
    groups = []
    for r in grouped.order_by("item__order", "item_id"):
        label = wave_label(r["response__wave__point"], r["response__wave__year"])
        groups.append((r["response__wave__point"], r["response__wave__year"]))
        rows.setdefault(r["item_id"], {"label": r["item__text"]})
        total = sums[(r["item_id"], label)]
        total[0] += r["n"]
        total[1] += r["mean"] * r["n"]
    waves = _waves_in(groups)
    for (item_id, label), (n, weighted) in sums.items():
        rows[item_id][f"n:{label}"] = int(n)
        rows[item_id][f"mean:{label}"] = weighted / n
    columns = [Col("label", "Question", LABEL)]
    for label in waves:
        columns += [
            Col(f"n:{label}", f"{label}: answered", PEOPLE),
            Col(f"mean:{label}", f"{label}: mean", MEAN, base=f"n:{label}"),
        ]
    return Table(
        "means",
        "Mean confidence at each survey",
        "Each question's mean rating (1 not at all confident, 5 very confident) among those who answered it.",
        columns,
        list(rows.values()),
        Chart([f"mean:{label}" for label in waves], y_title="Mean rating (1 to 5)"),
        whole=True,
    )


def _changes(answers: QuerySet[Answer]) -> Table:
    counted = (
        answers.exclude(response__wave__point=ENTRY)
        .filter(entry_score__isnull=False)
        .annotate(change=F("score") - F("entry_score"))
        .values(
            "item_id", "item__text", "item__order", "response__wave__point", "response__wave__year", "change"
        )
        .annotate(c=Count("id"))
        .order_by("item__order", "item_id")
    )
    histograms: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    texts: dict[int, str] = {}
    groups = []
    for r in counted:
        point, year = r["response__wave__point"], r["response__wave__year"]
        groups.append((point, year))
        texts[r["item_id"]] = r["item__text"]
        histograms[(r["item_id"], wave_label(point, year))][r["change"]] += r["c"]
    rows = []
    for label in _waves_in(groups):
        for item_id, text in texts.items():
            if (item_id, label) not in histograms:
                continue
            ch = paired_change(histograms[(item_id, label)])
            rows.append({"label": f"{text}: entry to {label.lower()}", **ch.__dict__})
    return Table(
        "change",
        "Change in confidence from entry",
        "For learners who answered a question at entry and at a later survey: how many, the mean "
        "change in rating, its 95% confidence interval and the Wilcoxon signed-rank test p-value.",
        [
            Col("label", "Question and surveys", LABEL),
            Col("n", "Learners with both answers", PEOPLE),
            Col("mean", "Mean change", MEAN, base="n"),
            Col("low", "95% CI, lower", MEAN, base="n"),
            Col("high", "95% CI, upper", MEAN, base="n"),
            Col("p", "p-value (signed-rank)", P_VALUE, base="n"),
        ],
        rows,
        Chart(["mean"], y_title="Mean change in rating"),
        whole=True,
    )


def _response_rates(user: User, f: Filters, chosen: QuerySet[Response]) -> Table:
    base = learners(user, f)
    waves = Wave.objects.filter(cohort__in=base.values("cohort_id"))
    window = f.window()
    if window:
        waves = waves.filter(opens_on__range=window)
    asked = waves.values("point", "year").annotate(
        n=Count("cohort__memberships", filter=Q(cohort__memberships__in=base.values("pk")))
    )
    answered = chosen.values("wave__point", "wave__year").annotate(n=Count("id"))
    rows: dict[str, dict[str, Any]] = {}
    groups = [(r["point"], r["year"]) for r in asked]
    for label in _waves_in(groups):
        rows[label] = {"label": label, "asked": 0, "answered": 0}
    for r in asked:
        rows[wave_label(r["point"], r["year"])]["asked"] += r["n"]
    for r in answered:
        label = wave_label(r["wave__point"], r["wave__year"])
        if label in rows:
            rows[label]["answered"] += r["n"]
    for row in rows.values():
        row["rate"] = row["answered"] / row["asked"] if row["asked"] else None
    return Table(
        "response-rates",
        "Response rates by survey",
        "Learners of the cohorts asked, and how many answered.",
        [
            Col("label", "Survey", LABEL),
            Col("asked", "Learners asked", PEOPLE),
            Col("answered", "Answered", PEOPLE),
            Col("rate", "Response rate", RATE, base="answered"),
        ],
        list(rows.values()),
        Chart(["rate"], y_title="Response rate (%)"),
        whole=True,
    )


def tables(user: User, f: Filters) -> list[Table]:
    chosen = responses(user, f)
    answers = Answer.objects.filter(response__in=chosen, score__isnull=False)
    return [_means(answers), _changes(answers), _response_rates(user, f, chosen)]
