"""ARCP readiness: each learner's progress against their programme's requirement set for
their current training year, with the evidence that counts and what is missing. The kinds of
evidence come from enhance.core.evidence, where each area registers its own; progress for a
whole page of learners costs a fixed number of queries per rule."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.dates import plus_year
from enhance.core.evidence import Counted, Window, get_rule_kind, rule_kind
from enhance.curriculum.models import Domain
from enhance.portfolio.models import Assessment, Reflection, RequirementSet, Rule
from enhance.programmes.access import programmes_run_by
from enhance.programmes.models import Membership

# Messages people see when a rule refuses them (tests assert them by name).
ONLY_PROGRAMME_S_LEADS_SET = "Only the programme's leads set its requirements."
CHOOSE_RULE = "Choose a rule."
CHOOSE_WHICH_ASSESSMENT_COUNTS = "Choose which assessment counts."
ATTENDANCE_PERCENTAGE_FROM = "Attendance is a percentage from 1 to 100."


def training_year(membership: Membership, on: dt.date) -> tuple[int, dt.date, dt.date]:
    """The learner's training year on a date (1 from their start date), with its first day
    and the first day of the next."""
    year, start = 1, membership.starts_on
    while on >= plus_year(start) and year < 10:
        start, year = plus_year(start), year + 1
    return year, start, plus_year(start)


@dataclass
class RuleProgress:
    rule: Rule
    label: str
    target: int
    count: int
    evidence: list[str] = field(default_factory=list)
    missing: str = ""

    @property
    def met(self) -> bool:
        return self.count >= self.target


@dataclass
class Progress:
    membership: Membership
    year: int
    requirement_set: RequirementSet | None
    rules: list[RuleProgress]

    @property
    def next_step(self) -> RuleProgress | None:
        """The first requirement not met yet: the next step to green."""
        return next((r for r in self.rules if not r.met), None)

    @property
    def rag(self) -> str:
        if not self.rules:
            return "none"
        met = sum(1 for r in self.rules if r.met)
        if met == len(self.rules):
            return "green"
        return "amber" if met * 2 >= len(self.rules) else "red"


def _target(rule: Rule, membership: Membership, scaled: bool) -> int:
    if not scaled or not rule.target:
        return rule.target
    return max(1, math.ceil(rule.target * float(membership.wte)))


def progress_many(memberships: list[Membership], on: dt.date | None = None) -> list[Progress]:
    on = on or timezone.localdate()
    years = {m.pk: training_year(m, on) for m in memberships}
    sets = {
        (s.programme_id, s.training_year): s
        for s in RequirementSet.objects.filter(
            programme_id__in={m.programme_id for m in memberships},
            training_year__in={y for y, _, _ in years.values()},
        ).prefetch_related("rules__assessment_type")
    }
    chosen = {m.pk: sets.get((m.programme_id, years[m.pk][0])) for m in memberships}
    windows = {m.pk: Window(years[m.pk][1], years[m.pk][2]) for m in memberships}
    # A counter reads its rule only for the assessment type, so the rules of one kind (one per
    # training year's set) are counted together: one call a kind, not one a rule.
    counted: dict[tuple[Any, int], Counted] = {}
    together: dict[Any, tuple[Rule, dict[int, Membership]]] = {}
    for m in memberships:
        rs = chosen[m.pk]
        for rule in rs.rules.all() if rs else []:
            together.setdefault(_counted_with(rule), (rule, {}))[1][m.pk] = m
    for key, (rule, members) in together.items():
        kind = get_rule_kind(rule.kind)
        if kind is None:
            continue
        for mid, result in kind.counter(
            rule, list(members.values()), {pk: windows[pk] for pk in members}
        ).items():
            counted[(key, mid)] = result
    out = []
    for m in memberships:
        rs = chosen[m.pk]
        rows = []
        for rule in rs.rules.all() if rs else []:
            kind = get_rule_kind(rule.kind)
            if kind is None:
                continue
            result = counted.get((_counted_with(rule), m.pk), Counted(0))
            target = _target(rule, m, kind.scaled)
            label = f"Completed {rule.assessment_type.code}" if rule.assessment_type else kind.label
            rows.append(_row(rule, kind, label, target, result))
        out.append(Progress(m, years[m.pk][0], rs, rows))
    return out


def _counted_with(rule: Rule) -> tuple[str, int | None]:
    return rule.kind, rule.assessment_type_id


def _row(rule: Rule, kind: Any, label: str, target: int, result: Counted) -> RuleProgress:
    if rule.kind == "all_domains":
        total, covered = result.count, result.evidence
        missing = list(getattr(result, "gaps", []))
        return RuleProgress(
            rule, label, total, len(covered), covered, "reflections on: " + ", ".join(missing)
        )
    if kind.percent:
        return RuleProgress(rule, label, target, result.count, result.evidence, f"attendance of {target}%")
    return RuleProgress(
        rule,
        label,
        target,
        result.count,
        result.evidence,
        f"{max(0, target - result.count)} more {kind.unit}",
    )


def progress_for(membership: Membership, on: dt.date | None = None) -> Progress:
    return progress_many([membership], on)[0]


# --- The portfolio's own kinds of evidence ------------------------------------------------------


@rule_kind("assessments", "Completed assessments of a type", "assessments", needs_assessment_type=True)
def count_assessments(rule: Any, memberships: list[Any], windows: dict[int, Window]) -> dict[int, Counted]:
    out = {m.pk: Counted(0) for m in memberships}
    by_person = {m.person_id: m.pk for m in memberships}
    first = min(w.start for w in windows.values())
    done = Assessment.objects.filter(
        person_id__in=by_person,
        type=rule.assessment_type_id,
        status=Assessment.Status.COMPLETED,
        date__gte=first,
    )
    for a in done:
        mid = by_person[a.person_id]
        if windows[mid].holds(a.date):
            out[mid].count += 1
            out[mid].evidence.append(f"{a.date:%d %b %Y}: {a.assessor_name}")
    return out


def _finished_reflections(memberships: list[Any], windows: dict[int, Window]) -> dict[int, list[Reflection]]:
    by_person = {m.person_id: m.pk for m in memberships}
    first = min(w.start for w in windows.values())
    out: dict[int, list[Reflection]] = {m.pk: [] for m in memberships}
    for r in Reflection.objects.filter(
        person_id__in=by_person, draft=False, created_at__date__gte=first
    ).prefetch_related("domains"):
        mid = by_person[r.person_id]
        if windows[mid].holds(timezone.localtime(r.created_at).date()):
            out[mid].append(r)
    return out


@rule_kind("reflections", "Finished reflections", "reflections")
def count_reflections(rule: Any, memberships: list[Any], windows: dict[int, Window]) -> dict[int, Counted]:
    found = _finished_reflections(memberships, windows)
    return {mid: Counted(len(rs), [r.title for r in rs]) for mid, rs in found.items()}


class DomainsCounted(Counted):
    def __init__(self, total: int, covered: list[str], gaps: list[str]) -> None:
        super().__init__(total, covered)
        self.gaps = gaps


@rule_kind("all_domains", "A finished reflection in every domain", "domains", scaled=False)
def count_domains(rule: Any, memberships: list[Any], windows: dict[int, Window]) -> dict[int, Counted]:
    found = _finished_reflections(memberships, windows)
    framework = memberships[0].programme.framework_id
    domains = list(Domain.objects.filter(framework_id=framework))
    out: dict[int, Counted] = {}
    for mid, rs in found.items():
        covered = {d.pk for r in rs for d in r.domains.all()}
        out[mid] = DomainsCounted(
            len(domains),
            [d.name for d in domains if d.pk in covered],
            [d.name for d in domains if d.pk not in covered],
        )
    return out


# --- Configuration ----------------------------------------------------------------------------


@transaction.atomic
def requirement_set_save(*, actor: User, requirement_set: RequirementSet) -> RequirementSet:
    if not programmes_run_by(actor).filter(pk=requirement_set.programme_id).exists():
        raise PermissionDenied(ONLY_PROGRAMME_S_LEADS_SET)
    requirement_set.full_clean()
    requirement_set.save()
    return requirement_set


@transaction.atomic
def rule_add(*, actor: User, requirement_set: RequirementSet, rule: Rule) -> Rule:
    if not programmes_run_by(actor).filter(pk=requirement_set.programme_id).exists():
        raise PermissionDenied
    kind = get_rule_kind(rule.kind)
    if kind is None:
        raise ValidationError({"kind": CHOOSE_RULE})
    if kind.needs_assessment_type and rule.assessment_type_id is None:
        raise ValidationError({"assessment_type": CHOOSE_WHICH_ASSESSMENT_COUNTS})
    if kind.percent and not 1 <= rule.target <= 100:
        raise ValidationError({"target": ATTENDANCE_PERCENTAGE_FROM})
    if not kind.needs_assessment_type:
        rule.assessment_type = None
    rule.requirement_set = requirement_set
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def rule_remove(*, actor: User, rule: Rule) -> None:
    if not programmes_run_by(actor).filter(pk=rule.requirement_set.programme_id).exists():
        raise PermissionDenied
    rule.delete()
