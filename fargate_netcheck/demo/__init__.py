"""A sample AWS account (built in moto) with one Fargate target per classic egress failure."""
