"""A value infrastructure code cannot know before deployment, and the reason why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Unknown:
    """Known only after deployment (an import nobody exports, an SSM parameter, a value computed at
    apply). Wherever it matters the verdict is ``unknown`` and the reason names it."""

    reason: str

    def __str__(self) -> str:  # never used as an id by accident: it reads as what it is
        return f"<unknown: {self.reason}>"


def first_unknown(value: Any) -> Unknown | None:
    """The first Unknown inside ``value`` (a list or mapping of values), if any."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = first_unknown(item)
            if found is not None:
                return found
    return None
