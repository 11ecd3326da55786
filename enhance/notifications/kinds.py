"""The kinds of notification. Each area registers its own kinds at import time; a kind is
urgent (always emailed) or not (emailed unless the person turned email off for it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    urgent: bool = False


REGISTERED_DIFFERENTLY = "Notification kind {code!r} is already registered differently."
UNKNOWN_KIND = "Unknown notification kind {code!r}."

_KINDS: dict[str, Kind] = {}


def register(code: str, label: str, *, urgent: bool = False) -> Kind:
    kind = Kind(code=code, label=label, urgent=urgent)
    existing = _KINDS.get(code)
    if existing is not None and existing != kind:
        raise ValueError(REGISTERED_DIFFERENTLY.format(code=code))
    _KINDS[code] = kind
    return kind


def get(code: str) -> Kind:
    try:
        return _KINDS[code]
    except KeyError:
        raise ValueError(UNKNOWN_KIND.format(code=code)) from None


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: k.label)


GENERAL = register("general", "General messages from your programme team")
ACCOUNT = register("account", "Changes to your account and roles", urgent=True)
IMPORT_FINISHED = register("import_finished", "Trainee imports you ran")
