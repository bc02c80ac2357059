"""AWS Network Firewall: a firewall policy and its rule groups evaluated for one flow, as AWS
documents it (stateless engine, then the stateful engine in the policy's rule order).

Pure functions over verbatim DescribeFirewallPolicy / DescribeRuleGroup shapes; nothing here reads a
snapshot or calls AWS. ``policy.evaluate_firewall`` is the entry point.
"""
