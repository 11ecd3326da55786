"""Small helpers for the words pages and messages show."""

from __future__ import annotations


def counted(n: int, word: str) -> str:
    """ "1 claim", "3 claims": a count with its word, plural when it is not one."""
    return f"{n} {word}{'' if n == 1 else 's'}"
