"""The allocation solver against brute force, the matching package and every bad input."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enhance.core.solver import InstanceError, allowed, parse_instance, solve

# ---------------------------------------------------------------------------------------------
# Small random instances


@st.composite
def instances(draw: Any, mode: str, max_learners: int = 6, max_opps: int = 4) -> dict[str, Any]:
    n_opps = draw(st.integers(1, max_opps))
    n_learners = draw(st.integers(0, max_learners))
    opps = [
        {
            "id": f"o{j}",
            "capacity": draw(st.integers(0, 3)),
            "requires_driving": draw(st.booleans()),
        }
        for j in range(n_opps)
    ]
    learners = []
    for i in range(n_learners):
        prefs = draw(st.permutations(range(n_opps)))
        length = draw(st.integers(0, n_opps))
        learners.append(
            {
                "id": i,
                "preferences": [f"o{j}" for j in prefs[:length]],
                "drives": draw(st.booleans()),
                "priority": draw(st.integers(0, 3)),
            }
        )
    forbidden = []
    if learners:
        for _ in range(draw(st.integers(0, 2))):
            forbidden.append(
                {
                    "learner": draw(st.integers(0, n_learners - 1)),
                    "opportunity": f"o{draw(st.integers(0, n_opps - 1))}",
                }
            )
    instance: dict[str, Any] = {
        "mode": mode,
        "learners": learners,
        "opportunities": opps,
        "forbidden": forbidden,
    }
    if mode == "stable" and draw(st.booleans()):
        for opp in opps:
            opp["ranking"] = draw(st.permutations(range(n_learners)))
    # Pin one feasible pair when there is one.
    parsed = parse_instance(instance)
    feasible = [(i, j) for i in range(n_learners) for j in parsed.prefs[i] if allowed(parsed, i, j)]
    if feasible and draw(st.booleans()):
        i, j = draw(st.sampled_from(feasible))
        instance["pinned"] = [{"learner": i, "opportunity": f"o{j}"}]
    return instance


def all_allocations(data: dict[str, Any]) -> list[dict[int, int]]:
    """Every allocation that respects lists, forbids, driving, capacities and pins."""
    inst = parse_instance(data)
    n = len(inst.learner_ids)
    options: list[list[int | None]] = []
    pinned = dict(inst.pinned)
    for i in range(n):
        if i in pinned:
            options.append([pinned[i]])
        else:
            options.append([None] + [j for j in inst.prefs[i] if allowed(inst, i, j)])
    result = []
    for combo in itertools.product(*options):
        load = [0] * len(inst.opp_ids)
        for j in combo:
            if j is not None:
                load[j] += 1
        if all(load[j] <= inst.capacity[j] for j in range(len(load))):
            result.append({i: j for i, j in enumerate(combo) if j is not None})
    return result


def ranks_of(data: dict[str, Any], allocation: dict[int, int]) -> list[int]:
    inst = parse_instance(data)
    return [inst.prefs[i].index(j) + 1 for i, j in allocation.items()]


def as_allocation(data: dict[str, Any], out: dict[str, Any]) -> dict[int, int]:
    inst = parse_instance(data)
    learner = {lid: i for i, lid in enumerate(inst.learner_ids)}
    opp = {oid: j for j, oid in enumerate(inst.opp_ids)}
    return {learner[a["learner"]]: opp[a["opportunity"]] for a in out["assignments"]}


def assert_valid(data: dict[str, Any], out: dict[str, Any]) -> None:
    allocation = as_allocation(data, out)
    assert allocation in all_allocations(data)
    ranks = ranks_of(data, allocation)
    assert sorted(a["rank"] for a in out["assignments"]) == sorted(ranks)
    assert out["worst_rank"] == (max(ranks) if ranks else None)
    assert sum(out["profile"]) == len(ranks)
    assert len(out["assignments"]) + len(out["unassigned"]) == len(data["learners"])


def balanced_key(ranks: list[int]) -> tuple[int, int]:
    return (-len(ranks), sum(r * r for r in ranks))


def fair_key(ranks: list[int], longest: int) -> tuple[int, ...]:
    counts = [ranks.count(r) for r in range(longest, 0, -1)]
    return (-len(ranks), *counts)


SLOW = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(instances("balanced"))
def test_balanced_places_most_learners_with_least_sum_of_squared_ranks(data):
    out = solve(parse_instance(data))
    assert_valid(data, out)
    best = min(balanced_key(ranks_of(data, a)) for a in all_allocations(data))
    assert balanced_key(ranks_of(data, as_allocation(data, out))) == best


@SLOW
@given(instances("fair"))
def test_fair_has_the_lexicographically_best_rank_signature(data):
    out = solve(parse_instance(data))
    assert_valid(data, out)
    longest = max((len(x["preferences"]) for x in data["learners"]), default=0)
    best = min(fair_key(ranks_of(data, a), longest) for a in all_allocations(data))
    assert fair_key(ranks_of(data, as_allocation(data, out)), longest) == best


def blocking_pairs(data: dict[str, Any], allocation: dict[int, int]) -> list[tuple[int, int]]:
    inst = parse_instance(data)
    pinned = dict(inst.pinned)
    n = len(inst.learner_ids)
    by_priority = sorted(range(n), key=lambda i: (inst.priority[i], i))

    def score(j: int, i: int) -> int:
        order = inst.ranking[j]
        if order is None:
            return by_priority.index(i)
        return order.index(i) if i in order else n + by_priority.index(i)

    capacity = list(inst.capacity)
    for j in pinned.values():
        capacity[j] -= 1
    holders: dict[int, list[int]] = {}
    for i, j in allocation.items():
        if i not in pinned:
            holders.setdefault(j, []).append(i)
    blocks = []
    for i in range(n):
        if i in pinned:
            continue
        current = allocation.get(i)
        for j in inst.prefs[i]:
            if j == current:
                break
            if not allowed(inst, i, j) or capacity[j] <= 0:
                continue
            held = holders.get(j, [])
            if len(held) < capacity[j] or any(score(j, i) < score(j, k) for k in held):
                blocks.append((i, j))
    return blocks


@SLOW
@given(instances("stable"))
def test_stable_has_no_blocking_pair(data):
    out = solve(parse_instance(data))
    assert_valid(data, out)
    assert blocking_pairs(data, as_allocation(data, out)) == []


@settings(max_examples=150, deadline=None)
@given(instances("stable", max_learners=8, max_opps=5))
def test_stable_equals_the_matching_packages_resident_optimal_result(data):
    data.pop("pinned", None)
    inst = parse_instance(data)
    out = solve(inst)
    from matching.games import HospitalResident

    n = len(inst.learner_ids)
    by_priority = sorted(range(n), key=lambda i: (inst.priority[i], i))

    def score(j: int, i: int) -> int:
        order = inst.ranking[j]
        return order.index(i) if order is not None else by_priority.index(i)

    residents = {i: [j for j in inst.prefs[i] if allowed(inst, i, j)] for i in range(n)}
    residents = {i: p for i, p in residents.items() if p}
    hospitals = {
        j: sorted([i for i, p in residents.items() if j in p], key=lambda i: score(j, i))
        for j in range(len(inst.opp_ids))
        if inst.capacity[j] > 0
    }
    hospitals = {j: p for j, p in hospitals.items() if p}
    expected: dict[int, int] = {}
    if residents:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = HospitalResident.create_from_dictionaries(
                residents, hospitals, {j: inst.capacity[j] for j in hospitals}
            )
            matching = game.solve(optimal="resident")
        expected = {r.name: h.name for h, rs in matching.items() for r in rs}
    assert as_allocation(data, out) == expected


# ---------------------------------------------------------------------------------------------
# Hand-made cases


def base(**extra: Any) -> dict[str, Any]:
    data = {
        "learners": [
            {"id": "L1", "preferences": ["A", "B"], "drives": True, "priority": 1},
            {"id": "L2", "preferences": ["A", "B"], "drives": False, "priority": 2},
            {"id": "L3", "preferences": ["A"], "drives": True, "priority": 3},
        ],
        "opportunities": [
            {"id": "A", "capacity": 1, "requires_driving": False},
            {"id": "B", "capacity": 2, "requires_driving": True},
        ],
    }
    data.update(extra)
    return data


def run(data: dict[str, Any]) -> dict[str, Any]:
    return solve(parse_instance(data))


def test_mode_defaults_to_balanced_and_non_drivers_skip_driving_opportunities():
    out = run(base())
    assert out["mode"] == "balanced"
    # L2 cannot drive so only A; L3 only lists A: one of them misses out, L1 takes B.
    assert {"learner": "L1", "opportunity": "B", "rank": 2} in out["assignments"]
    assert len(out["unassigned"]) == 1


def test_pinned_pairs_are_kept_even_when_worse_for_others():
    out = run(base(pinned=[{"learner": "L1", "opportunity": "A"}]))
    assert {"learner": "L1", "opportunity": "A", "rank": 1} in out["assignments"]
    assert sorted(out["unassigned"]) == ["L2", "L3"]


def test_forbidden_pairs_are_never_used():
    out = run(base(forbidden=[{"learner": "L3", "opportunity": "A"}]))
    assert {"learner": "L3", "opportunity": "A", "rank": 1} not in out["assignments"]
    assert "L3" in out["unassigned"]


@pytest.mark.parametrize("mode", ["balanced", "fair", "stable"])
def test_zero_capacity_and_more_capacity_than_learners(mode):
    data = base(mode=mode)
    data["opportunities"][0]["capacity"] = 0
    out = run(data)
    assert sorted(out["unassigned"]) == ["L2", "L3"]
    data["opportunities"][0]["capacity"] = 10
    data["opportunities"][1]["capacity"] = 10
    out = run(data)
    assert out["unassigned"] == [] and out["profile"] == [3]


def test_fair_avoids_the_worst_rank_that_balanced_accepts_for_fewer_squares():
    prefs = {"a": ["Y"], "b": ["Z"], "c": ["Z", "Y", "W", "X"], "d": ["Y"], "e": ["W", "Y", "X", "Z"]}
    learners = [{"id": k, "preferences": v, "drives": True, "priority": 0} for k, v in prefs.items()]
    opps = [{"id": o, "capacity": 1, "requires_driving": False} for o in "XYZW"]
    balanced = run({"mode": "balanced", "learners": learners, "opportunities": opps})
    fair = run({"mode": "fair", "learners": learners, "opportunities": opps})
    assert balanced["profile"] == [3, 0, 0, 1]  # squares 19, one learner at their 4th choice
    assert fair["profile"] == [2, 0, 2]  # squares 20, nobody below their 3rd choice


def test_empty_instance_gives_an_empty_allocation():
    out = run({"learners": [], "opportunities": []})
    assert out == {"mode": "balanced", "assignments": [], "unassigned": [], "profile": [], "worst_rank": None}


BAD = [
    ("not an object", [], "instance: must be a JSON object"),
    ("unknown mode", base(mode="greedy"), "mode: must be one of balanced, fair, stable"),
    ("missing learners", {"opportunities": []}, "instance: missing field 'learners'"),
    (
        "missing id",
        {"learners": [{"preferences": []}], "opportunities": []},
        "learners[0]: missing field 'id'",
    ),
    (
        "duplicate learner",
        base(learners=[base()["learners"][0], base()["learners"][0]]),
        'learner "L1": duplicate id',
    ),
    (
        "duplicate opportunity",
        base(opportunities=[base()["opportunities"][0]] * 2),
        'opportunity "A": duplicate id',
    ),
    (
        "unknown preference",
        base(learners=[{"id": "L1", "preferences": ["Q"], "drives": True, "priority": 1}]),
        'learner "L1": preference "Q" is not a known opportunity',
    ),
    (
        "repeated preference",
        base(learners=[{"id": "L1", "preferences": ["A", "A"], "drives": True, "priority": 1}]),
        'learner "L1": opportunity "A" appears twice in preferences',
    ),
    (
        "negative capacity",
        base(opportunities=[{"id": "A", "capacity": -1, "requires_driving": False}]),
        'opportunity "A": capacity must be a whole number of 0 or more, not -1',
    ),
    (
        "fractional capacity",
        base(opportunities=[{"id": "A", "capacity": 1.5, "requires_driving": False}]),
        "not 1.5",
    ),
    (
        "unknown pinned learner",
        base(pinned=[{"learner": "L9", "opportunity": "A"}]),
        '"L9" is not a known learner',
    ),
    (
        "pinned not on list",
        base(
            learners=[
                *base()["learners"][:2],
                {"id": "L3", "preferences": ["A"], "drives": True, "priority": 3},
            ],
            pinned=[{"learner": "L3", "opportunity": "B"}],
        ),
        "is infeasible: the opportunity is not on the learner's list",
    ),
    ("pinned needs driver", base(pinned=[{"learner": "L2", "opportunity": "B"}]), "needs a driver"),
    (
        "pinned over capacity",
        base(pinned=[{"learner": "L1", "opportunity": "A"}, {"learner": "L2", "opportunity": "A"}]),
        "is over capacity: opportunity capacity is 1",
    ),
    (
        "unknown forbidden opportunity",
        base(forbidden=[{"learner": "L1", "opportunity": "Z"}]),
        '"Z" is not a known',
    ),
    (
        "ranking with unknown learner",
        base(
            opportunities=[
                {"id": "A", "capacity": 1, "requires_driving": False, "ranking": ["L7"]},
                {"id": "B", "capacity": 1, "requires_driving": False},
            ]
        ),
        'opportunity "A": ranking: "L7" is not a known learner',
    ),
    (
        "boolean id",
        {"learners": [{"id": True, "preferences": [], "drives": True, "priority": 0}], "opportunities": []},
        "id must be a string or a whole number",
    ),
    (
        "missing drives",
        {"learners": [{"id": 1, "preferences": [], "priority": 0}], "opportunities": []},
        "learner 1: missing field 'drives'",
    ),
]


@pytest.mark.parametrize(("label", "data", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_instances_are_refused_with_a_message_naming_the_item(label, data, message):
    with pytest.raises(InstanceError) as err:
        parse_instance(data)
    assert message in str(err.value)


def cli(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "enhance.core.solver", *(args or ("-",))],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_command_line_writes_the_allocation_as_json():
    done = cli(json.dumps(base(mode="fair")))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["mode"] == "fair"
    assert done.stderr == ""


def test_command_line_reads_a_file(tmp_path):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(base()))
    done = cli("", str(path))
    assert done.returncode == 0 and json.loads(done.stdout)["assignments"]


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("{not json", "instance: not valid JSON"),
        (json.dumps(base(mode="greedy")), "mode: must be one of"),
        (json.dumps(base(pinned=[{"learner": "L2", "opportunity": "B"}])), "needs a driver"),
    ],
)
def test_command_line_bad_instance_exits_2_with_one_message_and_no_output(stdin, message):
    done = cli(stdin)
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_command_line_missing_file_exits_2(tmp_path):
    done = cli("", str(tmp_path / "nope.json"))
    assert done.returncode == 2 and "cannot read" in done.stderr and done.stdout == ""


def test_solver_module_does_not_import_django():
    code = "import sys, enhance.core.solver; print('django' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
