"""Rule codes, as ``--select``/``--ignore``, ``severity`` and ``[[suppress]] rule`` name rules: a rule
id (``SG100``) or a prefix of one that never ends inside a family's letters. ``EP`` is the VPC
endpoint family (EP001, ...), not also the endpoint policy family ``EPP``; ``GW1`` is GW100-GW199;
``G`` names no family. So Ruff reads its codes (``E`` is pycodestyle's, not eradicate's ``ERA``).
"""

from __future__ import annotations


def code_matches(rule_id: str, code: str) -> bool:
    """Whether ``code`` names ``rule_id`` (both compared upper-case)."""
    rule_id, code = rule_id.upper(), code.upper()
    if not code or not rule_id.startswith(code):
        return False
    rest = rule_id[len(code) :]
    return not rest or code[-1].isdigit() or rest[0].isdigit()
