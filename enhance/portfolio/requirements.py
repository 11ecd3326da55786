"""ARCP readiness: each learner's progress against their programme's requirement set for
their current training year, with the evidence that counts and what is missing."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from enhance.accounts.models import User
from enhance.curriculum.models import Domain
from enhance.placements.models import ClinicEntry
from enhance.portfolio.models import Assessment, Reflection, RequirementSet, Rule
from enhance.programmes.access import programmes_run_by
from enhance.programmes.models import Membership


def _plus_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def training_year(membership: Membership, on: dt.date) -> tuple[int, dt.date, dt.date]:
    """The learner's training year on a date (1 from their start date), with its first day
    and the first day of the next."""
    year, start = 1, membership.starts_on
    while on >= _plus_year(start) and year < 10:
        start, year = _plus_year(start), year + 1
    return year, start, _plus_year(start)


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
    def rag(self) -> str:
        if not self.rules:
            return "none"
        met = sum(1 for r in self.rules if r.met)
        if met == len(self.rules):
            return "green"
        return "amber" if met * 2 >= len(self.rules) else "red"


def _scaled(target: int, membership: Membership) -> int:
    return max(1, math.ceil(target * float(membership.wte))) if target else 0


def progress_for(membership: Membership, on: dt.date | None = None) -> Progress:
    on = on or timezone.localdate()
    year, start, end = training_year(membership, on)
    requirement_set = (
        RequirementSet.objects.filter(programme_id=membership.programme_id, training_year=year)
        .prefetch_related("rules__assessment_type")
        .first()
    )
    if requirement_set is None:
        return Progress(membership, year, None, [])
    rules = []
    for rule in requirement_set.rules.all():
        rules.append(_evaluate(rule, membership, start, end))
    return Progress(membership, year, requirement_set, rules)


def _evaluate(rule: Rule, m: Membership, start: dt.date, end: dt.date) -> RuleProgress:
    target = _scaled(rule.target, m)
    if rule.kind == Rule.Kind.CLINICS:
        entries = ClinicEntry.objects.filter(
            placement__membership=m, status=ClinicEntry.Status.CONFIRMED, date__gte=start, date__lt=end
        ).select_related("clinic_type")
        evidence = [f"{e.date:%d %b %Y}: {e.clinic_type}" for e in entries]
        return RuleProgress(
            rule,
            rule.get_kind_display(),
            target,
            len(evidence),
            evidence,
            f"{max(0, target - len(evidence))} more confirmed clinics",
        )
    if rule.kind == Rule.Kind.ASSESSMENTS:
        done = Assessment.objects.filter(
            person_id=m.person_id,
            type=rule.assessment_type,
            status=Assessment.Status.COMPLETED,
            date__gte=start,
            date__lt=end,
        )
        evidence = [f"{a.date:%d %b %Y}: {a.assessor_name}" for a in done]
        code = rule.assessment_type.code if rule.assessment_type else "assessments"
        return RuleProgress(
            rule,
            f"Completed {code}",
            target,
            len(evidence),
            evidence,
            f"{max(0, target - len(evidence))} more {code}",
        )
    if rule.kind == Rule.Kind.ATTENDANCE:
        from enhance.teaching.services import attendance_summaries

        summary = attendance_summaries([m])[m.pk]
        rate = summary["rate"] if summary["rate"] is not None else 0
        return RuleProgress(
            rule,
            rule.get_kind_display(),
            rule.target,
            rate,
            [f"{summary['attended']} of {summary['expected']} sessions"],
            f"attendance of {rule.target}%",
        )
    reflections = Reflection.objects.filter(
        person_id=m.person_id, draft=False, created_at__date__gte=start, created_at__date__lt=end
    ).prefetch_related("domains")
    if rule.kind == Rule.Kind.REFLECTIONS:
        evidence = [r.title for r in reflections]
        return RuleProgress(
            rule,
            rule.get_kind_display(),
            target,
            len(evidence),
            evidence,
            f"{max(0, target - len(evidence))} more reflections",
        )
    domains = list(Domain.objects.filter(framework_id=m.programme.framework_id))
    covered = {d.pk for r in reflections for d in r.domains.all()}
    gaps = [d.name for d in domains if d.pk not in covered]
    return RuleProgress(
        rule,
        rule.get_kind_display(),
        len(domains),
        len(domains) - len(gaps),
        [d.name for d in domains if d.pk in covered],
        "reflections on: " + ", ".join(gaps),
    )


@transaction.atomic
def requirement_set_save(*, actor: User, requirement_set: RequirementSet) -> RequirementSet:
    if not programmes_run_by(actor).filter(pk=requirement_set.programme_id).exists():
        raise PermissionDenied("Only the programme's leads set its requirements.")
    requirement_set.full_clean()
    requirement_set.save()
    return requirement_set


@transaction.atomic
def rule_add(*, actor: User, requirement_set: RequirementSet, rule: Rule) -> Rule:
    if not programmes_run_by(actor).filter(pk=requirement_set.programme_id).exists():
        raise PermissionDenied
    if rule.kind == Rule.Kind.ASSESSMENTS and rule.assessment_type_id is None:
        raise ValidationError({"assessment_type": "Choose which assessment counts."})
    if rule.kind == Rule.Kind.ATTENDANCE and not 1 <= rule.target <= 100:
        raise ValidationError({"target": "Attendance is a percentage from 1 to 100."})
    rule.requirement_set = requirement_set
    rule.full_clean()
    rule.save()
    return rule
