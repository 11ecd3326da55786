"""Partner organisations for the immersive experience, and pairing learners with them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from enhance.programmes.models import Cohort, Membership, Organisation


class Population(models.Model):
    """Reference data: the groups partners work with."""

    name = models.CharField(max_length=200, unique=True)

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
