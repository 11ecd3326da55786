"""The reference data people keep in the app, each kind with who may keep which rows.

One table instead of one page per model: each kind names its model, the fields of its form,
the columns its list shows (and sorts by), the rows a person may change, and the choices a
person may pick for each of its links (a regional lead's programmes are in their region)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet

from enhance.accounts.models import User
from enhance.curriculum.models import Domain, Framework, Outcome, Theme
from enhance.evaluation.models import SurveyItem
from enhance.placements.models import OpportunityType
from enhance.programmes.access import programmes_run_by, scope_for
from enhance.programmes.models import (
    Grade,
    Organisation,
    Profession,
    Programme,
    Region,
    RegistrationBody,
    Site,
)
from enhance.projects.models import MilestoneTemplate, Population
from enhance.teaching.models import Topic

Rows = Callable[[User], QuerySet[Any]]


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[Model]
    title: str
    fields: list[str]
    columns: list[tuple[str, str]]
    rows: Rows
    about: str
    search: list[str] = field(default_factory=list)
    choices: dict[str, Rows] = field(default_factory=dict)
    select: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)  # optional on the model, required here

    @property
    def singular(self) -> str:
        return str(self.model._meta.verbose_name)

    def may_keep(self, user: User) -> bool:
        """Whether the person keeps any rows of this kind (adds or changes them)."""
        return _keeps(user, self)


def _admin(user: User) -> bool:
    return scope_for(user).admin


def _national(model: type[Model]) -> Rows:
    """National reference data: national admins only."""
    return lambda user: model._default_manager.all() if _admin(user) else model._default_manager.none()


def _shared(model: type[Model]) -> Rows:
    """Shared lists (topics, opportunity types, populations): anyone who runs a programme."""

    def rows(user: User) -> QuerySet[Any]:
        keeps = _admin(user) or programmes_run_by(user).exists()
        return model._default_manager.all() if keeps else model._default_manager.none()

    return rows


def _regions(user: User) -> QuerySet[Region]:
    scope = scope_for(user)
    return Region.objects.all() if scope.admin else Region.objects.filter(pk__in=scope.regions)


def _programmes(user: User) -> QuerySet[Programme]:
    return Programme.objects.filter(region__in=_regions(user))


def _organisations(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(region__in=_regions(user))


def _venue_organisations(user: User) -> QuerySet[Organisation]:
    """Where a person may add venues: national admins anywhere; the leads who run a programme,
    organisations of its region; community leads, their own organisations."""
    scope = scope_for(user)
    if scope.admin:
        return Organisation.objects.all()
    regions = programmes_run_by(user).values("region")
    return Organisation.objects.filter(Q(region__in=regions) | Q(pk__in=scope.community_orgs))


def _sites(user: User) -> QuerySet[Site]:
    return Site.objects.filter(organisation__in=_venue_organisations(user))


def _milestone_templates(user: User) -> QuerySet[MilestoneTemplate]:
    return MilestoneTemplate.objects.filter(programme__in=programmes_run_by(user))


def _national_questions(user: User) -> QuerySet[SurveyItem]:
    return SurveyItem.objects.filter(programme__isnull=True) if _admin(user) else SurveyItem.objects.none()


def _programme_questions(user: User) -> QuerySet[SurveyItem]:
    return SurveyItem.objects.filter(programme__in=programmes_run_by(user))


QUESTION = ["text", "answer", "domain", "theme", "low_label", "high_label", "order", "active"]
QUESTION_COLUMNS = [("order", "Order"), ("text", "Question"), ("answer", "Answered with")]


def _keeps(user: User, kind: Kind) -> bool:
    if kind.rows(user).query.is_empty():
        return False
    return all(rows(user).exists() for rows in kind.choices.values())


NAME = [("name", "Name")]

KINDS: dict[str, Kind] = {
    k.slug: k
    for k in [
        Kind(
            "programmes",
            Programme,
            "Programmes",
            ["region", "name", "pathway", "length_years", "framework", "description"],
            [("name", "Name"), ("region__name", "Region"), ("pathway", "Pathway")],
            _programmes,
            "Each regional trailblazer's programmes. After adding one, appoint its programme lead on its "
            "staff page.",
            search=["name"],
            choices={"region": _regions, "framework": lambda user: Framework.objects.all()},
            select=["region"],
        ),
        Kind(
            "regions",
            Region,
            "Regions",
            ["code", "name"],
            [("name", "Name"), ("code", "Code")],
            _national(Region),
            "The regional trailblazers. Add one, then its programmes and its regional lead.",
            search=["name", "code"],
        ),
        Kind(
            "organisations",
            Organisation,
            "Organisations",
            ["name", "kind", "region", "ods_code", "active"],
            [("name", "Name"), ("kind", "Kind"), ("region__name", "Region")],
            _organisations,
            "Employing Trusts, community providers and voluntary partners. Add their venues under Venues.",
            search=["name", "ods_code"],
            choices={"region": _regions},
            select=["region"],
        ),
        Kind(
            "venues",
            Site,
            "Venues",
            ["organisation", "name", "address", "postcode", "public_transport"],
            [("name", "Name"), ("organisation__name", "Organisation"), ("postcode", "Postcode")],
            _sites,
            "Where teaching sessions and placements happen, each belonging to an organisation.",
            search=["name", "postcode", "organisation__name"],
            choices={"organisation": _venue_organisations},
            select=["organisation"],
        ),
        Kind(
            "professions",
            Profession,
            "Professions",
            ["name"],
            NAME,
            _national(Profession),
            "The professions of learners, used in imports and every learner filter.",
            search=["name"],
        ),
        Kind(
            "registration-bodies",
            RegistrationBody,
            "Registration bodies",
            ["code", "name", "number_pattern", "number_example"],
            [("code", "Code"), ("name", "Name")],
            _national(RegistrationBody),
            "Regulators and the shape of their numbers: imports check each learner's number against it.",
            search=["code", "name"],
        ),
        Kind(
            "grades",
            Grade,
            "Grades",
            ["code", "name", "order"],
            [("order", "Order"), ("code", "Code"), ("name", "Name")],
            _national(Grade),
            "Training grades and levels (IMY1, F2, Band 6), in their order of seniority.",
            search=["code", "name"],
        ),
        Kind(
            "frameworks",
            Framework,
            "Curriculum frameworks",
            ["name", "description"],
            NAME,
            _national(Framework),
            "A curriculum framework with its domains, themes and outcomes; programmes follow one.",
            search=["name"],
        ),
        Kind(
            "domains",
            Domain,
            "Curriculum domains",
            ["framework", "number", "name"],
            [("framework__name", "Framework"), ("number", "Number"), ("name", "Name")],
            _national(Domain),
            "The domains of a framework; reflections and sessions map to them.",
            search=["name"],
            choices={"framework": lambda user: Framework.objects.all()},
            select=["framework"],
        ),
        Kind(
            "themes",
            Theme,
            "Curriculum themes",
            ["framework", "number", "name"],
            [("framework__name", "Framework"), ("number", "Number"), ("name", "Name")],
            _national(Theme),
            "The themes of a framework.",
            search=["name"],
            choices={"framework": lambda user: Framework.objects.all()},
            select=["framework"],
        ),
        Kind(
            "outcomes",
            Outcome,
            "Curriculum outcomes",
            ["domain", "text", "order"],
            [("domain__name", "Domain"), ("order", "Order"), ("text", "Outcome")],
            _national(Outcome),
            "What a learner can do, under each domain.",
            search=["text"],
            choices={"domain": lambda user: Domain.objects.select_related("framework")},
            select=["domain"],
        ),
        Kind(
            "topics",
            Topic,
            "Teaching topics",
            ["name"],
            NAME,
            _shared(Topic),
            "Topics of teaching sessions (public health, human factors); session feedback is counted by "
            "topic.",
            search=["name"],
        ),
        Kind(
            "opportunity-types",
            OpportunityType,
            "Opportunity types",
            ["name"],
            NAME,
            _shared(OpportunityType),
            "Kinds of community placement and clinic (frailty, heart failure, home visiting).",
            search=["name"],
        ),
        Kind(
            "populations",
            Population,
            "Populations",
            ["name"],
            NAME,
            _shared(Population),
            "The groups partners work with, for the immersive experience.",
            search=["name"],
        ),
        Kind(
            "milestone-templates",
            MilestoneTemplate,
            "Project milestones",
            ["programme", "name", "training_year", "months_into_year", "completed_by_output"],
            [("programme__name", "Programme"), ("training_year", "Year"), ("name", "Name")],
            _milestone_templates,
            "Milestones every project of a programme has (abstract in year 2, publication in year 3).",
            search=["name"],
            choices={"programme": programmes_run_by},
            select=["programme"],
        ),
        Kind(
            "survey-questions",
            SurveyItem,
            "Confidence survey questions",
            QUESTION,
            QUESTION_COLUMNS,
            _national_questions,
            "The national questionnaire every learner answers at entry, at the end of each training year "
            "and at exit. Mark a question inactive rather than reword it, so answers stay comparable.",
            search=["text"],
        ),
        Kind(
            "programme-survey-questions",
            SurveyItem,
            "Programme survey questions",
            ["programme", *QUESTION],
            [("programme__name", "Programme"), *QUESTION_COLUMNS],
            _programme_questions,
            "Questions a programme adds after the national ones in its learners' confidence surveys.",
            search=["text"],
            choices={"programme": programmes_run_by},
            select=["programme"],
            required=["programme"],
        ),
    ]
}
