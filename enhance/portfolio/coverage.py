"""Domain and theme coverage: the evidence a learner has in each of the six domains and four
themes, and what would fill the gaps. Each area's evidence is counted by a provider, so a new
area adds its own without touching this module."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from enhance.curriculum.models import Domain, Theme
from enhance.programmes.models import Membership


@dataclass
class Cell:
    items: list[str] = field(default_factory=list)


Coverage = dict[tuple[str, int], list[str]]  # ("domain" | "theme", id) -> evidence labels
Provider = Callable[[list[int]], dict[int, Coverage]]  # person ids -> per person coverage
# Person ids -> rows of (person id, domain id, pieces of evidence), counted in the database.
Counter = Callable[[list[int]], Iterable[tuple[int, int, int]]]
_PROVIDERS: dict[str, Provider] = {}
_COUNTERS: dict[str, Counter] = {}


def provider(name: str) -> Callable[[Provider], Provider]:
    def add(func: Provider) -> Provider:
        _PROVIDERS[name] = func
        return func

    return add


def counter(name: str) -> Callable[[Counter], Counter]:
    """Register how an area counts, per person and domain, the evidence its provider lists
    (the same pieces, without building their labels): the heat map reads the counts."""

    def add(func: Counter) -> Counter:
        _COUNTERS[name] = func
        return func

    return add


def domain_counts(person_ids: list[int]) -> dict[int, dict[int, int]]:
    """Per person: pieces of evidence in each domain, from every area."""
    found: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for func in _COUNTERS.values():
        for person_id, domain_id, n in func(person_ids):
            found[person_id][domain_id] += n
    return found


def coverage_for(person_ids: list[int]) -> dict[int, Coverage]:
    merged: dict[int, Coverage] = {pid: defaultdict(list) for pid in person_ids}
    for func in _PROVIDERS.values():
        for pid, cov in func(person_ids).items():
            for key, labels in cov.items():
                merged[pid][key].extend(labels)
    return merged


@provider("reflections")
def _reflections(person_ids: list[int]) -> dict[int, Coverage]:
    from enhance.portfolio.models import Reflection

    out: dict[int, Coverage] = defaultdict(lambda: defaultdict(list))
    reflections = Reflection.objects.filter(person_id__in=person_ids, draft=False).prefetch_related(
        "domains", "themes"
    )
    for r in reflections:
        for d in r.domains.all():
            out[r.person_id][("domain", d.pk)].append(f"Reflection: {r.title}")
        for t in r.themes.all():
            out[r.person_id][("theme", t.pk)].append(f"Reflection: {r.title}")
    return out


@counter("reflections")
def _reflections_counted(person_ids: list[int]) -> Iterable[tuple[int, int, int]]:
    from enhance.portfolio.models import Reflection

    pairs = Reflection.domains.through.objects.filter(
        reflection__person_id__in=person_ids, reflection__draft=False
    )
    return pairs.values_list("reflection__person_id", "domain_id").annotate(n=Count("pk")).order_by()


@provider("teaching")
def _sessions(person_ids: list[int]) -> dict[int, Coverage]:
    from enhance.teaching.models import Attendance

    out: dict[int, Coverage] = defaultdict(lambda: defaultdict(list))
    attended = (
        Attendance.objects.filter(membership__person_id__in=person_ids, status__in=Attendance.ATTENDED)
        .select_related("session", "membership")
        .prefetch_related("session__domains", "session__themes")
    )
    for a in attended:
        pid = a.membership.person_id
        for d in a.session.domains.all():
            out[pid][("domain", d.pk)].append(f"Session: {a.session.title}")
        for t in a.session.themes.all():
            out[pid][("theme", t.pk)].append(f"Session: {a.session.title}")
    return out


@counter("teaching")
def _sessions_counted(person_ids: list[int]) -> Iterable[tuple[int, int, int]]:
    from enhance.teaching.models import Attendance

    attended = Attendance.objects.filter(
        membership__person_id__in=person_ids, status__in=Attendance.ATTENDED, session__domains__isnull=False
    )
    pairs = attended.values_list("membership__person_id", "session__domains")
    return pairs.annotate(n=Count("pk")).order_by()


@provider("placements")
def _placements(person_ids: list[int]) -> dict[int, Coverage]:
    from enhance.placements.models import Placement

    out: dict[int, Coverage] = defaultdict(lambda: defaultdict(list))
    placements = (
        Placement.objects.filter(membership__person_id__in=person_ids)
        .select_related("opportunity", "membership")
        .prefetch_related("opportunity__domains")
    )
    for p in placements:
        for d in p.opportunity.domains.all():
            out[p.membership.person_id][("domain", d.pk)].append(f"Placement: {p.opportunity.title}")
    return out


@counter("placements")
def _placements_counted(person_ids: list[int]) -> Iterable[tuple[int, int, int]]:
    from enhance.placements.models import Placement

    placed = Placement.objects.filter(
        membership__person_id__in=person_ids, opportunity__domains__isnull=False
    )
    pairs = placed.values_list("membership__person_id", "opportunity__domains")
    return pairs.annotate(n=Count("pk")).order_by()


def grid(membership: Membership) -> dict[str, object]:
    """The learner's grid of domains and themes, with suggestions for each empty domain."""
    from enhance.placements.models import PlacementBlock
    from enhance.teaching.access import sessions_for_membership

    framework = membership.programme.framework_id
    domains = list(Domain.objects.filter(framework_id=framework))
    themes = list(Theme.objects.filter(framework_id=framework))
    cov = coverage_for([membership.person_id])[membership.person_id]
    gaps = [d for d in domains if not cov.get(("domain", d.pk))]
    upcoming = (
        sessions_for_membership(membership)
        .filter(starts_at__gte=timezone.now(), cancelled=False, domains__in=gaps)
        .prefetch_related("domains")
        .distinct()
        .order_by("starts_at")[:20]
    )
    open_blocks = PlacementBlock.objects.filter(
        cohort=membership.cohort_id, status=PlacementBlock.Status.OPEN
    )
    from enhance.placements.models import Opportunity

    opportunities = (
        Opportunity.objects.filter(blocks__in=open_blocks, active=True, domains__in=gaps)
        .prefetch_related("domains")
        .distinct()[:20]
    )
    suggestions = {
        d.pk: [s.title for s in upcoming if d in s.domains.all()]
        + [o.title for o in opportunities if d in o.domains.all()]
        for d in gaps
    }
    return {
        "domains": [(d, cov.get(("domain", d.pk), []), suggestions.get(d.pk, [])) for d in domains],
        "themes": [(t, cov.get(("theme", t.pk), [])) for t in themes],
    }


def heat_map(memberships: list[Membership]) -> tuple[list[Domain], list[tuple[Membership, list[int]]]]:
    """Learners by domains: how many pieces of evidence each has in each domain (counted in
    the database, one query an area, for one page of learners)."""
    if not memberships:
        return [], []
    domains = list(Domain.objects.filter(framework_id=memberships[0].programme.framework_id))
    counts = domain_counts([m.person_id for m in memberships])
    rows = [(m, [counts[m.person_id][d.pk] for d in domains]) for m in memberships]
    return domains, rows
