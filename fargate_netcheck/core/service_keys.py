"""The services a stopped task's error can name, as stable keys: what the diagnosis reads from the
error text (``targets/stop_service``) and what the trace walks to (``trace/service_path``), and the
``service_key`` of the JSON report's ``diagnosis``. Shared vocabulary: the trace never imports a
source to learn them."""

ECR_API, ECR_REGISTRY, ECR_LAYERS = "ecr.api", "ecr.dkr", "s3-layers"
SECRETS, SSM, LOGS, ENV_FILES, KMS = "secretsmanager", "ssm", "logs", "s3-env-files", "kms"
DOCKER_HUB, REGISTRY, IMAGE = "docker-hub", "registry", "image-registry"
EFS = "efs"  # an EFS volume: NFS (TCP 2049) to a mount target inside the VPC
