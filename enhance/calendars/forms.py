from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from enhance.core.forms import DateInput

DAY_OUT_OF_RANGE = "Choose a day between 2000 and 2099."


class WindowForm(forms.Form):
    """The first day of the four weeks the calendar page shows (today unless chosen)."""

    start = forms.DateField(label="Show four weeks from (optional)", required=False, widget=DateInput())

    def clean_start(self) -> dt.date | None:
        start = self.cleaned_data["start"]
        if start and not dt.date(2000, 1, 1) <= start <= dt.date(2099, 12, 31):
            raise forms.ValidationError(DAY_OUT_OF_RANGE)
        return start

    def first_day(self) -> dt.date:
        if self.is_valid() and self.cleaned_data["start"]:
            return self.cleaned_data["start"]
        return timezone.localdate()
