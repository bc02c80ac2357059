"""Load a YAML file with the file and line of every value, for findings that point at a config line.

Mappings load as ``LocatedDict`` (a ``dict`` whose ``locations`` give, per key, where the key was
written) and sequences as ``LocatedList`` (a ``list`` whose ``item_locations`` give where each item
starts). Anchors and ``<<`` merge keys work as in PyYAML's safe loader; a merged value keeps the line
of the anchor it came from. Ansible's ``!vault`` and ``!unsafe`` tags load as strings (a vaulted value
as ``VaultValue``) so a vars file using them still loads. ``combine`` merges located mappings the
way Ansible's ``combine(recursive=True)`` does, keeping each key's location.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.input_limits import YAML_LIMIT, read_limited
from fargate_netcheck.core.model import SourceLocation

_VAULT_FILE_HEADER = "$ANSIBLE_VAULT;"
# The nodes PyYAML's composer builds (and hands a constructor, whatever its tag).
_Composed = ScalarNode | SequenceNode | MappingNode
_N = TypeVar("_N", bound=Node)


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
    (CloudFormation's short forms) and keep the locations and the input bounds.

    The bounds (class attributes, so a subclass may tighten them): at most ``max_nodes`` nodes
    written in the document, nested at most ``max_depth`` deep, and at most ``max_expanded_nodes`` once every alias is expanded (a
    "billion laughs" of a few hundred bytes expands to 10^9 nodes: refused as soon as it is
    composed, before anything walks it); an alias may not contain itself. Past a bound:
    ``InputError`` naming the file and the bound."""

    max_nodes = 500_000
    max_expanded_nodes = 1_000_000
    max_depth = 200

    def __init__(self, stream: str, display_path: str) -> None:
        super().__init__(stream)
        self.display_path = display_path
        self._text = stream
        self._composed = 0
        self._depth = 0

    def location(self, node: Node) -> SourceLocation:
        return SourceLocation(self.display_path, node.start_mark.line + 1)

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._composed += 1
        if self._composed > self.max_nodes:
            raise InputError(f"{self.display_path}: more than {self.max_nodes} YAML nodes")
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                mark = self.peek_event().start_mark
                raise InputError(
                    f"{self.display_path}:{mark.line + 1}: YAML nested more than {self.max_depth} deep"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> Node | None:
        # PyYAML's scanner reads a run of nested flow brackets in quadratic time before the
        # composer sees the first one: bound the bracket depth of the raw text first (linear).
        if _bracket_depth(self._text, self.max_depth) > self.max_depth:
            raise InputError(f"{self.display_path}: YAML nested more than {self.max_depth} deep")
        node = super().get_single_node()
        if node is not None:
            _check_expansion(node, self.max_expanded_nodes, self.display_path)
        return node


_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def _bracket_depth(text: str, cap: int) -> int:
    """The deepest nesting of ``[``/``{`` in ``text`` (quotes ignored: an over-estimate), stopping
    past ``cap``."""
    depth = deepest = 0
    for char in _NOT_BRACKETS.sub("", text):
        depth = depth + 1 if char in "[{" else max(0, depth - 1)
        if depth > deepest:
            deepest = depth
            if deepest > cap:
                break
    return deepest


def _check_expansion(root: Node, limit: int, shown: str) -> None:
    """Refuse a document whose aliases expand past ``limit`` nodes, or contain themselves. Each
    distinct node is sized once (iteratively: no recursion limit), so this costs the written size."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if children_done:
            open_nodes.discard(key)
            size = 1 + sum(sizes[id(child)] for child in children)
            if size > limit:
                raise InputError(
                    f"{shown}:{node.start_mark.line + 1}: YAML aliases expand to more than {limit} nodes"
                )
            sizes[key] = size
            continue
        if key in open_nodes:
            raise InputError(
                f"{shown}:{node.start_mark.line + 1}: a YAML alias refers to a node that contains it"
            )
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                raise InputError(
                    f"{shown}:{child.start_mark.line + 1}: a YAML alias refers to a node that contains it"
                )
            if id(child) not in sizes:
                stack.append((child, False))


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _expect(node: _Composed, kind: type[_N], what: str) -> _N:
    """``node`` as a ``kind``: ``!!map``/``!!seq`` on a node of another kind is broken YAML, not a crash."""
    if not isinstance(node, kind):
        raise ConstructorError(None, None, f"expected a {what}, found {node.id}", node.start_mark)
    return node


def _construct_mapping(loader: LocatedLoader, composed: _Composed) -> Iterator[LocatedDict]:
    node = _expect(composed, MappingNode, "mapping")
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


def _construct_sequence(loader: LocatedLoader, composed: _Composed) -> Iterator[LocatedList]:
    node = _expect(composed, SequenceNode, "sequence")
    data = LocatedList()
    yield data
    data.extend(loader.construct_object(child, deep=False) for child in node.value)
    data.item_locations = [loader.location(child) for child in node.value]


def _construct_vault(loader: LocatedLoader, node: _Composed) -> VaultValue:
    return VaultValue(loader.construct_scalar(node) if isinstance(node, ScalarNode) else "")


def _construct_unsafe(loader: LocatedLoader, node: _Composed) -> Any:
    if isinstance(node, ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


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
    path: Path,
    display_path: str | None = None,
    loader_class: type[LocatedLoader] = LocatedLoader,
    max_bytes: int = YAML_LIMIT,
) -> Any:
    """The YAML document in ``path`` with locations; an empty file loads as an empty ``LocatedDict``.

    Raises ``InputError("<file>:<line>: <problem>")`` for broken YAML, and a one-line
    ``InputError`` for an unreadable or ansible-vault encrypted file, a file over ``max_bytes``
    or a document past the loader's bounds (``LocatedLoader``).
    """
    shown = display_path or str(path)
    try:
        text = read_limited(path, "YAML file", max_bytes, shown)
    except FileNotFoundError:
        raise InputError(f"{shown}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{shown}: cannot read: {exc}") from None
    if text.lstrip().startswith(_VAULT_FILE_HEADER):
        raise InputError(
            f"{shown}: encrypted with ansible-vault; pass a decrypted copy (ansible-vault view {shown})"
        )
    loader: LocatedLoader | None = None
    try:
        loader = loader_class(text, shown)  # the reader checks the characters here
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        line = _problem_line(exc)
        where = f"{shown}:{line}" if line is not None else shown
        raise InputError(f"{where}: {_one_line(exc)}") from None
    except RecursionError:
        raise InputError(f"{shown}: YAML nested too deeply") from None
    except (ValueError, OverflowError) as exc:  # PyYAML's own, e.g. an escape past U+10FFFF
        raise InputError(f"{shown}: not valid YAML: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()
    return LocatedDict() if data is None else data
