import { EnvironmentConfig } from "./config";

/** Development: cheap and disposable. No NAT, single-AZ RDS, small sizes, no deletion guards. */
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
    allowedIngressCidrs: ["0.0.0.0/0"],
    detailedMonitoring: false,
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
  logRetentionDays: 14,
  preventDestroy: false,
  guardrails: {
    relaxations: [
      { rule: "WP-VPC-003", reason: "No VPC flow logs in dev (network.flowLogs: false): no production traffic to investigate, and log ingestion costs." },
      { rule: "WP-VPC-004", reason: "No NAT gateway in dev (natMode none): nothing in the private subnets needs the internet; S3 and DynamoDB go through gateway endpoints." },
      { rule: "WP-EC2-004", scope: "web", reason: "The web server is this architecture's internet entry point (no load balancer), so it has a public IPv4 address." },
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
