"""Where ``Any`` enters on purpose: JSON objects as AWS, a snapshot file, a template or a plan wrote
them, and the JSON documents the reports write.

``JsonDict`` is one JSON object taken verbatim (a ``DescribeX`` item, a policy document, a
snapshot's region): its keys are AWS's and its values whatever AWS put there, so a reader narrows
each value where it reads it (``isinstance``, ``str(...)``, ``or []``). What the engine derives from
it has real types (``snapshot.parse``, ``core.model``).
"""

from __future__ import annotations

from typing import Any, TypeAlias

JsonDict: TypeAlias = dict[str, Any]
