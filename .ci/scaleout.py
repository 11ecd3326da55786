"""Scale-out check: two app servers and two background workers share one PostgreSQL, under a
bounded load from 127.0.0.1, and nothing is lost, duplicated or oversubscribed.

Run by .ci/smoke after the smoke test, against the same production-mode database with the
demo loaded. It starts its own processes: two gunicorn servers, two `db_worker`s and a small
SMTP server that refuses every fourth message (so emails go through the retry path). Then:

1. 24 learners sign in (each from their own address, as the proxy reports it), half on each
   server, and all book one of 8 places at the same moment;
2. the 8 who got a place give it up at the same moment, each freeing a place for someone
   on the waiting list, who is told by notification and email;
3. the programme lead cancels the session with a double click that lands on both servers,
   and every learner of the programme is told (a burst of emails for both workers);
4. two schedulers race to queue the daily jobs.

It checks that exactly 8 places are held throughout, that every task ran once on one worker
and none failed, that each daily job was queued once, that no notification was made twice,
and that every notification meant for email arrived exactly once despite the refusals.

Usage: scaleout.py (with the production environment of .ci/smoke). Exits non-zero on a problem.
"""

from __future__ import annotations

import collections
import concurrent.futures
import email
import email.policy
import os
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from smoke import PASSWORD, Browser, fail, fresh_code, sign_in, wait_for_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PORTS = (int(os.environ.get("SCALEOUT_PORT", "8771")), int(os.environ.get("SCALEOUT_PORT", "8771")) + 1)
LEARNERS, PLACES, THREADS = 24, 8, 8
REFUSE_EVERY = 4


class MailSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP to take Django's messages; every fourth one is refused for now (451)."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.lock = threading.Lock()
        self.offered = 0
        self.refused = 0
        self.received: list[tuple[str, str]] = []  # (recipient, subject)


class SMTPHandler(socketserver.StreamRequestHandler):
    server: MailSink

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ready")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 sink")
            elif verb == b"MAIL":
                recipients = []
                self.reply("250 ok")
            elif verb == b"RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>").lower())
                self.reply("250 ok")
            elif verb == b"DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.take(data, recipients)
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")

    def take(self, data: bytes, recipients: list[str]) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        subject = str(message["Subject"] or "")  # unfolded and decoded
        with self.server.lock:
            self.server.offered += 1
            if self.server.offered % REFUSE_EVERY == 0:
                self.server.refused += 1
                self.reply("451 try again later")
                return
            self.server.received.extend((r, subject) for r in recipients)
        self.reply("250 queued")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)  # noqa: S603


class Learner:
    def __init__(self, number: int, email_address: str) -> None:
        self.email = email_address
        self.browser = Browser(f"http://127.0.0.1:{PORTS[number % 2]}")
        # Behind the load balancer each learner's phone has its own address.
        self.browser.extra_headers = {"X-Forwarded-For": f"10.20.{number // 200}.{number % 200 + 1}"}
        self.session_page = ""

    def sign_in(self, session_path: str) -> None:
        page = self.browser.get("/accounts/login/")
        status, _ = self.browser.post_form(
            "/accounts/login/", page, {"login": self.email, "password": PASSWORD}
        )
        if status != 302:
            fail(f"sign-in of {self.email}: {status}")
        self.session_page = self.browser.get(session_path)

    def post(self, path: str) -> None:
        status, _ = self.browser.post_form(path, self.session_page, {})
        if status >= 500 or status == 403:
            fail(f"POST {path} by {self.email}: {status}")


def all_at_once(work: list, action) -> None:  # type: ignore[no-untyped-def]
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        for future in [pool.submit(action, item) for item in work]:
            future.result()


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enhance.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()

    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from enhance.core.scheduling import registered_daily_jobs
    from enhance.notifications import kinds
    from enhance.notifications.models import Notification
    from enhance.notifications.services import wants_email
    from enhance.programmes.models import Membership
    from enhance.teaching.models import Booking, Session, Topic

    # Fixtures: a session with 8 places for the whole programme, and 24 learners who can sign in.
    first = Membership.objects.get(person__email="learner@enhance.example")
    memberships = list(
        Membership.objects.filter(
            programme=first.programme, status=Membership.Status.ACTIVE, person__user__isnull=False
        ).select_related("person__user")[:LEARNERS]
    )
    if len(memberships) < LEARNERS:
        fail(f"the demo programme has {len(memberships)} learners with accounts, not {LEARNERS}")
    for m in memberships:
        m.person.user.set_password(PASSWORD)
        m.person.user.save()
    starts = timezone.now() + dt.timedelta(days=3)
    session = Session.objects.create(
        programme=first.programme,
        title="Scale-out check",
        topic=Topic.objects.first(),
        mode=Session.Mode.VIRTUAL,
        online_link="https://meet.example/scale-out",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=PLACES,
    )
    began = timezone.now()
    last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    sink = MailSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    logs = Path(tempfile.mkdtemp(prefix="scaleout-"))
    env = {
        **os.environ,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.server_address[1]),
        "EMAIL_USE_TLS": "false",
        "EMAIL_RETRY_SECONDS": "1,1,1,1,1,1",
    }
    bin_dir = Path(sys.executable).parent
    processes = [
        start(
            [
                str(bin_dir / "gunicorn"),
                "enhance.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
            env,
            logs / f"web-{port}.log",
        )
        for port in PORTS
    ] + [
        start(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.5", "--worker-id", f"worker-{n}"],
            env,
            logs / f"worker-{n}.log",
        )
        for n in (1, 2)
    ]
    try:
        for port in PORTS:
            wait_for_server(Browser(f"http://127.0.0.1:{port}"))
        learners = [Learner(n, m.person.user.email) for n, m in enumerate(memberships)]
        path = f"/teaching/sessions/{session.pk}/"
        all_at_once(learners, lambda learner: learner.sign_in(path))
        print(f"ok  {LEARNERS} learners signed in across two app servers")

        all_at_once(learners, lambda learner: learner.post(f"{path}booking/"))
        held = Booking.objects.filter(session=session, waitlisted=False)
        if held.count() != PLACES or Booking.objects.filter(session=session).count() != LEARNERS:
            fail(f"after {LEARNERS} simultaneous bookings, {held.count()} places are held, not {PLACES}")
        print(f"ok  {LEARNERS} simultaneous bookings: {PLACES} places held, {LEARNERS - PLACES} waiting")

        holders = set(held.values_list("membership__person__user__email", flat=True))
        all_at_once(
            [x for x in learners if x.email in holders],
            lambda learner: learner.post(f"{path}booking/cancel/"),
        )
        promoted = set(held.values_list("membership__person__user__email", flat=True))
        if len(promoted) != PLACES or promoted & holders:
            fail(f"after {PLACES} simultaneous cancellations, {len(promoted)} places are held, not {PLACES}")
        print(f"ok  {PLACES} simultaneous cancellations: each freed place went to one learner waiting")

        time.sleep(30.5 - time.time() % 30)  # a code of its own: the smoke test may have used this one
        lead = sign_in(f"http://127.0.0.1:{PORTS[0]}", "programme.lead@enhance.example", fresh_code())
        twin = Browser(f"http://127.0.0.1:{PORTS[1]}")
        twin.cookies = dict(lead.cookies)
        page = lead.get(path)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            clicks = [pool.submit(b.post_form, f"{path}cancel/", page, {}) for b in (lead, twin)]
            if any(c.result()[0] != 302 for c in clicks):
                fail(f"cancelling the session twice at once: {[c.result()[0] for c in clicks]}")
        told = Notification.objects.filter(pk__gt=last_notification, kind="session_changed", url=path)
        audience = Membership.objects.filter(
            programme=first.programme, status=Membership.Status.ACTIVE, person__user__isnull=False
        )
        if told.count() != audience.count():
            fail(f"a double-clicked cancellation told {told.count()} learners; {audience.count()} expected")
        print(f"ok  the lead cancelled twice at once on both servers: {told.count()} learners told once")

        late = timezone.localtime().replace(hour=23, minute=59)
        race = (
            "from enhance.core.scheduling import enqueue_due_daily_jobs as q; import datetime as d; "
            f"print(','.join(q(d.datetime.fromisoformat('{late.isoformat()}'))))"
        )
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            runs = [
                pool.submit(
                    subprocess.run,
                    [sys.executable, "manage.py", "shell", "--no-imports", "-c", race],
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                for _ in range(2)
            ]
            schedulers = [r.result().stdout.strip() for r in runs]
        queued = [name for out in schedulers for name in out.split(",") if name]
        if sorted(queued) != sorted(registered_daily_jobs()):
            fail(f"two schedulers queued {sorted(queued)}; each daily job should be queued once")
        print(f"ok  two schedulers racing queued each of {len(queued)} daily jobs once")

        deadline = time.monotonic() + 180
        pending = DBTaskResult.objects.filter(enqueued_at__gte=began, status__in=["READY", "RUNNING"])
        while pending.exists():
            if time.monotonic() > deadline:
                fail(f"{pending.count()} tasks still waiting after 3 minutes")
            time.sleep(1)

        results = DBTaskResult.objects.filter(enqueued_at__gte=began)
        failed = [r.task_path for r in results if r.status != "SUCCESSFUL"]
        if failed:
            fail(f"tasks did not succeed: {failed}")
        twice = [str(r.id) for r in results if len(r.worker_ids) != 1]
        if twice:
            fail(f"tasks run by more than one worker: {twice}")
        by_worker = collections.Counter(r.worker_ids[0] for r in results)
        for name, (task_obj, _) in registered_daily_jobs().items():
            if results.filter(task_path=task_obj.module_path).count() != 1:
                fail(f"daily job {name} ran {results.filter(task_path=task_obj.module_path).count()} times")
        print(f"ok  {results.count()} tasks each ran once, none failed ({dict(by_worker)})")

        made = list(Notification.objects.filter(pk__gt=last_notification).select_related("recipient"))
        seen = collections.Counter((n.recipient_id, n.kind, n.title, n.url) for n in made)
        if doubled := [key for key, count in seen.items() if count > 1]:
            fail(f"notifications made twice: {doubled[:5]}")
        offered = {n.recipient.email for n in made if n.kind == "place_offered" and n.url == path}
        if offered != promoted:
            fail(f"{len(offered)} learners were told of a freed place; {len(promoted)} got one")
        expected = collections.Counter(
            (n.recipient.email.lower(), f"enhance: {n.title}")
            for n in made
            if wants_email(n.recipient, kinds.get(n.kind))
        )
        got = collections.Counter(sink.received)
        if got != expected:
            missing, extra = expected - got, got - expected
            fail(f"emails lost: {list(missing)[:5]}; emails extra or doubled: {list(extra)[:5]}")
        if not sink.refused:
            fail("the mail server refused nothing, so retries were not exercised")
        print(
            f"ok  {len(made)} notifications, none twice; {sum(got.values())} emails each arrived once "
            f"({sink.refused} refused first and sent again)"
        )
        print("Scale-out check passed.")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        sink.shutdown()


if __name__ == "__main__":
    main()
