"""Infrastructure as code: CloudFormation/CDK templates and Terraform plans as a snapshot.

A template or a plan becomes snapshot items in the documented format (README, "The snapshot format"),
alone or laid over a live snapshot, plus the task networks of the ECS services and scheduled tasks
it declares. Nothing here calls AWS or imports boto3.
"""
