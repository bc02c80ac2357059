// A VPC with public and private subnets and NAT gateways, and a load-balanced Fargate service in
// the private subnets. `cdk synth -c natGateways=0` (or NAT_GATEWAYS=0) synthesizes the same app
// without NAT gateways: the private subnets then have no way out, which the check must say.
const cdk = require("aws-cdk-lib");
const ec2 = require("aws-cdk-lib/aws-ec2");
const ecs = require("aws-cdk-lib/aws-ecs");
const ecsPatterns = require("aws-cdk-lib/aws-ecs-patterns");

const app = new cdk.App();
const fromContext = app.node.tryGetContext("natGateways");
const natGateways = Number(process.env.NAT_GATEWAYS ?? fromContext ?? 2);

// Environment-agnostic (no `env`): synth needs no AWS account and the template takes its AZs from
// Fn::GetAZs, as most CDK apps' templates do.
const stack = new cdk.Stack(app, "NetcheckService");

const vpc = new ec2.Vpc(stack, "Vpc", {
  maxAzs: 2,
  natGateways,
  subnetConfiguration: [
    { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
    {
      name: "private",
      subnetType: natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
      cidrMask: 24,
    },
  ],
});

const cluster = new ecs.Cluster(stack, "Cluster", { vpc });

new ecsPatterns.ApplicationLoadBalancedFargateService(stack, "Web", {
  cluster,
  cpu: 256,
  memoryLimitMiB: 512,
  desiredCount: 1,
  minHealthyPercent: 100,
  taskSubnets: { subnetGroupName: "private" },
  taskImageOptions: { image: ecs.ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:latest") },
});

app.synth();
