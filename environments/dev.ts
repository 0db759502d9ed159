import { EnvironmentConfig } from "./config";

/**
 * Development: cheap and disposable. No NAT, single-AZ RDS, small sizes, no deletion guards. The web
 * server has a public address (no NAT needed) that only CloudFront may reach; no WAF, no access logs.
 */
const dev: EnvironmentConfig = {
  name: "dev",
  production: false,
  project: "webplatform",
  region: "eu-west-1",
  // Remote state in the bucket of bootstrap/config.ts (README "CI/CD": deploy the bootstrap stack first).
  backend: { type: "s3", bucket: "webplatform-terraform-state-eu-west-1", region: "eu-west-1" },
  network: {
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    vpcCidr: "10.10.0.0/16",
    publicSubnetCidrs: ["10.10.0.0/24", "10.10.1.0/24"],
    privateSubnetCidrs: ["10.10.10.0/24", "10.10.11.0/24"],
    databaseSubnetCidrs: ["10.10.20.0/24", "10.10.21.0/24"],
    natMode: "none",
    flowLogs: false,
  },
  web: {
    instanceType: "t4g.micro",
    architecture: "arm64",
    rootVolumeSizeGiB: 8,
    dataVolumeSizeGiB: 10,
    detailedMonitoring: false,
    dataVolumeFinalSnapshot: false,
  },
  edge: {
    origin: "public",
    originFacingPrefixListId: "pl-4fa04526", // com.amazonaws.global.cloudfront.origin-facing in eu-west-1
    priceClass: "PriceClass_100",
    hstsPreload: false,
    waf: false,
    loginRateLimitPer5Minutes: 100,
    accessLogs: false,
  },
  database: {
    instanceClass: "db.t4g.micro",
    allocatedStorageGiB: 20,
    maxAllocatedStorageGiB: 50,
    engineMajorVersion: "16",
    multiAz: false,
    backupRetentionDays: 1,
    deletionProtection: false,
    finalSnapshot: false,
    performanceInsights: false,
  },
  uploads: {
    noncurrentVersionExpirationDays: 7,
    corsAllowedOrigins: ["http://localhost:3000"],
  },
  profiles: {
    tableDeletionProtection: false,
    updater: { memoryMiB: 256, timeoutSeconds: 10, retryAttempts: 2, maxEventAgeSeconds: 3600, tracing: false },
  },
  operations: {
    alarmEmails: [],
    thresholds: { databaseCpuPercent: 90, databaseFreeStoragePercent: 10, databaseFreeMemoryPercent: 10, databaseConnectionsPercent: 80, hostMemoryPercent: 90, dataDiskPercent: 80, lambdaDurationPercentOfTimeout: 80, lambdaEventAgeSeconds: 3600, edge5xxPercent: 10 },
  },
  logRetentionDays: 14,
  preventDestroy: false,
  budget: { monthlyUsd: 75, alertEmails: ["platform-team@example.com"] },
  // Monthly usage the cost estimate assumes (npm run cost): a few developers testing.
  usage: {
    s3StorageGb: 5,
    s3PutRequests: 10_000,
    s3GetRequests: 50_000,
    lambdaInvocations: 1_000,
    lambdaAverageDurationMs: 200,
    dynamodbReadRequestUnits: 20_000,
    dynamodbWriteRequestUnits: 2_000,
    dynamodbStorageGb: 0.1,
    sqsRequests: 0,
    snsPublishes: 100,
    dataTransferOutGb: 5,
    natProcessedGb: 0,
    vpcEndpointProcessedGb: 0,
    logIngestionGb: 1,
    flowLogsGb: 0,
    snapshotChangedGbPerDay: 0,
    cloudfrontRequests: 100_000,
    cloudfrontDataTransferOutGb: 5,
  },
  guardrails: {
    relaxations: [
      { rule: "WP-VPC-003", reason: "No VPC flow logs in dev (network.flowLogs: false): no production traffic to investigate, and log ingestion costs." },
      { rule: "WP-VPC-004", reason: "No NAT gateway in dev (natMode none): nothing in the private subnets needs the internet; S3 and DynamoDB go through gateway endpoints." },
      { rule: "WP-EC2-004", scope: "web", reason: "The dev web server has a public IPv4 address (edge.origin: public) to reach AWS APIs and package repositories without a NAT gateway or interface endpoints; its security group admits only CloudFront's origin-facing prefix list." },
      { rule: "WP-CF-003", scope: "edge", reason: "No AWS WAF in dev (edge.waf: false): a web ACL with the common rule set costs about $7/month and dev serves test traffic only." },
      { rule: "WP-CF-004", scope: "edge", reason: "No CloudFront access logs in dev (edge.accessLogs: false): test traffic only; prod keeps them." },
      { rule: "WP-EC2-006", reason: "5-minute basic monitoring is enough for dev (web.detailedMonitoring: false)." },
      { rule: "WP-EBS-002", scope: "web", reason: "The dev data volume holds only temporary and re-creatable config files: no snapshot schedule (web.dataVolumeSnapshots absent)." },
      { rule: "WP-RDS-004", scope: "database", reason: "Dev data is disposable test data: 1 day of automated backups is enough." },
      { rule: "WP-RDS-005", scope: "database", reason: "Single-AZ RDS in dev: an AZ outage only interrupts development, and Multi-AZ doubles the cost." },
      { rule: "WP-RDS-006", scope: "database", reason: "Dev is torn down and recreated freely (cdktf destroy dev), so no deletion protection on its database." },
      { rule: "WP-RDS-007", scope: "database", reason: "Dev is torn down and recreated freely: no final snapshot of disposable test data." },
      { rule: "WP-RDS-010", scope: "database", reason: "Performance Insights is off in dev (database.performanceInsights: false): no production load to analyse." },
      { rule: "WP-STATE-001", reason: "Dev is torn down and recreated freely (preventDestroy: false): nothing in it is the only copy of real data." },
      { rule: "WP-DDB-003", scope: "profiles", reason: "Dev is torn down and recreated freely (profiles.tableDeletionProtection: false); the table holds test profiles only." },
      { rule: "WP-LAMBDA-003", scope: "profile-updater", reason: "No reserved concurrency in dev (profiles.updater.reservedConcurrency absent): test uploads are rare and reserving would take from the account's unreserved pool." },
      { rule: "WP-LAMBDA-004", scope: "profile-updater", reason: "X-Ray tracing is off in dev (profiles.updater.tracing: false); traces are collected in prod." },
      { rule: "WP-LAMBDA-007", scope: "profile-updater", reason: "The profile updater only calls S3 and DynamoDB APIs and reaches no VPC resource; outside the VPC it needs no NAT or interface endpoints." },
      { rule: "WP-LOG-002", reason: "Dev logs are kept 14 days (logRetentionDays: 14): they hold test traffic only." },
    ],
  },
};

export default dev;
