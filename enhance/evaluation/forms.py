from __future__ import annotations

from typing import Any

from django import forms

from enhance.evaluation.models import SurveyItem, SurveySchedule

RATINGS = [(str(n), str(n)) for n in range(1, 6)]


class AnswerForm(forms.Form):
    """One field per question: a 1-5 rating (required) or free text (optional)."""

    def __init__(self, *args: Any, items: list[SurveyItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            if item.is_scale:
                field: forms.Field = forms.ChoiceField(
                    label=item.text,
                    choices=RATINGS,
                    widget=forms.RadioSelect,
                    help_text=f"1: {item.low_label}. 5: {item.high_label}.",
                    error_messages={"required": "Choose a rating from 1 to 5."},
                )
            else:
                field = forms.CharField(
                    label=item.text, required=False, max_length=2000, widget=forms.Textarea
                )
            self.fields[f"item_{item.pk}"] = field

    def answers(self) -> dict[int, Any]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}") for item in self.items}


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = SurveySchedule
        fields = ["at_entry", "at_year_end", "at_exit", "open_days"]
