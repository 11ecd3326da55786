"""Evaluation pages at demo size and at national scale (the scale data set, with two survey
waves for every cohort): queries, median, p95 and bytes of each page for the national admin
and a programme lead, against the plain learner list measured in the same run.

Run with `make bench` (PostgreSQL through DATABASE_URL for the national figures);
BENCH_SCALE=0.1 makes a smaller data set for a quick look."""

from __future__ import annotations

from bench.pages import at_national_scale, demo_clients, table


def main() -> None:
    from django.urls import reverse

    from enhance.evaluation.measures import MEASURES

    clients = demo_clients(["admin", "programme.lead"])
    urls = [reverse("evaluation:dashboard")] + [reverse("evaluation:measure", args=[m]) for m in MEASURES]
    pages = {who: urls for who in clients}
    table("Demo size (155 learners)", clients, pages)
    table(at_national_scale(), clients, pages)


if __name__ == "__main__":
    main()
