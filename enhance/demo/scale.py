"""A national-scale data set on top of the demo, for measuring pages at the size enhance would
serve nationally: about 20,000 learners (6,033 in the demo's Midlands programme, 1,515 of them
in its first locality, so the demo personas' pages are the heavy ones), 14,400 sessions with
two million attendance rows, 200,000 clinic entries, 50,000 claims, half a million
notifications and a project for every learner. Sizes scale with `scale`; the same seed gives
the same data. Everything goes in with bulk inserts (no history rows, no notifications sent)."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import islice
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.utils import timezone

from enhance.accounts.models import User
from enhance.demo.accounts import DEMO_DOMAIN
from enhance.demo.data import FORENAMES, SURNAMES
from enhance.expenses.models import Claim
from enhance.notifications.models import Notification
from enhance.placements.models import (
    AllocationRun,
    ClinicEntry,
    Opportunity,
    OpportunityType,
    Placement,
    PlacementBlock,
)
from enhance.portfolio import readiness
from enhance.programmes.models import (
    Cohort,
    Grade,
    GradePeriod,
    Locality,
    Membership,
    Organisation,
    Person,
    Programme,
)
from enhance.projects.models import Milestone, Partner, Project
from enhance.teaching import standing
from enhance.teaching.audiences import sessions_changed
from enhance.teaching.models import Attendance, Session, Topic

SIZES = {
    "learners": 20_007,
    "programme_learners": 6_033,
    "locality_learners": 1_515,
    "sessions": 14_400,
    "attendance": 2_012_067,
    "clinics": 199_990,
    "claims": 50_369,
    "notifications": 500_000,
}
BATCH = 5_000
# The demo sign-ins whose own inboxes are made long (1 % of the notifications each).
PERSONAS = [
    "admin",
    "regional.lead",
    "programme.lead",
    "locality.lead",
    "faculty",
    "community.lead",
    "partner.contact",
    "finance",
    "supervisor",
    "learner",
    "learner2",
]
SCALE_DOMAIN = "scale.enhance.example"
ATTENDANCE_MIX = ["present"] * 8 + ["late", "absent", "apologies"]

M = TypeVar("M", bound=models.Model)


def _insert(model: type[M], rows: Iterable[M]) -> int:
    """Bulk insert in batches without holding every row in memory."""
    done, it = 0, iter(rows)
    while batch := list(islice(it, BATCH)):
        model._default_manager.bulk_create(batch, batch_size=BATCH)
        done += len(batch)
    return done


def _target(name: str, scale: float) -> int:
    return max(round(SIZES[name] * scale), 0)


class ScaleSeeder:
    def __init__(self, scale: float, seed: int, say: Callable[[str], Any]) -> None:
        self.scale, self.rng, self.say = scale, random.Random(seed), say
        self.today = timezone.localdate()
        self.counts: dict[str, int] = {}
        self.started = time.monotonic()

    def step(self, name: str, count: int) -> None:
        self.counts[name] = count
        self.say(f"{name}: {count:,} ({time.monotonic() - self.started:.0f} s)")

    @transaction.atomic
    def run(self) -> dict[str, int]:
        programmes = list(Programme.objects.order_by("pk"))
        heavy = next(p for p in programmes if p.region.code == "midlands")
        memberships = self.learners(programmes, heavy)
        self.teaching(memberships)
        self.placements(memberships)
        self.claims(memberships)
        self.projects(memberships)
        self.surveys(memberships)
        self.notifications()
        self.step("attendance standings", standing.refresh_all())
        self.step("readiness", readiness.refresh_all())  # as the nightly jobs leave them
        # Fresh planner statistics: after bulk inserts (and with autovacuum off or not yet
        # run) the database would otherwise plan for the empty tables it last analysed.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return self.counts

    # --- Learners ---------------------------------------------------------------------------

    def _shares(self, programmes: list[Programme], heavy: Programme) -> dict[int, int]:
        """New learners per programme: the heavy one up to its target, the rest shared out."""
        counted = Membership.objects.values("programme").annotate(n=models.Count("id"))
        existing = dict(counted.values_list("programme", "n"))
        total = max(_target("learners", self.scale) - sum(existing.values()), 0)
        heavy_new = min(max(_target("programme_learners", self.scale) - existing.get(heavy.pk, 0), 0), total)
        others = [p for p in programmes if p.pk != heavy.pk]
        rest = total - heavy_new
        shares = {p.pk: rest // len(others) for p in others}
        if others:
            shares[others[0].pk] += rest - sum(shares.values())
        return {heavy.pk: heavy_new, **shares}

    def learners(self, programmes: list[Programme], heavy: Programme) -> list[Membership]:
        shares = self._shares(programmes, heavy)
        first_locality = heavy.localities.order_by("pk").first()
        in_locality = max(
            _target("locality_learners", self.scale)
            - Membership.objects.filter(locality=first_locality).count(),
            0,
        )
        grade = {g.code: g for g in Grade.objects.all()}
        start = User.objects.count()
        plan: list[tuple[Programme, int]] = [(p, shares.get(p.pk, 0)) for p in programmes]
        users = []
        for n in range(sum(count for _, count in plan)):
            forename, surname = self.rng.choice(FORENAMES), self.rng.choice(SURNAMES)
            users.append(
                User(
                    email=f"learner{start + n}@{SCALE_DOMAIN}",
                    full_name=f"{forename} {surname}",
                    password="!",
                )
            )
        _insert(User, users)
        users = list(User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").order_by("pk"))
        people = [
            Person(user=u, forename=u.full_name.split()[0], surname=u.full_name.split()[-1], email=u.email)
            for u in users
        ]
        _insert(Person, people)
        people_iter = iter(Person.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").order_by("pk"))
        rows = []
        for programme, count in plan:
            cohorts = list(programme.cohorts.order_by("intake_date"))
            localities: list[Locality | None] = [*programme.localities.order_by("pk")] or [None]
            employers: list[Organisation | None] = list(
                Organisation.objects.filter(region=programme.region_id, kind=Organisation.Kind.ACUTE_TRUST)[
                    :5
                ]
            ) or [None]
            for n in range(count):
                cohort = self.rng.choice(cohorts)
                locality = (
                    first_locality
                    if programme.pk == heavy.pk and n < in_locality
                    else self.rng.choice(localities)
                )
                rows.append(
                    Membership(
                        person=next(people_iter),
                        programme=programme,
                        cohort=cohort,
                        locality=locality,
                        employing_organisation=self.rng.choice(employers),
                        wte=Decimal("1.00") if n % 7 else Decimal("0.80"),
                        starts_on=cohort.intake_date,
                        status=Membership.Status.ACTIVE,
                        status_since=cohort.intake_date,
                        holds_driving_licence=bool(n % 3),
                    )
                )
        _insert(Membership, rows)
        made = list(
            Membership.objects.filter(person__email__endswith=f"@{SCALE_DOMAIN}")
            .select_related("cohort", "programme")
            .order_by("pk")
        )
        first_grade = grade.get("IMY1") or next(iter(grade.values()))
        _insert(
            GradePeriod, (GradePeriod(membership=m, grade=first_grade, starts_on=m.starts_on) for m in made)
        )
        self.step("learners", len(made))
        return made

    # --- Teaching ---------------------------------------------------------------------------

    def teaching(self, memberships: list[Membership]) -> None:
        by_programme: dict[int, list[int]] = {}
        active = Membership.objects.filter(status=Membership.Status.ACTIVE).order_by("pk")
        for pk, programme_id in active.values_list("pk", "programme_id"):
            by_programme.setdefault(programme_id, []).append(pk)
        total = max(_target("sessions", self.scale) - Session.objects.count(), 0)
        learners = sum(len(v) for v in by_programme.values()) or 1
        topics = list(Topic.objects.all())
        now = timezone.now()
        sessions = []
        for programme_id, ids in by_programme.items():
            for n in range(round(total * len(ids) / learners)):
                starts = now - dt.timedelta(days=self.rng.randint(-180, 730), hours=self.rng.randint(0, 8))
                sessions.append(
                    Session(
                        programme_id=programme_id,
                        title=f"Scale session {n}",
                        topic=self.rng.choice(topics),
                        mode=Session.Mode.VIRTUAL,
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=2),
                    )
                )
        _insert(Session, sessions)
        sessions_changed()  # bulk inserts send no signals
        made = list(
            Session.objects.filter(title__startswith="Scale session").values_list(
                "pk", "programme_id", "ends_at"
            )
        )
        self.step("sessions", len(made))
        held = sum(1 for _, _, ends_at in made if ends_at <= now)
        per = max(round(_target("attendance", self.scale) / max(held, 1)), 1)

        def rows() -> Iterator[Attendance]:
            for pk, programme_id, ends_at in made:
                if ends_at > now:
                    continue
                ids = by_programme.get(programme_id, [])
                for membership_id in self.rng.sample(ids, min(per, len(ids))):
                    yield Attendance(
                        session_id=pk, membership_id=membership_id, status=self.rng.choice(ATTENDANCE_MIX)
                    )

        self.step("attendance", _insert(Attendance, rows()))

    # --- Placements and clinics -------------------------------------------------------------

    def placements(self, memberships: list[Membership]) -> None:
        kind = OpportunityType.objects.order_by("pk").first()
        lead = User.objects.filter(is_superuser=True).first() or User.objects.order_by("pk").first()
        by_cohort: dict[int, list[Membership]] = {}
        for m in memberships:
            by_cohort.setdefault(m.cohort_id, []).append(m)
        placements = []
        for cohort in Cohort.objects.filter(pk__in=by_cohort).select_related("programme__region"):
            provider = Organisation.objects.filter(region=cohort.programme.region_id).order_by("pk").first()
            if provider is None or kind is None or lead is None:
                continue
            opportunity = Opportunity.objects.create(
                organisation=provider, type=kind, title=f"Scale clinics {cohort.pk}", capacity=200
            )
            starts = self.today - dt.timedelta(days=120)
            block = PlacementBlock.objects.create(
                cohort=cohort,
                name=f"Scale block {cohort.pk}",
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=84),
                preferences_close_at=timezone.now() - dt.timedelta(days=150),
                status=PlacementBlock.Status.PUBLISHED,
                created_by=lead,
            )
            run = AllocationRun.objects.create(
                block=block,
                number=1,
                mode=AllocationRun.Mode.BALANCED,
                status=AllocationRun.Status.DONE,
                instance={"learners": [], "opportunities": []},
                result={"assignments": [], "unassigned": []},
                created_by=lead,
                published_at=timezone.now(),
            )
            placements += [
                Placement(
                    membership=m,
                    opportunity=opportunity,
                    block=block,
                    run=run,
                    rank=1,
                    starts_on=block.starts_on,
                    ends_on=block.ends_on,
                )
                for m in by_cohort[cohort.pk]
            ]
        _insert(Placement, placements)
        made = list(
            Placement.objects.filter(block__name__startswith="Scale block").values_list("pk", "starts_on")
        )
        per = max(round(_target("clinics", self.scale) / max(len(made), 1)), 1)
        statuses = ["confirmed"] * 6 + ["submitted", "queried"]

        def rows() -> Iterator[ClinicEntry]:
            for pk, starts in made:
                for n in range(per):
                    yield ClinicEntry(
                        placement_id=pk,
                        date=starts + dt.timedelta(days=n * 7 % 84),
                        clinic_type=kind,
                        site="Scale site",
                        supervisor="Dr Scale",
                        status=self.rng.choice(statuses),
                    )

        self.step("clinic entries", _insert(ClinicEntry, rows()))

    # --- Claims, projects, notifications ----------------------------------------------------

    def claims(self, memberships: list[Membership]) -> None:
        total = _target("claims", self.scale)
        per = max(round(total / max(len(memberships), 1)), 1)
        month = self.today.replace(day=1)
        statuses = [Claim.Status.APPROVED, Claim.Status.PAID, Claim.Status.PAID, Claim.Status.SUBMITTED]

        def rows() -> Iterator[Claim]:
            for m in memberships:
                for n in range(per):
                    first = (month - dt.timedelta(days=31 * (n + 1))).replace(day=1)
                    yield Claim(
                        membership=m,
                        month=first,
                        status=self.rng.choice(statuses),
                        total_pence=self.rng.randint(500, 9000),
                    )

        self.step("claims", _insert(Claim, islice(rows(), total)))

    def projects(self, memberships: list[Membership]) -> None:
        partners = list(Partner.objects.all()) or []
        if not partners:
            return
        _insert(
            Project,
            (
                Project(lead=m, partner=self.rng.choice(partners), title=f"Scale project {m.pk}")
                for m in memberships
            ),
        )
        made = Project.objects.filter(title__startswith="Scale project").values_list("pk", flat=True)
        due = self.today + dt.timedelta(days=60)
        _insert(Milestone, (Milestone(project_id=pk, name="Abstract", due_on=due) for pk in made.iterator()))
        self.step("projects", made.count())

    def surveys(self, memberships: list[Membership]) -> None:
        """Entry and end-of-year-1 surveys of every cohort, answered by most new learners."""
        from enhance.evaluation.models import Answer, Respondent, Response, SurveyItem, Wave
        from enhance.evaluation.surveys import pair_with_entry

        items = list(SurveyItem.objects.filter(programme__isnull=True, answer=SurveyItem.Answer.SCALE))
        waves = {}
        for cohort in Cohort.objects.filter(pk__in={m.cohort_id for m in memberships}):
            for year, point in ((0, Wave.Point.ENTRY), (1, Wave.Point.YEAR_END)):
                opens = cohort.intake_date + dt.timedelta(days=365 * year - (28 if year else 0))
                waves[(cohort.pk, year)], _ = Wave.objects.get_or_create(
                    cohort=cohort,
                    year=year,
                    defaults={"point": point, "opens_on": opens, "closes_on": opens + dt.timedelta(days=28)},
                )
        taken = set(Respondent.objects.values_list("person_id", flat=True))
        _insert(
            Respondent, (Respondent(person_id=m.person_id) for m in memberships if m.person_id not in taken)
        )
        respondent = dict(Respondent.objects.values_list("person_id", "pk"))
        rows = [
            Response(wave=waves[(m.cohort_id, year)], respondent_id=respondent[m.person_id])
            for m in memberships
            for year, share in ((0, 0.8), (1, 0.6))
            if self.rng.random() < share
        ]
        _insert(Response, rows)
        start = {m.person_id: self.rng.randint(1, 4) for m in memberships}
        new = Response.objects.filter(pk__gte=min((r.pk for r in rows), default=0)).values_list(
            "pk", "respondent__person_id", "wave__year"
        )
        answers = (
            Answer(response_id=pk, item=item, score=min(5, start[person] + year * self.rng.randint(0, 1)))
            for pk, person, year in new.iterator()
            if person in start
            for item in items
        )
        self.step("survey answers", _insert(Answer, answers))
        pair_with_entry(Response.objects.filter(wave__year__gt=0))

    def notifications(self) -> None:
        total = _target("notifications", self.scale)
        recipients = list(User.objects.values_list("pk", flat=True))
        personas = [f"{name}@{DEMO_DOMAIN}" for name in PERSONAS]
        demo = list(User.objects.filter(email__in=personas).values_list("pk", flat=True))
        heavy = max(total // 100, 1)

        def rows() -> Iterator[Notification]:
            for pk in demo:  # the demo personas' own inboxes are long
                for n in range(heavy):
                    yield Notification(recipient_id=pk, kind="general", title=f"Scale notice {n}")
            for n in range(max(total - heavy * len(demo), 0)):
                yield Notification(
                    recipient_id=self.rng.choice(recipients), kind="general", title=f"Scale notice {n}"
                )

        self.step("notifications", _insert(Notification, rows()))


def seed_scale(scale: float = 1.0, seed: int = 2026, say: Callable[[str], Any] = print) -> dict[str, int]:
    return ScaleSeeder(scale, seed, say).run()
