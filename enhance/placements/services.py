"""Writes for placements: opportunities, blocks, preferences, constraints, allocation runs,
publication and the clinic log. Rules live here; views and tasks call these."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.validation import save_valid
from enhance.notifications.services import notify
from enhance.placements import access, kinds
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
from enhance.programmes.models import Membership

DEADLINE_PASSED = "Preferences for this block closed on {when}: ask your programme lead to change them."
TOO_MANY = "Rank at most {n} opportunities."
NOT_OFFERED = "Choose only opportunities offered in this block."
REPEATED = "Each opportunity can be ranked only once."


# --- Opportunities -------------------------------------------------------------------------


@transaction.atomic
def opportunity_save(*, actor: User, opportunity: Opportunity, domains: Any = None) -> Opportunity:
    """Create or change an opportunity. Community leads work on their own organisation only."""
    scope = scope_for(actor)
    if not (scope.admin or opportunity.organisation_id in scope.community_orgs):
        raise PermissionDenied("You can manage opportunities of your own organisation only.")
    if opportunity.site is not None and opportunity.site.organisation_id != opportunity.organisation_id:
        raise ValidationError({"site": "Choose a site of this organisation."})
    save_valid(opportunity)
    if domains is not None:
        opportunity.domains.set(domains)
    return opportunity


# --- Blocks and preferences ----------------------------------------------------------------


@transaction.atomic
def block_create(*, actor: User, block: PlacementBlock, opportunities: Any) -> PlacementBlock:
    if (
        not access.can_run_blocks(actor)
        or not access.programmes_run_by(actor).filter(pk=block.cohort.programme_id).exists()
    ):
        raise PermissionDenied("You cannot open placement blocks for this cohort.")
    block.created_by = actor
    save_valid(block)
    block.opportunities.set(opportunities)
    return block


def _check_open(block: PlacementBlock, now: dt.datetime | None = None) -> None:
    if block.status != PlacementBlock.Status.OPEN:
        raise ValidationError("Placements for this block are already published.")
    if (now or timezone.now()) > block.preferences_close_at:
        when = timezone.localtime(block.preferences_close_at)
        raise ValidationError(DEADLINE_PASSED.format(when=f"{when:%d %B %Y at %H:%M}"))


@transaction.atomic
def preferences_set(
    *,
    actor: User,
    block: PlacementBlock,
    membership: Membership,
    opportunity_ids: list[int],
    interests: str = "",
    learning_needs: str = "",
) -> PreferenceSet:
    """Replace a learner's ranking (best first). Only the learner, only before the deadline."""
    if membership.person.user_id != actor.pk or membership.cohort_id != block.cohort_id:
        raise PermissionDenied("Only the learner can rank their own preferences.")
    _check_open(block)
    if len(opportunity_ids) > block.choices:
        raise ValidationError(TOO_MANY.format(n=block.choices))
    if len(set(opportunity_ids)) != len(opportunity_ids):
        raise ValidationError(REPEATED)
    offered = set(block.opportunities.filter(active=True).values_list("id", flat=True))
    if not set(opportunity_ids) <= offered:
        raise ValidationError(NOT_OFFERED)
    pref_set, _ = PreferenceSet.objects.get_or_create(block=block, membership=membership)
    # Lock the learner's set so two tabs saving at once cannot interleave their rankings.
    pref_set = PreferenceSet.objects.select_for_update().get(pk=pref_set.pk)
    pref_set.interests = interests.strip()
    pref_set.learning_needs = learning_needs.strip()
    pref_set.save()
    pref_set.choices.all().delete()
    Preference.objects.bulk_create(
        Preference(preference_set=pref_set, opportunity_id=oid, rank=rank)
        for rank, oid in enumerate(opportunity_ids, start=1)
    )
    return pref_set


@transaction.atomic
def constraint_set(
    *, actor: User, block: PlacementBlock, membership: Membership, opportunity: Opportunity, kind: str | None
) -> None:
    """Pin or forbid a pair for the next runs, or clear it (kind None)."""
    if not access.blocks_manageable_by(actor).filter(pk=block.pk).exists():
        raise PermissionDenied
    Constraint.objects.filter(block=block, membership=membership, opportunity=opportunity).delete()
    if kind is None:
        return
    if kind == Constraint.Kind.PIN:
        # A learner has at most one pin: a new pin replaces the old.
        Constraint.objects.filter(block=block, membership=membership, kind=Constraint.Kind.PIN).delete()
    Constraint.objects.create(
        block=block, membership=membership, opportunity=opportunity, kind=kind, created_by=actor
    )


# --- Allocation runs -----------------------------------------------------------------------


def block_instance(block: PlacementBlock, mode: str) -> dict[str, Any]:
    """The solver input for a block as it stands: every active learner of the cohort (learner
    id = membership id), the offered opportunities, pins and forbids. Ties are broken by a
    random order fixed by the block's seed, so the same data always gives the same input."""
    members = list(
        Membership.objects.filter(cohort=block.cohort, status=Membership.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", "holds_driving_licence")
    )
    order = [pk for pk, _ in members]
    random.Random(block.seed).shuffle(order)
    priority = {pk: n for n, pk in enumerate(order)}
    choices: dict[int, list[int]] = {}
    for membership_id, opportunity_id in (
        Preference.objects.filter(preference_set__block=block)
        .order_by("preference_set__membership_id", "rank")
        .values_list("preference_set__membership_id", "opportunity_id")
    ):
        choices.setdefault(membership_id, []).append(opportunity_id)
    opportunities = list(
        block.opportunities.order_by("pk").values_list("pk", "capacity", "requires_driver", "active")
    )
    offered = {pk for pk, _, _, active in opportunities if active}
    constraints = list(
        block.constraints.order_by("pk").values_list("membership_id", "opportunity_id", "kind")
    )
    member_ids = set(order)
    return {
        "mode": mode,
        "learners": [
            {
                "id": pk,
                "preferences": [o for o in choices.get(pk, []) if o in offered],
                "drives": drives,
                "priority": priority[pk],
            }
            for pk, drives in members
        ],
        "opportunities": [
            {"id": pk, "capacity": capacity if active else 0, "requires_driving": needs_car}
            for pk, capacity, needs_car, active in opportunities
        ],
        "pinned": [
            {"learner": m, "opportunity": o}
            for m, o, k in constraints
            if k == Constraint.Kind.PIN and m in member_ids and o in offered
        ],
        "forbidden": [
            {"learner": m, "opportunity": o}
            for m, o, k in constraints
            if k == Constraint.Kind.FORBID and m in member_ids and o in offered
        ],
    }


@transaction.atomic
def allocation_run_start(*, actor: User, block: PlacementBlock, mode: str) -> AllocationRun:
    if not access.blocks_manageable_by(actor).filter(pk=block.pk).exists():
        raise PermissionDenied
    if mode not in AllocationRun.Mode.values:
        raise ValidationError({"mode": "Choose a mode."})
    block = PlacementBlock.objects.select_for_update().get(pk=block.pk)  # serialises run numbering
    if block.status == PlacementBlock.Status.PUBLISHED:
        raise ValidationError("This block's placements are already published.")
    number = (block.runs.aggregate(n=Max("number"))["n"] or 0) + 1
    run = AllocationRun.objects.create(
        block=block, number=number, mode=mode, instance=block_instance(block, mode), created_by=actor
    )
    from enhance.placements.tasks import run_allocation

    transaction.on_commit(lambda: run_allocation.enqueue(run_id=run.pk))
    return run


def allocation_run_execute(run_id: int) -> str:
    """Solve a queued run (claimed with a conditional update: one worker only)."""
    from enhance.placements.solver import InstanceError, parse_instance, solve

    claimed = AllocationRun.objects.filter(pk=run_id, status=AllocationRun.Status.QUEUED).update(
        status=AllocationRun.Status.RUNNING
    )
    if not claimed:
        return "skipped"
    run = AllocationRun.objects.select_related("block", "created_by").get(pk=run_id)
    try:
        run.result = solve(parse_instance(run.instance))
        run.status = AllocationRun.Status.DONE
    except InstanceError as exc:
        run.error = str(exc)
        run.status = AllocationRun.Status.FAILED
    run.finished_at = timezone.now()
    run.save(update_fields=["result", "status", "error", "finished_at"])
    notify(
        recipient=run.created_by,
        kind=kinds.ALLOCATION_FINISHED.code,
        title=f"{run.block}: run {run.number} {run.get_status_display().lower()}",
        url=f"/placements/runs/{run.pk}/",
    )
    return run.status


@transaction.atomic
def allocation_run_publish(*, actor: User, run: AllocationRun) -> list[Placement]:
    """Create the placements of a finished run and tell learners and community leads."""
    if not access.blocks_manageable_by(actor).filter(pk=run.block_id).exists():
        raise PermissionDenied
    block = PlacementBlock.objects.select_for_update().get(pk=run.block_id)
    if block.status == PlacementBlock.Status.PUBLISHED:
        raise ValidationError("This block's placements are already published.")
    if run.status != AllocationRun.Status.DONE or run.result is None:
        raise ValidationError("Only a finished run can be published.")
    memberships = Membership.objects.in_bulk([a["learner"] for a in run.result["assignments"]])
    opportunities = Opportunity.objects.select_related("organisation", "community_lead").in_bulk(
        [a["opportunity"] for a in run.result["assignments"]]
    )
    placements = Placement.objects.bulk_create(
        Placement(
            membership=memberships[a["learner"]],
            opportunity=opportunities[a["opportunity"]],
            block=block,
            run=run,
            rank=a["rank"],
            starts_on=block.starts_on,
            ends_on=block.ends_on,
        )
        for a in run.result["assignments"]
        if a["learner"] in memberships and a["opportunity"] in opportunities
    )
    block.status = PlacementBlock.Status.PUBLISHED
    block.save(update_fields=["status"])
    run.published_at = timezone.now()
    run.save(update_fields=["published_at"])
    people = {
        m.pk: m
        for m in Membership.objects.select_related("person__user").filter(
            pk__in=[p.membership_id for p in placements]
        )
    }
    for p in placements:
        user = people[p.membership_id].person.user
        if user is not None:
            notify(
                recipient=user,
                kind=kinds.PLACEMENT_PUBLISHED.code,
                title=f"Your placement: {p.opportunity}",
                body=f"{block.name}, {block.starts_on:%d %B} to {block.ends_on:%d %B %Y}.",
                url="/placements/my/",
            )
    unplaced = Membership.objects.select_related("person__user").filter(pk__in=run.result["unassigned"])
    for m in unplaced:
        if m.person.user is not None:
            notify(
                recipient=m.person.user,
                kind=kinds.PLACEMENT_PUBLISHED.code,
                title=f"{block.name}: no placement yet",
                body="None of your choices could be offered. Your programme lead will contact you.",
                url="/placements/my/",
            )
    leads: dict[int, tuple[User, int]] = {}
    for p in placements:
        lead = p.opportunity.community_lead
        if lead is not None:
            leads[lead.pk] = (lead, leads.get(lead.pk, (lead, 0))[1] + 1)
    for lead, count in leads.values():
        notify(
            recipient=lead,
            kind=kinds.PLACEMENT_INCOMING.code,
            title=f"{count} learner{'s' if count != 1 else ''} coming for {block.name}",
            url="/placements/incoming/",
        )
    return placements


@dataclass(frozen=True)
class Reason:
    rank: int
    opportunity: str
    why: str


def explain(run: AllocationRun, membership_id: int) -> list[Reason]:
    """Why a learner did not get each choice above the one they got (or any, if unplaced)."""
    instance = run.instance
    result = run.result or {}
    learner = next((x for x in instance["learners"] if x["id"] == membership_id), None)
    if learner is None:
        return []
    got = next((a for a in result.get("assignments", []) if a["learner"] == membership_id), None)
    above = learner["preferences"][: (got["rank"] - 1) if got else None]
    opps = {o["id"]: o for o in instance["opportunities"]}
    names = dict(Opportunity.objects.filter(pk__in=above).values_list("pk", "title"))
    forbidden = {(f["learner"], f["opportunity"]) for f in instance.get("forbidden", [])}
    pinned = {p["learner"]: p["opportunity"] for p in instance.get("pinned", [])}
    ranks_by_opp: dict[int, list[int]] = {}
    for a in result.get("assignments", []):
        ranks_by_opp.setdefault(a["opportunity"], []).append(a["rank"])
    reasons = []
    for position, oid in enumerate(above, start=1):
        opp = opps[oid]
        name = names.get(oid, str(oid))
        if pinned.get(membership_id) not in (None, oid):
            why = "Your programme lead placed you directly, so other choices were not considered."
        elif (membership_id, oid) in forbidden:
            why = "Your programme lead ruled this option out for you."
        elif opp["requires_driving"] and not learner["drives"]:
            why = "It needs a driver and your record shows no driving licence."
        elif opp["capacity"] == 0:
            why = "It had no places in this block."
        else:
            taken = sorted(ranks_by_opp.get(oid, []))
            ordinal = ", ".join(_ordinal(r) for r in taken)
            why = (
                f"All {len(taken)} place{'s' if len(taken) != 1 else ''} went to learners who chose it "
                f"as their {ordinal} choice; "
                + (
                    "each was ahead of you in this block's tie-break order."
                    if run.mode == AllocationRun.Mode.STABLE
                    else "giving it to you would have left someone else with a worse choice or no placement."
                )
            )
        reasons.append(Reason(rank=position, opportunity=name, why=why))
    return reasons


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- Clinic log ----------------------------------------------------------------------------


@transaction.atomic
def clinic_entry_add(*, actor: User, placement: Placement, entry: ClinicEntry) -> ClinicEntry:
    if placement.membership.person.user_id != actor.pk:
        raise PermissionDenied("Only the learner on this placement can log clinics.")
    if entry.date and not (placement.starts_on <= entry.date <= placement.ends_on):
        raise ValidationError(
            {
                "date": f"The date must fall within the placement, {placement.starts_on:%d/%m/%Y} to "
                f"{placement.ends_on:%d/%m/%Y}."
            }
        )
    if entry.date and entry.date > timezone.localdate():
        raise ValidationError({"date": "You cannot log a clinic in the future."})
    entry.placement = placement
    save_valid(entry)
    return entry


@transaction.atomic
def clinic_entry_review(*, actor: User, entry: ClinicEntry, confirm: bool, query: str = "") -> ClinicEntry:
    entry = (
        ClinicEntry.objects.select_for_update(of=("self",))
        .select_related("placement__membership__person")
        .get(pk=entry.pk)
    )
    if not access.can_review_clinic(actor, entry):
        raise PermissionDenied("Only the community lead of this placement can confirm clinics.")
    if not confirm and not query.strip():
        raise ValidationError({"query": "Say what needs checking, so the learner can answer."})
    entry.status = ClinicEntry.Status.CONFIRMED if confirm else ClinicEntry.Status.QUERIED
    entry.query = "" if confirm else query.strip()
    entry.reviewed_by = actor
    entry.reviewed_at = timezone.now()
    entry.save()
    if not confirm and entry.placement.membership.person.user is not None:
        notify(
            recipient=entry.placement.membership.person.user,
            kind=kinds.CLINIC_QUERIED.code,
            title=f"Question about your clinic on {entry.date:%d %B}",
            body=entry.query,
            url=f"/placements/{entry.placement_id}/",
        )
    return entry
