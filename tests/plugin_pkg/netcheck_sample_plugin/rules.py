"""PLG001: every subnet a task may run in carries an ``owner`` tag.

The module only defines a ``Rule`` at top level; fargate-netcheck's loader finds it whether this
file sits in a ``--rules-dir`` folder or the package is installed with its entry point.
"""

from fargate_netcheck.rules_api import Hit, rule


@rule(
    id="PLG001",
    name="subnet-owner-tag",
    title="Task subnets carry an owner tag",
    severity="info",
    docs="""
    What it checks: every subnet a Fargate task may be placed in has a tag named `owner`.
    Why it matters: when a launch fails at 3 a.m., the on-call engineer needs to know which team
    owns the network the task runs in.
    Example: `subnet-0abc` with tags `Name=private-a` only.
    Fix: tag the subnet, e.g. `aws ec2 create-tags --resources subnet-0abc --tags Key=owner,Value=platform`.
    """,
    remediation="Add an `owner` tag to the subnet.",
)
def subnet_owner_tag(ctx):
    for result in ctx.results:
        subnet_id = result.target.subnet_id
        item = ctx.graph.nodes[subnet_id].get("item", {}) if subnet_id in ctx.graph else {}
        keys = {tag.get("Key") for tag in item.get("Tags") or []}
        if "owner" not in keys:
            yield Hit(subnet_id, f"subnet {subnet_id} has no owner tag", result.target.target_id)
