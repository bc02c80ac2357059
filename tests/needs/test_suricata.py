"""Reading Suricata rule strings: headers, lists, variables, content modifiers."""

from __future__ import annotations

import pytest

from fargate_netcheck.trace.nfw.sets import AddressSet
from fargate_netcheck.trace.nfw.suricata import Content, parse_rule
from fargate_netcheck.trace.nfw.suricata_specs import RuleError, Variables, addresses, port_spec


def test_content_modifiers_follow_suricata():
    dot = Content("tls.sni", ".example.com", dotprefix=True, endswith=True)
    assert dot.matches("example.com") and dot.matches("a.b.example.com") and not dot.matches("badexample.com")
    exact = Content("tls.sni", "Example.com", nocase=True, startswith=True, endswith=True)
    assert exact.matches("EXAMPLE.COM") and not exact.matches("www.example.com")
    assert Content("tls.sni", "example", negated=True).matches("other.org")


def test_parse_reads_header_flow_and_sticky_buffer():
    rule = parse_rule(
        'pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"a\\;b"; endswith; flow:to_server,established; sid:9;)'
    )
    assert (rule.action, rule.protocol, rule.destination_ports) == ("pass", "tls", "443")
    assert rule.contents == (Content("tls.sni", "a;b", endswith=True),)
    assert rule.flow == {"to_server", "established"} and rule.problem is None


def test_legacy_tls_sni_modifier_applies_to_the_previous_content():
    rule = parse_rule('pass tls any any -> any any (content:"x.io"; tls_sni; sid:1;)')
    assert rule.contents[0].buffer == "tls.sni" and rule.problem is None


def test_address_lists_negation_and_variables():
    v = Variables({"HOME_NET": ["10.0.0.0/16"], "EXTERNAL_NET": ["!$HOME_NET"]})
    assert AddressSet.of(["10.0.5.0/24"]).match(addresses("$HOME_NET", v)).value == "yes"
    assert AddressSet.of(["10.0.5.0/24"]).match(addresses("$EXTERNAL_NET", v)).value == "no"
    both = addresses("[10.0.0.0/8, !10.1.0.0/16]", v)
    assert AddressSet.of(["10.1.2.3/32"]).match(both).value == "no"
    assert AddressSet.of(["10.2.2.3/32"]).match(both).value == "yes"


def test_ports_ranges_lists_and_negation():
    v = Variables()
    assert port_spec("[80, 1024:]", v).intervals == ((80, 80), (1024, 65535))
    assert port_spec("!443", v).intervals == ((0, 442), (444, 65535))


@pytest.mark.parametrize("bad", ["drop tcp any any any any (sid:1;)", "drop tcp any any -> any any", ""])
def test_unreadable_headers_raise(bad):
    with pytest.raises(RuleError):
        parse_rule(bad)
