"""Reading saved "ECS Task State Change" events: one object, an array, JSON lines, CloudWatch Logs
exports; the latest stopped task; one-line errors naming the file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from task_events import PULL_TIMEOUT, TASK_ARN, task_event

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.diagnose import event as event_module
from fargate_netcheck.diagnose.event import read_task_event

OTHER_TASK = "arn:aws:ecs:us-east-1:123456789012:task/jobs/00000000000000000000000000000001"


def write(tmp_path: Path, text: str, name: str = "event.json") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_one_event_gives_every_fact_the_diagnosis_needs(tmp_path):
    found = read_task_event(write(tmp_path, json.dumps(task_event())))
    assert found.task_arn == TASK_ARN
    assert found.stopped_reason == "Task failed to start"
    assert found.stop_code == "TaskFailedToStart"
    assert found.container_reasons == (PULL_TIMEOUT,)
    assert (found.subnet_id, found.private_ip, found.eni_id) == (
        "subnet-isolated",
        "10.0.2.37",
        "eni-0a1b2c3d4e5f60718",
    )
    assert found.group == "service:worker"
    assert found.task_definition_arn.endswith("task-definition/worker:17")
    assert found.region == "us-east-1"
    assert found.cluster_arn.endswith(":cluster/jobs")


def test_events_of_one_task_are_merged_later_values_win(tmp_path):
    provisioning = task_event("PROVISIONING", version=1, time="2026-11-30T02:12:00Z")
    stopped = task_event(subnet=None, version=4)  # the STOPPED event lost the subnet
    found = read_task_event(write(tmp_path, json.dumps([stopped, provisioning])))
    assert found.subnet_id == "subnet-isolated"
    assert found.container_reasons == (PULL_TIMEOUT,)
    assert found.where.endswith("[0]")


def test_json_lines_choose_the_latest_stopped_task_and_count_the_others(tmp_path):
    older = task_event(
        task_arn=OTHER_TASK, time="2026-11-30T01:00:00Z", reason="Essential container in task exited"
    )
    older["detail"]["stoppedAt"] = "2026-11-30T01:00:00Z"
    path = write(tmp_path, "\n".join(json.dumps(e) for e in (task_event(), older)) + "\n", "events.jsonl")
    found = read_task_event(path)
    assert found.task_arn == TASK_ARN and found.other_tasks == 1
    chosen = read_task_event(path, task=OTHER_TASK.rsplit("/", 1)[-1])
    assert chosen.stopped_reason == "Essential container in task exited"


def test_cloudwatch_logs_export_lines_with_timestamps(tmp_path):
    text = f"2026-11-30T02:14:07.512Z {json.dumps(task_event())}\n"
    found = read_task_event(write(tmp_path, text, "export.txt"))
    assert found.task_arn == TASK_ARN


def test_filter_log_events_json_export(tmp_path):
    export = {
        "events": [
            {
                "logStreamName": "2f1c",
                "timestamp": 1796004847512,
                "message": json.dumps(task_event()),
                "ingestionTime": 1796004848000,
                "eventId": "3791",
            }
        ],
        "searchedLogStreams": [],
    }
    assert read_task_event(write(tmp_path, json.dumps(export))).subnet_id == "subnet-isolated"


def test_a_broken_line_is_named_by_file_and_line(tmp_path):
    path = write(tmp_path, json.dumps(task_event()) + "\n{not json\n", "events.jsonl")
    with pytest.raises(InputError, match=r"events\.jsonl:2: not a JSON event"):
        read_task_event(path)


def test_a_file_without_a_task_state_event_says_so(tmp_path):
    with pytest.raises(InputError, match='no "ECS Task State Change" event'):
        read_task_event(
            write(tmp_path, json.dumps({"detail-type": "EC2 Instance State-change Notification"}))
        )


def test_an_unknown_task_in_the_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no task-state event of task abc"):
        read_task_event(write(tmp_path, json.dumps(task_event())), task="abc")


def test_size_and_count_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(event_module, "MAX_BYTES", 100)
    with pytest.raises(InputError, match=r"the event file is \d+ bytes, over the limit of 100 bytes"):
        read_task_event(write(tmp_path, json.dumps(task_event())))
    monkeypatch.setattr(event_module, "MAX_BYTES", 10_000_000)
    monkeypatch.setattr(event_module, "MAX_EVENTS", 2)
    with pytest.raises(InputError, match="more than 2 events"):
        read_task_event(write(tmp_path, json.dumps([task_event()] * 3)))


def test_missing_empty_and_binary_files_are_one_line_errors(tmp_path):
    with pytest.raises(InputError, match="no such event file"):
        read_task_event(tmp_path / "nope.json")
    with pytest.raises(InputError, match="empty event file"):
        read_task_event(write(tmp_path, "  \n"))
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="cannot read the event file"):
        read_task_event(binary)


def test_fields_of_the_wrong_shape_are_one_line_errors_not_a_traceback(tmp_path):
    """Read silently, a field of the wrong type would leave a partial diagnosis (the reason or the
    subnet dropped): it is bad input, one line naming the file, the line and the field."""
    for field, value, named in (
        ("containers", 5, "detail.containers is not a list"),
        ("attachments", {"type": "eni"}, "detail.attachments is not a list"),
        ("stopCode", ["not", "a", "string"], "detail.stopCode is not a string"),
    ):
        event = task_event()
        event["detail"][field] = value
        with pytest.raises(InputError, match=rf"event.json:1: {named}"):
            read_task_event(write(tmp_path, json.dumps(event)))
