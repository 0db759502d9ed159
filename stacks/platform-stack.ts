import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { join } from "path";
import { EnvironmentConfig } from "../environments/config";
import { Database } from "../constructs/database";
import { Network } from "../constructs/network";
import { NodejsFunction } from "../constructs/nodejs-function";
import { ProfileTable } from "../constructs/profile-table";
import { UploadsBucket } from "../constructs/uploads-bucket";
import { VolumeSnapshots } from "../constructs/volume-snapshots";
import { WebServer } from "../constructs/web-server";
import { applyGuardrails, GuardrailOptions } from "../policies";
import { configureBackend } from "./backend";
import { OFFLINE_PROVIDER_SETTINGS } from "./provider";

export interface PlatformStackOptions {
  /**
   * Fake credentials and the provider's skip_* flags, so that `terraform plan` needs no AWS
   * account (main.ts sets this from OFFLINE_PLAN=1). The allowed-account guard is left out, as
   * there is no account to check. Never use it to apply.
   */
  readonly offline?: boolean;
  /** Where the guardrail summary goes (default stdout), for tests. */
  readonly guardrails?: GuardrailOptions;
}

/** Where the web app puts profile pictures: `profile-pictures/<userId>/<fileName>` (DESIGN contract). */
export const PROFILE_PICTURES_PREFIX = "profile-pictures/";
const PROFILE_UPDATER_ENTRY = join(__dirname, "..", "functions", "profile-updater", "index.ts");

/**
 * One environment: network, web server with data volume, database and uploads bucket (web tier),
 * and the profile flow (uploads under profile-pictures/ -> Lambda -> DynamoDB).
 */
export class PlatformStack extends TerraformStack {
  readonly network: Network;
  readonly webServer: WebServer;
  readonly database: Database;
  readonly uploads: UploadsBucket;
  readonly profiles: ProfileTable;
  readonly profileUpdater: NodejsFunction;

  constructor(scope: Construct, env: EnvironmentConfig, options: PlatformStackOptions = {}) {
    super(scope, env.name);
    const name = `${env.project}-${env.name}`;

    new AwsProvider(this, "aws", {
      region: env.region,
      // Offline there is no account to check (the provider would reject the empty account id).
      allowedAccountIds: env.allowedAccountIds && !options.offline ? [...env.allowedAccountIds] : undefined,
      defaultTags: [
        { tags: { ...env.tags, Project: env.project, Environment: env.name, ManagedBy: "cdktf" } },
      ],
      ...(options.offline ? OFFLINE_PROVIDER_SETTINGS : {}),
    });
    configureBackend(this, env, { offline: options.offline });

    this.network = new Network(this, "network", {
      name,
      region: env.region,
      cidr: env.network.vpcCidr,
      availabilityZones: env.network.availabilityZones,
      publicSubnetCidrs: env.network.publicSubnetCidrs,
      privateSubnetCidrs: env.network.privateSubnetCidrs,
      databaseSubnetCidrs: env.network.databaseSubnetCidrs,
      natMode: env.network.natMode,
      flowLogRetentionDays: env.network.flowLogs ? env.logRetentionDays : undefined,
    });

    this.uploads = new UploadsBucket(this, "uploads", {
      namePrefix: `${name}-uploads-`,
      noncurrentVersionExpirationDays: env.uploads.noncurrentVersionExpirationDays,
      corsAllowedOrigins: env.uploads.corsAllowedOrigins,
      preventDestroy: env.preventDestroy,
    });

    this.webServer = new WebServer(this, "web", {
      name: `${name}-web`,
      vpcId: this.network.vpc.id,
      subnetId: this.network.publicSubnets[0].id,
      availabilityZone: env.network.availabilityZones[0],
      instanceType: env.web.instanceType,
      architecture: env.web.architecture,
      amiId: env.web.amiId,
      rootVolumeSizeGiB: env.web.rootVolumeSizeGiB,
      dataVolumeSizeGiB: env.web.dataVolumeSizeGiB,
      allowedIngressCidrs: env.web.allowedIngressCidrs,
      detailedMonitoring: env.web.detailedMonitoring,
      preventDestroy: env.preventDestroy,
    });
    this.uploads.grantRead(this.webServer.role);
    this.uploads.grantPut(this.webServer.role);

    if (env.web.dataVolumeSnapshots) {
      new VolumeSnapshots(this, "web-data-snapshots", {
        name: `${name}-web-data`,
        targetTag: this.webServer.dataVolumeTag,
        time: env.web.dataVolumeSnapshots.time,
        retainCount: env.web.dataVolumeSnapshots.retainCount,
      });
    }

    this.database = new Database(this, "database", {
      name: `${name}-postgres`,
      vpcId: this.network.vpc.id,
      subnetIds: this.network.databaseSubnets.map((s) => s.id),
      engineMajorVersion: env.database.engineMajorVersion,
      instanceClass: env.database.instanceClass,
      allocatedStorageGiB: env.database.allocatedStorageGiB,
      maxAllocatedStorageGiB: env.database.maxAllocatedStorageGiB,
      multiAz: env.database.multiAz,
      backupRetentionDays: env.database.backupRetentionDays,
      deletionProtection: env.database.deletionProtection,
      finalSnapshot: env.database.finalSnapshot,
      performanceInsights: env.database.performanceInsights,
      preventDestroy: env.preventDestroy,
    });
    this.database.allowConnectionsFrom(this.webServer.securityGroup, "PostgreSQL from the web server");
    this.database.grantSecretRead(this.webServer.role);

    this.profiles = new ProfileTable(this, "profiles", {
      name: `${name}-profiles`,
      deletionProtection: env.profiles.tableDeletionProtection,
      preventDestroy: env.preventDestroy,
    });
    const updater = env.profiles.updater;
    this.profileUpdater = new NodejsFunction(this, "profile-updater", {
      name: `${name}-profile-updater`,
      entry: PROFILE_UPDATER_ENTRY,
      description: "Records a user's profile picture in DynamoDB when it is uploaded to or deleted from S3",
      memoryMiB: updater.memoryMiB,
      timeoutSeconds: updater.timeoutSeconds,
      retryAttempts: updater.retryAttempts,
      maxEventAgeSeconds: updater.maxEventAgeSeconds,
      reservedConcurrency: updater.reservedConcurrency,
      tracing: updater.tracing,
      alarmActions: updater.alarmActions,
      logRetentionDays: env.logRetentionDays,
      environment: { PROFILE_TABLE_NAME: this.profiles.name },
    });
    // Exactly what the handler calls (HeadObject needs s3:GetObject, and s3:ListBucket so that an
    // object deleted before processing answers 404 — skipped — rather than 403 — retried; writes
    // are conditional UpdateItems). __tests__/profile-updater.bundle.test.ts proves the match.
    this.uploads.grantRead(this.profileUpdater.role, PROFILE_PICTURES_PREFIX);
    this.uploads.grantList(this.profileUpdater.role);
    this.profiles.grantWriteData(this.profileUpdater.role, ["UpdateItem"]);
    this.uploads.addEventNotification(this.profileUpdater, {
      events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
      prefix: PROFILE_PICTURES_PREFIX,
      sourceAccount: env.allowedAccountIds?.length === 1 ? env.allowedAccountIds[0] : undefined,
    });
    this.profiles.grantReadData(this.webServer.role);

    new TerraformOutput(this, "vpc_id", { value: this.network.vpc.id, description: "VPC id" });
    new TerraformOutput(this, "web_public_dns", { value: this.webServer.publicDns, description: "Public DNS name of the web server" });
    new TerraformOutput(this, "web_url", { value: `http://${this.webServer.publicDns}`, description: "URL of the web app" });
    new TerraformOutput(this, "uploads_bucket_name", { value: this.uploads.name, description: "Bucket for user uploads" });
    new TerraformOutput(this, "db_endpoint", { value: this.database.address, description: "PostgreSQL host name (port 5432, TLS required)" });
    new TerraformOutput(this, "db_master_secret_arn", { value: this.database.masterSecretArn, description: "Secrets Manager ARN of the master credentials" });
    new TerraformOutput(this, "profile_table_name", { value: this.profiles.name, description: "DynamoDB table of user profiles" });
    new TerraformOutput(this, "profile_updater_function_name", { value: this.profileUpdater.functionName, description: "Lambda that records profile pictures" });
    new TerraformOutput(this, "profile_updater_dlq_url", { value: this.profileUpdater.deadLetterQueue.url, description: "Dead-letter queue of failed profile-picture events" });

    // Refuses to synthesize on an error-level violation not relaxed by the environment.
    applyGuardrails(this, env.guardrails?.relaxations ?? [], options.guardrails);
  }
}
