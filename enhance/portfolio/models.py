"""Reflections mapped to the curriculum, shared with a supervisor or the programme."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from enhance.core.models import BuildStatus, BuiltInBackground
from enhance.placements.models import Placement
from enhance.programmes.models import Membership, Person
from enhance.teaching.models import Session


class Reflection(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private: only me"
        SUPERVISOR = "supervisor", "Shared with my supervisor"
        PROGRAMME = "programme", "Shared with my supervisor and programme team"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reflections")
    title = models.CharField(max_length=200)
    happened = models.TextField("what happened")
    meaning = models.TextField("what it meant", blank=True)
    next_steps = models.TextField("what next", blank=True)
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    placement = models.ForeignKey(
        Placement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    clinic = models.ForeignKey(
        "placements.ClinicEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    domains = models.ManyToManyField("curriculum.Domain", blank=True)
    themes = models.ManyToManyField("curriculum.Theme", blank=True)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.PRIVATE)
    draft = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[domains, themes])

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portfolio:reflection_detail", args=[self.pk])


class Comment(models.Model):
    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.reflection}"


class AssessmentType(models.Model):
    """Reference data: OPCAT, mini-CEX, CbD, ... Extra fields are a list of
    {"name", "label", "choices" (optional)} the learner fills in when recording the encounter."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    extra_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Assessment(models.Model):
    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", "Waiting for the supervisor to approve the assessor"
        REQUESTED = "requested", "Waiting for the assessor"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Setting(models.TextChoices):
        COMMUNITY = "community", "Community"
        HOSPITAL = "hospital", "Hospital"

    class Judgement(models.TextChoices):
        BELOW = "below", "Below the level expected"
        MEETS = "meets", "Meets the level expected"
        ABOVE = "above", "Above the level expected"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assessments")
    type = models.ForeignKey(AssessmentType, on_delete=models.PROTECT)
    setting = models.CharField(max_length=20, choices=Setting.choices)
    date = models.DateField("date of the encounter")
    encounter = models.TextField("what the assessor saw")
    details = models.JSONField(default=dict, blank=True)
    assessor_email = models.EmailField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    link_nonce = models.CharField(max_length=32, blank=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    judgement = models.CharField(max_length=20, choices=Judgement.choices, blank=True)
    feedback = models.TextField(blank=True)
    assessor_name = models.CharField(max_length=200, blank=True)
    assessor_role = models.CharField(max_length=200, blank=True)
    assessor_registration = models.CharField(max_length=40, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    chased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.type} for {self.person} on {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:assessment_detail", args=[self.pk])

    @property
    def completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def awaiting_assessor(self) -> bool:
        return self.status == self.Status.REQUESTED

    @property
    def awaiting_approval(self) -> bool:
        return self.status == self.Status.AWAITING_APPROVAL


class RequirementSet(models.Model):
    """What a programme asks of a learner in one training year, for their ARCP."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="requirement_sets"
    )
    training_year = models.PositiveSmallIntegerField(
        help_text="1 for the first year of the programme, and so on."
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["programme", "training_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "training_year"], name="one_requirement_set_per_year"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:requirement_set", args=[self.pk])


class Rule(models.Model):
    """One requirement. Its kind is one of the evidence kinds the areas register
    (enhance.core.evidence), so a new area can add kinds without a change here."""

    requirement_set = models.ForeignKey(RequirementSet, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=30)
    target = models.PositiveSmallIntegerField(
        default=1, help_text="For a full-time learner; scaled pro rata for LTFT."
    )
    assessment_type = models.ForeignKey(AssessmentType, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["requirement_set", "pk"]

    def __str__(self) -> str:
        return f"{self.label}: {self.target}"

    @property
    def label(self) -> str:
        from enhance.core.evidence import get_rule_kind

        kind = get_rule_kind(self.kind)
        return kind.label if kind else self.kind


class Readiness(models.Model):
    """Where a learner stands against their training year's requirements, kept in the database
    so the readiness list sorts and filters across every learner. Marked stale when evidence
    changes, recomputed before the list is read and each night."""

    RANK = {"red": 0, "amber": 1, "green": 2, "none": 3}

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, primary_key=True, related_name="readiness"
    )
    rag = models.CharField(max_length=5)
    rank = models.PositiveSmallIntegerField(help_text="0 red, 1 amber, 2 green, 3 no requirements.")
    met = models.PositiveSmallIntegerField(default=0)
    rules = models.PositiveSmallIntegerField(default=0)
    year = models.PositiveSmallIntegerField(default=1)
    stale = models.BooleanField(default=False)
    computed_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["rank", "membership"])]
        verbose_name_plural = "readiness"

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.rag}"


class EvidencePack(BuiltInBackground, models.Model):
    """A learner's evidence for a date range: a PDF with the same data as CSV and JSON, in one
    zip, built in the background."""

    Status = BuildStatus

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="evidence_packs")
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Evidence pack {self.starts_on} to {self.ends_on}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:evidence_pack", args=[self.pk])
