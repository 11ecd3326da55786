"""Allocation benchmark: our solver in every mode against two baselines, on seeded
instances (10 ranked choices, popularity-skewed, some non-drivers).

Baselines, measured in the same run: the `matching` package's hospital-resident solver
(stable mode must give the identical allocation) and serial dictatorship by random
priority, the UK foundation method. Run with `make bench`."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from enhance.core.solver import allowed, parse_instance

SIZES = [(150, 60), (1_000, 300), (10_000, 2_000)]
CHOICES = 10


def make_instance(n_learners: int, n_opps: int, seed: int = 2022) -> dict[str, Any]:
    rng = random.Random(seed)
    # Popularity follows a Zipf-like curve: a few opportunities are wanted by many.
    weights = [1 / (k + 1) ** 0.8 for k in range(n_opps)]
    total_capacity = int(n_learners * 1.1)
    capacities = [max(1, round(total_capacity * w / sum(weights) * rng.uniform(0.5, 1.5))) for w in weights]
    opportunities = [
        {"id": f"O{j}", "capacity": capacities[j], "requires_driving": rng.random() < 0.25}
        for j in range(n_opps)
    ]
    learners = []
    for i in range(n_learners):
        chosen: list[int] = []
        while len(chosen) < min(CHOICES, n_opps):
            j = rng.choices(range(n_opps), weights=weights)[0]
            if j not in chosen:
                chosen.append(j)
        learners.append(
            {
                "id": f"L{i}",
                "preferences": [f"O{j}" for j in chosen],
                "drives": rng.random() < 0.85,
                "priority": rng.random(),
            }
        )
    return {"learners": learners, "opportunities": opportunities}


def run_process(instance: dict[str, Any], mode: str) -> tuple[float, dict[str, Any]]:
    """Our solver end to end, as a separate process reading a file (as an operator runs it)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({**instance, "mode": mode}, handle)
        path = handle.name
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "enhance.core.solver", path], capture_output=True, text=True, check=True
    )
    took = time.perf_counter() - start
    Path(path).unlink()
    return took, json.loads(done.stdout)


def python_startup() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


def serial_dictatorship(instance: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    inst = parse_instance(instance)
    left = list(inst.capacity)
    order = sorted(range(len(inst.learner_ids)), key=lambda i: inst.priority[i])
    ranks = []
    for i in order:
        for r, j in enumerate(inst.prefs[i], start=1):
            if allowed(inst, i, j) and left[j] > 0:
                left[j] -= 1
                ranks.append(r)
                break
    took = time.perf_counter() - start
    return took, summary_of(ranks)


def matching_package(instance: dict[str, Any]) -> tuple[float, dict[str, str]]:
    from matching.games import HospitalResident

    start = time.perf_counter()
    inst = parse_instance(instance)
    n = len(inst.learner_ids)
    residents = {}
    for i in range(n):
        prefs = [inst.opp_ids[j] for j in inst.prefs[i] if allowed(inst, i, j)]
        if prefs:
            residents[inst.learner_ids[i]] = prefs
    applicants: dict[str, list[tuple[float, str]]] = {}
    for lid, prefs in residents.items():
        for oid in prefs:
            applicants.setdefault(oid, []).append((inst.priority[inst.learner_ids.index(lid)], lid))
    hospitals = {oid: [lid for _, lid in sorted(a)] for oid, a in applicants.items()}
    capacity = {inst.opp_ids[j]: inst.capacity[j] for j in range(len(inst.opp_ids))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            residents, hospitals, {h: capacity[h] for h in hospitals}
        )
        result = game.solve(optimal="resident")
    took = time.perf_counter() - start
    return took, {r.name: h.name for h, rs in result.items() for r in rs}


def summary_of(ranks: list[int]) -> dict[str, Any]:
    worst = max(ranks, default=0)
    return {
        "placed": len(ranks),
        "worst_rank": worst,
        "profile": [ranks.count(r) for r in range(1, worst + 1)],
    }


def summary(out: dict[str, Any]) -> dict[str, Any]:
    return summary_of([a["rank"] for a in out["assignments"]])


def main() -> None:
    sys.setrecursionlimit(100_000)  # the matching package recurses deeply on large lists
    print(f"Python process start-up, for scale: {python_startup() * 1000:.0f} ms")
    for n_learners, n_opps in SIZES:
        instance = make_instance(n_learners, n_opps)
        print(f"\n{n_learners:,} learners x {n_opps:,} opportunities")
        sd_time, sd = serial_dictatorship(instance)
        print(f"  serial dictatorship   {sd_time * 1000:8.1f} ms  {sd}")
        results = {}
        for mode in ("balanced", "fair", "stable"):
            took, out = run_process(instance, mode)
            results[mode] = (took, out)
            placed = summary(out)["placed"] - sd["placed"]
            print(
                f"  {mode:<9} (process)   {took * 1000:8.1f} ms  {summary(out)}  "
                f"= {took / sd_time:.1f}x serial dictatorship's time, {placed:+d} placed"
            )
        m_time, m_alloc = matching_package(instance)
        ours = {a["learner"]: a["opportunity"] for a in results["stable"][1]["assignments"]}
        same = "identical" if ours == m_alloc else "DIFFERENT"
        print(
            f"  matching package      {m_time * 1000:8.1f} ms  stable result {same}; "
            f"ours is {m_time / results['stable'][0]:.1f}x faster, end to end as a process"
        )


if __name__ == "__main__":
    main()
