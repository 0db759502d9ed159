import { EnvironmentConfig } from "./config";

/**
 * Production: highly available (multi-AZ RDS, NAT per AZ) and protected against data loss. The web
 * server sits in a private subnet; CloudFront reaches it through a VPC origin, behind AWS WAF.
 */
const prod: EnvironmentConfig = {
  name: "prod",
  production: true,
  project: "webplatform",
  region: "eu-west-1",
  // Remote state in the bucket of bootstrap/config.ts (README "CI/CD": deploy the bootstrap stack first).
  backend: { type: "s3", bucket: "webplatform-terraform-state-eu-west-1", region: "eu-west-1" },
  network: {
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    vpcCidr: "10.20.0.0/16",
    publicSubnetCidrs: ["10.20.0.0/24", "10.20.1.0/24"],
    privateSubnetCidrs: ["10.20.10.0/24", "10.20.11.0/24"],
    databaseSubnetCidrs: ["10.20.20.0/24", "10.20.21.0/24"],
    natMode: "perAz",
    flowLogs: true,
  },
  web: {
    instanceType: "m7g.large",
    architecture: "arm64",
    rootVolumeSizeGiB: 20,
    dataVolumeSizeGiB: 50,
    detailedMonitoring: true,
    dataVolumeFinalSnapshot: true,
    dataVolumeSnapshots: { time: "03:00", retainCount: 14 },
  },
  edge: {
    origin: "vpcOrigin",
    originFacingPrefixListId: "pl-4fa04526", // com.amazonaws.global.cloudfront.origin-facing in eu-west-1
    priceClass: "PriceClass_100",
    hstsPreload: false,
    waf: true,
    loginRateLimitPer5Minutes: 100,
    accessLogs: true,
  },
  database: {
    instanceClass: "db.m7g.large",
    allocatedStorageGiB: 100,
    maxAllocatedStorageGiB: 500,
    engineMajorVersion: "16",
    multiAz: true,
    backupRetentionDays: 14,
    deletionProtection: true,
    finalSnapshot: true,
    performanceInsights: true,
  },
  uploads: {
    noncurrentVersionExpirationDays: 90,
    corsAllowedOrigins: ["https://app.example.com"],
  },
  profiles: {
    tableDeletionProtection: true,
    updater: {
      memoryMiB: 512,
      timeoutSeconds: 10,
      retryAttempts: 2,
      maxEventAgeSeconds: 21600,
      reservedConcurrency: 50,
      tracing: true,
    },
  },
  operations: {
    alarmEmails: ["oncall@example.com"],
    thresholds: {
      databaseCpuPercent: 80,
      databaseFreeStoragePercent: 10,
      databaseFreeMemoryPercent: 10,
      databaseConnectionsPercent: 80,
      hostMemoryPercent: 90,
      dataDiskPercent: 80,
      lambdaDurationPercentOfTimeout: 80,
      lambdaEventAgeSeconds: 600,
      edge5xxPercent: 5,
    },
  },
  logRetentionDays: 365,
  preventDestroy: true,
  budget: { monthlyUsd: 1000, alertEmails: ["platform-team@example.com", "finance@example.com"] },
  // Monthly usage the cost estimate assumes (npm run cost): ~10,000 active users.
  usage: {
    s3StorageGb: 500,
    s3PutRequests: 1_000_000,
    s3GetRequests: 10_000_000,
    lambdaInvocations: 200_000,
    lambdaAverageDurationMs: 300,
    dynamodbReadRequestUnits: 20_000_000,
    dynamodbWriteRequestUnits: 500_000,
    dynamodbStorageGb: 2,
    sqsRequests: 10_000,
    snsPublishes: 10_000,
    dataTransferOutGb: 500,
    natProcessedGb: 100,
    vpcEndpointProcessedGb: 0,
    logIngestionGb: 20,
    flowLogsGb: 30,
    snapshotChangedGbPerDay: 1,
    cloudfrontRequests: 30_000_000,
    cloudfrontDataTransferOutGb: 1_000,
  },
  guardrails: {
    relaxations: [
      { rule: "WP-LAMBDA-007", scope: "profile-updater", reason: "The profile updater only calls S3 and DynamoDB APIs and reaches no VPC resource; outside the VPC it needs no NAT or interface endpoints." },
    ],
  },
};

export default prod;
