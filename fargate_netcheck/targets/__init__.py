"""Targets: which subnets, security groups and public-IP choices a run evaluates, and where they come
from (the command line, an account audit, ECS services, CloudReactor deployment configs and Run
Environments, CloudFormation/CDK templates and Terraform plans in ``iac``, and the reasons ECS gives
for a stopped task)."""
