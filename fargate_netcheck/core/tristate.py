"""Three-valued matching: a rule or statement applies to all of a set (``YES``), none (``NO``) or
some (``MAYBE``) of what a flow or request may be."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class Match(Enum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"

    def __and__(self, other: Match) -> Match:
        if Match.NO in (self, other):
            return Match.NO
        return Match.YES if self is other is Match.YES else Match.MAYBE

    def __or__(self, other: Match) -> Match:
        if Match.YES in (self, other):
            return Match.YES
        return Match.NO if self is other is Match.NO else Match.MAYBE

    def __invert__(self) -> Match:
        return {Match.YES: Match.NO, Match.NO: Match.YES, Match.MAYBE: Match.MAYBE}[self]


def all_of(matches: Iterable[Match]) -> Match:
    out = Match.YES
    for m in matches:
        out = out & m
        if out is Match.NO:
            return out
    return out
