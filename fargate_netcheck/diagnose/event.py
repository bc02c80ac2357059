"""Read an archived EventBridge "ECS Task State Change" event: what a stopped task left behind.

Accepted files (each event as EventBridge delivers it: ``detail-type``, ``source: aws.ecs``,
``detail`` = the task):

- one JSON object; a JSON array of them; JSON lines (one event per line);
- a CloudWatch Logs export: lines ``<timestamp> <event JSON>`` (an S3 export, a copied console view),
  or the JSON of ``aws logs filter-log-events`` / ``get-log-events`` (``{"events": [{"message": …}]}``).

Bounded: the file at most ``MAX_BYTES``, at most ``MAX_EVENTS`` events. Every problem is one line
naming the file and the line. Of several stopped tasks the latest is chosen (or the one named),
and the events of that task are merged (a later event's values win), because an ENI's subnet can be
on the PROVISIONING event and the reason only on the STOPPED one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.input_limits import read_limited
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.diagnose.arn import REGION

MAX_BYTES = 32 * 1024 * 1024
MAX_EVENTS = 100_000
DETAIL_TYPE = "ECS Task State Change"
_TIMESTAMP_PREFIX = re.compile(r"^\s*(\d{4}-\d\d-\d\d[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?|\d{10,13})\s+(?=\{)")
_ENI_TYPES = ("eni", "ElasticNetworkInterface")
# The task fields read (a value of another type is bad input, not a field to skip).
_STRING_FIELDS = (
    "taskArn",
    "clusterArn",
    "stoppedReason",
    "stopCode",
    "taskDefinitionArn",
    "group",
    "lastStatus",
    "stoppedAt",
)


@dataclass(frozen=True, slots=True)
class TaskEvent:
    """What the events say about one task; None where they say nothing."""

    task_arn: str | None
    cluster_arn: str | None
    stopped_reason: str
    stop_code: str | None
    container_reasons: tuple[str, ...]
    subnet_id: str | None
    private_ip: str | None
    eni_id: str | None
    task_definition_arn: str | None
    group: str | None
    region: str | None
    where: str  # "<file>:<line>" of the event the reason came from
    other_tasks: int = 0  # stopped tasks in the file that were not chosen


def read_task_event(path: Path, task: str | None = None) -> TaskEvent:
    """The task-state facts of ``task`` (an id or ARN), or of the latest stopped task in the file."""
    events = [(where, e) for where, e in _events(path) if _is_task_event(where, e)]
    if not events:
        raise InputError(f'{path}: no "{DETAIL_TYPE}" event (an EventBridge event with source aws.ecs)')
    if task is not None:
        events = [(w, e) for w, e in events if _task_arn(e).rsplit("/", 1)[-1] == task.rsplit("/", 1)[-1]]
        if not events:
            raise InputError(f"{path}: no task-state event of task {task}")
    stopped = [(w, e) for w, e in events if _detail(e).get("lastStatus") == "STOPPED"]
    chosen = max(stopped or events, key=lambda item: _when(item[1]))
    arn = _task_arn(chosen[1])
    tasks_stopped = {_task_arn(e) for _, e in stopped}
    mine = [(w, e) for w, e in events if _task_arn(e) == arn]
    mine.sort(key=lambda item: _when(item[1]))
    found = _merge(mine, max(0, len(tasks_stopped - {arn})))
    if arn not in tasks_stopped and not found.stopped_reason and not found.stop_code:
        status = _detail(chosen[1]).get("lastStatus") or "not stopped"
        raise InputError(
            f"{chosen[0]}: task {arn or '?'} has not stopped (its latest event says {status}): diagnose "
            "explains a stopped task; pass the file with its STOPPED event"
        )
    return found


def _events(path: Path) -> list[tuple[str, Any]]:
    try:
        text = read_limited(path, "event file", MAX_BYTES, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such event file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the event file: {exc}") from None
    if not text.strip():
        raise InputError(f"{path}: empty event file")
    whole = _whole_document(path, text)
    if whole is not None:
        return whole
    return _lines(path, text)


def _whole_document(path: Path, text: str) -> list[tuple[str, Any]] | None:
    """The file as one JSON document (an event, an array, a logs export), or None for JSON lines."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" or _TIMESTAMP_PREFIX.match(text):
            return None  # several documents: JSON lines or a timestamped export
        raise InputError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except ValueError as exc:  # a number past the digit limit
        raise InputError(f"{path}: not valid JSON: {exc}") from None
    except RecursionError:
        raise InputError(f"{path}:1: JSON nested too deeply") from None
    if isinstance(data, list):
        return _bounded(path, [(f"{path}:[{i}]", e) for i, e in enumerate(data)])
    if isinstance(data, dict) and isinstance(data.get("events"), list) and "detail" not in data:
        return _bounded(path, [_logs_export_item(path, i, e) for i, e in enumerate(data["events"])])
    return [(f"{path}:1", data)]


def _lines(path: Path, text: str) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        body = _TIMESTAMP_PREFIX.sub("", line, count=1)
        try:
            found.append((f"{path}:{number}", json.loads(body)))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not a JSON event: {exc.msg} (column {exc.colno})") from None
        except ValueError as exc:
            raise InputError(f"{path}:{number}: not a JSON event: {exc}") from None
        except RecursionError:
            raise InputError(f"{path}:{number}: JSON nested too deeply") from None
        if len(found) > MAX_EVENTS:
            raise InputError(f"{path}:{number}: more than {MAX_EVENTS} events")
    return found


def _logs_export_item(path: Path, index: int, item: object) -> tuple[str, Any]:
    where = f"{path}:events[{index}]"
    message = item.get("message") if isinstance(item, dict) else None
    if not isinstance(message, str):
        raise InputError(f"{where}: a log event without a message string")
    try:
        return where, json.loads(message)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: the message is not a JSON event: {exc.msg}") from None
    except ValueError as exc:
        raise InputError(f"{where}: the message is not a JSON event: {exc}") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply") from None


def _bounded(path: Path, events: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    if len(events) > MAX_EVENTS:
        raise InputError(f"{path}: more than {MAX_EVENTS} events")
    return events


def _is_task_event(where: str, event: object) -> bool:
    """Is ``event`` a task-state event? One that says it is but has a field of the wrong type is an
    ``InputError`` naming it: read silently, it would leave a partial diagnosis."""
    if not isinstance(event, dict) or event.get("detail-type") != DETAIL_TYPE:
        return False
    detail = event.get("detail")
    if not isinstance(detail, dict):
        raise InputError(f"{where}: the task-state event's detail is not an object")
    _check_event(where, event, detail)
    return True


def _check_event(where: str, event: JsonDict, detail: JsonDict) -> None:
    def wrong(field: str, what: str) -> InputError:
        return InputError(f"{where}: {field} is not {what}")

    for key in _STRING_FIELDS:
        if detail.get(key) is not None and not isinstance(detail[key], str):
            raise wrong(f"detail.{key}", "a string")
    version = detail.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise wrong("detail.version", "an integer")
    region = event.get("region")
    if region is not None and not (isinstance(region, str) and REGION.match(region)):
        raise wrong("region", "an AWS region name")
    for key, fields in (("containers", ("name", "reason", "containerArn")), ("attachments", ("type",))):
        for i, item in enumerate(_list(where, detail, key)):
            if not isinstance(item, dict):
                raise wrong(f"detail.{key}[{i}]", "an object")
            for name in fields:
                if item.get(name) is not None and not isinstance(item[name], str):
                    raise wrong(f"detail.{key}[{i}].{name}", "a string")
            if key == "attachments":
                for j, pair in enumerate(_list(where, item, "details", f"detail.attachments[{i}].")):
                    if not isinstance(pair, dict) or not all(
                        isinstance(pair.get(k), str | None) for k in ("name", "value")
                    ):
                        raise wrong(
                            f"detail.attachments[{i}].details[{j}]", "a {name, value} object of strings"
                        )
    if event.get("resources") is not None and not isinstance(event["resources"], list):
        raise wrong("resources", "a list")


def _list(where: str, parent: JsonDict, key: str, prefix: str = "detail.") -> list[Any]:
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{where}: {prefix}{key} is not a list")
    return value


def _detail(event: JsonDict) -> JsonDict:
    return event["detail"]


def _task_arn(event: JsonDict) -> str:
    arn = _detail(event).get("taskArn")
    if isinstance(arn, str):
        return arn
    resources = [r for r in _items(event.get("resources")) if isinstance(r, str) and ":task/" in r]
    return resources[0] if resources else ""


def _when(event: JsonDict) -> tuple[str, int]:
    detail = _detail(event)
    version = detail.get("version")
    return (
        str(detail.get("stoppedAt") or event.get("time") or ""),
        version if isinstance(version, int) else 0,
    )


def _items(value: object) -> list[Any]:
    """A list from the event, or nothing: events are untrusted input of any shape."""
    return value if isinstance(value, list) else []


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _merge(events: list[tuple[str, JsonDict]], others: int) -> TaskEvent:
    merged: JsonDict = {}
    reasons: dict[str, str] = {}
    where = events[-1][0]
    for at, event in events:
        detail = _detail(event)
        for key in ("taskArn", "clusterArn", "stoppedReason", "stopCode", "taskDefinitionArn", "group"):
            if _text(detail.get(key)):
                merged[key] = detail[key]
                if key == "stoppedReason":
                    where = at
        if _text(event.get("region")):
            merged["region"] = event["region"]
        for container in _items(detail.get("containers")):
            if isinstance(container, dict) and _text(container.get("reason")):
                reasons[str(container.get("name") or container.get("containerArn") or len(reasons))] = (
                    container["reason"]
                )
        merged.update(_eni(detail))
    return TaskEvent(
        task_arn=merged.get("taskArn") or _task_arn(events[-1][1]) or None,
        cluster_arn=merged.get("clusterArn"),
        stopped_reason=merged.get("stoppedReason", ""),
        stop_code=merged.get("stopCode"),
        container_reasons=tuple(reasons.values()),
        subnet_id=merged.get("subnetId"),
        private_ip=merged.get("privateIPv4Address"),
        eni_id=merged.get("networkInterfaceId"),
        task_definition_arn=merged.get("taskDefinitionArn"),
        group=merged.get("group"),
        region=merged.get("region"),
        where=where,
        other_tasks=others,
    )


def _eni(detail: JsonDict) -> dict[str, str]:
    for attachment in _items(detail.get("attachments")):
        if isinstance(attachment, dict) and attachment.get("type") in _ENI_TYPES:
            return {
                d["name"]: d["value"]
                for d in _items(attachment.get("details"))
                if isinstance(d, dict) and _text(d.get("name")) and _text(d.get("value"))
            }
    return {}
