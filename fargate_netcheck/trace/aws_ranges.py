"""The addresses of AWS's own services, from the ranges AWS publishes (ip-ranges.json).

A dated, trimmed copy ships with the package (``data/aws-ip-ranges.json``: per region, the
``AMAZON`` and ``S3`` ranges, each family collapsed to the fewest blocks, and the names of every
service the download lists, so that ``aws:TYPO`` is an input error); ``--ip-ranges FILE``
reads a newer download in AWS's own format instead. Both load into one ``AwsRanges``. Nothing is
read until a walk asks (``shipped()`` is cached after the first call).

The sets the trace uses (``service_space``):

- ``S3`` in a region: the image layers' addresses;
- ``ECR`` in a region: ``AMAZON`` less ``S3`` (ECR's API and registry are not listed on their own;
  ``AMAZON`` holds every service's ranges, and S3's are S3's). A superset of ECR's addresses: it
  can make a verdict ``unknown``, never a wrong ``reachable``;
- any other service name: its own ranges as AWS lists them.

``python -m fargate_netcheck.cli.trim_ip_ranges IN OUT`` trims a download into the shipped shape (``trim``).
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.input_limits import IP_RANGES_LIMIT, read_limited
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.addresses import AddressSet, ipv4_block

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "aws-ip-ranges.json"
TRIMMED_SERVICES = ("AMAZON", "S3")
ECR_AND_S3 = "ECR+S3"  # the service set an image pull needs: ECR's API and registry, S3's layers


def service_names(service: str) -> tuple[str, ...]:
    """The services ``aws:SERVICE`` names (upper case): ``ECR+S3`` is both of an image pull's."""
    return ("ECR", "S3") if service == ECR_AND_S3 else (service,)


@dataclass(frozen=True, slots=True)
class AwsRanges:
    create_date: str
    source: str  # "shipped copy" or the file given with --ip-ranges
    ranges: dict[str, dict[str, tuple[str, ...]]]  # region -> service -> CIDR blocks
    # Every service the download lists, in any region (the trimmed copy records them): None when
    # not recorded (a trimmed copy written before it did).
    services: frozenset[str] | None = None
    _spaces: dict[tuple[str, str, int], AddressSet | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def describe(self) -> str:
        return f"AWS ip-ranges.json createDate {self.create_date} ({self.source})"

    def regions(self) -> list[str]:
        return sorted(self.ranges)

    def check_named(self, service: str, region: str | None) -> None:
        """An InputError when ``aws:SERVICE[:REGION]`` names a service or region that this copy
        lists nowhere: a typo, not a destination to report ``unknown`` target by target. A service
        the download lists but a trimmed copy left out stays a per-target ``unknown`` (its reason
        says to pass ``--ip-ranges``)."""
        names = service_names(service.upper())
        listed = self.services
        if listed is not None:
            missing = [n for n in names if ("AMAZON" if n == "ECR" else n) not in listed]
            if missing:
                raise InputError(
                    f"--destination aws:{service}: {self.describe()} lists no service {missing[0]}; it lists "
                    f"{', '.join(sorted(listed))} (and ECR, ECR+S3: an image pull's)"
                )
        if region is not None and region not in self.ranges:
            raise InputError(
                f"--destination aws:{service}:{region}: {self.describe()} lists no region {region} "
                "(a region newer than the file: pass a newer download with --ip-ranges)"
            )

    def service_space(self, service: str, region: str, version: int = 4) -> AddressSet | None:
        """The service's addresses in ``region`` (``ECR``: AMAZON less S3); None when the copy
        lists nothing for it there."""
        key = (service.upper(), region, version)
        if key not in self._spaces:
            self._spaces[key] = self._build(service.upper(), region, version)
        return self._spaces[key]

    def _build(self, service: str, region: str, version: int) -> AddressSet | None:
        listed = self.ranges.get(region, {})
        if service == "ECR":
            amazon = self._blocks(listed.get("AMAZON"), version)
            if amazon is None:
                return None
            s3 = self._blocks(listed.get("S3"), version)
            return amazon - s3 if s3 is not None else amazon
        return self._blocks(listed.get(service), version)

    @staticmethod
    def _blocks(cidrs: tuple[str, ...] | None, version: int) -> AddressSet | None:
        if cidrs is None:
            return None
        return AddressSet.of([c for c in cidrs if (":" in c) == (version == 6)], version)


@cache
def shipped() -> AwsRanges:
    """The copy in the package. ``trim`` wrote its blocks as ``ipaddress`` writes them (a test
    holds it to that), so they are taken as written rather than parsed again on every run."""
    return parse(json.loads(SHIPPED.read_text(encoding="utf-8")), "shipped copy", canonical=True)


def load(path: Path) -> AwsRanges:
    """A download of ip-ranges.json (or a trimmed copy); a clear InputError when it is not one."""
    try:
        data = json.loads(read_limited(path, "--ip-ranges file", IP_RANGES_LIMIT))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--ip-ranges {path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"--ip-ranges {path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    except (ValueError, RecursionError) as exc:  # a number past the digit limit, too deep a nesting
        raise InputError(f"--ip-ranges {path}: not JSON ({type(exc).__name__}: {exc})") from None
    return parse(data, str(path))


def parse(data: object, source: str, canonical: bool = False) -> AwsRanges:
    """``canonical``: the trimmed shape's blocks are known to be CIDR text as ``ipaddress`` writes
    it (the shipped copy); otherwise each is read and rewritten so."""
    if not isinstance(data, dict) or not isinstance(data.get("createDate"), str):
        raise InputError(f"{source}: not AWS ip-ranges.json (no createDate)")
    ranges: dict[str, dict[str, list[str]]] = {}
    services: frozenset[str] | None = None
    if "regions" in data:  # the trimmed shape
        listed = data.get("services")
        if listed is not None:
            if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
                raise InputError(f"{source}: services is not a list of service names")
            services = frozenset(listed)
        for region, by_service in _dict(data["regions"], source, "regions").items():
            for service, cidrs in _dict(by_service, source, region).items():
                if not isinstance(cidrs, list):
                    raise InputError(f"{source}: regions.{region}.{service} is not a list of CIDR blocks")
                ranges.setdefault(region, {})[service] = (
                    cidrs if canonical else [_cidr(c, source) for c in cidrs]
                )
    else:
        for key, cidr_field in (("prefixes", "ip_prefix"), ("ipv6_prefixes", "ipv6_prefix")):
            entries = data.get(key)
            if not isinstance(entries, list):
                raise InputError(f"{source}: not AWS ip-ranges.json (no {key} list)")
            for n, entry in enumerate(entries):
                if not isinstance(entry, dict) or not all(
                    isinstance(entry.get(f), str) for f in (cidr_field, "region", "service")
                ):
                    raise InputError(f"{source}: {key}[{n}] lacks {cidr_field}, region or service")
                ranges.setdefault(entry["region"], {}).setdefault(entry["service"], []).append(
                    _cidr(entry[cidr_field], source)
                )
        services = frozenset(s for listed in ranges.values() for s in listed)
    return AwsRanges(
        data["createDate"],
        source,
        {r: {s: tuple(c) for s, c in listed.items()} for r, listed in ranges.items()},
        services,
    )


def _dict(value: object, source: str, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise InputError(f"{source}: {where} is not an object")
    return value


def _cidr(value: object, source: str) -> str:
    """A CIDR block written as text (a number would read as an address: ``167772160`` is 10.0.0.0)."""
    if isinstance(value, str):
        block = ipv4_block(value)
        if block is not None and not block[0] & ((1 << (32 - block[1])) - 1):
            return value  # already as ipaddress writes it
        try:
            return str(ipaddress.ip_network(value, strict=False))
        except ValueError:
            pass
    raise InputError(f"{source}: {value!r} is not a CIDR block")


def trim(data: JsonDict) -> JsonDict:
    """AWS's ip-ranges.json reduced to the shipped shape: AMAZON and S3 per region, collapsed."""
    full = parse(data, "input")
    regions: dict[str, dict[str, list[str]]] = {}
    for region in full.regions():
        for service in TRIMMED_SERVICES:
            cidrs = full.ranges[region].get(service)
            if cidrs:
                regions.setdefault(region, {})[service] = [
                    c
                    for v in (4, 6)
                    for c in AddressSet.of([x for x in cidrs if (":" in x) == (v == 6)], v).cidrs()
                ]
    return {
        "source": "https://ip-ranges.amazonaws.com/ip-ranges.json (AMAZON and S3 only, collapsed)",
        "syncToken": data.get("syncToken"),
        "createDate": data["createDate"],
        "services": sorted(full.services or ()),
        "regions": regions,
    }
