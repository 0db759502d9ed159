import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { dependable, Fn, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { join } from "path";
import { EnvironmentConfig } from "../environments/config";
import { AlarmTopic } from "../constructs/alarm-topic";
import { ArtifactsBucket } from "../constructs/artifacts-bucket";
import { Budget } from "../constructs/budget";
import { Bundle, bundleNodejsFunction } from "../constructs/bundle";
import { CloudWatchAgent } from "../constructs/cloudwatch-agent";
import { Database } from "../constructs/database";
import { Monitoring } from "../constructs/monitoring";
import { EdgeAccessLogs } from "../constructs/edge-access-logs";
import { EdgeCertificate } from "../constructs/edge-certificate";
import { EdgeWebAcl } from "../constructs/edge-web-acl";
import { Network } from "../constructs/network";
import { NodejsFunction } from "../constructs/nodejs-function";
import { ProfileTable } from "../constructs/profile-table";
import { UploadsBucket } from "../constructs/uploads-bucket";
import { VolumeSnapshots } from "../constructs/volume-snapshots";
import { TRUST_PROXY_BEHIND_EDGE, WebEdge } from "../constructs/web-edge";
import { WEB_APP_PATHS } from "../constructs/web-app-user-data";
import { WebServer } from "../constructs/web-server";
import { applyGuardrails, GuardrailOptions } from "../policies";
import { configureBackend } from "./backend";
import { edgeAlarm, platformAlarms } from "./platform-alarms";
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
  /** The web app's entry. Default web/server.ts; tests pass a changed app to show a roll-out. */
  readonly webAppEntry?: string;
}

/** Where the web app puts profile pictures: `profile-pictures/<userId>/<fileName>` (DESIGN contract). */
export const PROFILE_PICTURES_PREFIX = "profile-pictures/";
/** Where the web app puts other uploads: `uploads/<userId>/...` (DESIGN contract). */
export const UPLOADS_PREFIX = "uploads/";
/** The database role the web app logs in as (IAM authentication); its migrations create it. */
export const WEB_APP_DB_USER = "app";
const PROFILE_UPDATER_ENTRY = join(__dirname, "..", "functions", "profile-updater", "index.ts");
const WEB_APP_ENTRY = join(__dirname, "..", "web", "server.ts");
const WEB_APP_BUILD = join(__dirname, "..", ".build", "web-app");

/**
 * One environment: network, web server with data volume running the web app (bundle shipped
 * through the artifacts bucket), database and uploads bucket (web tier), and the profile flow
 * (uploads under profile-pictures/ -> Lambda -> DynamoDB).
 */
export class PlatformStack extends TerraformStack {
  readonly network: Network;
  readonly webServer: WebServer;
  /** CloudFront in front of the web server (the only way in). */
  readonly edge: WebEdge;
  /** The web app's TRUST_PROXY value (webapp.env) behind the edge; known before the web server is built. */
  readonly trustProxy: string = TRUST_PROXY_BEHIND_EDGE;
  readonly database: Database;
  readonly uploads: UploadsBucket;
  readonly artifacts: ArtifactsBucket;
  /** The web app's esbuild bundle (`scriptPath` is exactly the file uploaded as the artifact). */
  readonly webAppBundle: Bundle;
  readonly profiles: ProfileTable;
  readonly profileUpdater: NodejsFunction;
  readonly alarmTopic: AlarmTopic;
  readonly monitoring: Monitoring;
  readonly budget: Budget;

  constructor(scope: Construct, env: EnvironmentConfig, options: PlatformStackOptions = {}) {
    super(scope, env.name);
    const name = `${env.project}-${env.name}`;

    const provider = (id: string, region: string, alias?: string) =>
      new AwsProvider(this, id, {
        region,
        alias,
        // Offline there is no account to check (the provider would reject the empty account id).
        allowedAccountIds: env.allowedAccountIds && !options.offline ? [...env.allowedAccountIds] : undefined,
        defaultTags: [
          { tags: { ...env.tags, Project: env.project, Environment: env.name, ManagedBy: "cdktf" } },
        ],
        ...(options.offline ? OFFLINE_PROVIDER_SETTINGS : {}),
      });
    provider("aws", env.region);
    const edge = env.edge;
    // CloudFront's WAF web ACLs, certificates, log delivery and metrics (so its alarms) live in us-east-1.
    const usEast1 = provider("aws-us-east-1", "us-east-1", "us_east_1");
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

    // Alarms reach someone: one encrypted topic per environment, subscriptions from config. The
    // account id comes from the VPC's ARN (known after apply; no AWS call at plan).
    this.alarmTopic = new AlarmTopic(this, "alarm-topic", {
      name: `${name}-alarms`,
      region: env.region,
      accountId: Fn.element(Fn.split(":", this.network.vpc.arn), 4),
      emails: env.operations.alarmEmails,
      httpsEndpoints: env.operations.alarmHttpsEndpoint ? [env.operations.alarmHttpsEndpoint] : [],
    });
    this.monitoring = new Monitoring(this, "monitoring", { name, region: env.region, topicArn: this.alarmTopic.arn });
    const agent = new CloudWatchAgent(this, "web-agent", { logGroupName: `/${name}/web`, retentionDays: env.logRetentionDays });

    this.uploads = new UploadsBucket(this, "uploads", {
      namePrefix: `${name}-uploads-`,
      noncurrentVersionExpirationDays: env.uploads.noncurrentVersionExpirationDays,
      corsAllowedOrigins: env.uploads.corsAllowedOrigins,
      preventDestroy: env.preventDestroy,
    });

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

    this.profiles = new ProfileTable(this, "profiles", {
      name: `${name}-profiles`,
      deletionProtection: env.profiles.tableDeletionProtection,
      preventDestroy: env.preventDestroy,
    });

    // The web app: built at synth (cached like the Lambda's), shipped content-addressed.
    this.artifacts = new ArtifactsBucket(this, "artifacts", {
      namePrefix: `${name}-artifacts-`,
      noncurrentVersionExpirationDays: env.uploads.noncurrentVersionExpirationDays,
      preventDestroy: env.preventDestroy,
    });
    const webAppEntry = options.webAppEntry ?? WEB_APP_ENTRY;
    this.webAppBundle = bundleNodejsFunction({
      entry: webAppEntry,
      // One build folder per entry (another entry, e.g. a test's, builds next to it).
      ...(webAppEntry === WEB_APP_ENTRY ? { name: "web-app", outDir: WEB_APP_BUILD } : {}),
      sourceMap: false,
    });
    const webApp = this.artifacts.addArtifact("web-app", {
      file: this.webAppBundle.scriptPath,
      prefix: "web-app/",
      name: "server.js",
      contentType: "text/javascript",
    });
    this.webServer = new WebServer(this, "web", {
      name: `${name}-web`,
      vpcId: this.network.vpc.id,
      // Public subnet and address: the instance reaches AWS APIs without NAT; private: through NAT.
      subnetId: (edge.origin === "vpcOrigin" ? this.network.privateSubnets : this.network.publicSubnets)[0].id,
      publicIp: edge.origin !== "vpcOrigin",
      availabilityZone: env.network.availabilityZones[0],
      instanceType: env.web.instanceType,
      architecture: env.web.architecture,
      amiId: env.web.amiId,
      rootVolumeSizeGiB: env.web.rootVolumeSizeGiB,
      dataVolumeSizeGiB: env.web.dataVolumeSizeGiB,
      appIngressPrefixListIds: [edge.originFacingPrefixListId],
      detailedMonitoring: env.web.detailedMonitoring,
      preventDestroy: env.preventDestroy,
      dataVolumeFinalSnapshot: env.web.dataVolumeFinalSnapshot,
      bootScripts: [agent.bootScript],
      app: {
        region: env.region,
        artifactBucket: this.artifacts.name,
        artifactKey: webApp.key,
        artifactSha256: webApp.sha256,
        // The web app contract's variables (DESIGN.md); PORT comes from the web server (8080).
        environment: {
          AWS_REGION: env.region,
          UPLOADS_BUCKET: this.uploads.name,
          PROFILE_TABLE_NAME: this.profiles.name,
          DB_HOST: this.database.address,
          DB_PORT: String(Database.PORT),
          DB_NAME: this.database.databaseName,
          DB_SSL: "verify-full",
          DB_USER: WEB_APP_DB_USER,
          DB_AUTH: "iam",
          DB_MIGRATION_SECRET_ARN: this.database.masterSecretArn,
          TMP_DIR: WEB_APP_PATHS.tmpDir,
          SESSION_SECRET_FILE: WEB_APP_PATHS.sessionSecretFile,
          // Only the edge reaches the app port: its X-Forwarded-Proto (viewer used HTTPS) is trusted.
          TRUST_PROXY: this.trustProxy,
        },
      },
    });
    this.database.allowConnectionsFrom(this.webServer.securityGroup, "PostgreSQL from the web server");
    // Exactly what the app calls (__tests__/web-app.bundle.test.ts proves the S3 and DynamoDB part
    // with the bundle): uploads (put, presigned get, delete when its metadata insert fails), profile
    // pictures (put, presigned get of the accepted version, or of the key for items without one),
    // HeadBucket in /healthz (s3:ListBucket), the profile item (GetItem); IAM login as the app role,
    // the master secret for migrations. The artifact is read by the boot script.
    const webRole = this.webServer.role;
    this.artifacts.grantRead(webRole, "web-app/");
    this.uploads.grantRead(webRole, UPLOADS_PREFIX);
    this.uploads.grantPut(webRole, UPLOADS_PREFIX);
    this.uploads.grantDelete(webRole, UPLOADS_PREFIX);
    this.uploads.grantRead(webRole, PROFILE_PICTURES_PREFIX, { versions: true });
    this.uploads.grantPut(webRole, PROFILE_PICTURES_PREFIX);
    this.uploads.grantList(webRole);
    this.profiles.grantReadData(webRole, ["GetItem"]);
    this.database.grantConnect(webRole, WEB_APP_DB_USER);
    this.database.grantSecretRead(webRole);
    // The instance boots only once its artifact and its grants exist (the boot script downloads).
    this.webServer.instance.dependsOn = [dependable(webApp.object), dependable(webRole.policy!)];
    agent.grantTo(webRole);

    const certificate =
      edge.domain?.hostedZoneId !== undefined
        ? new EdgeCertificate(this, "edge-certificate", { names: edge.domain.names, hostedZoneId: edge.domain.hostedZoneId, provider: usEast1 })
        : undefined;
    const webAcl = edge.waf
      ? new EdgeWebAcl(this, "edge-waf", { name: `${name}-web`, provider: usEast1, loginRateLimitPer5Minutes: edge.loginRateLimitPer5Minutes })
      : undefined;
    this.edge = new WebEdge(this, "edge", {
      name: `${name}-web`,
      origin:
        edge.origin === "vpcOrigin"
          ? { kind: "vpc", instanceArn: this.webServer.instanceArn, privateDnsName: this.webServer.privateDns }
          : { kind: "public", domainName: this.webServer.publicDns },
      appPort: this.webServer.appPort,
      priceClass: edge.priceClass,
      domain: edge.domain ? { names: edge.domain.names, certificateArn: certificate?.certificateArn ?? edge.domain.certificateArn! } : undefined,
      hstsPreload: edge.hstsPreload,
      webAclArn: webAcl?.arn,
    });
    certificate?.pointAt(this.edge);
    if (edge.accessLogs) {
      new EdgeAccessLogs(this, "edge-logs", { name: `${name}-web`, distributionArn: this.edge.arn, provider: usEast1, retentionDays: env.logRetentionDays });
    }


    if (env.web.dataVolumeSnapshots) {
      new VolumeSnapshots(this, "web-data-snapshots", {
        name: `${name}-web-data`,
        targetTag: this.webServer.dataVolumeTag,
        time: env.web.dataVolumeSnapshots.time,
        retainCount: env.web.dataVolumeSnapshots.retainCount,
      });
    }

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
      alarmActions: [this.alarmTopic.arn, ...(updater.alarmActions ?? [])],
      logRetentionDays: env.logRetentionDays,
      environment: { PROFILE_TABLE_NAME: this.profiles.name, UPLOADS_BUCKET_NAME: this.uploads.name },
    });
    // Exactly what the handler calls (HeadObject of the current object needs s3:GetObject, and
    // s3:ListBucket so that a deleted object answers 404 — no avatar — rather than 403 — retried;
    // it reads the item (GetItem) and writes it with conditional UpdateItems).
    // __tests__/profile-updater.bundle.test.ts proves the match.
    this.uploads.grantRead(this.profileUpdater.role, PROFILE_PICTURES_PREFIX);
    this.uploads.grantList(this.profileUpdater.role);
    this.profiles.grantReadData(this.profileUpdater.role, ["GetItem"]);
    this.profiles.grantWriteData(this.profileUpdater.role, ["UpdateItem"]);
    this.uploads.addEventNotification(this.profileUpdater, {
      events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
      prefix: PROFILE_PICTURES_PREFIX,
      sourceAccount: env.allowedAccountIds?.length === 1 ? env.allowedAccountIds[0] : undefined,
    });

    // Operations: every alarm notifies the topic; the dashboard is drawn from the same alarms.
    this.database.notifyEvents(this.alarmTopic.arn);
    const alarms = platformAlarms(
      {
        region: env.region,
        instanceId: this.webServer.instance.id,
        agent,
        database: { identifier: this.database.instance.identifier, instanceClass: env.database.instanceClass, allocatedStorageGiB: env.database.allocatedStorageGiB },
        profileUpdater: { functionName: this.profileUpdater.functionName, timeoutSeconds: updater.timeoutSeconds },
        profileTableName: this.profiles.name,
      },
      env.operations.thresholds,
    );
    alarms.forEach((spec) => this.monitoring.addAlarm(spec));
    // The edge's 5xx rate: CloudFront publishes its metrics in us-east-1, and an alarm notifies only
    // a topic of its own region, so the edge alarm has a twin topic there (same subscribers).
    const edgeTopic = new AlarmTopic(this, "edge-alarm-topic", {
      name: `${name}-edge-alarms`,
      region: "us-east-1",
      accountId: Fn.element(Fn.split(":", this.network.vpc.arn), 4),
      emails: env.operations.alarmEmails,
      httpsEndpoints: env.operations.alarmHttpsEndpoint ? [env.operations.alarmHttpsEndpoint] : [],
      provider: usEast1,
    });
    this.monitoring.addAlarm(
      edgeAlarm(this.edge.distribution.id, env.operations.thresholds.edge5xxPercent, { region: "us-east-1", provider: usEast1, topicArn: edgeTopic.arn }),
    );
    this.monitoring.track("lambda-dlq", "Profile updater dead-letter queue not empty", this.profileUpdater.deadLetterAlarm);
    const dashboard = this.monitoring.createDashboard();

    new TerraformOutput(this, "vpc_id", { value: this.network.vpc.id, description: "VPC id" });
    new TerraformOutput(this, "web_url", { value: this.edge.url, description: "URL of the web app (HTTPS through CloudFront)" });
    new TerraformOutput(this, "cdn_distribution_id", { value: this.edge.distribution.id, description: "CloudFront distribution in front of the web app (for cache invalidations)" });
    new TerraformOutput(this, "uploads_bucket_name", { value: this.uploads.name, description: "Bucket for user uploads" });
    new TerraformOutput(this, "artifacts_bucket_name", { value: this.artifacts.name, description: "Bucket of deployable artifacts (the web app bundle)" });
    new TerraformOutput(this, "web_app_artifact_key", { value: webApp.key, description: "Key of the running web app bundle (web-app/<sha256>/server.js)" });
    new TerraformOutput(this, "db_endpoint", { value: this.database.address, description: "PostgreSQL host name (port 5432, TLS required)" });
    new TerraformOutput(this, "db_master_secret_arn", { value: this.database.masterSecretArn, description: "Secrets Manager ARN of the master credentials" });
    new TerraformOutput(this, "profile_table_name", { value: this.profiles.name, description: "DynamoDB table of user profiles" });
    new TerraformOutput(this, "profile_updater_function_name", { value: this.profileUpdater.functionName, description: "Lambda that records profile pictures" });
    new TerraformOutput(this, "profile_updater_dlq_url", { value: this.profileUpdater.deadLetterQueue.url, description: "Dead-letter queue of failed profile-picture events" });

    // Cost: the environment's monthly budget with alerts; WP-COST-001 warns at synth when the
    // estimate (npm run cost) exceeds it. Counts costs tagged Environment=<env> (activate the tag).
    this.budget = new Budget(this, "budget", {
      name: `${name}-monthly`,
      monthlyUsd: env.budget.monthlyUsd,
      alertEmails: env.budget.alertEmails,
      costAllocationTags: { Environment: env.name },
    });


    new TerraformOutput(this, "alarm_topic_arn", { value: this.alarmTopic.arn, description: "SNS topic every alarm notifies (subscribe more endpoints here)" });
    new TerraformOutput(this, "dashboard_url", {
      value: `https://${env.region}.console.aws.amazon.com/cloudwatch/home?region=${env.region}#dashboards/dashboard/${dashboard.dashboardName}`,
      description: "CloudWatch dashboard of this environment's alarms",
    });

    // Refuses to synthesize on an error-level violation not relaxed by the environment.
    applyGuardrails(this, env.guardrails?.relaxations ?? [], { production: env.production, usage: env.usage, ...options.guardrails });
  }
}
