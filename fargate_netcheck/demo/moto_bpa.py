"""Teach moto's EC2 the two VPC Block Public Access describe actions, answered as a fresh account.

moto (5.2.5, the latest at the time of writing) implements neither
``DescribeVpcBlockPublicAccessOptions`` nor ``DescribeVpcBlockPublicAccessExclusions``: in-process
(``mock_aws``) the call raises ``NotImplementedError``, and ``moto.server`` answers a server error.
The collector makes both calls in every region, so wherever fargate-netcheck runs against an
embedded moto (the demo, the test suite, the e2e ``moto_server``) ``install()`` is called first.

The answer is that of an account that never turned BPA on: options ``default-state`` with the
internet gateway block mode ``off`` and exclusions allowed, and no exclusions. moto's ``EC2Response``
dispatches an action to the method of the same name in snake_case; the methods added here return
the EC2 query protocol's XML as a string, which every moto 5 accepts. A moto that implements an
action itself keeps its own.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"
_REQUEST_ID = "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"


def fresh_options(account_id: str, region: str) -> dict[str, str]:
    """A fresh account's ``VpcBlockPublicAccessOptions`` in ``region``: nothing blocked."""
    return {
        "AwsAccountId": account_id,
        "AwsRegion": region,
        "State": "default-state",
        "InternetGatewayBlockMode": "off",
        "ExclusionsAllowed": "allowed",
    }


def _options_xml(account_id: str, region: str) -> str:
    body = ""
    for name, value in fresh_options(account_id, region).items():
        tag = name[0].lower() + name[1:]  # EC2's XML names: awsAccountId, internetGatewayBlockMode, ...
        body += f"<{tag}>{escape(value)}</{tag}>"
    return (
        f'<DescribeVpcBlockPublicAccessOptionsResponse xmlns="{_XMLNS}">'
        f"<requestId>{_REQUEST_ID}</requestId>"
        f"<vpcBlockPublicAccessOptions>{body}</vpcBlockPublicAccessOptions>"
        "</DescribeVpcBlockPublicAccessOptionsResponse>"
    )


def _exclusions_xml() -> str:
    return (
        f'<DescribeVpcBlockPublicAccessExclusionsResponse xmlns="{_XMLNS}">'
        f"<requestId>{_REQUEST_ID}</requestId>"
        "<vpcBlockPublicAccessExclusionSet/>"
        "</DescribeVpcBlockPublicAccessExclusionsResponse>"
    )


def describe_vpc_block_public_access_options(self: Any) -> str:
    """``EC2Response`` method: the options of the request's account and region."""
    return _options_xml(self.current_account, self.region)


def describe_vpc_block_public_access_exclusions(self: Any) -> str:
    """``EC2Response`` method: no exclusions (one page, no ``nextToken``)."""
    return _exclusions_xml()


ACTIONS = {
    "describe_vpc_block_public_access_options": describe_vpc_block_public_access_options,
    "describe_vpc_block_public_access_exclusions": describe_vpc_block_public_access_exclusions,
}


def install() -> list[str]:
    """Add the actions moto lacks to its ``EC2Response`` (for ``mock_aws`` and ``moto.server`` alike,
    in this process). Idempotent; returns the actions added by this call. Needs moto installed."""
    from moto.ec2.responses import EC2Response

    added = []
    for name, method in ACTIONS.items():
        if not hasattr(EC2Response, name):
            setattr(EC2Response, name, method)
            added.append(name)
    return added
