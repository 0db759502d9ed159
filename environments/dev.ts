import { EnvironmentConfig } from "./config";

/** Development: cheap and disposable. No NAT, single-AZ RDS, small sizes, no deletion guards. */
const dev: EnvironmentConfig = {
  name: "dev",
  production: false,
  project: "webplatform",
  region: "eu-west-1",
  backend: { type: "local" },
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
};

export default dev;
