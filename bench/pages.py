"""Every page and download each demo persona can reach, at demo size and at national scale:
queries, median, p95 and bytes, against the plain learner list measured at the same size;
then the weekday jobs on the national data and their emails; then a bounded load run (20
learners at once for 60 s against gunicorn with 2 workers on 127.0.0.1) printing throughput
and p95. PostgreSQL through DATABASE_URL.

The pages are found by following links from each persona's home page (one address per URL
name), so a new page is measured without being listed here. BENCH_SCALE scales the national
data set (1.0 by default); BENCH_LOAD=0 skips the load run."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import deque
from types import SimpleNamespace
from typing import Any
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402

RUNS = 10
SLOW = 5.0  # a page slower than this once is timed once only
MAX_PAGES = 150  # a safety stop for the crawl (one address per URL name)
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/accounts/", "/admin/", "/static/", "/media/", "/api/", "/calendar/feed/")


def crawl(client: Any) -> list[str]:
    """Addresses reachable from home by links, one per URL name, in the order found."""
    seen_names: set[str] = set()
    found: list[str] = []
    queue = deque(["/"])
    while queue and len(found) < MAX_PAGES:
        url = queue.popleft().replace("&amp;", "&")
        try:
            name = resolve(url.split("?")[0]).view_name
        except Resolver404:
            continue
        if name in seen_names or url.startswith(SKIP):
            continue
        seen_names.add(name)
        response = client.get(url)
        if response.status_code != 200:
            continue
        found.append(url)
        if "html" in response.get("Content-Type", ""):
            queue.extend(LINK.findall(response.content.decode()))
    return found


def fetch(client: Any, url: str) -> bytes:
    """The whole body, read as a browser would (a streamed download is read to its end)."""
    return bytes(client.get(url).getvalue())


def measure(client: Any, url: str) -> tuple[int, float, float, int]:
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        size = len(fetch(client, url))
        first = time.perf_counter() - start
    queries = len(ctx.captured_queries)
    times = [first]
    if first < SLOW:
        for _ in range(RUNS - 1):
            start = time.perf_counter()
            fetch(client, url)
            times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return queries, statistics.median(times), p95, size


def table(title: str, clients: dict[str, Any], pages: dict[str, list[str]]) -> float:
    """The table of every page; returns its baseline (seconds)."""
    from enhance.core.runtime import settle

    settle()  # as the web server's process does once the app is loaded
    base = measure(clients["admin"], "/learners/")[1]
    print(f"\n{title}: the learner list (baseline) {base * 1000:.1f} ms")
    print(f"{'persona':16} {'page':52} {'queries':>7} {'p50 ms':>9} {'p95 ms':>9} {'KB':>6} {'x base':>7}")
    for who, urls in pages.items():
        for url in urls:
            queries, p50, p95, size = measure(clients[who], url)
            print(
                f"{who:16} {url[:52]:52} {queries:7} {p50 * 1000:9.1f} {p95 * 1000:9.1f} "
                f"{size / 1024:6.0f} {p50 / base:7.1f}"
            )
    return base


def load_run(seconds: int = 60, learners: int = 20) -> None:
    """20 learners at once against gunicorn (2 workers), each opening their pages in turn."""
    import requests

    from enhance.demo.accounts import DEMO_PASSWORD

    port = os.environ.get("BENCH_PORT", "8799")
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": os.environ["DATABASE_URL"]}
    env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    env.setdefault("SECRET_KEY", "bench-only")
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "enhance.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    pages = ["/", "/teaching/", "/portfolio/progress/", "/placements/my/", "/projects/", "/notifications/"]
    times: list[float] = []
    errors = [0]
    try:
        ready_by = time.monotonic() + 60  # gunicorn loads the app before its first answer
        while time.monotonic() < ready_by:
            try:
                requests.get(base + "/health", timeout=10)
                break
            except requests.RequestException:
                time.sleep(0.5)

        def learner(n: int) -> None:
            s = requests.Session()
            login = s.get(base + "/accounts/login/", timeout=30)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
            s.post(
                base + "/accounts/login/",
                data={
                    "login": "learner@enhance.example",
                    "password": DEMO_PASSWORD,
                    "csrfmiddlewaretoken": token[1] if token else "",
                },
                headers={"Referer": base + "/accounts/login/"},
                timeout=30,
            )
            end, i = time.monotonic() + seconds, n
            while time.monotonic() < end:
                start = time.perf_counter()
                r = s.get(base + pages[i % len(pages)], timeout=60)
                times.append(time.perf_counter() - start)
                errors[0] += r.status_code != 200 or bool(r.history)  # a redirect (to sign in) is no page
                i += 1

        threads = [threading.Thread(target=learner, args=(n,)) for n in range(learners)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - started
    finally:
        server.terminate()
        server.wait()
    times.sort()
    p95 = times[round(0.95 * (len(times) - 1))] if times else 0
    print(
        f"\nLoad: {learners} learners for {seconds} s, gunicorn 2 workers: "
        f"{len(times) / took:.1f} requests/s, p95 {p95 * 1000:.0f} ms, {errors[0]} not the page asked for"
    )


def weekday_jobs(base: float) -> None:
    """The daily jobs due between 07:00 and 08:00, one after another as the worker runs them
    (the first run after seeding is the worst case: every learner out of reach, every milestone
    overdue), then the emails they asked for, sent apart as the worker sends them."""
    import datetime as dt

    from enhance.core.scheduling import registered_daily_jobs
    from enhance.notifications import tasks as notification_tasks

    queued: list[list[int]] = []
    asked = SimpleNamespace(enqueue=lambda notification_ids: queued.append(notification_ids))
    print(f"\nWeekday jobs 07:00-08:00 (the learner list, the baseline, {base * 1000:.1f} ms)")
    total = 0.0
    with mock.patch.object(notification_tasks, "send_notification_emails", asked):
        for name, (job, at) in sorted(registered_daily_jobs().items(), key=lambda kv: (kv[1][1], kv[0])):
            if dt.time(7, 0) <= at <= dt.time(8, 0):
                start = time.perf_counter()
                job.call()
                took = time.perf_counter() - start
                total += took
                print(f"  {at:%H:%M} {name:36} {took:7.2f} s")
    print(f"  all of them: {total:.2f} s = {total / base:.0f}x the learner list (target 10 s)")
    start = time.perf_counter()
    sent = sum(notification_tasks.send_notification_emails.call(notification_ids=ids) for ids in queued)
    took = time.perf_counter() - start
    print(f"  then their {sent:,} emails, in batches over one connection each: {took:.2f} s")


def demo_clients(personas: list[str]) -> dict[str, Any]:
    """A fresh test database with the demo in it, and a signed-in client per demo persona.
    One connection is kept (as in Django's test client use), so queries can be counted."""
    import logging

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # refusals met while crawling
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)  # one left by a stopped run goes
    from enhance.accounts.models import User
    from enhance.demo.loader import load_demo
    from tests.conftest import SignedInClient

    load_demo()
    clients = {}
    for who in personas:
        clients[who] = SignedInClient()
        clients[who].force_login(User.objects.get(email=f"{who}@enhance.example"))
    return clients


def at_national_scale() -> str:
    """Seed the national data set (BENCH_SCALE) and say what was added."""
    from enhance.demo.scale import seed_scale

    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    counts = seed_scale(scale=scale, say=lambda s: None)
    return f"National scale x{scale} ({counts.get('learners', 0):,} more learners)"


def main() -> None:
    from enhance.demo.scale import PERSONAS

    # A long workbook is made by the worker after the request that asks for it (the page that
    # says so is measured); the test settings would otherwise make it inside that request.
    mock.patch("enhance.core.tasks.make_download", SimpleNamespace(enqueue=lambda **kwargs: None)).start()
    clients = demo_clients(PERSONAS)
    pages = {who: crawl(client) for who, client in clients.items()}
    table("Demo size", clients, pages)
    weekday_jobs(table(at_national_scale(), clients, pages))
    if os.environ.get("BENCH_LOAD", "1") != "0" and connection.vendor == "postgresql":
        connection.close()
        load_run()


if __name__ == "__main__":
    main()
