from __future__ import annotations

from typing import Any

from django import forms

from enhance.notifications import kinds


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, current: dict[str, bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds.all_kinds():
            if kind.urgent:
                continue
            self.fields[kind.code] = forms.BooleanField(
                label=kind.label, required=False, initial=current.get(kind.code, True)
            )
