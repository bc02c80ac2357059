"""``diagnose``: why did this Fargate task stop, and is the network to blame?

Three ways in: a task ECS still returns (``task``), or what a forgotten task left behind, its error
text or its saved task-state event (``saved``). All classify the stop (``targets.stop_reason``),
trace the task's subnets, walk the path to the service the error names
(``trace.service_path``), and explain (``explain``).
"""

from fargate_netcheck.diagnose.arn import TaskRef, parse_task_ref
from fargate_netcheck.diagnose.facts import Placement, TaskFacts
from fargate_netcheck.diagnose.saved import SavedInputs, diagnose_saved
from fargate_netcheck.diagnose.task import diagnose_task, task_facts

__all__ = [
    "Placement",
    "SavedInputs",
    "TaskFacts",
    "TaskRef",
    "diagnose_saved",
    "diagnose_task",
    "parse_task_ref",
    "task_facts",
]
