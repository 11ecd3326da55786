"""Template helpers used on every page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html

register = template.Library()


@register.inclusion_tag("components/field.html")
def field(bound: BoundField, hint: str = "", classes: str = "") -> dict[str, Any]:
    """Render one form field the NHS.UK way: label, hint, error message and widget."""
    widget = bound.field.widget
    input_type = getattr(widget, "input_type", None)
    kind = "textarea" if widget.__class__.__name__ == "Textarea" else input_type or "select"
    if widget.__class__.__name__ in ("Select", "SelectMultiple", "NullBooleanSelect"):
        kind = "select"
    if widget.__class__.__name__ == "RadioSelect":
        kind = "radios"
    if widget.__class__.__name__ == "CheckboxSelectMultiple":
        kind = "checkboxes"
    return {
        "f": bound,
        "kind": kind,
        "hint": hint or bound.help_text,
        "classes": classes,
        # A select's options read once: a template loop over a model field's choices would
        # count them first and then read them (two queries a select).
        "choices": list(iter(getattr(bound.field, "choices", ()))) if kind == "select" else (),
    }


# Red, amber and green, as NHS.UK tags: the label says it, so meaning never rests on colour.
RAG_TAGS = {
    "green": ("Green", "green"),
    "amber": ("Amber", "orange"),
    "red": ("Red", "red"),
}
MILESTONE_TAGS = {
    "complete": ("Complete", "green"),
    "green": ("On track", "blue"),
    "amber": ("Due soon", "orange"),
    "red": ("Overdue", "red"),
}


@register.simple_tag
def rag_tag(rag: str, milestone: bool = False) -> str:
    """A red/amber/green status as an NHS.UK tag ("–" when there is none to show)."""
    found = (MILESTONE_TAGS if milestone else RAG_TAGS).get(rag)
    if found is None:
        return "–"
    label, colour = found
    return format_html('<strong class="nhsuk-tag nhsuk-tag--{}">{}</strong>', colour, label)


@register.filter
def pounds(pence: int | None) -> str:
    """Whole pence as pounds with two decimals and thousands separators: 123456 -> 1,234.56."""
    return f"{Decimal(pence or 0) / 100:,.2f}"


@register.filter
def days(value: Decimal | int | str | None) -> str:
    """A number of days the same way whatever the database returns: 29, 29.5."""
    number = Decimal(value or 0)
    return f"{number:.0f}" if number == number.to_integral_value() else f"{number:.1f}"
