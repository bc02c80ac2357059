"""Load a YAML file with the file and line of every value, for findings that point at a config line.

Mappings load as ``LocatedDict`` (a ``dict`` whose ``locations`` give, per key, where the key was
written) and sequences as ``LocatedList`` (a ``list`` whose ``item_locations`` give where each item
starts). Anchors and ``<<`` merge keys work as in PyYAML's safe loader; a merged value keeps the line
of the anchor it came from. Ansible's ``!vault`` and ``!unsafe`` tags load as strings (a vaulted value
as ``VaultValue``) so a vars file using them still loads. ``combine`` merges located mappings the
way Ansible's ``combine(recursive=True)`` does, keeping each key's location.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fargate_netcheck.errors import InputError
from fargate_netcheck.model import SourceLocation

_VAULT_FILE_HEADER = "$ANSIBLE_VAULT;"


class LocatedDict(dict):
    """A mapping from YAML; ``locations[key]`` is where ``key`` was written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locations: dict[Any, SourceLocation] = {}


class LocatedList(list):
    """A sequence from YAML; ``item_locations[i]`` is where item ``i`` starts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_locations: list[SourceLocation] = []


class VaultValue(str):
    """An Ansible ``!vault`` encrypted value: its ciphertext, which cannot be read as an id."""


class LocatedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that builds ``LocatedDict``/``LocatedList``; subclass it to add tags
    (CloudFormation's short forms) and keep the locations and the input bounds."""

    def __init__(self, stream: str, display_path: str) -> None:
        super().__init__(stream)
        self.display_path = display_path

    def location(self, node: Node) -> SourceLocation:
        return SourceLocation(self.display_path, node.start_mark.line + 1)


def _construct_mapping(loader: LocatedLoader, node: MappingNode) -> Any:
    data = LocatedDict()
    yield data
    loader.flatten_mapping(node)  # resolves `<<` merge keys; explicit keys come after merged ones
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise ConstructorError(
                "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
            ) from None
        data[key] = loader.construct_object(value_node, deep=False)
        data.locations[key] = loader.location(key_node)


def _construct_sequence(loader: LocatedLoader, node: SequenceNode) -> Any:
    data = LocatedList()
    yield data
    data.extend(loader.construct_object(child, deep=False) for child in node.value)
    data.item_locations = [loader.location(child) for child in node.value]


def _construct_vault(loader: LocatedLoader, node: Node) -> VaultValue:
    return VaultValue(loader.construct_scalar(node) if isinstance(node, ScalarNode) else "")


def _construct_unsafe(loader: LocatedLoader, node: Node) -> Any:
    if isinstance(node, ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]


LocatedLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
LocatedLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
LocatedLoader.add_constructor("!vault", _construct_vault)
LocatedLoader.add_constructor("!unsafe", _construct_unsafe)


def located(value: Any, location: SourceLocation | None) -> Any:
    """A plain dict (from the Run Environment) as a LocatedDict whose keys all sit at ``location``."""
    if not isinstance(value, dict):
        return value
    out = LocatedDict({key: located(item, location) for key, item in value.items()})
    if location is not None:
        out.locations = dict.fromkeys(value, location)
    return out


def combine(base: Any, override: Any) -> Any:
    """Ansible's ``base | combine(override, recursive=True)``, keeping each key's location."""
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return override
    out = LocatedDict(base)
    out.locations = dict(getattr(base, "locations", {}))
    override_locations = getattr(override, "locations", {})
    for key, value in override.items():
        out[key] = combine(out[key], value) if isinstance(out.get(key), dict) else value
        if key in override_locations:
            out.locations[key] = override_locations[key]
        else:
            out.locations.pop(key, None)
    return out


def _problem_line(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def _one_line(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    text = " ".join(part for part in (context, problem) if part) or str(exc)
    return " ".join(text.split())


def load_yaml(
    path: Path, display_path: str | None = None, loader_class: type[LocatedLoader] = LocatedLoader
) -> Any:
    """The YAML document in ``path`` with locations; an empty file loads as an empty ``LocatedDict``.

    Raises ``InputError("<file>:<line>: <problem>")`` for broken YAML, and a one-line
    ``InputError`` for an unreadable or ansible-vault encrypted file.
    """
    shown = display_path or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{shown}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{shown}: cannot read: {exc}") from None
    if text.lstrip().startswith(_VAULT_FILE_HEADER):
        raise InputError(
            f"{shown}: encrypted with ansible-vault; pass a decrypted copy (ansible-vault view {shown})"
        )
    loader = loader_class(text, shown)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        line = _problem_line(exc)
        where = f"{shown}:{line}" if line is not None else shown
        raise InputError(f"{where}: {_one_line(exc)}") from None
    finally:
        loader.dispose()
    return LocatedDict() if data is None else data
