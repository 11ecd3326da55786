from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms

from enhance.core.forms import DateInput, choice_field
from enhance.expenses.models import Cost, Journey
from enhance.expenses.receipts import RECEIPT_EMPTY
from enhance.expenses.services import months_ago
from enhance.placements.models import Placement
from enhance.programmes.models import Membership


class ClaimMonthForm(forms.Form):
    month = forms.ChoiceField(label="Month to claim for")

    def __init__(self, *args: Any, membership: Membership, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first = months_ago(today, membership.programme.claim_window_months).replace(day=1)
        months = []
        day = today.replace(day=1)
        while day >= first:
            months.append((day.isoformat(), f"{day:%B %Y}"))
            day = (day - dt.timedelta(days=1)).replace(day=1)
        cast(forms.ChoiceField, self.fields["month"]).choices = months

    def clean_month(self) -> dt.date:
        return dt.date.fromisoformat(self.cleaned_data["month"])


class PlacementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.opportunity.title} ({obj.starts_on:%d %b} to {obj.ends_on:%d %b %Y})"


class JourneyForm(forms.ModelForm):
    cost_kind = forms.ChoiceField(
        choices=[("", "No fare, parking or toll"), *Cost.Kind.choices], required=False, label="Cost to claim"
    )
    cost_amount = forms.DecimalField(
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("1000"),
        decimal_places=2,
        label="Cost in pounds",
        help_text="For example 4.50",
    )
    receipt = forms.FileField(
        required=False,
        label="Receipt",
        help_text="A PDF, JPEG or PNG file, up to 5 MB.",
        error_messages={"empty": RECEIPT_EMPTY},
    )

    class Meta:
        model = Journey
        fields = [
            "date",
            "origin",
            "destination",
            "purpose",
            "placement",
            "description",
            "mode",
            "miles",
            "passengers",
        ]
        widgets = {
            "date": DateInput(),
            "origin": forms.TextInput(attrs={"list": "known-sites", "autocomplete": "off"}),
            "destination": forms.TextInput(attrs={"list": "known-sites", "autocomplete": "off"}),
        }
        field_classes = {"placement": PlacementChoiceField}
        help_texts = {
            "miles": "Business miles only. For public transport leave 0 and add the fare.",
            "passengers": "Other staff you gave a lift to on this journey.",
            "origin": "Choose a known site or type an address.",
            "destination": "Choose a known site or type an address.",
        }

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        placements = Placement.objects.filter(membership=membership).select_related("opportunity")
        choice_field(self, "placement").queryset = placements

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, amount, receipt = data.get("cost_kind"), data.get("cost_amount"), data.get("receipt")
        if kind and not amount:
            self.add_error("cost_amount", "Enter the amount of the cost.")
        if kind and not receipt:
            self.add_error("receipt", "Upload the receipt for this cost.")
        if (amount or receipt) and not kind:
            self.add_error("cost_kind", "Choose what the cost was for.")
        if data.get("mode") != "public" and not data.get("miles") and not kind:
            self.add_error("miles", "Enter the miles driven or ridden.")
        return data

    def costs(self) -> list[tuple[str, int, Any]]:
        kind = self.cleaned_data.get("cost_kind")
        if not kind:
            return []
        return [(kind, int(self.cleaned_data["cost_amount"] * 100), self.cleaned_data["receipt"])]


class ReturnForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea, label="What needs changing")


PAID_ON_NEEDED = "Enter the date the claim was paid."


class PaidForm(forms.Form):
    paid_on = forms.DateField(widget=DateInput(), label="Paid on")


PAYMENT_FILE_NEEDED = "Choose the payment file to upload."


class PaymentFileForm(forms.Form):
    file = forms.FileField(
        label="Payment file", help_text="CSV or Excel with the columns Claim reference and Paid on."
    )
