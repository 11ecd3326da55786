"""Allocation runs as the solver sees them: a block's solver input, solving a queued run
(called by the background task), and why a learner did not get a higher choice."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from enhance.core.solver import InstanceError, parse_instance, solve
from enhance.core.text import counted
from enhance.notifications.services import notify
from enhance.placements import notifications as kinds
from enhance.placements.models import AllocationRun, Constraint, Opportunity, PlacementBlock, Preference
from enhance.programmes.models import Membership


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


def allocation_run_execute(run_id: int) -> str:
    """Solve a queued run (claimed with a conditional update: one worker only)."""
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
        url=run.get_absolute_url(),
    )
    return run.status


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
                f"All {counted(len(taken), 'place')} went to learners who chose it "
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
