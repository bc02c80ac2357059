"""Fuzzing the YAML loader (``load_yaml`` with ``LocatedLoader``): any text ends in data or an
``InputError``, never another exception; documents built of anchors and aliases stay within the
loader's bounds; a subclass (as the CloudFormation loader is) inherits those bounds."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from fuzz.mutations import FUZZ
from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.targets.yaml_lines import LocatedDict, LocatedList, LocatedLoader, load_yaml

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.text(max_size=12),
    st.sampled_from(["subnet-0abc", "sg-1", "ENABLED", "~", "<<", "&a", "*a", "!vault", "- x", ": y"]),
)
TREES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)
YAML_CHARS = st.sampled_from(
    [*"[]{}&*!|>-:?,#'\"\\%@` \n\t<=", "<<: ", "&x ", "*x", "!!map ", "!!seq ", "!vault ", "\x00", "é"]
)


class TightLoader(LocatedLoader):
    """A subclass with small bounds, as another input format's loader would be."""

    max_nodes = 200
    max_expanded_nodes = 400
    max_depth = 20


def _outcome(name: str) -> None:
    if currently_in_test_context():  # the plain tests below load too
        event(f"outcome: {name}")


def load_text(text: str, loader: type[LocatedLoader] = LocatedLoader) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            data = load_yaml(path, "fuzz.yml", loader_class=loader)
        except InputError as exc:
            assert str(exc).startswith("fuzz.yml"), "an InputError names the file"
            _outcome("InputError")
            return None
        except UnicodeEncodeError:
            _outcome("unencodable text")
            return None
    _outcome("data")
    return data


def expanded_size(value: Any) -> int:
    if isinstance(value, list):
        return 1 + sum(expanded_size(v) for v in value)
    if isinstance(value, dict):
        return 1 + sum(1 + expanded_size(v) for v in value.values())
    return 1


@FUZZ
@given(tree=TREES, data=st.data())
def test_mutated_yaml_text_ends_in_data_or_an_input_error(tree, data):
    text = yaml.safe_dump(tree, default_flow_style=data.draw(st.booleans(), label="flow"))
    for _ in range(data.draw(st.integers(0, 4), label="edits")):
        at = data.draw(st.integers(0, len(text)), label="at")
        op = data.draw(st.sampled_from(["insert", "replace", "delete", "truncate"]), label="op")
        char = data.draw(YAML_CHARS | st.characters(blacklist_categories=("Cs",)), label="char")
        if op == "insert":
            text = text[:at] + char + text[at:]
        elif op == "replace":
            text = text[:at] + char + text[at + 1 :]
        elif op == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at]
    loaded = load_text(text)
    if loaded is not None and isinstance(loaded, dict):
        assert isinstance(loaded, LocatedDict)


@st.composite
def alias_documents(draw: st.DrawFn) -> str:
    """Documents whose anchors are reused by aliases, in sequences, mappings and merge keys."""
    lines = []
    for i in range(draw(st.integers(1, 12))):
        earlier = [f"*a{j}" for j in range(i)]
        shape = draw(st.sampled_from(["seq", "map", "merge", "scalar"]))
        refs = draw(st.lists(st.sampled_from(earlier), max_size=10)) if earlier else []
        if shape == "seq" or (shape != "scalar" and not refs):
            body = "[" + ", ".join(refs or ["x"]) + "]"
        elif shape == "map":
            body = "{" + ", ".join(f"k{n}: {r}" for n, r in enumerate(refs)) + "}"
        elif shape == "merge":
            body = "{<<: [" + ", ".join(refs) + "], own: 1}"
        else:
            body = "subnet-1"
        lines.append(f"a{i}: &a{i} {body}")
    return "\n".join(lines) + "\n"


@FUZZ
@given(text=alias_documents())
def test_alias_documents_stay_within_the_bounds_of_a_subclass(text):
    # The bounds are the base class's code with smaller numbers: near the base loader's million
    # nodes every example would take seconds (test_an_alias_bomb_... covers the base loader).
    loaded = load_text(text, TightLoader)
    if loaded is not None:
        # merge keys ("<<") copy a mapping's keys, which the bound counted as the alias they came from
        assert expanded_size(loaded) <= 2 * TightLoader.max_expanded_nodes + 1


def test_an_alias_bomb_is_refused_by_the_base_loader_and_a_subclass():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
    )
    for loader in (LocatedLoader, TightLoader):
        assert load_text(bomb, loader) is None


def test_a_document_within_the_bounds_loads_with_its_aliases():
    loaded = load_text("base: &b [subnet-1, subnet-2]\nprod: *b\n")
    assert loaded == {"base": ["subnet-1", "subnet-2"], "prod": ["subnet-1", "subnet-2"]}
    assert isinstance(loaded["prod"], LocatedList)
