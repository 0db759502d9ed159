/**
 * What the GitHub Actions roles of one environment may do. Data only (statements), rendered by the
 * bootstrap stack into customer managed policies.
 *
 * - plan: AWS's ReadOnlyAccess (attached by the stack) minus the application's data (a Deny of
 *   object, item, secret and message reads outside the state), plus the state and its lock.
 * - deploy: the same read access and the state, plus write actions scoped to this environment:
 *   by name prefix `<project>-<env>-` where the ARN carries the name (S3, DynamoDB, SQS, Lambda,
 *   logs, alarms, RDS, IAM), by the Project and Environment tags where it does not (EC2, DLM: the
 *   request must tag what it creates, and only resources so tagged can be changed or deleted).
 *   No `service:*` action, nothing writable on Resource "*" without a condition, and IAM only on
 *   `<project>-<env>-*` roles, policies and instance profiles (never on the CI roles themselves).
 *
 * When a stack gains a resource type, add its actions here and its type to DEPLOYABLE_TYPES (a test
 * fails until then).
 */
import { Statement } from "../constructs/github-actions-role";

export interface CiScope {
  readonly project: string;
  readonly environment: string;
  readonly region: string;
  /** The account id when the config pins exactly one, else "*" (the role acts only in its own account). */
  readonly account: string;
  readonly stateBucketArn: string;
  /** `<project>/<env>/terraform.tfstate`, the environments' default backend key. */
  readonly stateKey: string;
  /** Name prefix of the CI roles and policies (`<project>-github-`): the deploy role may not touch them. */
  readonly ciNamePrefix: string;
}

/** AWS managed read-only policy both roles start from (refresh needs to describe everything). */
export const READ_ONLY_POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/** Resource types the deploy role can create, change and delete. */
export const DEPLOYABLE_TYPES: readonly string[] = [
  "aws_vpc", "aws_subnet", "aws_route", "aws_route_table", "aws_route_table_association", "aws_internet_gateway",
  "aws_nat_gateway", "aws_eip", "aws_vpc_endpoint", "aws_security_group", "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule", "aws_default_security_group", "aws_flow_log", "aws_launch_template", "aws_instance",
  "aws_ebs_volume", "aws_volume_attachment", "aws_dlm_lifecycle_policy", "aws_iam_role", "aws_iam_role_policy",
  "aws_iam_role_policy_attachment", "aws_iam_instance_profile", "aws_iam_policy", "aws_cloudwatch_log_group",
  "aws_cloudwatch_metric_alarm", "aws_s3_bucket", "aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_public_access_block", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy", "aws_s3_bucket_notification",
  "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_cors_configuration", "aws_lambda_function", "aws_lambda_permission",
  "aws_lambda_function_event_invoke_config", "aws_sqs_queue", "aws_sqs_queue_policy", "aws_dynamodb_table", "aws_db_instance",
  "aws_db_subnet_group", "aws_db_parameter_group",
  // the web app's artifact, the edge, operations and cost (edgeOperationsAndCostStatements)
  "aws_s3_object", "aws_cloudfront_distribution", "aws_cloudfront_response_headers_policy", "aws_cloudfront_vpc_origin",
  "aws_wafv2_web_acl", "aws_cloudwatch_log_delivery_source", "aws_cloudwatch_log_delivery_destination", "aws_cloudwatch_log_delivery",
  "aws_kms_key", "aws_kms_alias", "aws_sns_topic", "aws_sns_topic_policy", "aws_sns_topic_subscription", "aws_cloudwatch_dashboard",
  "aws_db_event_subscription", "aws_budgets_budget",
];

/** CloudFront's WAF, certificates, log delivery and metrics (alarms) live in us-east-1. */
const EDGE_REGION = "us-east-1";

const arn = (s: CiScope, service: string, resource: string) => `arn:aws:${service}:${s.region}:${s.account}:${resource}`;
const arnIn = (region: string, s: CiScope, service: string, resource: string) => `arn:aws:${service}:${region}:${s.account}:${resource}`;
const prefix = (s: CiScope) => `${s.project}-${s.environment}-`;

function tagCondition(s: CiScope, key: "aws:RequestTag" | "aws:ResourceTag"): Statement["condition"] {
  return [
    { test: "StringEquals", variable: `${key}/Project`, values: [s.project] },
    { test: "StringEquals", variable: `${key}/Environment`, values: [s.environment] },
  ];
}

/** Reading the state, and taking and releasing the S3-native lock (`use_lockfile`: `<key>.tflock`). */
export function stateStatements(s: CiScope, write: boolean): Statement[] {
  return [
    { sid: "ListStateBucket", actions: ["s3:ListBucket"], resources: [s.stateBucketArn] },
    { sid: write ? "ReadWriteState" : "ReadState", actions: write ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"], resources: [`${s.stateBucketArn}/${s.stateKey}`] },
    { sid: "StateLock", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: [`${s.stateBucketArn}/${s.stateKey}.tflock`] },
  ];
}

/**
 * ReadOnlyAccess also reads data (objects, items, secrets, messages, logs). Terraform needs none of
 * it, so it is denied, except the state objects of this environment.
 */
export function denyDataReads(s: CiScope): Statement[] {
  return [
    {
      // Except the web app's artifact (aws_s3_object is refreshed with HeadObject): a build, not data.
      sid: "DenyObjectReadsOutsideState",
      effect: "Deny",
      actions: ["s3:GetObject", "s3:GetObjectVersion"],
      notResources: [`${s.stateBucketArn}/${s.stateKey}`, `${s.stateBucketArn}/${s.stateKey}.tflock`, `arn:aws:s3:::${prefix(s)}artifacts-*/web-app/*`],
    },
    {
      sid: "DenyApplicationDataReads",
      effect: "Deny",
      actions: [
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:GetRecords",
        "secretsmanager:GetSecretValue", "sqs:ReceiveMessage", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "rds:DownloadDBLogFilePortion",
      ],
      resources: ["*"],
    },
    {
      // Except AWS's public parameters: RunInstances with `resolve:ssm:` reads the AMI id as the caller.
      sid: "DenyParameterReads",
      effect: "Deny",
      actions: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"],
      notResources: ["arn:aws:ssm:*::parameter/aws/service/*"],
    },
  ];
}

const EC2_CREATE_ACTIONS = [
  "ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateRouteTable", "ec2:CreateInternetGateway", "ec2:CreateNatGateway",
  "ec2:AllocateAddress", "ec2:CreateVpcEndpoint", "ec2:CreateSecurityGroup", "ec2:CreateFlowLogs", "ec2:CreateLaunchTemplate",
  "ec2:RunInstances", "ec2:CreateVolume", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
];

const EC2_MANAGE_ACTIONS = [
  "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute", "ec2:CreateRoute", "ec2:ReplaceRoute",
  "ec2:DeleteRoute", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:DeleteRouteTable", "ec2:AttachInternetGateway",
  "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway", "ec2:DeleteNatGateway", "ec2:ReleaseAddress", "ec2:AssociateAddress",
  "ec2:DisassociateAddress", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:AuthorizeSecurityGroupIngress",
  "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules",
  "ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:DeleteSecurityGroup",
  "ec2:DeleteFlowLogs", "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate",
  "ec2:DeleteLaunchTemplateVersions", "ec2:RunInstances", "ec2:TerminateInstances", "ec2:StopInstances", "ec2:StartInstances",
  "ec2:ModifyInstanceAttribute", "ec2:ModifyInstanceMetadataOptions", "ec2:MonitorInstances", "ec2:UnmonitorInstances",
  "ec2:AssociateIamInstanceProfile", "ec2:ReplaceIamInstanceProfileAssociation", "ec2:DisassociateIamInstanceProfile",
  "ec2:AttachVolume", "ec2:DetachVolume", "ec2:ModifyVolume", "ec2:DeleteVolume", "ec2:CreateTags", "ec2:DeleteTags",
];

/** EC2 and DLM: tag-scoped (their ARNs carry ids, not names). */
export function networkAndComputeStatements(s: CiScope): Statement[] {
  const ec2 = arn(s, "ec2", "*");
  return [
    { sid: "Ec2CreateTagged", actions: EC2_CREATE_ACTIONS, resources: [ec2], condition: tagCondition(s, "aws:RequestTag") },
    {
      sid: "Ec2TagWhileCreating",
      actions: ["ec2:CreateTags"],
      resources: [ec2],
      condition: [{ test: "StringEquals", variable: "ec2:CreateAction", values: EC2_CREATE_ACTIONS.map((a) => a.slice(4)) }],
    },
    // A VPC's default security group is created by EC2 untagged; aws_default_security_group tags it first.
    { sid: "Ec2TagDefaultSecurityGroup", actions: ["ec2:CreateTags"], resources: [arn(s, "ec2", "security-group/*")], condition: tagCondition(s, "aws:RequestTag") },
    { sid: "Ec2ManageTagged", actions: EC2_MANAGE_ACTIONS, resources: [ec2], condition: tagCondition(s, "aws:ResourceTag") },
    // RunInstances also names the AMI (owned by Amazon, not tagged by this project).
    { sid: "Ec2LaunchFromImages", actions: ["ec2:RunInstances"], resources: [`arn:aws:ec2:${s.region}::image/*`] },
    { sid: "DlmCreateTagged", actions: ["dlm:CreateLifecyclePolicy", "dlm:TagResource"], resources: [arn(s, "dlm", "policy/*")], condition: tagCondition(s, "aws:RequestTag") },
    {
      sid: "DlmManageTagged",
      actions: ["dlm:UpdateLifecyclePolicy", "dlm:DeleteLifecyclePolicy", "dlm:TagResource", "dlm:UntagResource"],
      resources: [arn(s, "dlm", "policy/*")],
      condition: tagCondition(s, "aws:ResourceTag"),
    },
  ];
}

/** IAM: only this environment's roles, policies and instance profiles; PassRole only to its services. */
export function iamStatements(s: CiScope): Statement[] {
  const iam = (kind: string, name: string) => `arn:aws:iam::${s.account}:${kind}/${name}`;
  const own = [iam("role", `${prefix(s)}*`), iam("policy", `${prefix(s)}*`), iam("instance-profile", `${prefix(s)}*`)];
  const ci = [iam("role", `${s.ciNamePrefix}*`), iam("policy", `${s.ciNamePrefix}*`)];
  return [
    {
      sid: "IamManageEnvironmentRoles",
      actions: [
        "iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole",
        "iam:UntagRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
        "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile",
        "iam:TagInstanceProfile", "iam:UntagInstanceProfile", "iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion", "iam:TagPolicy", "iam:UntagPolicy",
      ],
      resources: own,
    },
    {
      sid: "IamPassEnvironmentRoles",
      actions: ["iam:PassRole"],
      resources: [iam("role", `${prefix(s)}*`)],
      condition: [
        {
          test: "StringEquals",
          variable: "iam:PassedToService",
          values: ["ec2.amazonaws.com", "lambda.amazonaws.com", "dlm.amazonaws.com", "vpc-flow-logs.amazonaws.com", "monitoring.rds.amazonaws.com"],
        },
      ],
    },
    {
      sid: "IamServiceLinkedRoles",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [iam("role", "aws-service-role/*")],
      condition: [{ test: "StringEquals", variable: "iam:AWSServiceName", values: ["rds.amazonaws.com"] }],
    },
    {
      sid: "DenyAdminPolicies",
      effect: "Deny",
      actions: ["iam:AttachRolePolicy"],
      resources: ["*"],
      condition: [
        {
          test: "ArnEquals",
          variable: "iam:PolicyARN",
          values: ["AdministratorAccess", "IAMFullAccess", "PowerUserAccess"].map((n) => `arn:aws:iam::aws:policy/${n}`),
        },
      ],
    },
    {
      sid: "DenyChangingCiRoles",
      effect: "Deny",
      notActions: ["iam:Get*", "iam:List*"],
      resources: ci,
    },
  ];
}

/** Name-scoped services: S3, DynamoDB, SQS, Lambda, CloudWatch Logs and alarms, RDS and its managed secret. */
export function namedResourceStatements(s: CiScope): Statement[] {
  const p = prefix(s);
  return [
    {
      sid: "S3EnvironmentBuckets",
      actions: [
        "s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketTagging", "s3:PutBucketVersioning", "s3:PutEncryptionConfiguration",
        "s3:PutBucketPublicAccessBlock", "s3:PutBucketOwnershipControls", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
        "s3:PutBucketNotification", "s3:PutLifecycleConfiguration", "s3:PutBucketCORS",
      ],
      resources: [`arn:aws:s3:::${p}*`],
    },
    {
      sid: "DynamoDbEnvironmentTables",
      actions: ["dynamodb:CreateTable", "dynamodb:UpdateTable", "dynamodb:DeleteTable", "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTimeToLive", "dynamodb:TagResource", "dynamodb:UntagResource"],
      resources: [arn(s, "dynamodb", `table/${p}*`)],
    },
    {
      sid: "SqsEnvironmentQueues",
      actions: ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"],
      resources: [arn(s, "sqs", `${p}*`)],
    },
    {
      sid: "LambdaEnvironmentFunctions",
      actions: [
        "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
        "lambda:PublishVersion", "lambda:AddPermission", "lambda:RemovePermission", "lambda:PutFunctionEventInvokeConfig",
        "lambda:UpdateFunctionEventInvokeConfig", "lambda:DeleteFunctionEventInvokeConfig", "lambda:PutFunctionConcurrency",
        "lambda:DeleteFunctionConcurrency", "lambda:TagResource", "lambda:UntagResource",
      ],
      resources: [arn(s, "lambda", `function:${p}*`)],
    },
    {
      sid: "LogsEnvironmentGroups",
      actions: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup"],
      resources: [
        arn(s, "logs", `log-group:/aws/lambda/${p}*`),
        arn(s, "logs", `log-group:/vpc/${p}*`),
        arn(s, "logs", `log-group:/${s.project}-${s.environment}/*`),
        arnIn(EDGE_REGION, s, "logs", `log-group:/aws/cloudfront/${p}*`),
      ],
    },
    {
      sid: "CloudWatchEnvironmentAlarms",
      actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
      resources: [arn(s, "cloudwatch", `alarm:${p}*`), arnIn(EDGE_REGION, s, "cloudwatch", `alarm:${p}*`)],
    },
    {
      sid: "RdsEnvironmentDatabases",
      actions: [
        "rds:CreateDBInstance", "rds:ModifyDBInstance", "rds:DeleteDBInstance", "rds:RebootDBInstance", "rds:AddTagsToResource",
        "rds:RemoveTagsFromResource", "rds:CreateDBSubnetGroup", "rds:ModifyDBSubnetGroup", "rds:DeleteDBSubnetGroup",
        "rds:CreateDBParameterGroup", "rds:ModifyDBParameterGroup", "rds:DeleteDBParameterGroup", "rds:CreateDBSnapshot",
      ],
      resources: [arn(s, "rds", `db:${p}*`), arn(s, "rds", `subgrp:${p}*`), arn(s, "rds", `pg:${p}*`), arn(s, "rds", `snapshot:${p}*`), arn(s, "rds", "og:default:*")],
    },
    {
      // manage_master_user_password: RDS creates and deletes the master secret on the caller's behalf.
      sid: "RdsManagedMasterSecret",
      actions: ["secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:TagResource", "secretsmanager:RotateSecret"],
      resources: [arn(s, "secretsmanager", "secret:rds!*")],
      condition: [{ test: "StringEquals", variable: "aws:CalledViaLast", values: ["rds.amazonaws.com"] }],
    },
  ];
}

/**
 * The web app's artifact, the edge (CloudFront, its WAF and access-log delivery in us-east-1), the
 * alarm topics and their KMS keys, the dashboard, RDS event subscriptions and the budget. By name
 * where the ARN carries it; KMS keys and CloudFront distributions and VPC origins (ids only) by the
 * Project and Environment tags, which the request must set and the resource must carry.
 */
export function edgeOperationsAndCostStatements(s: CiScope): Statement[] {
  const p = prefix(s);
  const regions = [s.region, EDGE_REGION];
  const cloudfront = (resource: string) => `arn:aws:cloudfront::${s.account}:${resource}`;
  return [
    { sid: "S3WebAppArtifacts", actions: ["s3:PutObject", "s3:DeleteObject", "s3:PutObjectTagging"], resources: [`arn:aws:s3:::${p}artifacts-*/web-app/*`] },
    { sid: "KmsCreateTaggedKeys", actions: ["kms:CreateKey", "kms:TagResource"], resources: ["*"], condition: tagCondition(s, "aws:RequestTag") },
    {
      sid: "KmsManageTaggedKeys",
      actions: ["kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:UpdateKeyDescription", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"],
      resources: regions.map((r) => arnIn(r, s, "kms", "key/*")),
      condition: tagCondition(s, "aws:ResourceTag"),
    },
    { sid: "KmsEnvironmentAliases", actions: ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"], resources: regions.map((r) => arnIn(r, s, "kms", `alias/${p}*`)) },
    {
      sid: "SnsEnvironmentTopics",
      actions: ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes", "sns:TagResource", "sns:UntagResource"],
      resources: regions.map((r) => arnIn(r, s, "sns", `${p}*`)),
    },
    { sid: "CloudWatchEnvironmentDashboard", actions: ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards"], resources: [`arn:aws:cloudwatch::${s.account}:dashboard/${s.project}-${s.environment}`] },
    {
      sid: "RdsEnvironmentEventSubscriptions",
      actions: ["rds:CreateEventSubscription", "rds:ModifyEventSubscription", "rds:DeleteEventSubscription", "rds:AddSourceIdentifierToSubscription", "rds:RemoveSourceIdentifierFromSubscription", "rds:AddTagsToResource", "rds:RemoveTagsFromResource"],
      resources: [arn(s, "rds", `es:${p}*`), arn(s, "rds", `db:${p}*`)],
    },
    { sid: "BudgetsEnvironmentBudget", actions: ["budgets:ModifyBudget", "budgets:TagResource", "budgets:UntagResource"], resources: [`arn:aws:budgets::${s.account}:budget/${p}*`] },
    {
      sid: "CloudFrontCreateTagged",
      actions: ["cloudfront:CreateDistributionWithTags", "cloudfront:CreateDistribution", "cloudfront:CreateVpcOrigin", "cloudfront:TagResource"],
      resources: [cloudfront("distribution/*"), cloudfront("vpcorigin/*")],
      condition: tagCondition(s, "aws:RequestTag"),
    },
    {
      sid: "CloudFrontManageTagged",
      actions: ["cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution", "cloudfront:UpdateVpcOrigin", "cloudfront:DeleteVpcOrigin", "cloudfront:TagResource", "cloudfront:UntagResource", "cloudfront:AllowVendedLogDeliveryForResource"],
      resources: [cloudfront("distribution/*"), cloudfront("vpcorigin/*")],
      condition: tagCondition(s, "aws:ResourceTag"),
    },
    {
      // Response headers policies take no tags; their names carry the environment, their ARNs only ids.
      sid: "CloudFrontResponseHeadersPolicies",
      actions: ["cloudfront:CreateResponseHeadersPolicy", "cloudfront:UpdateResponseHeadersPolicy", "cloudfront:DeleteResponseHeadersPolicy"],
      resources: [cloudfront("response-headers-policy/*")],
    },
    {
      sid: "WafEnvironmentWebAcl",
      actions: ["wafv2:CreateWebACL", "wafv2:UpdateWebACL", "wafv2:DeleteWebACL", "wafv2:TagResource", "wafv2:UntagResource", "wafv2:PutLoggingConfiguration", "wafv2:DeleteLoggingConfiguration"],
      resources: [arnIn(EDGE_REGION, s, "wafv2", `global/webacl/${p}*/*`), arnIn(EDGE_REGION, s, "wafv2", "global/managedruleset/*/*")],
    },
    {
      sid: "LogsEdgeDelivery",
      actions: ["logs:PutDeliverySource", "logs:DeleteDeliverySource", "logs:PutDeliveryDestination", "logs:DeleteDeliveryDestination", "logs:PutDeliveryDestinationPolicy", "logs:CreateDelivery", "logs:DeleteDelivery", "logs:UpdateDeliveryConfiguration", "logs:TagResource", "logs:UntagResource"],
      resources: [arnIn(EDGE_REGION, s, "logs", `delivery-source:${p}*`), arnIn(EDGE_REGION, s, "logs", `delivery-destination:${p}*`), arnIn(EDGE_REGION, s, "logs", "delivery:*")],
    },
  ];
}
