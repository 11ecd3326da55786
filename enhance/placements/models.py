"""Community placements: opportunities offered by community providers, placement blocks with
ranked preferences, allocation runs (kept and reproducible), placements and the clinic log."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from enhance.core.models import RecordedChange
from enhance.programmes.models import Cohort, Membership, Organisation, Site


class OpportunityType(models.Model):
    """Reference data: diabetic clinic, heart failure, frailty, home visiting, ..."""

    name = models.CharField(max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Opportunity(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="opportunities")
    type = models.ForeignKey(OpportunityType, on_delete=models.PROTECT, related_name="opportunities")
    title = models.CharField(max_length=200)
    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True)
    description = models.TextField(blank=True)
    days_and_sessions = models.CharField(
        max_length=200, blank=True, help_text="For example: Tuesday and Thursday mornings."
    )
    capacity = models.PositiveSmallIntegerField(
        "places per block", validators=[MaxValueValidator(200)], help_text="How many learners in one block."
    )
    requires_driver = models.BooleanField(
        "needs a driver", default=False, help_text="Otherwise it must be reachable by public transport."
    )
    domains = models.ManyToManyField("curriculum.Domain", blank=True, related_name="opportunities")
    community_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(default=True)
    history = HistoricalRecords(m2m_fields=[domains])

    class Meta:
        ordering = ["organisation__name", "title"]
        verbose_name_plural = "opportunities"

    def __str__(self) -> str:
        return self.title


def _new_seed() -> int:
    return secrets.randbelow(2**31)


class PlacementBlock(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open for preferences"
        PUBLISHED = "published", "Placements published"

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="placement_blocks")
    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    preferences_close_at = models.DateTimeField("preferences close at")
    closing_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    choices = models.PositiveSmallIntegerField(
        "choices to rank", default=5, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    opportunities = models.ManyToManyField(Opportunity, related_name="blocks")
    # Ties between learners (stable mode, and the order of equal choices) are broken by a
    # random order fixed per block, so every run of the block is reproducible.
    seed = models.PositiveIntegerField(default=_new_seed, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="block_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("placements:block_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """Still taking changes (not yet published)."""
        return self.status == self.Status.OPEN

    def accepts_preferences(self, now: dt.datetime) -> bool:
        return self.is_open and now <= self.preferences_close_at


class PreferenceSet(models.Model):
    """A learner's ranking for a block, with their interests and learning needs."""

    block = models.ForeignKey(PlacementBlock, on_delete=models.CASCADE, related_name="preference_sets")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="preference_sets")
    interests = models.TextField(blank=True)
    learning_needs = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["block", "membership"], name="one_preference_set_per_block"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.person} for {self.block}"


class Preference(models.Model):
    preference_set = models.ForeignKey(PreferenceSet, on_delete=models.CASCADE, related_name="choices")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["preference_set", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["preference_set", "rank"], name="one_choice_per_rank"),
            models.UniqueConstraint(fields=["preference_set", "opportunity"], name="each_opportunity_once"),
        ]


class Constraint(models.Model):
    """A lead's pin (must get) or forbid (must not get) for one learner in a block."""

    class Kind(models.TextChoices):
        PIN = "pin", "Pinned"
        FORBID = "forbid", "Forbidden"

    block = models.ForeignKey(PlacementBlock, on_delete=models.CASCADE, related_name="constraints")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["block", "membership", "opportunity"], name="one_constraint_per_pair"
            ),
        ]


class AllocationRun(models.Model):
    class Mode(models.TextChoices):
        BALANCED = "balanced", "Balanced: most placed, then fewest low choices (sum of squared ranks)"
        FAIR = "fair", "Fair: most placed, then fewest at the worst rank, then the next worst"
        STABLE = "stable", "Stable: no learner and opportunity would both rather swap (deferred acceptance)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    block = models.ForeignKey(PlacementBlock, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField()
    mode = models.CharField(max_length=20, choices=Mode.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    instance = models.JSONField(help_text="The solver input exactly as run.")
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Publishing runs in the background: asked for by whom and when, and why it stopped if it did.
    publish_requested_at = models.DateTimeField(null=True, blank=True)
    publish_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    publish_error = models.TextField(blank=True)

    class Meta:
        ordering = ["block", "-number"]
        constraints = [models.UniqueConstraint(fields=["block", "number"], name="run_number_unique")]

    def __str__(self) -> str:
        return f"Run {self.number} ({self.mode})"

    def get_absolute_url(self) -> str:
        return reverse("placements:run_detail", args=[self.pk])

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def publishing(self) -> bool:
        return bool(self.publish_requested_at and not self.published_at and not self.publish_error)


class Placement(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="placements")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="placements")
    block = models.ForeignKey(PlacementBlock, on_delete=models.PROTECT, related_name="placements")
    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="placements")
    rank = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The learner's rank for it; empty when a lead placed them elsewhere."
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["block", "membership"], name="one_placement_per_block"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.person} at {self.opportunity}"

    def get_absolute_url(self) -> str:
        return reverse("placements:placement_detail", args=[self.pk])


class PlacementChange(RecordedChange):
    """A lead's change to a block's placements after publication. The published run keeps its
    result; these are listed beside it."""

    class Kind(models.TextChoices):
        PLACED = "placed", "Placed"
        MOVED = "moved", "Moved"
        SWAPPED = "swapped", "Swapped"
        WITHDRAWN = "withdrawn", "Withdrawn"

    block = models.ForeignKey(PlacementBlock, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Swapped with.",
    )
    from_opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.membership.person}"


class ClinicEntry(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        QUERIED = "queried", "Queried"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="clinics")
    date = models.DateField()
    clinic_type = models.ForeignKey(OpportunityType, on_delete=models.PROTECT, related_name="+")
    site = models.CharField(max_length=200)
    supervisor = models.CharField("supervising clinician", max_length=200)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    query = models.TextField("question from the community lead", blank=True)
    answer = models.TextField("the learner's answer", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "clinic entries"
        indexes = [
            models.Index(fields=["-date", "-id"], name="clinic_entry_latest"),
            # The queue of clinics waiting for a community lead, oldest first (a tenth of all).
            models.Index(fields=["date", "id"], name="clinic_entry_waiting", condition=Q(status="submitted")),
        ]

    def __str__(self) -> str:
        return f"{self.clinic_type} on {self.date}"

    @property
    def confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def queried(self) -> bool:
        return self.status == self.Status.QUERIED
