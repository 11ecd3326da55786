"""Partner organisations for the immersive experience, and pairing learners with them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from enhance.core.models import RecordedChange
from enhance.programmes.models import Cohort, Membership, Organisation


class Population(models.Model):
    """Reference data: the groups partners work with."""

    name = models.CharField(max_length=200, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """A voluntary or community organisation that hosts immersive experiences."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="partner")
    populations = models.ManyToManyField(Population, blank=True)
    summary = models.TextField("what they do", blank=True)
    location = models.CharField(max_length=300, blank=True)
    travel_notes = models.TextField(blank=True)
    learners_per_year = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(100)])
    safeguarding_notes = models.TextField(blank=True)
    induction_notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords(m2m_fields=[populations])

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name


class PairingRound(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open for rankings"
        CONFIRMED = "confirmed", "Pairs confirmed"

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="pairing_rounds")
    name = models.CharField(max_length=200)
    partners = models.ManyToManyField(Partner, related_name="rounds")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:round", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class PartnerChoice(models.Model):
    round = models.ForeignKey(PairingRound, on_delete=models.CASCADE, related_name="choices")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["round", "membership", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "membership", "partner"], name="partner_once_per_learner"
            ),
            models.UniqueConstraint(fields=["round", "membership", "rank"], name="one_partner_per_rank"),
        ]


class Interest(models.Model):
    round = models.ForeignKey(PairingRound, on_delete=models.CASCADE, related_name="interests")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "membership"], name="one_interest_per_round")]


class Pairing(models.Model):
    round = models.ForeignKey(PairingRound, on_delete=models.CASCADE, related_name="pairings")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="pairings")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="pairings")
    rank = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The learner's rank; empty if set by hand."
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "membership"], name="one_pairing_per_round")]

    def __str__(self) -> str:
        return f"{self.membership.person} with {self.partner}"


class PairingChange(RecordedChange):
    """A lead's change to a pair after the round was confirmed, with the reason."""

    round = models.ForeignKey(PairingRound, on_delete=models.CASCADE, related_name="changes")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    from_partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_partner = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return (
            f"{self.membership.person}: {self.from_partner or 'unpaired'} to {self.to_partner or 'unpaired'}"
        )


class MilestoneTemplate(models.Model):
    """A milestone every project of a programme has, due a number of months into a training
    year (for full-time learners; LTFT learners' dates stretch pro rata)."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="milestone_templates"
    )
    name = models.CharField(max_length=200)
    training_year = models.PositiveSmallIntegerField()
    months_into_year = models.PositiveSmallIntegerField(validators=[MaxValueValidator(12)])
    completed_by_output = models.CharField(
        max_length=20,
        blank=True,
        help_text="An output of this kind, once submitted, completes the milestone.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "training_year", "months_into_year"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    class Stage(models.TextChoices):
        IMMERSION = "immersion", "Immersion"
        SCOPING = "scoping", "Scoping"
        RECOMMENDATION = "recommendation", "Recommendation"
        IMPLEMENTATION = "implementation", "Implementation"
        EVALUATION = "evaluation", "Evaluation"
        DISSEMINATION = "dissemination", "Dissemination"
        CLOSED = "closed", "Closed"

    lead = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="led_projects")
    co_learners = models.ManyToManyField(Membership, blank=True, related_name="joined_projects")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="projects")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_projects",
    )
    proposed_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Proposed by the learner, waiting for a lead to confirm.",
    )
    title = models.CharField(max_length=200)
    area = models.CharField("area of interest", max_length=300, blank=True)
    problem = models.TextField("problem statement", blank=True)
    recommendation = models.TextField(blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IMMERSION)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project", args=[self.pk])


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completed_by_output = models.CharField(max_length=20, blank=True)
    reminded_soon = models.BooleanField(default=False)
    reminded_overdue = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            # Open milestones past or near their date (the board's overdue counts, reminders).
            models.Index(
                fields=["due_on"], name="milestone_open_due", condition=models.Q(completed_on__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """A supervision meeting about a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    notes = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "-pk"]


class Output(models.Model):
    class Kind(models.TextChoices):
        ABSTRACT = "abstract", "Conference abstract"
        POSTER = "poster", "Poster"
        ORAL = "oral", "Oral presentation"
        PUBLICATION = "publication", "Publication"
        REPORT = "report", "Report to the partner"
        CHANGE = "change", "Service change"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        PRESENTED = "presented", "Presented"
        PUBLISHED = "published", "Published"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    venue = models.CharField("venue or journal", max_length=300, blank=True)
    date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PubMed ID", max_length=12, blank=True)
    evidence = models.FileField("evidence file", upload_to="outputs/%Y/%m/", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title


class ImmersiveDay(models.Model):
    """A planned day with the partner; the partner contact confirms the learner came."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    observations = models.TextField("what I observed", blank=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [models.UniqueConstraint(fields=["pairing", "date"], name="one_immersive_day_per_date")]

    def __str__(self) -> str:
        return f"{self.pairing} on {self.date}"
