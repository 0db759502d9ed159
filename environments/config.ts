/**
 * The typed configuration of one environment. One file per environment in this folder
 * (`dev.ts`, `prod.ts`, ...) default-exports a value of this type; `load.ts` discovers them.
 *
 * Everything that differs between environments is data here. Constructs receive explicit
 * props derived from it and never look at the environment name.
 */

/** How private subnets reach the internet: not at all, through one shared NAT gateway, or one per AZ. */
export type NatMode = "none" | "single" | "perAz";
export const NAT_MODES: readonly NatMode[] = ["none", "single", "perAz"];

/** CPU architecture of the web instance; selects the Amazon Linux 2023 AMI parameter. */
export type Architecture = "arm64" | "x86_64";
export const ARCHITECTURES: readonly Architecture[] = ["arm64", "x86_64"];

/** PostgreSQL major versions this project supports (parameter group family `postgres<major>`). */
export const POSTGRES_MAJOR_VERSIONS = ["15", "16", "17"] as const;
export type PostgresMajorVersion = (typeof POSTGRES_MAJOR_VERSIONS)[number];

/** Retention values CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
  3288, 3653,
] as const;

export interface LocalBackendConfig {
  readonly type: "local";
}

export interface S3BackendConfig {
  readonly type: "s3";
  /** State bucket (created by the bootstrap stack). */
  readonly bucket: string;
  /** Object key of this environment's state; defaults to `<project>/<env>/terraform.tfstate`. */
  readonly key?: string;
  readonly region: string;
  /** S3-native state locking (Terraform >= 1.10). Defaults to true. */
  readonly useLockfile?: boolean;
}

export type BackendConfig = LocalBackendConfig | S3BackendConfig;

export interface NetworkConfig {
  /** Exactly two AZ names of `region`, e.g. ["eu-west-1a", "eu-west-1b"]. Index i pairs with subnet i. */
  readonly availabilityZones: readonly string[];
  readonly vpcCidr: string;
  /** One CIDR per AZ: subnets with a route to the internet gateway (web server). */
  readonly publicSubnetCidrs: readonly string[];
  /** One CIDR per AZ: subnets that reach the internet only through NAT (when natMode != none). */
  readonly privateSubnetCidrs: readonly string[];
  /** One CIDR per AZ: isolated subnets without any internet route (RDS). */
  readonly databaseSubnetCidrs: readonly string[];
  readonly natMode: NatMode;
  /** VPC flow logs to CloudWatch Logs. */
  readonly flowLogs: boolean;
}

export interface WebConfig {
  readonly instanceType: string;
  readonly architecture: Architecture;
  /** Pin an AMI id; when absent the launch template resolves the latest Amazon Linux 2023 AMI at launch. */
  readonly amiId?: string;
  readonly rootVolumeSizeGiB: number;
  /** Size of the separate EBS volume mounted at /data (tmp and config files). */
  readonly dataVolumeSizeGiB: number;
  readonly detailedMonitoring: boolean;
  /** Snapshot the data volume when it is deleted (e.g. `cdktf destroy`); a paid snapshot is left behind. */
  readonly dataVolumeFinalSnapshot: boolean;
  /** Daily snapshots of the data volume (DLM); absent = no snapshots. */
  readonly dataVolumeSnapshots?: {
    /** UTC start time, "HH:MM". */
    readonly time: string;
    /** How many daily snapshots to keep (1-1000). */
    readonly retainCount: number;
  };
}

/**
 * How CloudFront reaches the web server (the origin):
 * - "public": the instance sits in a public subnet with a public IPv4 address, and its security
 *   group admits only CloudFront's origin-facing prefix list on the app port. It reaches AWS APIs
 *   and package repositories directly, so no NAT gateway and no interface endpoints are needed.
 * - "vpcOrigin": the instance sits in a private subnet without a public address and CloudFront
 *   reaches it through a CloudFront VPC origin. It reaches AWS APIs through NAT (natMode != "none").
 */
export type EdgeOrigin = "public" | "vpcOrigin";
export const EDGE_ORIGINS: readonly EdgeOrigin[] = ["public", "vpcOrigin"];

/** CloudFront price classes (which edge locations serve viewers). */
export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type PriceClass = (typeof PRICE_CLASSES)[number];

/** A custom domain for the distribution instead of (in addition to) `*.cloudfront.net`. */
export interface EdgeDomainConfig {
  /** Host names viewers use, e.g. ["app.example.com"]; the first one is the web URL. */
  readonly names: readonly string[];
  /** An issued ACM certificate in us-east-1 covering every name. Exactly one of certificateArn and hostedZoneId. */
  readonly certificateArn?: string;
  /** A Route 53 public hosted zone holding the names: a certificate is created in us-east-1 and DNS-validated there, and alias records point the names at the distribution. */
  readonly hostedZoneId?: string;
}

/** The CloudFront edge in front of the web server: HTTPS for viewers, no direct internet ingress. */
export interface EdgeConfig {
  readonly origin: EdgeOrigin;
  /**
   * Id of the AWS-managed prefix list `com.amazonaws.global.cloudfront.origin-facing` in this
   * environment's region (it differs per region; `aws ec2 describe-managed-prefix-lists`). Kept in
   * config so that a plan needs no AWS lookup.
   */
  readonly originFacingPrefixListId: string;
  readonly priceClass: PriceClass;
  /** Optional custom domain; absent = the distribution's `*.cloudfront.net` name and certificate. */
  readonly domain?: EdgeDomainConfig;
  /** HSTS `preload` directive (only once every subdomain of the custom domain serves HTTPS). */
  readonly hstsPreload: boolean;
  /** AWS WAF web ACL (AWS managed common rule set + a rate limit on POST /api/login). Required in production. */
  readonly waf: boolean;
  /** WAF rate limit: POST /api/login requests per client IP in any 5-minute window (10-2000000000). */
  readonly loginRateLimitPer5Minutes: number;
  /** CloudFront access logs (standard logging v2 to CloudWatch Logs in us-east-1). Required in production. */
  readonly accessLogs: boolean;
}

export interface DatabaseConfig {
  /** RDS instance class, e.g. "db.t4g.micro". */
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling ceiling; must be >= allocatedStorageGiB. */
  readonly maxAllocatedStorageGiB: number;
  readonly engineMajorVersion: PostgresMajorVersion;
  readonly multiAz: boolean;
  /** Automated backup retention, 1-35 days. */
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  /** Take a final snapshot when the instance is deleted. */
  readonly finalSnapshot: boolean;
  readonly performanceInsights: boolean;
}

export interface UploadsConfig {
  /** Delete non-current object versions after this many days. */
  readonly noncurrentVersionExpirationDays: number;
  /** Browser origins allowed to upload directly (CORS), e.g. "https://app.example.com". */
  readonly corsAllowedOrigins: readonly string[];
}

export interface ProfileUpdaterConfig {
  /** Lambda memory, 128-10240 MiB. */
  readonly memoryMiB: number;
  /** Lambda timeout, 1-900 s. */
  readonly timeoutSeconds: number;
  /** Retries of a failed asynchronous invocation (0-2) before the event goes to the DLQ. */
  readonly retryAttempts: number;
  /** Events older than this (60-21600 s) go to the DLQ instead of being retried. */
  readonly maxEventAgeSeconds: number;
  /** Reserved concurrency (caps parallel invocations); absent = unreserved. */
  readonly reservedConcurrency?: number;
  /** AWS X-Ray active tracing. */
  readonly tracing: boolean;
  /** SNS topic ARNs notified when failed events reach the dead-letter queue; absent = alarm only. */
  readonly alarmActions?: readonly string[];
}

export interface ProfilesConfig {
  /** DynamoDB deletion protection on the profile table. */
  readonly tableDeletionProtection: boolean;
  readonly updater: ProfileUpdaterConfig;
}

/** Alarm thresholds: data per environment (never `if (prod)` in code). */
export interface AlarmThresholds {
  /** RDS CPU utilization (average of 3 × 5 minutes), percent. */
  readonly databaseCpuPercent: number;
  /** Alarm when free storage falls below this share of the allocated storage, percent. */
  readonly databaseFreeStoragePercent: number;
  /** Alarm when freeable memory falls below this share of the instance class's memory, percent. */
  readonly databaseFreeMemoryPercent: number;
  /** Alarm when connections reach this share of the class's default max_connections, percent. */
  readonly databaseConnectionsPercent: number;
  /** Web server memory use (CloudWatch agent), percent. */
  readonly hostMemoryPercent: number;
  /** Disk use of the /data volume (CloudWatch agent), percent. */
  readonly dataDiskPercent: number;
  /** Alarm when the profile updater's p99 duration reaches this share of its timeout, percent. */
  readonly lambdaDurationPercentOfTimeout: number;
  /** Alarm when an asynchronous event waits longer than this before it is processed, seconds. */
  readonly lambdaEventAgeSeconds: number;
  /** Share of CloudFront responses that are 5xx (average of 2 × 5 minutes), percent. */
  readonly edge5xxPercent: number;
}

/** Who hears about alarms, and when alarms fire. */
export interface OperationsConfig {
  /** Email addresses subscribed to the alarm topic (each confirms once). */
  readonly alarmEmails: readonly string[];
  /** An HTTPS endpoint subscribed to the alarm topic (chat or paging webhook). */
  readonly alarmHttpsEndpoint?: string;
  readonly thresholds: AlarmThresholds;
}

export interface EnvironmentConfig {
  /** Environment name; equals the file name and the stack id. Lower-case letters and digits. */
  readonly name: string;
  /**
   * Production environments must be highly available and protected: validation requires
   * multi-AZ RDS, deletion protection (RDS and DynamoDB), final snapshots, prevent_destroy,
   * flow logs, data-volume snapshots, Lambda tracing, and an edge with a VPC origin, WAF and access
   * logs; a production environment may not relax the guardrails listed in NOT_RELAXABLE_IN_PRODUCTION.
   */
  readonly production: boolean;
  /** Short project name used in resource names and the Project tag. */
  readonly project: string;
  readonly region: string;
  /** Guard: terraform refuses to run against any other account. */
  readonly allowedAccountIds?: readonly string[];
  /** Extra tags on every resource (Project, Environment and ManagedBy are always set). */
  readonly tags?: Readonly<Record<string, string>>;
  readonly backend: BackendConfig;
  readonly network: NetworkConfig;
  readonly web: WebConfig;
  /** CloudFront in front of the web server. */
  readonly edge: EdgeConfig;
  readonly database: DatabaseConfig;
  readonly uploads: UploadsConfig;
  /** The profile flow: S3 profile-pictures/ -> Lambda -> DynamoDB. */
  readonly profiles: ProfilesConfig;
  /** Alarms: the topic's subscriptions and the thresholds. */
  readonly operations: OperationsConfig;
  /** Retention of every CloudWatch log group this environment creates. */
  readonly logRetentionDays: (typeof LOG_RETENTION_DAYS)[number];
  /** Add lifecycle.prevent_destroy to stateful resources (database, bucket, data volume, table). */
  readonly preventDestroy: boolean;
  /** Guardrail rules (policies/) this environment deliberately relaxes. Everything else is enforced at synth. */
  readonly guardrails?: GuardrailsConfig;
  /** Monthly budget: an AWS Budget with alerts, and a synth-time warning when the estimate exceeds it. */
  readonly budget: BudgetConfig;
  /** Monthly usage assumptions for the cost estimate (`npm run cost`). */
  readonly usage: UsageConfig;
}

/** One explicit, justified exception to a guardrail rule. */
export interface GuardrailRelaxation {
  /** Rule id, e.g. "WP-RDS-005" (`npm run check -- --rules` lists them). */
  readonly rule: string;
  /** Why this environment accepts the risk; shown at synth, in `npm run check` and in the README. */
  readonly reason: string;
  /** Only constructs under this path inside the stack, e.g. "web" (default: the whole stack). */
  readonly scope?: string;
}

export interface GuardrailsConfig {
  readonly relaxations: readonly GuardrailRelaxation[];
}

// ---- Cost: budget and usage assumptions (issue 12; validated by environments/validate-cost.ts) ----

/** The monthly budget of an environment: an AWS Budget with alerts, and a synth-time guardrail (WP-COST-001). */
export interface BudgetConfig {
  /** Monthly cost budget in USD (> 0). */
  readonly monthlyUsd: number;
  /** Who gets the budget alerts (actual and forecast spend at 80 % and 100 %). Absent: no alerts. */
  readonly alertEmails?: readonly string[];
}

/**
 * Monthly usage the cost estimate assumes (`npm run cost`). Usage-based prices (S3, Lambda,
 * DynamoDB, data transfer, NAT data, logs, CloudFront, ...) are computed from these numbers and
 * never silently from zero: every field is required, and 0 is an explicit assumption.
 * Each field covers all resources of its kind in the stack (e.g. all buckets together).
 */
export interface UsageConfig {
  /** GB stored in S3 (all buckets, current and noncurrent versions), averaged over the month. */
  readonly s3StorageGb: number;
  /** S3 PUT/COPY/POST/LIST requests per month. */
  readonly s3PutRequests: number;
  /** S3 GET and other requests per month. */
  readonly s3GetRequests: number;
  /** Lambda invocations per month (all functions together, split evenly). */
  readonly lambdaInvocations: number;
  /** Average Lambda invocation duration in milliseconds. */
  readonly lambdaAverageDurationMs: number;
  /** DynamoDB on-demand read request units per month. */
  readonly dynamodbReadRequestUnits: number;
  /** DynamoDB on-demand write request units per month. */
  readonly dynamodbWriteRequestUnits: number;
  /** GB stored in DynamoDB (all tables). */
  readonly dynamodbStorageGb: number;
  /** SQS requests per month. */
  readonly sqsRequests: number;
  /** SNS publishes per month. */
  readonly snsPublishes: number;
  /** GB per month sent from the VPC to the internet (web responses, not through CloudFront). */
  readonly dataTransferOutGb: number;
  /** GB per month processed by the NAT gateways. */
  readonly natProcessedGb: number;
  /** GB per month processed by interface VPC endpoints. */
  readonly vpcEndpointProcessedGb: number;
  /** GB per month ingested into CloudWatch Logs (application, Lambda, agent), excluding flow logs. */
  readonly logIngestionGb: number;
  /** GB per month of VPC flow logs delivered to CloudWatch Logs. */
  readonly flowLogsGb: number;
  /** GB changed per day on snapshotted EBS volumes (each daily snapshot after the first stores the change). */
  readonly snapshotChangedGbPerDay: number;
  /** CloudFront HTTPS requests per month (also the requests the WAF inspects). */
  readonly cloudfrontRequests: number;
  /** GB per month CloudFront sends to viewers. */
  readonly cloudfrontDataTransferOutGb: number;
}
