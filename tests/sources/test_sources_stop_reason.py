"""Stopped-task classification on the shapes of real ECS stoppedReason strings."""

from __future__ import annotations

import pytest
from stop_messages import MESSAGES, Message

from fargate_netcheck.targets.stop_reason import (
    CAUSES,
    PATTERNS,
    STOP_CODES,
    classify,
    classify_stop,
    sentence,
)


@pytest.mark.parametrize("message", MESSAGES, ids=[f"{m.row}-{i}" for i, m in enumerate(MESSAGES)])
def test_real_messages_are_classified(message: Message) -> None:
    found = classify(message.text, "TaskFailedToStart", [])
    assert (found.name, found.cause) == (message.row, message.cause)
    assert (found.service.key if found.service else None) == message.service
    for word in message.words:
        assert word.lower() in found.explanation.lower()


def test_every_row_of_the_table_has_a_real_message_shape() -> None:
    assert {p.name for p in PATTERNS} <= {m.row for m in MESSAGES}


def test_no_pattern_has_an_unbounded_wildcard_run() -> None:
    """``a[^|]*b`` searched over a long reason backtracks from every ``a`` to the end: quadratic (a
    160 kB reason took 90 s). ECS writes at most 1,024 characters per reason, so gaps are bounded."""
    for entry in PATTERNS:
        source = entry.pattern.pattern
        for run in (".*", ".+", "[^|]*", "[^|]+"):
            assert run not in source, (entry.name, run)


def test_row_names_are_unique() -> None:
    names = [p.name for p in PATTERNS]
    assert len(names) == len(set(names))


def test_a_killed_pull_is_marked_for_the_path_to_decide() -> None:
    killed = classify(
        "ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: killed"
    )
    timeout = classify("CannotPullContainerError: dial tcp 52.46.1.2:443: i/o timeout")
    assert killed.confirm_by_path and not timeout.confirm_by_path


def test_a_registry_refusal_names_the_registry_and_the_action() -> None:
    found = classify(
        "CannotPullContainerError: failed to resolve ref 210987654321.dkr.ecr.eu-west-1.amazonaws.com/shared/base:1: "
        "pulling from host 210987654321.dkr.ecr.eu-west-1.amazonaws.com failed with status code [manifests 1]: "
        "403 Forbidden"
    )
    assert found.cause == "permissions"
    assert "210987654321.dkr.ecr.eu-west-1.amazonaws.com" in found.what
    assert "ecr:BatchGetImage" in found.what


def test_access_denied_beats_network_words_in_the_same_message() -> None:
    reason = (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): AccessDeniedException: "
        "not authorized to perform: ecr:BatchGetImage; earlier attempt: dial tcp 1.2.3.4:443: i/o timeout"
    )
    cause, explanation = classify_stop(reason, "TaskFailedToStart", [])
    assert cause == "permissions"
    assert "not a network problem" in explanation


def test_container_reason_carries_the_detail_a_task_reason_lacks() -> None:
    cause, explanation = classify_stop(
        "Task failed to start",
        "TaskFailedToStart",
        ["CannotPullContainerError: failed to do request: dial tcp 54.0.0.1:443: i/o timeout"],
    )
    assert cause == "network"
    assert "54.0.0.1:443" in explanation


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        ("EssentialContainerExited", "other"),
        ("ServiceSchedulerInitiated", "other"),
        ("SpotInterruption", "capacity"),
    ],
)
def test_stop_code_decides_when_the_message_is_not_recognised(code: str, cause: str) -> None:
    got_cause, explanation = classify_stop("something new", code, [])
    assert got_cause == cause
    assert explanation.startswith(sentence(STOP_CODES[code][1].format(reason="something new")))


def test_user_initiated_stop_quotes_the_reason() -> None:
    cause, explanation = classify_stop("Stopped by ops for maintenance", "UserInitiated")
    assert cause == "other"
    assert explanation.startswith(
        "Someone (a person or an API call) stopped the task: Stopped by ops for maintenance."
    )


def test_unrecognised_reason_without_code_is_other() -> None:
    cause, explanation = classify_stop("Something nobody has seen", None, None)
    assert cause == "other"
    assert "Something nobody has seen" in explanation


def test_every_pattern_names_a_known_cause() -> None:
    assert {p.cause for p in PATTERNS} | {c for c, _, _ in STOP_CODES.values()} <= set(CAUSES)
