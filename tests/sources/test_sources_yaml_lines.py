"""The located YAML loader and the located combine."""

from __future__ import annotations

from pathlib import Path

import pytest

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import SourceLocation
from fargate_netcheck.targets.yaml_lines import LocatedDict, VaultValue, combine, load_yaml, located

DOC = """\
base: &base
  subnets:
    - subnet-1
    - subnet-2
  assign_public_ip: false
task:
  <<: *base
  assign_public_ip: true
secret: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  6162
raw: !unsafe "{{ not_a_template }}"
"""


@pytest.fixture
def doc(tmp_path: Path) -> LocatedDict:
    path = tmp_path / "vars.yml"
    path.write_text(DOC)
    return load_yaml(path, "vars.yml")


def test_keys_and_items_carry_their_lines(doc: LocatedDict) -> None:
    assert doc.locations["base"] == SourceLocation("vars.yml", 1)
    assert doc["base"].locations["subnets"] == SourceLocation("vars.yml", 2)
    assert [loc.line for loc in doc["base"]["subnets"].item_locations] == [3, 4]


def test_merge_keys_keep_the_anchor_line_and_explicit_keys_win(doc: LocatedDict) -> None:
    task = doc["task"]
    assert task["subnets"] == ["subnet-1", "subnet-2"]
    assert task.locations["subnets"].line == 2
    assert task["assign_public_ip"] is True
    assert task.locations["assign_public_ip"].line == 8


def test_ansible_tags_load_as_strings(doc: LocatedDict) -> None:
    assert isinstance(doc["secret"], VaultValue)
    assert doc["raw"] == "{{ not_a_template }}"


def test_empty_file_is_an_empty_mapping(tmp_path: Path) -> None:
    path = tmp_path / "empty.yml"
    path.write_text("# only a comment\n")
    assert load_yaml(path) == {}


def test_unknown_tag_is_an_input_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "tag.yml"
    path.write_text("a: 1\nb: !custom x\n")
    with pytest.raises(InputError, match=r"tag\.yml:2: .*could not determine a constructor"):
        load_yaml(path)


def test_combine_merges_mappings_replaces_lists_and_tracks_locations() -> None:
    low = located({"net": {"subnets": ["a", "b"], "groups": ["g"]}}, SourceLocation("low.yml", 1))
    high = located({"net": {"subnets": ["c"]}}, SourceLocation("high.yml", 9))
    merged = combine(low, high)
    assert merged == {"net": {"subnets": ["c"], "groups": ["g"]}}
    assert merged["net"].locations == {
        "subnets": SourceLocation("high.yml", 9),
        "groups": SourceLocation("low.yml", 1),
    }
    assert low["net"]["subnets"] == ["a", "b"]  # inputs are not modified


def test_combine_with_null_replaces_the_mapping() -> None:
    low = located({"net": {"subnets": ["a"]}}, SourceLocation("low.yml", 1))
    assert combine(low, {"net": None}) == {"net": None}
