"""Evaluation pages at demo size and at national scale (the scale data set, with two survey
waves for every cohort): queries, median, p95 and bytes of each page for the national admin
and a programme lead, against the plain learner list measured in the same run.

Run with `make bench` (PostgreSQL through DATABASE_URL for the national figures);
BENCH_SCALE=0.1 makes a smaller data set for a quick look."""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

RUNS = 15


def _time(client, url: str) -> tuple[float, float, int, int]:  # type: ignore[no-untyped-def]
    reset_queries()  # the query log is capped: a full one would count nothing
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
        reset_queries()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, queries, len(response.content)


def _table(title: str, clients: dict, urls: list[str]) -> None:  # type: ignore[type-arg]
    print(f"\n{title}")
    print(f"{'page':44} {'who':15} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'KB':>6} {'x list':>7}")
    for who, client in clients.items():
        base, *_ = _time(client, "/learners/")
        for url in urls:
            median, p95, queries, size = _time(client, url)
            print(
                f"{url:44} {who:15} {queries:7} {median * 1000:10.1f} {p95 * 1000:8.1f} "
                f"{size / 1024:6.0f} {median / base:7.1f}"
            )


def main() -> None:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # As in Django's test client use: keep one connection, so its queries can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    from django.urls import reverse

    from enhance.accounts.models import User
    from enhance.demo.loader import load_demo
    from enhance.demo.scale import seed_scale
    from enhance.evaluation.measures import MEASURES
    from tests.conftest import SignedInClient

    load_demo()
    clients = {}
    for who in ("admin", "programme.lead"):
        clients[who] = SignedInClient()
        clients[who].force_login(User.objects.get(email=f"{who}@enhance.example"))
    urls = [reverse("evaluation:dashboard")] + [reverse("evaluation:measure", args=[m]) for m in MEASURES]
    _table("Demo size (155 learners)", clients, urls)
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    counts = seed_scale(scale=scale, say=lambda s: None)
    _table(f"National scale x{scale} ({counts.get('learners', 0):,} more learners)", clients, urls)


if __name__ == "__main__":
    main()
