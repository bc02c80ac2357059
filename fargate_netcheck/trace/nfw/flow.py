"""A flow as the firewall sees it: sets of sources, destinations and ports, the IP protocol, and
the application layer (TLS with its SNI, HTTP with its Host) the stateful engine can read."""

from __future__ import annotations

from dataclasses import dataclass, replace

from fargate_netcheck.trace.nfw.sets import AddressSet, IntervalSet, ports

TCP = 6
EPHEMERAL = ports([(1024, 65535)])


@dataclass(frozen=True, slots=True)
class Flow:
    sources: AddressSet
    destinations: AddressSet
    source_ports: IntervalSet
    destination_ports: IntervalSet
    protocol: int = TCP
    app: str | None = None  # "tls" | "http" | "unknown": what Suricata's protocol detection finds
    host: str | None = None  # the TLS SNI or HTTP Host
    fragmented: bool = False

    def reply(self) -> Flow:
        return replace(
            self,
            sources=self.destinations,
            destinations=self.sources,
            source_ports=self.destination_ports,
            destination_ports=self.source_ports,
        )


def need_flow(sources: AddressSet, destinations: AddressSet, port: int, host: str | None) -> Flow:
    """The flow of a need: TCP from the task's range and ephemeral ports to the need's addresses and
    port. Port 80 is HTTP (Host header) and 443 TLS (SNI), which is what the AWS APIs, CloudReactor
    and most partner APIs speak there; on any other port the application protocol is not known
    (PostgreSQL on 5432 is not TLS to Suricata's detection): rules on one match it only maybe."""
    app = {80: "http", 443: "tls"}.get(port, "unknown")
    return Flow(sources, destinations, EPHEMERAL, ports([(port, port)]), TCP, app, host)
