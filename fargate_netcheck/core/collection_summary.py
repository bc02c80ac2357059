"""The report's ``collection`` section: what a run's collection saw, per account and region.

Built by ``snapshot.collection.summarize`` (from a snapshot's ``Errors`` and, live, the calls
made); carried on ``core.model.Report`` and printed by every writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fargate_netcheck.core.json_types import JsonDict


@dataclass(frozen=True, slots=True)
class RegionCollection:
    """One account's region: its calls and retries (live runs), and each kind's failure."""

    account: str
    region: str
    calls: int | None = None
    retries: int | None = None
    throttled: int | None = None
    failures: dict[str, str] = field(default_factory=dict)  # kind -> message (failed or timed out)
    unsupported: dict[str, str] = field(default_factory=dict)  # kind -> message (endpoint lacks it)


@dataclass(frozen=True, slots=True)
class CollectionSummary:
    """The report's ``collection`` section. ``live`` False: not collected by this run (a snapshot
    file, or infrastructure code alone), so no calls were counted (``calls``/``retries``/``throttled``
    None)."""

    live: bool
    calls: int | None
    retries: int | None
    throttled: int | None
    regions: tuple[RegionCollection, ...]
    accounts: dict[str, dict[str, str]]  # account -> {step: message}: accounts that could not be read

    @property
    def failures(self) -> int:
        return sum(len(r.failures) for r in self.regions) + sum(len(a) for a in self.accounts.values())

    @property
    def complete(self) -> bool:
        return self.failures == 0

    def line(self) -> str:
        """One line for text-like reports."""
        counted = "" if self.calls is None else f"{self.calls} API call(s), {self.retries} retries"
        if self.throttled:
            counted += f" ({self.throttled} throttled)"
        where = f"{len(self.regions)} region(s)"
        status = (
            "complete" if self.complete else f"{self.failures} failure(s): verdicts needing them are unknown"
        )
        unsupported = sum(len(r.unsupported) for r in self.regions)
        extra = f", {unsupported} action(s) the endpoint does not implement" if unsupported else ""
        source = "live" if self.live else "not collected by this run"  # a snapshot file, or the code alone
        return f"Collection ({source}): {', '.join(p for p in (counted, where) if p)}; {status}{extra}"

    def to_json(self) -> JsonDict:
        return {
            "live": self.live,
            "complete": self.complete,
            "calls": self.calls,
            "retries": self.retries,
            "throttled": self.throttled,
            "failures": self.failures,
            "regions": [
                {
                    "account": r.account,
                    "region": r.region,
                    "calls": r.calls,
                    "retries": r.retries,
                    "throttled": r.throttled,
                    "failures": dict(sorted(r.failures.items())),
                    "unsupported": dict(sorted(r.unsupported.items())),
                }
                for r in self.regions
            ],
            "accounts": {a: dict(sorted(steps.items())) for a, steps in sorted(self.accounts.items())},
        }
