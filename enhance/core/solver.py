"""Allocation of learners to placement opportunities: exact optima, no Django.

Run as ``python -m enhance.core.solver INSTANCE.json`` (or ``-`` for standard input);
the allocation is written as JSON to standard output. A bad instance exits with status 2 and
one message on standard error naming the item at fault.

Modes (each an exact optimum of its definition):

- ``balanced`` (default): place as many learners as possible; among those, minimise the sum
  of squared ranks. One min-cost max-flow.
- ``fair``: place as many as possible; among those, minimise the number placed at the worst
  rank, then at the next-worst, and so on (lexicographic). Solved in phases, one rank at a
  time; after each phase, complementary slackness with an optimal dual removes the arcs that
  no optimum uses and fixes those every optimum uses, so later phases keep earlier optima.
- ``stable``: the learner-optimal stable matching (learner-proposing deferred acceptance);
  an opportunity ranks learners by its ``ranking`` when given, otherwise by ``priority``.
"""

from __future__ import annotations

import heapq
import json
import math
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

MODES = ("balanced", "fair", "stable")


class InstanceError(ValueError):
    """The instance is malformed or infeasible; the message names the item at fault."""


class Instance:
    """A checked instance, with learners and opportunities as list indices. (A plain class:
    importing dataclasses would add a tenth to the start-up of a 0.2-second run.)"""

    def __init__(
        self,
        *,
        mode: str,
        learner_ids: list[Any],
        prefs: list[list[int]],  # opportunity indices, best first
        drives: list[bool],
        priority: list[float],
        opp_ids: list[Any],
        capacity: list[int],
        requires_driving: list[bool],
        ranking: list[list[int] | None],  # learner indices, best first
        forbidden: set[tuple[int, int]],
    ) -> None:
        self.mode = mode
        self.learner_ids = learner_ids
        self.prefs = prefs
        self.drives = drives
        self.priority = priority
        self.opp_ids = opp_ids
        self.capacity = capacity
        self.requires_driving = requires_driving
        self.ranking = ranking
        self.forbidden = forbidden
        self.pinned: list[tuple[int, int]] = []


# ---------------------------------------------------------------------------------------------
# Reading and checking an instance


def _name(value: Any) -> str:
    return json.dumps(value)


def _check_id(value: Any, where: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InstanceError(f"{where}: id must be a string or a whole number, not {_name(value)}")
    return value


def _field(obj: Any, key: str, where: str, *, required: bool = True, default: Any = None) -> Any:
    if not isinstance(obj, dict):
        raise InstanceError(f"{where}: must be an object")
    if key not in obj:
        if required:
            raise InstanceError(f"{where}: missing field '{key}'")
        return default
    return obj[key]


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InstanceError(f"{where}: must be a list")
    return value


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise InstanceError(f"{where}: must be true or false, not {_name(value)}")
    return value


def _check_preferences(raw: list[Any], opp_index: dict[Any, int], where: str) -> list[int]:
    """The slow, exact check of one learner's preferences, naming the first bad item."""
    seen: set[int] = set()
    chosen = []
    for oid in raw:
        if isinstance(oid, bool) or not isinstance(oid, str | int) or oid not in opp_index:
            raise InstanceError(f"{where}: preference {_name(oid)} is not a known opportunity")
        j = opp_index[oid]
        if j in seen:
            raise InstanceError(f"{where}: opportunity {_name(oid)} appears twice in preferences")
        seen.add(j)
        chosen.append(j)
    return chosen


def parse_instance(data: Any) -> Instance:
    """Check an instance (already decoded from JSON) and index it."""
    if not isinstance(data, dict):
        raise InstanceError("instance: must be a JSON object")
    mode = data.get("mode", "balanced")
    if mode not in MODES:
        raise InstanceError(f"mode: must be one of {', '.join(MODES)}, not {_name(mode)}")

    raw_opps = _list(_field(data, "opportunities", "instance"), "opportunities")
    opp_index: dict[Any, int] = {}
    opp_ids: list[Any] = []
    capacity: list[int] = []
    requires_driving: list[bool] = []
    raw_rankings: list[Any] = []
    for n, opp in enumerate(raw_opps):
        where = f"opportunities[{n}]"
        oid = _check_id(_field(opp, "id", where), where)
        if oid in opp_index:
            raise InstanceError(f"opportunity {_name(oid)}: duplicate id")
        where = f"opportunity {_name(oid)}"
        cap = _field(opp, "capacity", where)
        if isinstance(cap, bool) or not isinstance(cap, int | float) or cap != int(cap) or cap < 0:
            raise InstanceError(f"{where}: capacity must be a whole number of 0 or more, not {_name(cap)}")
        opp_index[oid] = len(opp_ids)
        opp_ids.append(oid)
        capacity.append(int(cap))
        requires_driving.append(_bool(_field(opp, "requires_driving", where), f"{where}: requires_driving"))
        raw_rankings.append(_field(opp, "ranking", where, required=False))

    raw_learners = _list(_field(data, "learners", "instance"), "learners")
    learner_index: dict[Any, int] = {}
    learner_ids: list[Any] = []
    prefs: list[list[int]] = []
    drives: list[bool] = []
    priority: list[float] = []
    opp_get = opp_index.get
    # A bool would silently match an id 0 or 1 (True == 1); check for bools only then.
    bool_clash = any(type(k) is int and k in (0, 1) for k in opp_index)
    for n, learner in enumerate(raw_learners):
        where = f"learners[{n}]"
        lid = _check_id(_field(learner, "id", where), where)
        if lid in learner_index:
            raise InstanceError(f"learner {_name(lid)}: duplicate id")
        raw_prefs = learner.get("preferences")
        if type(raw_prefs) is not list:
            where = f"learner {_name(lid)}"
            _list(_field(learner, "preferences", where), f"{where}: preferences")
        try:
            found = [opp_get(oid) for oid in raw_prefs]
            clean = None not in found and len(set(found)) == len(found)
        except TypeError:  # an unhashable preference, such as a list
            clean = False
        if clean and not (bool_clash and any(type(oid) is bool for oid in raw_prefs)):
            chosen: list[int] = found  # type: ignore[assignment]
        else:
            chosen = _check_preferences(raw_prefs, opp_index, f"learner {_name(lid)}")
        p = learner.get("priority")
        if type(p) is not float and type(p) is not int:
            where = f"learner {_name(lid)}"
            p = _field(learner, "priority", where)
            if isinstance(p, bool) or not isinstance(p, int | float):
                raise InstanceError(f"{where}: priority must be a number, not {_name(p)}")
        if not math.isfinite(p):
            raise InstanceError(f"learner {_name(lid)}: priority must be a number, not {_name(p)}")
        d = learner.get("drives")
        if type(d) is not bool:
            where = f"learner {_name(lid)}"
            d = _bool(_field(learner, "drives", where), f"{where}: drives")
        learner_index[lid] = len(learner_ids)
        learner_ids.append(lid)
        prefs.append(chosen)
        drives.append(d)
        priority.append(float(p))

    ranking: list[list[int] | None] = []
    for j, raw in enumerate(raw_rankings):
        if raw is None:
            ranking.append(None)
            continue
        where = f"opportunity {_name(opp_ids[j])}: ranking"
        order, seen = [], set()
        for lid in _list(raw, where):
            if isinstance(lid, bool) or lid not in learner_index:
                raise InstanceError(f"{where}: {_name(lid)} is not a known learner")
            i = learner_index[lid]
            if i in seen:
                raise InstanceError(f"{where}: learner {_name(lid)} appears twice")
            seen.add(i)
            order.append(i)
        ranking.append(order)

    def pair(item: Any, where: str) -> tuple[int, int]:
        lid = _field(item, "learner", where)
        oid = _field(item, "opportunity", where)
        if isinstance(lid, bool) or lid not in learner_index:
            raise InstanceError(f"{where}: {_name(lid)} is not a known learner")
        if isinstance(oid, bool) or oid not in opp_index:
            raise InstanceError(f"{where}: {_name(oid)} is not a known opportunity")
        return learner_index[lid], opp_index[oid]

    forbidden = {
        pair(item, f"forbidden[{n}]") for n, item in enumerate(_list(data.get("forbidden", []), "forbidden"))
    }
    instance = Instance(
        mode=mode,
        learner_ids=learner_ids,
        prefs=prefs,
        drives=drives,
        priority=priority,
        opp_ids=opp_ids,
        capacity=capacity,
        requires_driving=requires_driving,
        ranking=ranking,
        forbidden=forbidden,
    )
    pinned_learners: set[int] = set()
    load = [0] * len(opp_ids)
    for n, item in enumerate(_list(data.get("pinned", []), "pinned")):
        where = f"pinned[{n}]"
        i, j = pair(item, where)
        who = f"{where}: learner {_name(learner_ids[i])} to opportunity {_name(opp_ids[j])}"
        if i in pinned_learners:
            raise InstanceError(f"{where}: learner {_name(learner_ids[i])} is pinned more than once")
        if j not in prefs[i]:
            raise InstanceError(f"{who} is infeasible: the opportunity is not on the learner's list")
        if (i, j) in forbidden:
            raise InstanceError(f"{who} is infeasible: the pair is also forbidden")
        if requires_driving[j] and not drives[i]:
            raise InstanceError(f"{who} is infeasible: the opportunity needs a driver")
        load[j] += 1
        if load[j] > capacity[j]:
            raise InstanceError(f"{who} is over capacity: opportunity capacity is {capacity[j]}")
        pinned_learners.add(i)
        instance.pinned.append((i, j))
    return instance


def allowed(instance: Instance, i: int, j: int) -> bool:
    """Can learner i take opportunity j at all (before capacity)?"""
    return (
        (i, j) not in instance.forbidden
        and not (instance.requires_driving[j] and not instance.drives[i])
        and instance.capacity[j] > 0
    )


# ---------------------------------------------------------------------------------------------
# Solving


def solve(instance: Instance) -> dict[str, Any]:
    """Solve an instance; returns the output object of the JSON contract."""
    assignment: dict[int, int] = dict(instance.pinned)
    remaining = list(instance.capacity)
    for _, j in instance.pinned:
        remaining[j] -= 1
    free = [i for i in range(len(instance.learner_ids)) if i not in assignment]
    if instance.mode == "stable":
        assignment.update(_stable(instance, free, remaining))
    else:
        # Candidate arcs: (learner, opportunity, rank) for every allowed choice of a free learner.
        arcs = [
            (i, j, r)
            for i in free
            for r, j in enumerate(instance.prefs[i], start=1)
            if allowed(instance, i, j) and remaining[j] > 0
        ]
        solver = _balanced if instance.mode == "balanced" else _fair
        assignment.update(solver(len(instance.learner_ids), remaining, arcs))
    return _output(instance, assignment)


def _output(instance: Instance, assignment: dict[int, int]) -> dict[str, Any]:
    assignments = []
    unassigned = []
    ranks = []
    for i, lid in enumerate(instance.learner_ids):
        j = assignment.get(i)
        if j is None:
            unassigned.append(lid)
            continue
        rank = instance.prefs[i].index(j) + 1
        ranks.append(rank)
        assignments.append({"learner": lid, "opportunity": instance.opp_ids[j], "rank": rank})
    worst = max(ranks, default=None)
    profile = [0] * (worst or 0)
    for r in ranks:
        profile[r - 1] += 1
    return {
        "mode": instance.mode,
        "assignments": assignments,
        "unassigned": unassigned,
        "profile": profile,
        "worst_rank": worst,
    }


def _flow_network(n_learners: int, capacity: Sequence[int], arcs: list[tuple[int, int, int]]) -> Any:
    """Arrays of a flow network: source -> learner (1) -> opportunity (1) -> sink (capacity)."""
    import numpy as np

    source, sink = n_learners + len(capacity), n_learners + len(capacity) + 1
    used_learners = sorted({i for i, _, _ in arcs})
    used_opps = sorted({j for _, j, _ in arcs})
    a = np.array(arcs, dtype=np.int64).reshape(-1, 3)
    tails = np.concatenate(
        [np.full(len(used_learners), source), a[:, 0], n_learners + np.array(used_opps, dtype=np.int64)]
    )
    heads = np.concatenate(
        [np.array(used_learners, dtype=np.int64), n_learners + a[:, 1], np.full(len(used_opps), sink)]
    )
    caps = np.concatenate(
        [
            np.ones(len(used_learners), dtype=np.int64),
            np.ones(len(arcs), dtype=np.int64),
            np.array([capacity[j] for j in used_opps], dtype=np.int64),
        ]
    )
    ranks = np.concatenate(
        [np.zeros(len(used_learners), dtype=np.int64), a[:, 2], np.zeros(len(used_opps), dtype=np.int64)]
    )
    first_pair = len(used_learners)
    return tails, heads, caps, ranks, first_pair, source, sink


def _balanced(n_learners: int, capacity: Sequence[int], arcs: list[tuple[int, int, int]]) -> dict[int, int]:
    if not arcs:
        return {}
    from ortools.graph.python import min_cost_flow

    tails, heads, caps, ranks, first, source, sink = _flow_network(n_learners, capacity, arcs)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, ranks * ranks)
    # With supplies as upper bounds, this sends as much flow as possible at the least cost.
    flow.set_node_supply(source, n_learners)
    flow.set_node_supply(sink, -n_learners)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not reach an optimum (status {status})")
    used = flow.flows(range(first, first + len(arcs)))
    return {arcs[k][0]: arcs[k][1] for k in used.nonzero()[0]}


def _fair(n_learners: int, capacity: Sequence[int], arcs: list[tuple[int, int, int]]) -> dict[int, int]:
    """Lexicographically minimise (count at worst rank, ..., count at rank 2) over max flows.

    Each phase solves a min-cost flow whose cost is 1 on arcs of one rank, with the flow value
    fixed to the maximum. From an optimal dual (shortest-path potentials in the residual
    network) complementary slackness tells which arcs every optimum of the phase leaves empty
    (reduced cost > 0: removed) and which it fills (reduced cost < 0: fixed in place). The
    arcs left are exactly the optima of all phases so far, so later phases cannot undo them.
    """
    if not arcs:
        return {}
    import numpy as np
    from ortools.graph.python import min_cost_flow

    tails, heads, caps, ranks, first, source, sink = _flow_network(n_learners, capacity, arcs)
    n_nodes = sink + 1
    lower = np.zeros(len(tails), dtype=np.int64)  # flow fixed on an arc by an earlier phase
    active = np.ones(len(tails), dtype=bool)

    def run(costs: Any, total: int | None) -> tuple[Any, Any]:
        """Min-cost flow on the active arcs, lower bounds moved into node supplies."""
        flow = min_cost_flow.SimpleMinCostFlow()
        idx = np.nonzero(active)[0]
        flow.add_arcs_with_capacity_and_unit_cost(tails[idx], heads[idx], caps[idx] - lower[idx], costs[idx])
        if total is None:
            flow.set_node_supply(source, n_learners)
            flow.set_node_supply(sink, -n_learners)
            status = flow.solve_max_flow_with_min_cost()
        else:
            supply = np.zeros(n_nodes, dtype=np.int64)
            np.add.at(supply, tails, -lower)
            np.add.at(supply, heads, lower)
            supply[source] += total
            supply[sink] -= total
            flow.set_nodes_supplies(np.arange(n_nodes), supply)
            status = flow.solve()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow did not reach an optimum (status {status})")
        f = lower.copy()
        f[idx] += flow.flows(np.arange(len(idx)))
        return f, flow

    # The maximum number of learners that can be placed.
    zero = np.zeros(len(tails), dtype=np.int64)
    f, flow = run(zero, None)
    total = int(flow.maximum_flow())
    for rank in range(int(ranks.max()), 1, -1):
        costs = (ranks == rank).astype(np.int64)
        if not (costs & active).any():
            continue
        f, _ = run(costs, total)
        potential = _potentials(n_nodes, tails, heads, caps, lower, f, costs, active)
        reduced = costs + potential[tails] - potential[heads]
        settle_empty = active & (reduced > 0)
        settle_full = active & (reduced < 0)
        active &= ~(settle_empty | settle_full)
        lower[settle_full] = caps[settle_full]
    f, _ = run(zero, total)
    pair_flow = f[first : first + len(arcs)]
    return {arcs[k][0]: arcs[k][1] for k in np.nonzero(pair_flow)[0]}


def _potentials(
    n_nodes: int, tails: Any, heads: Any, caps: Any, lower: Any, f: Any, costs: Any, active: Any
) -> Any:
    """Shortest-path distances in the residual network of an optimal flow (no negative
    cycles exist at an optimum): a feasible dual. Bellman-Ford, vectorised, from a virtual
    root joined to every node at cost 0."""
    import numpy as np

    forward = active & (f < caps)
    backward = active & (f > lower)
    ru = np.concatenate([tails[forward], heads[backward]])
    rv = np.concatenate([heads[forward], tails[backward]])
    rc = np.concatenate([costs[forward], -costs[backward]])
    d = np.zeros(n_nodes, dtype=np.int64)
    for _ in range(n_nodes + 1):
        candidate = d[ru] + rc
        better = candidate < d[rv]
        if not better.any():
            return d
        np.minimum.at(d, rv[better], candidate[better])
    raise RuntimeError("negative cycle in the residual network: the flow was not optimal")


def _stable(instance: Instance, free: list[int], remaining: list[int]) -> dict[int, int]:
    """Learner-proposing deferred acceptance with opportunity capacities."""
    n = len(instance.learner_ids)
    # Each opportunity's order of learners: its ranking first, then by priority, then input order.
    position: list[dict[int, int] | None] = []
    by_priority = sorted(range(n), key=lambda i: (instance.priority[i], i))
    priority_pos = [0] * n
    for k, i in enumerate(by_priority):
        priority_pos[i] = k
    for j in range(len(instance.opp_ids)):
        order = instance.ranking[j]
        position.append({i: k for k, i in enumerate(order)} if order is not None else None)

    blocked: dict[int, set[int]] = {}
    for i, j in instance.forbidden:
        blocked.setdefault(i, set()).add(j)
    needs_car = instance.requires_driving
    empty: set[int] = set()
    lists = {}
    for i in free:
        no = blocked.get(i, empty)
        car = instance.drives[i]
        lists[i] = [
            j for j in instance.prefs[i] if remaining[j] > 0 and (car or not needs_car[j]) and j not in no
        ]
    next_choice = dict.fromkeys(free, 0)
    held: list[list[tuple[int, int]]] = [[] for _ in instance.opp_ids]  # max-heaps via negated score
    queue = list(reversed(free))
    push, replace = heapq.heappush, heapq.heapreplace
    while queue:
        i = queue.pop()
        choices = lists[i]
        k = next_choice[i]
        while k < len(choices):
            j = choices[k]
            k += 1
            pos = position[j]
            s = priority_pos[i] if pos is None else pos.get(i, n + priority_pos[i])
            heap = held[j]
            if len(heap) < remaining[j]:
                push(heap, (-s, i))
                break
            if s < -heap[0][0]:
                queue.append(replace(heap, (-s, i))[1])
                break
        next_choice[i] = k
    return {i: j for j, heap in enumerate(held) for _, i in heap}


# ---------------------------------------------------------------------------------------------
# Command line


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print(
            "usage: python -m enhance.core.solver INSTANCE.json (or - for standard input)",
            file=sys.stderr,
        )
        return 2
    try:
        if args[0] == "-":
            text = sys.stdin.read()
        else:
            with open(args[0], encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        print(f"cannot read {args[0]}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        print(
            f"instance: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", file=sys.stderr
        )
        return 2
    try:
        instance = parse_instance(data)
    except InstanceError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    json.dump(solve(instance), sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
