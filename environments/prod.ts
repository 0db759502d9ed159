import { EnvironmentConfig } from "./config";

/** Production: highly available (multi-AZ RDS, NAT per AZ) and protected against data loss. */
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
    allowedIngressCidrs: ["0.0.0.0/0"],
    detailedMonitoring: true,
    dataVolumeSnapshots: { time: "03:00", retainCount: 14 },
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
  logRetentionDays: 365,
  preventDestroy: true,
  guardrails: {
    relaxations: [
      { rule: "WP-EC2-004", scope: "web", reason: "The web server is this architecture's internet entry point (no load balancer), so it has a public IPv4 address." },
      { rule: "WP-LAMBDA-007", scope: "profile-updater", reason: "The profile updater only calls S3 and DynamoDB APIs and reaches no VPC resource; outside the VPC it needs no NAT or interface endpoints." },
    ],
  },
};

export default prod;
