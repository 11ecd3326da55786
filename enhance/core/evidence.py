"""The kinds of evidence a requirement rule can count. Each area registers its own (the
placements area counts confirmed clinics, teaching counts attendance, the portfolio counts
assessments and reflections), so requirements never need to know where evidence lives.

A counter answers for many learners at once, in a fixed number of queries:
counter(rule, memberships, windows) -> {membership id: Counted}, where windows maps each
membership id to the [start, end) dates of its training year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date  # the first day after the window

    def holds(self, day: dt.date) -> bool:
        return self.start <= day < self.end


@dataclass
class Counted:
    count: int
    evidence: list[str] = field(default_factory=list)


Counter = Callable[[Any, list[Any], dict[int, Window]], dict[int, Counted]]


@dataclass(frozen=True)
class RuleKind:
    code: str
    label: str
    counter: Counter
    unit: str  # what is missing, e.g. "confirmed clinics"
    scaled: bool = True  # targets scale pro rata for less-than-full-time learners
    percent: bool = False
    needs_assessment_type: bool = False


_KINDS: dict[str, RuleKind] = {}


def rule_kind(code: str, label: str, unit: str, **options: bool) -> Callable[[Counter], Counter]:
    def add(counter: Counter) -> Counter:
        _KINDS[code] = RuleKind(code=code, label=label, counter=counter, unit=unit, **options)
        return counter

    return add


def rule_kinds() -> list[RuleKind]:
    return sorted(_KINDS.values(), key=lambda k: k.label)


def get_rule_kind(code: str) -> RuleKind | None:
    return _KINDS.get(code)
