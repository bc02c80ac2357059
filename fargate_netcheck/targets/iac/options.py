"""What ``check`` was asked to read from infrastructure code (CloudFormation templates, Terraform
plans). Kept apart from ``command``, which imports the template readers (PyYAML among them): every
``check`` builds these options, and a run without templates imports nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class IacOptions:
    templates: tuple[Path, ...] = ()
    stack_names: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()
    parameter_files: tuple[Path, ...] = ()
    plans: tuple[Path, ...] = ()
    region: str | None = None
    account: str | None = None

    @property
    def requested(self) -> bool:
        return bool(self.templates or self.plans)
