"""Benchmarks (not tests): run with `make bench`. Each prints a ratio against a baseline
measured in the same run on the same machine, so the figures travel between machines."""

from __future__ import annotations

import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def best_of(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_memory(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)  # one left by a stopped run goes
    import csv
    import io

    from enhance.accounts.models import User
    from enhance.demo.loader import load_demo
    from enhance.programmes.import_jobs import import_preview
    from enhance.programmes.models import Membership, Person
    from tests.conftest import SignedInClient

    load_demo()
    admin = User.objects.get(email="admin@enhance.example")
    midlands = Membership.objects.filter(programme__name__startswith="Midlands").first()
    assert midlands is not None

    from tests.programmes.test_imports import HEADER

    rows = [HEADER]
    for i in range(2000):
        rows.append(
            f"71{i:05d},Test,Person{i},bench{i}@example.org,{midlands.programme.name},Derbyshire,"
            f"{midlands.employing_organisation},05/08/2026,IMY1,1.0"
        )
    data = ("\n".join(rows) + "\n").encode()

    def baseline_parse() -> None:
        list(csv.reader(io.StringIO(data.decode())))

    def preview() -> None:
        import_preview(actor=admin, filename="bench.csv", data=data)

    base = best_of(baseline_parse)
    took = best_of(preview, runs=3)
    print(f"import check, 2,000 rows: {took * 1000:.0f} ms = {took / base:.0f}x parsing the CSV alone")
    mem_base = peak_memory(baseline_parse)
    mem = peak_memory(preview)
    print(f"import check peak memory: {mem / 1e6:.1f} MB = {mem / mem_base:.1f}x parsing the CSV alone")

    client = SignedInClient()  # signed in with both factors, as staff must be
    client.force_login(admin)

    def learner_page() -> None:
        assert client.get("/learners/").status_code == 200

    small = best_of(learner_page)
    people = [
        Person(forename="Bulk", surname=f"Learner{i}", email=f"bulk{i}@example.org") for i in range(5000)
    ]
    Person.objects.bulk_create(people, batch_size=500)
    Membership.objects.bulk_create(
        [
            Membership(
                person=p,
                programme=midlands.programme,
                cohort=midlands.cohort,
                locality=midlands.locality,
                starts_on=midlands.starts_on,
            )
            for p in Person.objects.filter(forename="Bulk")
        ],
        batch_size=500,
    )
    large = best_of(learner_page)
    print(
        f"learner list, first page: {small * 1000:.1f} ms with 155 learners, {large * 1000:.1f} ms with "
        f"5,155 = {large / small:.2f}x"
    )
    big_import(admin, midlands)


def big_import(admin: Any, m: Any) -> None:
    """10,000 new learners through the web's way: the upload checked in the background, then
    committed in the background (the task backend of the test settings runs each at once)."""
    import csv
    import io

    from enhance.accounts.invitations import invite_many
    from enhance.programmes.import_jobs import import_queue, import_upload
    from enhance.programmes.models import ImportBatch
    from tests.programmes.test_imports import HEADER

    rows = [HEADER] + [
        f"72{i:05d},Bulk,Import{i},import{i}@example.org,{m.programme.name},Derbyshire,"
        f"{m.employing_organisation},05/08/2026,IMY1,1.0"
        for i in range(10_000)
    ]
    data = ("\n".join(rows) + "\n").encode()
    parse = best_of(lambda: list(csv.reader(io.StringIO(data.decode()))))
    start = time.perf_counter()
    batch = import_upload(actor=admin, filename="bench-10000.csv", data=data)
    checked = time.perf_counter() - start
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY, batch.status
    asked: list[dict[str, Any]] = []  # the invitations, sent by the worker as a task of their own
    start = time.perf_counter()
    later = SimpleNamespace(enqueue=lambda **kwargs: asked.append(kwargs))
    with mock.patch("enhance.programmes.imports.invite_many", later):
        import_queue(actor=admin, batch=batch)
    committed = time.perf_counter() - start
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED, batch.status
    start = time.perf_counter()
    invited = sum(invite_many.call(**kwargs) for kwargs in asked)
    inviting = time.perf_counter() - start
    print(
        f"import of 10,000 new learners: check {checked:.1f} s, commit {committed:.1f} s "
        f"(target 60 s) = {committed / parse:.0f}x parsing the CSV alone; then {invited:,} "
        f"invitations {inviting:.1f} s"
    )


if __name__ == "__main__":
    main()
