"""The graph parses each distinct CIDR once (snapshot/networks.py ``Networks``), dotted quads by a
shortcut: every text must give what ``ipaddress.ip_network(text, strict=False)`` gives, or raise
what it raises."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fargate_netcheck.snapshot.networks import Networks

TEXTS = [
    "0.0.0.0/0",
    "10.0.0.0/16",
    "10.1.2.3/8",  # host bits set: strict=False masks them
    "255.255.255.255/32",
    "192.168.1.0/24",
    "10.0.0.0",  # no prefix: a /32
    "10.0.0.0/255.255.0.0",  # a netmask
    "2001:db8::/32",
    "::/0",
    "2001:db8::1/64",
]


def _same(text: object) -> None:
    networks = Networks()
    try:
        expected = ipaddress.ip_network(text, strict=False)  # type: ignore[arg-type]
    except ValueError:
        with pytest.raises(ValueError):
            networks(text)  # type: ignore[arg-type]
        return
    got = networks(text)  # type: ignore[arg-type]
    assert (type(got), got, str(got), got.prefixlen) == (
        type(expected),
        expected,
        str(expected),
        expected.prefixlen,
    )
    assert networks(text) is got, "parsed once"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", [*TEXTS, "10.0.0.01/8", "256.0.0.0/8", "10.0.0.0/33", "10.0.0.0/-1", "nope", ""]
)
def test_known_texts_parse_as_ip_network_does(text):
    _same(text)


@given(st.integers(0, 2**32 - 1), st.integers(0, 32))
def test_every_dotted_quad_parses_as_ip_network_does(number, prefix):
    _same(f"{ipaddress.IPv4Address(number)}/{prefix}")


@given(st.text(alphabet="0123456789./:abcdef", max_size=20))
def test_any_text_parses_or_fails_as_ip_network_does(text):
    _same(text)
