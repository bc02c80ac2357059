"""What needs by name cost in an offline audit: the synthetic account (``synth.py``) checked three ways,
each in a fresh process, at each size:

- ``no-dns``: the snapshot as ``synth.py`` writes it (no name-resolution kinds): read as AWS's
  defaults (``trace/dns_inputs.py``), so the needs are walked as in ``defaults``;
- ``defaults``: the same account as a scan now reads it (Amazon DNS on every VPC, no Resolver
  rules, DNS Firewall or private zones): the default needs (ECR API, registry, S3 layers, Logs)
  are walked by name and packet;
- ``defaults+3``: and three needs by name (``--need``): two on 443, one on 8443 (its own walk).

For each: CPU seconds of trace_targets, of the rules, of the JSON render, the JSON's size, and the
process's peak RSS. A separate script (not ``run.py``), so the needs scenario stays apart from the
check hot-path benchmark.

    python benchmarks/needs.py [--sizes 1000 10000] [--out benchmarks/out]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from fargate_netcheck.trace.dns_inputs import NAME_RESOLUTION_KINDS

HERE = Path(__file__).resolve().parent
EXTRA = ("api.cloudreactor.io", "xy12345.snowflakecomputing.com", "partner.example.com:8443")
VARIANTS = ("no-dns", "defaults", "defaults+3")
AMAZON_DHCP = {
    "DhcpOptionsId": "dopt-amazon",
    "DhcpConfigurations": [{"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]}],
}
NAME_KINDS = (
    *(k for k in NAME_RESOLUTION_KINDS if k != "DhcpOptions"),
    "NetworkFirewalls",
    "NetworkFirewallPolicies",
    "NetworkFirewallRuleGroups",
)


def with_amazon_dns(data: dict) -> dict:
    """``data`` as a scan of a plain account reads its name resolution."""
    out = copy.deepcopy(data)
    for body in out["regions"].values():
        body["DhcpOptions"] = [copy.deepcopy(AMAZON_DHCP)]
        for kind in NAME_KINDS:
            body[kind] = []
        for vpc in body["Vpcs"]:
            vpc["DhcpOptionsId"] = "dopt-amazon"
    return out


def one(path: Path, extra: tuple[str, ...]) -> dict[str, float]:
    """The stages in this process (CPU seconds), as run.py times them."""
    import resource

    from trace_timer import timing_trace

    from fargate_netcheck import pipeline
    from fargate_netcheck.graph.build import build_graph
    from fargate_netcheck.needs.catalog import parse_need
    from fargate_netcheck.report.json_report import chunks
    from fargate_netcheck.report.output import write_report
    from fargate_netcheck.snapshot.store import load_snapshot
    from fargate_netcheck.targets.subnets import audit_targets

    snapshot = load_snapshot(path)
    graph = build_graph(snapshot)
    targets = audit_targets(graph)
    options = pipeline.AnalysisOptions(needs=tuple(parse_need(n) for n in extra))
    times: dict[str, float] = {}
    start = time.process_time()
    with timing_trace(times, "trace_s"):
        report = pipeline.analyze(snapshot, graph, targets, options)
    times["rules_s"] = time.process_time() - start - times["trace_s"]
    start = time.process_time()
    write_report(report, ["json"], Path(os.devnull), None)
    times["render_json_s"] = time.process_time() - start
    times["json_mb"] = sum(len(c.encode()) for c in chunks(report)) / 1e6
    times["needs"] = sum(len(t.needs) for t in report.targets)
    times["targets"] = len(report.targets)
    summary = report.summary()
    times["unreachable"], times["unknown"] = summary["unreachable"], summary["unknown"]
    times["maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return times


def measure(subnets: int, out: Path) -> list[dict]:
    sys.path.insert(0, str(HERE))
    import synth

    from fargate_netcheck.snapshot.store import write_snapshot

    raw = out / f"synth-{subnets}.json"
    synth.main(["--subnets", str(subnets), "--output", str(raw)])
    dns = out / f"synth-{subnets}-dns.json"
    write_snapshot(with_amazon_dns(json.loads(raw.read_text())), dns)
    rows = []
    for variant in VARIANTS:
        path = raw if variant == "no-dns" else dns
        cmd = [sys.executable, str(Path(__file__)), "--one", str(path)]
        if variant == "defaults+3":
            cmd += ["--extra", *EXTRA]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        rows.append({"subnets": subnets, "variant": variant, **json.loads(done.stdout)})
    return rows


def markdown(rows: list[dict]) -> str:
    head = "| subnets | variant | needs | trace s | rules s | JSON render s | JSON MB | peak RSS MiB | unreachable / unknown |"
    lines = [head, "|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(
            f"| {r['subnets']} | {r['variant']} | {r['needs']:.0f} | {r['trace_s']:.2f} | {r['rules_s']:.2f} "
            f"| {r['render_json_s']:.2f} | {r['json_mb']:.1f} | {r['maxrss_mib']:.0f} "
            f"| {r['unreachable']:.0f} / {r['unknown']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: one measurement
    parser.add_argument("--extra", nargs="*", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, tuple(args.extra))))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [row for size in args.sizes for row in measure(size, args.out)]
    text = markdown(rows)
    (args.out / "needs.md").write_text(text)
    (args.out / "needs.json").write_text(json.dumps(rows, indent=1) + "\n")
    print(text)


if __name__ == "__main__":
    main()
