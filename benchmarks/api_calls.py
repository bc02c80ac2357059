"""How many API calls one collection makes, by operation, as the number of subnets grows.

Runs entirely under moto (no AWS account, fake credentials forced): builds one region with
5 VPCs x 4 subnets, collects, then 5 VPCs x 40 subnets, and prints the calls per operation.
The totals must be equal: collection makes one paginated call per kind, never one per subnet.

    python benchmarks/api_calls.py [--vpcs 5] [--subnets 4 40]
"""

from __future__ import annotations

import argparse
import os
import time

REGION = "us-east-1"


def _isolate_from_real_aws() -> None:
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_EC2",
        "AWS_ENDPOINT_URL_STS",
    ):
        os.environ.pop(name, None)
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )


def measure(vpcs: int, subnets_per_vpc: int) -> tuple[dict[str, int], int, float]:
    """(calls per operation, subnets collected, seconds) for one fresh moto region."""
    import boto3
    from moto import mock_aws

    from fargate_netcheck.collect import collect
    from fargate_netcheck.demo import moto_bpa, moto_dns_firewall

    moto_bpa.install()  # moto does not implement VPC Block Public Access
    moto_dns_firewall.install()  # nor the DNS Firewall list calls
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        for v in range(vpcs):
            vpc_id = ec2.create_vpc(CidrBlock=f"10.{v}.0.0/16")["Vpc"]["VpcId"]
            for s in range(subnets_per_vpc):
                ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{v}.{s}.0/24")
        started = time.perf_counter()
        snapshot, calls = collect([REGION])
        elapsed = time.perf_counter() - started
    return dict(calls.counts), len(snapshot["regions"][REGION]["Subnets"]), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vpcs", type=int, default=5)
    parser.add_argument(
        "--subnets", type=int, nargs="+", default=[4, 40], help="subnets per VPC, one run each"
    )
    args = parser.parse_args()
    _isolate_from_real_aws()

    runs = [(n, *measure(args.vpcs, n)) for n in args.subnets]
    headers = [f"{args.vpcs}x{n}" for n, *_ in runs]
    operations = sorted({op for _, counts, *_ in runs for op in counts})
    width = max(len(op) for op in [*operations, "operation"])
    print(f"{'operation':<{width}}  " + "  ".join(f"{h:>7}" for h in headers))
    for op in operations:
        print(f"{op:<{width}}  " + "  ".join(f"{counts.get(op, 0):>7}" for _, counts, *_ in runs))
    print(f"{'TOTAL calls':<{width}}  " + "  ".join(f"{sum(c.values()):>7}" for _, c, *_ in runs))
    print(f"{'subnets collected':<{width}}  " + "  ".join(f"{s:>7}" for _, _, s, _ in runs))
    print(f"{'seconds (moto)':<{width}}  " + "  ".join(f"{t:>7.2f}" for *_, t in runs))
    totals = {sum(c.values()) for _, c, *_ in runs}
    print("calls independent of subnet count:", "yes" if len(totals) == 1 else "NO")


if __name__ == "__main__":
    main()
