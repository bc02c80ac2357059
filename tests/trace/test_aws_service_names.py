"""``aws:SERVICE[:REGION]`` names a service and region that AWS's ip-ranges.json lists, or it is a
typo: an input error naming the file's services, not an ``unknown`` on every target."""

from __future__ import annotations

import pytest

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.trace.aws_ranges import parse, shipped

DOWNLOAD = {
    "createDate": "2026-01-01-00-00-00",
    "prefixes": [
        {"ip_prefix": "52.0.0.0/16", "region": "eu-west-1", "service": "AMAZON"},
        {"ip_prefix": "52.1.0.0/16", "region": "eu-west-1", "service": "EC2"},
    ],
    "ipv6_prefixes": [{"ipv6_prefix": "2a05:d000::/25", "region": "eu-west-1", "service": "DYNAMODB"}],
}


def test_the_shipped_copy_records_every_service_of_its_download():
    assert {"AMAZON", "S3", "EC2", "CLOUDFRONT", "ROUTE53"} <= (shipped().services or set())


@pytest.mark.parametrize("name", ["S3", "s3", "EC2", "ECR", "ECR+S3", "AMAZON"])
def test_a_listed_service_is_accepted(name):
    shipped().check_named(name, None)
    shipped().check_named(name, "us-east-1")


def test_an_unlisted_service_is_an_input_error_naming_what_is_listed():
    with pytest.raises(InputError) as raised:
        shipped().check_named("NOPE", None)
    message = str(raised.value)
    assert message.startswith("--destination aws:NOPE: AWS ip-ranges.json createDate")
    assert "lists no service NOPE" in message and "CLOUDFRONT" in message and "\n" not in message


def test_an_unlisted_region_is_an_input_error_saying_to_pass_a_newer_download():
    with pytest.raises(InputError, match=r"lists no region us-nowhere-9 .*--ip-ranges"):
        shipped().check_named("S3", "us-nowhere-9")


def test_a_download_lists_the_services_of_both_families():
    ranges = parse(DOWNLOAD, "ip.json")
    assert ranges.services == frozenset({"AMAZON", "EC2", "DYNAMODB"})
    ranges.check_named("DYNAMODB", "eu-west-1")
    with pytest.raises(InputError, match=r"ip\.json.*lists no service S3"):
        ranges.check_named("ECR+S3", None)  # ECR is AMAZON's, which is listed; S3 is not


def test_a_trimmed_copy_without_service_names_checks_regions_only():
    ranges = parse({"createDate": "x", "regions": {"eu-west-1": {"AMAZON": ["52.0.0.0/16"]}}}, "old.json")
    assert ranges.services is None
    ranges.check_named("ANYTHING", "eu-west-1")
    with pytest.raises(InputError, match="lists no region us-east-1"):
        ranges.check_named("ANYTHING", "us-east-1")


@pytest.mark.parametrize("services", ["S3", [1, "S3"], {"S3": 1}])
def test_service_names_of_another_shape_are_an_input_error(services):
    with pytest.raises(InputError, match=r"bad\.json: services is not a list of service names"):
        parse({"createDate": "x", "services": services, "regions": {}}, "bad.json")
