"""Travel claims: dated mileage rates, journeys with costs and receipts, monthly claims with
an approval workflow, and export batches for the employing Trust's payroll."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from enhance.placements.models import Placement
from enhance.programmes.models import Membership, Organisation


class Vehicle(models.TextChoices):
    CAR = "car", "Car"
    MOTORCYCLE = "motorcycle", "Motorcycle"
    BICYCLE = "bicycle", "Bicycle"
    PASSENGER = "passenger", "Passenger supplement (per passenger)"
    RESERVE = "reserve", "Reserve rate (public-transport equivalent)"


class MileageRate(models.Model):
    """Pence per mile for one vehicle type from a date. Cars have a lower rate after the
    annual threshold of miles."""

    vehicle = models.CharField(max_length=20, choices=Vehicle.choices)
    effective_from = models.DateField()
    pence_per_mile = models.DecimalField(max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    threshold_miles = models.PositiveIntegerField(
        null=True, blank=True, help_text="Miles a year at the first rate."
    )
    pence_after_threshold = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["vehicle", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle", "effective_from"], name="one_rate_per_vehicle_and_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_vehicle_display()} from {self.effective_from:%d %b %Y}: {self.pence_per_mile}p"


class Mode(models.TextChoices):
    CAR = "car", "Own car"
    MOTORCYCLE = "motorcycle", "Own motorcycle"
    BICYCLE = "bicycle", "Bicycle"
    PUBLIC = "public", "Public transport (fares below)"


class Purpose(models.TextChoices):
    PLACEMENT = "placement", "Community placement"
    SESSION = "session", "Teaching session"
    IMMERSIVE = "immersive", "Immersive day"
    PROJECT = "project", "Project meeting"
    OTHER = "other", "Other programme activity"


class Claim(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved"
        EXPORTED = "exported", "Sent to the Trust"
        PAID = "paid", "Paid"

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="claims")
    month = models.DateField(help_text="The first day of the month claimed for.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    chased_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        "ExportBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    paid_on = models.DateField(null=True, blank=True)
    total_pence = models.PositiveIntegerField(default=0, help_text="Fixed when approved.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "month"], name="one_claim_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.person} {self.month:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("expenses:claim_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"ENH-{self.pk:06d}"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def awaiting_decision(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def returned(self) -> bool:
        return self.status == self.Status.RETURNED

    @property
    def provisional(self) -> bool:
        """Until approved, its total may still change."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED, self.Status.SUBMITTED)


class Journey(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="journeys")
    date = models.DateField()
    origin = models.CharField("from", max_length=200)
    destination = models.CharField("to", max_length=200)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    placement = models.ForeignKey(
        Placement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journeys",
        help_text="The placement this journey was for, if any.",
    )
    description = models.CharField(max_length=200, blank=True)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    miles = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
    )
    passengers = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(8)])
    # Fixed when the claim is approved: the pence paid for the miles and how they were worked out.
    mileage_pence = models.PositiveIntegerField(null=True, blank=True)
    rate_note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date:%d %b}: {self.origin} to {self.destination}"


class Cost(models.Model):
    class Kind(models.TextChoices):
        FARE = "fare", "Fare"
        PARKING = "parking", "Parking"
        TOLL = "toll", "Toll"

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="costs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    pence = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100_000)])
    receipt = models.FileField(upload_to="receipts/%Y/%m/")
    receipt_type = models.CharField(max_length=40)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} £{self.pence / 100:.2f}"


class ExportBatch(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="expense_batches")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    total_pence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "export batches"

    def __str__(self) -> str:
        return f"Batch {self.pk} for {self.organisation}"
