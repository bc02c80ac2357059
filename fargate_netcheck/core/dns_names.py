"""Domain names compared as DNS does: without case, without the trailing dot, label by label."""

from __future__ import annotations


def norm(name: str) -> str:
    return name.strip().rstrip(".").lower()


def covers(domain: str, name: str) -> bool:
    """``name`` is ``domain`` or a subdomain of it (the root ``.`` covers every name)."""
    d, n = norm(domain), norm(name)
    return d == "" or n == d or n.endswith("." + d)


def labels(domain: str) -> int:
    d = norm(domain)
    return 0 if d == "" else d.count(".") + 1


def firewall_domain_matches(pattern: str, name: str) -> bool:
    """A DNS Firewall domain list entry: ``*`` matches every name, ``*.example.com`` the
    subdomains of example.com, anything else that exact name."""
    p, n = norm(pattern), norm(name)
    if p == "*":
        return True
    if p.startswith("*."):
        return n.endswith(p[1:])
    return p == n


def record_matches(record_name: str, name: str) -> bool:
    """A record set's name answers ``name``: equal, or a wildcard ``*.parent`` one label or more above."""
    r, n = norm(record_name.replace("\\052", "*")), norm(name)
    if r.startswith("*."):
        return n.endswith(r[1:])
    return r == n
