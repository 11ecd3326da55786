from __future__ import annotations

from typing import Any

from django import forms

from enhance.curriculum.models import Domain, Theme
from enhance.placements.models import Placement
from enhance.portfolio.models import Reflection
from enhance.programmes.forms import choice_field
from enhance.programmes.models import Person
from enhance.teaching.services import sessions_for_learner


class ReflectionForm(forms.ModelForm):
    domains = forms.ModelMultipleChoiceField(
        queryset=Domain.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose the few that fit best.",
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Reflection
        fields = [
            "title",
            "happened",
            "meaning",
            "next_steps",
            "session",
            "placement",
            "domains",
            "themes",
            "visibility",
        ]
        widgets = {"visibility": forms.RadioSelect}
        labels = {"session": "Linked teaching session", "placement": "Linked placement"}

    def __init__(self, *args: Any, user: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "session").queryset = sessions_for_learner(user).order_by("-starts_at")
        choice_field(self, "placement").queryset = Placement.objects.filter(
            membership__person=person
        ).select_related("opportunity")


class CommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, label="Your comment")
