"""Reads of placement data that other pages and areas count."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from enhance.accounts.models import User
from enhance.core.dates import training_year_label
from enhance.placements import access
from enhance.placements.allocation import explain
from enhance.placements.changes import changes_of, opportunities_with_room, others_placed
from enhance.placements.models import (
    AllocationRun,
    ClinicEntry,
    Constraint,
    Opportunity,
    Placement,
    PlacementBlock,
    Preference,
    PreferenceSet,
)
from enhance.programmes.access import scope_for
from enhance.programmes.models import Cohort, Membership


def confirmed_clinics_by_year(memberships: QuerySet[Membership]) -> list[tuple[str, int]]:
    """Confirmed clinic attendances per training year, for ARCP evidence."""
    days = ClinicEntry.objects.filter(
        placement__membership__in=memberships, status=ClinicEntry.Status.CONFIRMED
    ).values_list("date", flat=True)
    counts = Counter(training_year_label(d) for d in days)
    return sorted(counts.items())


# --- Pages ------------------------------------------------------------------------------------


def opportunity_list(user: User) -> QuerySet[Opportunity]:
    return (
        access.opportunities_visible_to(user)
        .select_related("organisation", "type", "site")
        .annotate(block_count=Count("blocks", distinct=True))
        .order_by("organisation__name", "title", "pk")
    )


def block_list(user: User) -> QuerySet[PlacementBlock]:
    return (
        access.blocks_visible_to(user)
        .select_related("cohort", "cohort__programme")
        .annotate(runs_count=Count("runs", distinct=True), ranked=Count("preference_sets", distinct=True))
        .order_by("-starts_on", "pk")
    )


def cohorts_run_by(user: User) -> QuerySet[Cohort]:
    return Cohort.objects.filter(programme__in=access.programmes_run_by(user), closed_on__isnull=True)


def block_members(block: PlacementBlock, localities: frozenset[int] | None = None) -> QuerySet[Membership]:
    """The cohort's active learners (of the given localities only, when given) with their
    rankings for this block."""
    rankings = PreferenceSet.objects.filter(block=block).prefetch_related(
        Prefetch("choices", queryset=Preference.objects.select_related("opportunity"))
    )
    members = Membership.objects.filter(cohort=block.cohort, status=Membership.Status.ACTIVE)
    if localities is not None:
        members = members.filter(locality__in=localities)
    placed = Placement.objects.filter(block=block).select_related("opportunity")
    return (
        members.select_related("person", "locality")
        .prefetch_related(
            Prefetch("preference_sets", queryset=rankings, to_attr="block_sets"),
            Prefetch("placements", queryset=placed, to_attr="block_placements"),
        )
        .order_by("person__surname", "person__forename", "pk")
    )


def block_page(block: PlacementBlock) -> dict[str, Any]:
    return {
        "pblock": block,
        "opportunities": block.opportunities.select_related("organisation").order_by("title"),
        "runs": block.runs.select_related("created_by").order_by("-number"),
        "constraints": block.constraints.select_related("membership__person", "opportunity").order_by("pk"),
        "changes": changes_of(block),
        "ranked": block.preference_sets.filter(choices__isnull=False).distinct().count(),
        "total": Membership.objects.filter(cohort=block.cohort, status=Membership.Status.ACTIVE).count(),
    }


def placement_change_page(block: PlacementBlock, membership: Membership) -> dict[str, Any]:
    """One learner of a published block: where they are, their ranking and interests, and the
    choices for the change form."""
    placement = (
        Placement.objects.filter(block=block, membership=membership).select_related("opportunity").first()
    )
    ranking = PreferenceSet.objects.filter(block=block, membership=membership).first()
    room = opportunities_with_room(block)
    return {
        "pblock": block,
        "membership": membership,
        "placement": placement,
        "ranking": ranking,
        "choices": ranking.choices.select_related("opportunity").order_by("rank") if ranking else [],
        "room": room,
        "form_choices": {
            "room": room,
            "others": others_placed(block, membership),
            "placed": placement is not None,
        },
    }


def preferences_page(block: PlacementBlock, membership: Membership, now: dt.datetime) -> dict[str, Any]:
    """A learner's ranking for a block, the opportunities still to rank, and their placement."""
    pref_set = PreferenceSet.objects.filter(block=block, membership=membership).first()
    current = (
        list(pref_set.choices.order_by("rank").values_list("opportunity_id", flat=True)) if pref_set else []
    )
    offered = {
        o.pk: o
        for o in block.opportunities.filter(active=True).select_related("organisation", "type", "site")
    }
    ranked = [offered[i] for i in current if i in offered]
    available = sorted((o for pk, o in offered.items() if pk not in current), key=lambda o: o.title)
    placement = (
        Placement.objects.filter(block=block, membership=membership).select_related("opportunity").first()
    )
    return {
        "pblock": block,
        "membership": membership,
        "ranked": ranked,
        "available": available,
        "full": len(ranked) >= block.choices,
        "pref_set": pref_set,
        "is_open": block.accepts_preferences(now),
        "placement": placement,
    }


DRIVER_WARNING = (
    "That opportunity needs a driver and your record shows no driving licence: "
    "you are unlikely to be placed there."
)


def driver_warning(membership: Membership, action: str) -> str:
    """A warning when a learner without a licence ranks an opportunity that needs a driver."""
    verb, _, raw = action.partition(":")
    if verb != "add" or not raw.isdigit() or membership.holds_driving_licence:
        return ""
    return DRIVER_WARNING if Opportunity.objects.filter(pk=int(raw), requires_driver=True).exists() else ""


def run_tables(run: AllocationRun) -> dict[str, Any]:
    """A finished run as tables: who got what at which rank, who is unplaced, places used."""
    result = run.result or {"assignments": [], "unassigned": [], "profile": [], "worst_rank": None}
    ids = [x["id"] for x in run.instance["learners"]]
    members = Membership.objects.select_related("person").in_bulk(ids)
    opps = Opportunity.objects.in_bulk([o["id"] for o in run.instance["opportunities"]])
    use = Counter(a["opportunity"] for a in result["assignments"])
    capacity = [
        {"opportunity": opps.get(o["id"]), "capacity": o["capacity"], "used": use.get(o["id"], 0)}
        for o in run.instance["opportunities"]
    ]
    constraints = {
        (c.membership_id, c.opportunity_id): c.kind for c in Constraint.objects.filter(block_id=run.block_id)
    }
    rows = [
        {
            "membership": members.get(a["learner"]),
            "opportunity": opps.get(a["opportunity"]),
            "rank": a["rank"],
            "constraint": constraints.get((a["learner"], a["opportunity"])),
            "pinned": constraints.get((a["learner"], a["opportunity"])) == Constraint.Kind.PIN,
        }
        for a in result["assignments"]
    ]
    rows.sort(key=lambda r: (r["membership"].person.surname if r["membership"] else "", r["rank"]))
    return {
        "result": result,
        "rows": rows,
        "unplaced": [members[i] for i in result["unassigned"] if i in members],
        "capacity": capacity,
        "placed": len(result["assignments"]),
        "total": len(ids),
        "profile": list(enumerate(result["profile"], start=1)),
    }


def run_page(run: AllocationRun) -> dict[str, Any]:
    context: dict[str, Any] = {"run": run, "pblock": run.block}
    if run.published_at:
        context["published_count"] = run.placements.count()
    if run.done:
        context.update(run_tables(run))
        context["others"] = run.block.runs.exclude(pk=run.pk).filter(status=AllocationRun.Status.DONE)
    return context


def _at(profile: list[int], rank: int) -> int:
    return profile[rank - 1] if rank <= len(profile) else 0


def run_comparison(a: AllocationRun, b: AllocationRun) -> dict[str, Any]:
    """Two finished runs of one block side by side: rank profiles and who differs."""
    ta, tb = run_tables(a), run_tables(b)
    got_a = {r["membership"].pk: r for r in ta["rows"] if r["membership"]}
    got_b = {r["membership"].pk: r for r in tb["rows"] if r["membership"]}
    members = Membership.objects.select_related("person").in_bulk(
        set(got_a) | set(got_b) | {m.pk for m in ta["unplaced"] + tb["unplaced"]}
    )
    differences = [
        {"membership": members[m], "a": got_a.get(m), "b": got_b.get(m)}
        for m in sorted(members, key=lambda m: members[m].person.surname)
        if (got_a.get(m) or {}).get("opportunity") != (got_b.get(m) or {}).get("opportunity")
    ]
    pa, pb = ta["result"]["profile"], tb["result"]["profile"]
    profile = [(r, _at(pa, r), _at(pb, r)) for r in range(1, max(len(pa), len(pb)) + 1)]
    return {
        "a": a,
        "b": b,
        "ta": ta,
        "tb": tb,
        "profile": profile,
        "differences": differences,
        "pblock": a.block,
    }


def my_placements(user: User) -> dict[str, Any]:
    """A learner's placements (with why they missed higher choices), blocks where they were not
    placed, and confirmed clinics per training year."""
    memberships = access.learner_memberships(user)
    placements = (
        Placement.objects.filter(membership__in=memberships)
        .select_related("opportunity__organisation", "opportunity__site", "block", "run")
        .annotate(
            confirmed=Count("clinics", filter=Q(clinics__status=ClinicEntry.Status.CONFIRMED)),
            logged=Count("clinics"),
        )
    )
    items = [{"placement": p, "reasons": explain(p.run, p.membership_id)} for p in placements]
    published = PlacementBlock.objects.filter(
        status=PlacementBlock.Status.PUBLISHED, cohort__in=memberships.values("cohort")
    ).exclude(placements__membership__in=memberships)
    unplaced = []
    for block in published:
        run = block.runs.filter(published_at__isnull=False).first()
        member = memberships.filter(cohort=block.cohort).first()
        if run and member:
            unplaced.append({"pblock": block, "reasons": explain(run, member.pk)})
    return {"items": items, "unplaced": unplaced, "clinic_years": confirmed_clinics_by_year(memberships)}


def placement_page(user: User, placement: Placement) -> dict[str, Any]:
    return {
        "placement": placement,
        "entries": list(placement.clinics.select_related("clinic_type", "reviewed_by")),
        "can_review": access.clinic_entries_to_review(user).filter(placement=placement).exists(),
    }


def incoming(user: User) -> QuerySet[Any, Any]:
    """Learners coming to this community lead's organisations, with clinics waiting."""
    scope = scope_for(user)
    placements = access.placements_visible_to(user)
    if not scope.admin:
        placements = placements.filter(opportunity__organisation__in=scope.community_orgs)
    ranking = PreferenceSet.objects.filter(block=OuterRef("block"), membership=OuterRef("membership"))
    return (
        placements.select_related("membership__person", "opportunity", "block")
        .annotate(
            pending=Count("clinics", filter=Q(clinics__status=ClinicEntry.Status.SUBMITTED)),
            interests=Subquery(ranking.values("interests")[:1]),
            learning_needs=Subquery(ranking.values("learning_needs")[:1]),
        )
        .order_by("starts_on", "membership__person__surname", "pk")
    )


# --- What is waiting (home pages) -------------------------------------------------------------


def blocks_to_rank(user: User, now: dt.datetime) -> QuerySet[Any, Any]:
    """Blocks open for this learner's preferences, closing soonest first, with whether they
    have ranked yet."""
    memberships = access.learner_memberships(user)
    return (
        PlacementBlock.objects.filter(
            status=PlacementBlock.Status.OPEN,
            preferences_close_at__gt=now,
            cohort__in=memberships.values("cohort_id"),
        )
        .annotate(ranked=Count("preference_sets", filter=Q(preference_sets__membership__in=memberships)))
        .order_by("preferences_close_at", "pk")
    )


def blocks_closing(user: User, now: dt.datetime, within: dt.timedelta) -> QuerySet[PlacementBlock]:
    return (
        access.blocks_manageable_by(user)
        .filter(status=PlacementBlock.Status.OPEN, preferences_close_at__lte=now + within)
        .select_related("cohort")
        .order_by("preferences_close_at", "pk")
    )


def queried_clinics_of(person_id: int) -> QuerySet[ClinicEntry]:
    return (
        ClinicEntry.objects.filter(
            placement__membership__person_id=person_id, status=ClinicEntry.Status.QUERIED
        )
        .select_related("placement", "clinic_type")
        .order_by("date", "pk")
    )


def placement_now_or_next(person_id: int, today: dt.date) -> Placement | None:
    return (
        Placement.objects.filter(membership__person_id=person_id, ends_on__gte=today)
        .select_related("opportunity__organisation", "opportunity__site")
        .order_by("starts_on", "pk")
        .first()
    )


def clinics_to_confirm(user: User) -> QuerySet[ClinicEntry]:
    return (
        access.clinic_entries_to_review(user)
        .filter(status=ClinicEntry.Status.SUBMITTED)
        .select_related("placement__membership__person", "clinic_type")
        .order_by("date", "pk")
    )


def arriving(user: User, today: dt.date, within: dt.timedelta) -> QuerySet[Placement]:
    """Learners starting a placement at this community lead's organisations soon."""
    return incoming(user).filter(starts_on__gte=today, starts_on__lte=today + within)


def placements_of_person(user: User, person_id: int) -> QuerySet[Placement]:
    return (
        access.placements_visible_to(user)
        .filter(membership__person_id=person_id)
        .select_related("opportunity__organisation", "block")
        .annotate(
            confirmed=Count("clinics", filter=Q(clinics__status=ClinicEntry.Status.CONFIRMED)),
            logged=Count("clinics"),
        )
        .order_by("-starts_on", "pk")
    )
