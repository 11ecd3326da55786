"""Every figure of the dashboards, counted in the database: each measure is a fixed number of
grouped queries over the learners the filters select, whatever the size of the data.

Definitions (also in the README):
- a learner is a programme membership; LTFT means a whole-time equivalent below 1.00;
- attendance rate: sessions attended (present, late or left early) over sessions whose
  register recorded the learner as expected (excused and not-recorded rows left out, and
  apologies too where the programme counts them as excused);
- coverage: the share of a cohort's learners who attended at least one session mapped to
  the domain (or theme)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth
from django.utils import timezone

from enhance.accounts.models import User
from enhance.curriculum.models import Domain, Theme
from enhance.evaluation import confidence
from enhance.evaluation.filters import Filters, learners, year_label
from enhance.evaluation.tables import COUNT, LABEL, MEAN, PEOPLE, RATE, Chart, Col, Table
from enhance.placements.models import ClinicEntry, Placement, PlacementBlock, PreferenceSet
from enhance.programmes.models import Membership, Programme
from enhance.programmes.role_kinds import Role
from enhance.programmes.selectors import current_grade_subquery
from enhance.projects.models import Milestone, Output, Pairing, Project
from enhance.teaching.models import Attendance, Feedback, Session

Measure = Callable[[User, Filters], list[Table]]


def _rate(part: int | None, whole: int | None) -> float | None:
    return (part or 0) / whole if whole else None


def _in_window(f: Filters, field: str) -> Q:
    window = f.window()
    return Q(**{f"{field}__range": window}) if window else Q()


def _training_year(field: str) -> Case:
    """The training year (from August) a date falls in, as its starting calendar year."""
    return Case(
        When(**{f"{field}__month__gte": 8}, then=ExtractYear(field)),
        default=ExtractYear(field) - 1,
        output_field=IntegerField(),
    )


# --- Reach -------------------------------------------------------------------------------------


def reach(user: User, f: Filters) -> list[Table]:
    base = learners(user, f)
    active = Membership.Status.ACTIVE
    by_programme = (
        base.values("programme__region__name", "programme__name")
        .annotate(
            learners=Count("id"),
            ltft=Count("id", filter=Q(wte__lt=1)),
            active=Count("id", filter=Q(status=active)),
            completed=Count("id", filter=Q(status=Membership.Status.COMPLETED)),
            withdrawn=Count("id", filter=Q(status=Membership.Status.WITHDRAWN)),
        )
        .order_by("programme__region__name", "programme__name")
    )
    rows = [{"label": f"{r['programme__name']} ({r['programme__region__name']})", **r} for r in by_programme]
    for r in rows:
        r["ltft_rate"] = _rate(r["ltft"], r["learners"])
    people = [Col("learners", "Learners", PEOPLE), Col("ltft", "Less than full time", PEOPLE)]
    tables = [
        Table(
            "by-programme",
            "Learners by trailblazer and programme",
            "Everyone who has been a member of each programme, by where they are now.",
            [
                Col("label", "Programme (trailblazer)", LABEL),
                *people,
                Col("ltft_rate", "Share LTFT", RATE, base="learners"),
                Col("active", "Active", PEOPLE),
                Col("completed", "Completed", PEOPLE),
                Col("withdrawn", "Withdrew", PEOPLE),
            ],
            rows,
            Chart(["active", "completed", "withdrawn"], stacked=True, y_title="Learners"),
        )
    ]
    for slug, title, key in [
        ("by-profession", "Learners by profession", "person__profession__name"),
        ("by-grade", "Learners by grade", "current_grade"),
    ]:
        qs = base.annotate(current_grade=current_grade_subquery()) if key == "current_grade" else base
        grouped = qs.values(key).annotate(learners=Count("id"), ltft=Count("id", filter=Q(wte__lt=1)))
        tables.append(
            Table(
                slug,
                title,
                "Learners counted once per programme they belong to.",
                [Col("label", title.removeprefix("Learners by ").capitalize(), LABEL), *people],
                [{"label": r[key], **r} for r in grouped.order_by(key)],
                Chart(["learners"], y_title="Learners"),
            )
        )
    tables.append(_starters_and_leavers(base))
    return tables


def _starters_and_leavers(base: QuerySet[Membership]) -> Table:
    years: dict[int, dict[str, Any]] = defaultdict(dict)
    started = base.annotate(ty=_training_year("starts_on")).values("ty").annotate(n=Count("id"))
    for r in started:
        years[r["ty"]]["started"] = r["n"]
    finished = (
        base.filter(status__in=[Membership.Status.COMPLETED, Membership.Status.WITHDRAWN])
        .annotate(ty=_training_year("status_since"))
        .values("ty")
        .annotate(
            completed=Count("id", filter=Q(status=Membership.Status.COMPLETED)),
            withdrawn=Count("id", filter=Q(status=Membership.Status.WITHDRAWN)),
        )
    )
    for r in finished:
        years[r["ty"]].update(completed=r["completed"], withdrawn=r["withdrawn"])
    rows = [
        {
            "label": year_label(y),
            "started": v.get("started", 0),
            **{k: v.get(k, 0) for k in ("completed", "withdrawn")},
        }
        for y, v in sorted(years.items())
    ]
    return Table(
        "over-time",
        "Starters, completions and leavers by training year",
        "Training years run from August to July; a leaver withdrew before completing.",
        [
            Col("label", "Training year", LABEL),
            Col("started", "Started", PEOPLE),
            Col("completed", "Completed", PEOPLE),
            Col("withdrawn", "Withdrew", PEOPLE),
        ],
        rows,
        Chart(["started", "completed", "withdrawn"], kind="line", y_title="Learners"),
    )


# --- Participation -----------------------------------------------------------------------------


def _attendance(user: User, f: Filters) -> QuerySet[Attendance]:
    excused = Q(status__in=[Attendance.Status.EXCUSED, Attendance.Status.NOT_RECORDED]) | Q(
        status=Attendance.Status.APOLOGIES, membership__programme__apologies_excused=True
    )
    return Attendance.objects.filter(
        _in_window(f, "session__starts_at__date"),
        membership__in=learners(user, f).values("pk"),
        session__cancelled=False,
        session__starts_at__lte=timezone.now(),
    ).exclude(excused)


def _attendance_rows(qs: QuerySet[Attendance], key: str) -> list[dict[str, Any]]:
    grouped = (
        qs.values(key)
        .annotate(
            learners=Count("membership", distinct=True),
            expected=Count("id"),
            attended=Count("id", filter=Q(status__in=Attendance.ATTENDED)),
        )
        .order_by(key)
    )
    return [{**r, "rate": _rate(r["attended"], r["expected"])} for r in grouped]


ATTENDANCE_COLUMNS = [
    Col("learners", "Learners expected", PEOPLE),
    Col("expected", "Places expected", COUNT),
    Col("attended", "Places attended", COUNT),
    Col("rate", "Attendance rate", RATE, base="learners"),
]


def participation(user: User, f: Filters) -> list[Table]:
    attendance = _attendance(user, f)
    monthly = _attendance_rows(attendance.annotate(month=TruncMonth("session__starts_at")), "month")
    for r in monthly:
        r["label"] = f"{r['month']:%b %Y}"
    by_programme = _attendance_rows(attendance, "membership__programme__name")
    for r in by_programme:
        r["label"] = r["membership__programme__name"]
    programmes = learners(user, f).values("programme_id")
    sessions = Session.objects.filter(
        _in_window(f, "starts_at__date"),
        programme__in=programmes,
        cancelled=False,
        starts_at__lte=timezone.now(),
    )
    modes = Session.Mode.choices
    held = (
        sessions.annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(held=Count("id"), **{m: Count("id", filter=Q(mode=m)) for m, _ in modes})
        .order_by("month")
    )
    return [
        Table(
            "attendance-by-month",
            "Attendance by month",
            "Registers taken in each month of the learners selected.",
            [Col("label", "Month", LABEL), *ATTENDANCE_COLUMNS],
            monthly,
            Chart(["rate"], kind="line", y_title="Attendance rate (%)"),
        ),
        Table(
            "attendance-by-programme",
            "Attendance by programme",
            "",
            [Col("label", "Programme", LABEL), *ATTENDANCE_COLUMNS],
            by_programme,
            Chart(["rate"], y_title="Attendance rate (%)"),
        ),
        Table(
            "sessions-held",
            "Sessions held by month and mode",
            "Sessions of the selected learners' programmes that took place (cancelled ones left out).",
            [
                Col("label", "Month", LABEL),
                Col("held", "Sessions held"),
                *(Col(m, label) for m, label in modes),
            ],
            [{"label": f"{r['month']:%b %Y}", **r} for r in held],
            Chart([m for m, _ in modes], stacked=True, y_title="Sessions"),
            whole=True,
        ),
    ]


# --- Experience --------------------------------------------------------------------------------

RATINGS = range(1, 6)
FEEDBACK_COLUMNS = [
    Col("people", "Learners who rated", PEOPLE),
    Col("responses", "Ratings", COUNT),
    Col("mean", "Mean rating (1 to 5)", MEAN, base="people"),
    *(Col(f"r{n}", f"Rated {n}", RATE, base="people", about="share of ratings") for n in RATINGS),
]


def _feedback_summary() -> dict[str, Any]:
    """The aggregates of one group of ratings."""
    return {
        "people": Count("membership", distinct=True),
        "responses": Count("id"),
        "mean": Avg("rating"),
        **{f"n{n}": Count("id", filter=Q(rating=n)) for n in RATINGS},
    }


def _with_shares(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, **{f"r{n}": _rate(row[f"n{n}"], row["responses"]) for n in RATINGS}}


def experience(user: User, f: Filters) -> list[Table]:
    feedback = Feedback.objects.filter(
        _in_window(f, "session__starts_at__date"), membership__in=learners(user, f).values("pk")
    )
    summary = _feedback_summary()
    by_topic = feedback.values("session__topic__name").annotate(**summary).order_by("session__topic__name")
    topic_rows = [_with_shares({"label": r["session__topic__name"], **r}) for r in by_topic]
    role_rows = []
    for role in [
        Role.PROGRAMME_LEAD,
        Role.LOCALITY_LEAD,
        Role.FACULTY,
        Role.COMMUNITY_LEAD,
        Role.PARTNER_CONTACT,
    ]:
        led = Session.objects.filter(facilitators__roles__role=role).values("pk")
        row = feedback.filter(session__in=led).aggregate(**summary)
        if row["responses"]:
            role_rows.append(_with_shares({"label": role.label, **row}))
    chart = Chart([f"r{n}" for n in RATINGS], stacked=True, y_title="Share of ratings (%)")
    return [
        Table(
            "feedback-by-topic",
            "Session feedback by topic",
            "Learners' ratings of sessions from 1 (poor) to 5 (excellent), and how they spread.",
            [Col("label", "Topic", LABEL), *FEEDBACK_COLUMNS],
            topic_rows,
            chart,
        ),
        Table(
            "feedback-by-facilitator",
            "Session feedback by facilitator role",
            "A session led by facilitators in two roles counts under both.",
            [Col("label", "Facilitator role", LABEL), *FEEDBACK_COLUMNS],
            role_rows,
            chart,
        ),
    ]


# --- Community placements ----------------------------------------------------------------------


def placements(user: User, f: Filters) -> list[Table]:
    base = learners(user, f)
    blocks = PlacementBlock.objects.filter(_in_window(f, "starts_on"), cohort__in=base.values("cohort_id"))
    offered = dict(
        blocks.values("cohort__programme_id")
        .annotate(places=Coalesce(Sum("opportunities__capacity"), Value(0)))
        .values_list("cohort__programme_id", "places")
    )
    placed = Placement.objects.filter(block__in=blocks, membership__in=base.values("pk"))
    filled = {
        r["membership__programme_id"]: r
        for r in placed.values("membership__programme_id").annotate(
            filled=Count("id"), **{f"rank{n}": Count("id", filter=Q(rank=n)) for n in (1, 2, 3)}
        )
    }
    unplaced = dict(
        PreferenceSet.objects.filter(block__in=blocks, membership__in=base.values("pk"))
        .filter(~Exists(Placement.objects.filter(block=OuterRef("block"), membership=OuterRef("membership"))))
        .values("membership__programme_id")
        .annotate(n=Count("id"))
        .values_list("membership__programme_id", "n")
    )
    clinics = dict(
        ClinicEntry.objects.filter(placement__in=placed, status=ClinicEntry.Status.CONFIRMED)
        .values("placement__membership__programme_id")
        .annotate(n=Count("id"))
        .values_list("placement__membership__programme_id", "n")
    )
    names = dict(Programme.objects.filter(pk__in=set(offered) | set(filled)).values_list("pk", "name"))
    rows = []
    for pk, name in sorted(names.items(), key=lambda kv: kv[1]):
        got = filled.get(pk, {})
        n = got.get("filled", 0)
        row = {"label": name, "offered": offered.get(pk, 0), "filled": n, "unplaced": unplaced.get(pk, 0)}
        row.update({f"share{k}": _rate(got.get(f"rank{k}", 0), n) for k in (1, 2, 3)})
        rows.append({**row, "clinics": clinics.get(pk, 0)})
    return [
        Table(
            "community-placements",
            "Community placements by programme",
            "Places offered in placement blocks, learners placed, at which of their choices, "
            "learners who gave preferences but were not placed, and clinics confirmed by community leads.",
            [
                Col("label", "Programme", LABEL),
                Col("offered", "Places offered"),
                Col("filled", "Learners placed", PEOPLE),
                Col("share1", "Placed at 1st choice", RATE, base="filled"),
                Col("share2", "Placed at 2nd choice", RATE, base="filled"),
                Col("share3", "Placed at 3rd choice", RATE, base="filled"),
                Col("unplaced", "Not placed", PEOPLE),
                Col("clinics", "Clinics confirmed"),
            ],
            rows,
            Chart(["offered", "filled", "unplaced"], y_title="Places and learners"),
        )
    ]


# --- Immersive experience and projects ---------------------------------------------------------


def projects(user: User, f: Filters) -> list[Table]:
    base = learners(user, f).values("pk")
    pairings = Pairing.objects.filter(membership__in=base)
    paired = pairings.values("membership__programme__name").annotate(
        partners=Count("partner", distinct=True), learners=Count("membership", distinct=True)
    )
    pairing_rows = [
        {"label": r["membership__programme__name"], **r}
        for r in paired.order_by("membership__programme__name")
    ]
    stages = Project.Stage.choices
    projects = Project.objects.filter(lead__in=base)
    by_stage = (
        projects.values("lead__programme__name")
        .annotate(total=Count("id"), **{s: Count("id", filter=Q(stage=s)) for s, _ in stages})
        .order_by("lead__programme__name")
    )
    today = timezone.localdate()
    milestones = (
        Milestone.objects.filter(_in_window(f, "due_on"), project__in=projects, due_on__lte=today)
        .values("project__lead__programme__name")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(completed_on__lte=F("due_on"))),
            late=Count("id", filter=Q(completed_on__gt=F("due_on"))),
            overdue=Count("id", filter=Q(completed_on__isnull=True)),
        )
        .order_by("project__lead__programme__name")
    )
    outputs = (
        Output.objects.filter(_in_window(f, "date"), project__in=projects)
        .values("kind")
        .annotate(total=Count("id"), **{s: Count("id", filter=Q(status=s)) for s, _ in Output.Status.choices})
    )
    kinds = dict(Output.Kind.choices)
    return [
        Table(
            "pairing",
            "Partners engaged and learners paired",
            "Partner organisations with at least one learner paired, and the learners paired with them.",
            [
                Col("label", "Programme", LABEL),
                Col("partners", "Partners engaged"),
                Col("learners", "Learners paired", PEOPLE),
            ],
            pairing_rows,
            Chart(["partners", "learners"]),
        ),
        Table(
            "projects-by-stage",
            "Projects by stage",
            "Each project counted once, under its lead learner's programme.",
            [
                Col("label", "Programme", LABEL),
                Col("total", "Projects"),
                *(Col(s, label) for s, label in stages),
            ],
            [{"label": r["lead__programme__name"], **r} for r in by_stage],
            Chart([s for s, _ in stages], stacked=True, y_title="Projects"),
        ),
        Table(
            "milestones",
            "Project milestones due so far",
            "On time: completed on or before the due date; overdue: due and not yet completed.",
            [
                Col("label", "Programme", LABEL),
                Col("due", "Due"),
                Col("on_time", "On time"),
                Col("late", "Completed late"),
                Col("overdue", "Overdue"),
                Col("on_time_rate", "Share on time", RATE),
            ],
            [
                {
                    "label": r["project__lead__programme__name"],
                    "on_time_rate": _rate(r["on_time"], r["due"]),
                    **r,
                }
                for r in milestones
            ],
            Chart(["on_time", "late", "overdue"], stacked=True, y_title="Milestones"),
        ),
        Table(
            "outputs",
            "Outputs by kind",
            "Abstracts, posters, talks, publications, reports and service changes, by how far they got.",
            [
                Col("label", "Kind", LABEL),
                Col("total", "Outputs"),
                *(Col(s, label) for s, label in Output.Status.choices),
            ],
            [{"label": kinds.get(r["kind"], r["kind"]), **r} for r in outputs.order_by("kind")],
            Chart([s for s, _ in Output.Status.choices], stacked=True, y_title="Outputs"),
            whole=True,
        ),
    ]


# --- Curriculum coverage -----------------------------------------------------------------------


def _coverage(
    user: User, f: Filters, link: str, names: list[tuple[int, str]], slug: str, title: str
) -> Table:
    base = learners(user, f)
    sizes = base.values("cohort_id", "cohort__name", "programme__name").annotate(n=Count("id"))
    attended = (
        Attendance.objects.filter(
            _in_window(f, "session__starts_at__date"),
            membership__in=base.values("pk"),
            status__in=Attendance.ATTENDED,
            **{f"session__{link}__isnull": False},
        )
        .values("membership__cohort_id", f"session__{link}__number")
        .annotate(n=Count("membership", distinct=True))
    )
    reached = {(r["membership__cohort_id"], r[f"session__{link}__number"]): r["n"] for r in attended}
    rows = []
    for c in sizes.order_by("programme__name", "cohort__name"):
        row: dict[str, Any] = {"label": f"{c['cohort__name']} ({c['programme__name']})", "learners": c["n"]}
        row.update({f"d{num}": _rate(reached.get((c["cohort_id"], num), 0), c["n"]) for num, _ in names})
        rows.append(row)
    return Table(
        slug,
        title,
        "The share of each cohort's learners who attended at least one session mapped to each.",
        [
            Col("label", "Cohort", LABEL),
            Col("learners", "Learners", PEOPLE),
            *(Col(f"d{num}", name, RATE, base="learners") for num, name in names),
        ],
        rows,
        Chart([f"d{num}" for num, _ in names], y_title="Learners reached (%)"),
    )


def curriculum(user: User, f: Filters) -> list[Table]:
    domains = list(Domain.objects.values_list("number", "name").distinct().order_by("number"))
    themes = list(Theme.objects.values_list("number", "name").distinct().order_by("number"))
    return [
        _coverage(user, f, "domains", _first_names(domains), "domain-coverage", "Domain coverage by cohort"),
        _coverage(user, f, "themes", _first_names(themes), "theme-coverage", "Theme coverage by cohort"),
    ]


def _first_names(pairs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """One name per number (frameworks may name the same domain differently)."""
    seen: dict[int, str] = {}
    for number, name in pairs:
        seen.setdefault(number, name)
    return sorted(seen.items())


# --- The registry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureInfo:
    slug: str
    title: str
    about: str
    build: Measure


MEASURES: dict[str, MeasureInfo] = {
    m.slug: m
    for m in [
        MeasureInfo(
            "reach", "Reach", "Who the programme reached: learners, starters, completions, leavers.", reach
        ),
        MeasureInfo(
            "participation",
            "Participation",
            "Attendance by month and programme; sessions held.",
            participation,
        ),
        MeasureInfo(
            "experience",
            "Experience",
            "What learners thought of sessions, by topic and facilitator.",
            experience,
        ),
        MeasureInfo(
            "placements",
            "Community placements",
            "Places offered and filled, choices met, clinics.",
            placements,
        ),
        MeasureInfo(
            "projects",
            "Immersive projects",
            "Partners, pairing, project stages, milestones and outputs.",
            projects,
        ),
        MeasureInfo(
            "curriculum", "Curriculum coverage", "Domains and themes reached by each cohort.", curriculum
        ),
        MeasureInfo(
            "confidence",
            "Confidence",
            "Self-rated confidence at each survey, and change from entry.",
            confidence.tables,
        ),
    ]
}
