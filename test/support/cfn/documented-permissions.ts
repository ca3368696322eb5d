// What AWS documents a caller needs to create, update and delete a resource type, beyond the handler permissions the
// CloudFormation registry publishes: a service calls others with the caller's permissions (Elastic Load Balancing
// describes the VPC's internet gateways, Application Auto Scaling updates the ECS service), and a few types have no
// registry handlers at all (their permissions are only in the services' own documentation). One row per source; the
// deployment-role test requires the registry's handler permissions plus these for every type the service stack holds.

export interface DocumentedPermissions {
  /** The resource type whose creation, update or deletion needs them. */
  type: string;
  permissions: readonly string[];
  /** What calls them, in a few words. */
  why: string;
  /** Where AWS says so. */
  source: string;
}

export const DOCUMENTED_PERMISSIONS: readonly DocumentedPermissions[] = [
  {
    type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    permissions: [
      'ec2:DescribeAccountAttributes',
      'ec2:DescribeAddresses',
      'ec2:DescribeInternetGateways',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcs',
      'iam:CreateServiceLinkedRole',
    ],
    why: "CreateLoadBalancer (SetSubnets: ec2:DescribeSubnets) checks the subnets, security groups and VPC with the caller's permissions",
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-permissions.html',
  },
  {
    type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
    permissions: ['ec2:DescribeInternetGateways', 'ec2:DescribeVpcs'],
    why: 'CreateTargetGroup checks the VPC',
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-permissions.html',
  },
  {
    type: 'AWS::ApplicationAutoScaling::ScalableTarget',
    permissions: [
      'ecs:DescribeServices',
      'ecs:UpdateService',
      'cloudwatch:DescribeAlarms',
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:DeleteAlarms',
      'iam:CreateServiceLinkedRole',
    ],
    why: 'registering an ECS service as a scalable target (and its service-linked role on first use)',
    source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/auto-scaling-IAM.html',
  },
  {
    type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
    permissions: ['cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
    why: 'a target tracking policy creates and deletes its CloudWatch alarms',
    source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/auto-scaling-IAM.html',
  },
  // No registry handlers: AWS::CertificateManager::Certificate, AWS::Route53::RecordSet, AWS::CodeDeploy::DeploymentGroup.
  {
    type: 'AWS::CertificateManager::Certificate',
    permissions: ['acm:RequestCertificate', 'acm:DescribeCertificate', 'acm:DeleteCertificate'],
    why: 'the certificate is requested, read until it is issued, and deleted with the stack',
    source: 'https://docs.aws.amazon.com/acm/latest/userguide/authen-apipermissions.html',
  },
  {
    type: 'AWS::CertificateManager::Certificate',
    permissions: ['route53:ChangeResourceRecordSets'],
    why: 'DomainValidationOptions with a HostedZoneId: the validation CNAME is written into the hosted zone',
    source:
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-certificatemanager-certificate-domainvalidationoption.html',
  },
  {
    type: 'AWS::Route53::RecordSet',
    permissions: ['route53:ChangeResourceRecordSets'],
    why: 'ChangeResourceRecordSets creates, changes and deletes the record',
    source: 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/r53-api-permissions-ref.html',
  },
  {
    type: 'AWS::Route53::RecordSet',
    permissions: ['route53:GetChange'],
    why: 'a change is PENDING until GetChange reports it INSYNC',
    source: 'https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html',
  },
  {
    type: 'AWS::CodeDeploy::DeploymentGroup',
    permissions: [
      'codedeploy:CreateDeploymentGroup',
      'codedeploy:GetDeploymentGroup',
      'codedeploy:UpdateDeploymentGroup',
      'codedeploy:DeleteDeploymentGroup',
    ],
    why: 'the deployment group is created, read, updated and deleted through these calls',
    source:
      'https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html',
  },
  {
    type: 'AWS::CodeDeploy::DeploymentGroup',
    permissions: ['iam:PassRole'],
    why: 'ServiceRoleArn hands CodeDeploy a role',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
  },
];

/** Every documented permission of a resource type, with the rows that ask for it. */
export function documentedFor(type: string): Map<string, DocumentedPermissions[]> {
  const found = new Map<string, DocumentedPermissions[]>();
  for (const row of DOCUMENTED_PERMISSIONS.filter((r) => r.type === type)) {
    for (const permission of row.permissions) found.set(permission, [...(found.get(permission) ?? []), row]);
  }
  return found;
}
