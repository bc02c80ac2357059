"""``fargate-netcheck demo``: the whole pipeline on a sample account inside an embedded moto.

The real collector reads the sample account through boto3 (moto answers in-process), then the
real checker runs on that snapshot. No AWS account, credentials or network are needed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Report

REGION = "us-east-1"
_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    # No shared config or credentials file: a profile's endpoint_url, services section, dual-stack
    # or FIPS setting would send the sample account's Create* calls past moto, to a real endpoint.
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
}
# moto's own switches that hand requests to a server or a proxy instead of answering in-process.
_MOTO_ELSEWHERE = ("TEST_SERVER_MODE", "TEST_PROXY_MODE")
# moto answers in-process only requests to AWS's standard endpoints; any other would leave.
_MOTO_HOST_SUFFIX = ".amazonaws.com"


@contextmanager
def _isolated_environment() -> Iterator[None]:
    """Fake credentials for moto; never a real profile, config file or endpoint, whatever the shell
    has: every ``AWS_*`` variable (endpoints, profiles, dual-stack, FIPS) is set aside."""
    cleared = [k for k in os.environ if k.startswith("AWS_") or k in _MOTO_ELSEWHERE]
    saved = {k: os.environ.get(k) for k in (*_FAKE_ENV, *cleared)}
    for key in cleared:
        os.environ.pop(key, None)
    os.environ.update(_FAKE_ENV)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _refuse_leaving(request: object, **_: object) -> None:
    """``before-send``: the sample account is built with mutating calls, which only moto may see."""
    host = urlsplit(str(getattr(request, "url", ""))).hostname or ""
    if not host.endswith(_MOTO_HOST_SUFFIX):
        raise InputError(
            f"demo: refused a request to {host or 'an unknown host'}: the demo talks only to its embedded moto"
        )


def demo_report(*, with_topology: bool = True) -> Report:
    """The report of the sample account: built in moto, collected and checked for real."""
    with _isolated_environment():  # before moto reads its settings
        try:
            import boto3
            from moto import mock_aws, settings
        except ImportError:
            raise InputError("the demo needs moto: pip install 'fargate-netcheck[demo]'") from None
    if settings.TEST_SERVER_MODE:  # moto imported earlier, in server mode (read at its import)
        raise InputError("demo: moto is in server mode here (TEST_SERVER_MODE): the demo needs it in-process")
    from fargate_netcheck.collect import collect
    from fargate_netcheck.demo import moto_bpa, moto_dns_firewall, moto_profiles
    from fargate_netcheck.demo.account import build_demo_account
    from fargate_netcheck.graph.build import build_graph
    from fargate_netcheck.pipeline import AnalysisOptions, analyze
    from fargate_netcheck.snapshot.store import parse_snapshot
    from fargate_netcheck.targets.subnets import make_target

    moto_bpa.install()  # moto lacks the Block Public Access describe calls the collector makes
    moto_dns_firewall.install()  # and the DNS Firewall list calls
    moto_profiles.install()  # and Route 53 Profiles' association list
    with _isolated_environment(), mock_aws():
        session = boto3.Session(region_name=REGION)
        session.events.register("before-send", _refuse_leaving)
        demo_targets = build_demo_account(session.client("ec2"), REGION)
        data, calls = collect([REGION], session=session)
    snapshot = parse_snapshot(data, "demo account")
    graph = build_graph(snapshot)
    targets = [
        make_target(graph, f"demo:{t.name}", t.subnet_id, t.security_group_ids, t.assign_public_ip)
        for t in demo_targets
    ]
    # Each demo target is one scenario, not a task configuration: no single-AZ warnings for them.
    options = AnalysisOptions(plugins=False, params={"single_az_skip_sources": ("audit", "cli", "demo")})
    report = analyze(snapshot, graph, targets, options, with_topology=with_topology)
    report.notes.append(
        f"demo: a sample account in an embedded moto, collected with {calls.total} read-only API calls; "
        "its failures are deliberate (see README)"
    )
    return report


def run_demo(output: Path, html: Path | None = None, markdown: Path | None = None) -> int:
    from fargate_netcheck.report import stream, text
    from fargate_netcheck.report.output import write_file

    report = demo_report(with_topology=html is not None)
    sys.stdout.write(text.render(report))
    written = []
    for fmt, path in (("json", output), ("html", html), ("markdown", markdown)):
        if path is not None:
            write_file(path, stream(fmt)(report))
            written.append(path)
    print(f"\nwrote {', '.join(map(str, written))}", file=sys.stderr)
    return 0
