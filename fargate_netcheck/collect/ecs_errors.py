"""An ECS read that failed (``EcsReadError``), and where ``check --cluster`` collects them.

``collect.ecs`` raises ``EcsReadError`` for a call that fails (denied, throttled past the retries,
unreachable, a malformed answer), one line naming the action. Within ``unread_recorded()``,
``ecs.service_networks`` records those failures instead of raising and resolves what it could read,
so the caller can report them as collection failures (``Errors``, DATA002) rather than stop.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.snapshot.collection import ECS_SERVICES, ECS_TASK_DEFINITIONS

# The ``Errors`` kinds of a failed read (``EcsReadError.kind``): services, and task definitions.
SERVICES_KIND = ECS_SERVICES
TASK_DEFINITIONS_KIND = ECS_TASK_DEFINITIONS
_KINDS = {"DescribeTaskDefinition": TASK_DEFINITIONS_KIND}


class EcsReadError(InputError):
    """An ECS call that failed, as one line naming the action: ``ecs:ListServices on cluster prod:
    AccessDeniedException: …``. An ``InputError``: a caller that cannot go on without the answer
    exits 2 with this line, never an internal error. ``reason``: ``"<Code>: <message>"``;
    ``services``: those a DescribeServices batch named (none: the cluster's, all unread)."""

    def __init__(
        self,
        action: str,
        reason: str,
        *,
        cluster: str | None = None,
        definition: str | None = None,
        services: Sequence[str] = (),
    ) -> None:
        self.action = action
        self.reason = reason
        self.cluster = cluster
        self.services = tuple(short_name(s) for s in services)
        where = f"on cluster {cluster}" if cluster is not None else f"of {definition}"
        named = f" (services {', '.join(self.services)})" if self.services else ""
        super().__init__(f"ecs:{action} {where}{named}: {reason}")

    @property
    def kind(self) -> str:
        """Under which ``Errors`` kind a report records it (``EcsServices``, ``EcsTaskDefinitions``)."""
        return _KINDS.get(self.action, SERVICES_KIND)


_UNREAD: ContextVar[list[EcsReadError] | None] = ContextVar("fargate_netcheck_ecs_unread", default=None)


@contextmanager
def unread_recorded() -> Iterator[list[EcsReadError]]:
    """Within it, ``service_networks`` does not raise for services it cannot read: it records each
    failure in the list yielded (and each task definition it could not read) and returns the
    networks it could read."""
    unread: list[EcsReadError] = []
    token = _UNREAD.set(unread)
    try:
        yield unread
    finally:
        _UNREAD.reset(token)


def recording() -> list[EcsReadError] | None:
    """The list ``unread_recorded`` yielded, while inside it (None: failures are raised)."""
    return _UNREAD.get()


def short_name(name_or_arn: str) -> str:
    """``my-cluster`` from ``arn:aws:ecs:…:cluster/my-cluster`` (or the name itself)."""
    return name_or_arn.rsplit("/", 1)[-1]
