from django import template

from enhance.programmes.imports import LABELS

register = template.Library()


@register.filter
def import_label(column: str) -> str:
    """The spreadsheet heading for an import column key."""
    return LABELS.get(column, column)
