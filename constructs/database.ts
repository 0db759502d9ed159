import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { DbEventSubscription } from "@cdktf/provider-aws/lib/db-event-subscription";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { pascalCase } from "./names";
import { SecurityGroup } from "./security-group";
import { ServiceRole } from "./service-role";

export interface DatabaseProps {
  /** Identifier and name prefix, e.g. "webplatform-dev-postgres". */
  readonly name: string;
  readonly vpcId: string;
  /** Isolated subnets in at least two AZs. */
  readonly subnetIds: readonly string[];
  /** PostgreSQL major version, e.g. "16" (RDS picks the latest minor and upgrades it). */
  readonly engineMajorVersion: string;
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling ceiling. Default: no autoscaling. */
  readonly maxAllocatedStorageGiB?: number;
  /** Default true: a standby in a second AZ. */
  readonly multiAz?: boolean;
  /** Automated backups kept this many days (1-35). Default 7. */
  readonly backupRetentionDays?: number;
  /** Default true. */
  readonly deletionProtection?: boolean;
  /** Snapshot on delete. Default true. */
  readonly finalSnapshot?: boolean;
  /** Default true (7 days, free tier). */
  readonly performanceInsights?: boolean;
  /** Default ["postgresql", "upgrade"]. */
  readonly logExports?: readonly string[];
  /** Initial database. Default "app". */
  readonly databaseName?: string;
  /** prevent_destroy. Default false. */
  readonly preventDestroy?: boolean;
}

/**
 * RDS PostgreSQL in isolated subnets: encrypted, private, TLS enforced (`rds.force_ssl`), master
 * password generated and kept in Secrets Manager by RDS (`manage_master_user_password`, so no
 * password is ever in Terraform JSON or state), reachable on 5432 only from allowed security groups.
 */
export class Database extends Construct {
  static readonly PORT = 5432;
  readonly instance: DbInstance;
  readonly securityGroup: SecurityGroup;
  readonly parameterGroup: DbParameterGroup;
  /** The initial database's name. */
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const subnetGroup = new DbSubnetGroup(this, "subnet-group", {
      name: props.name,
      description: `Isolated subnets of ${props.name}`,
      subnetIds: [...props.subnetIds],
    });
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: props.name,
      description: `PostgreSQL ${props.name}: 5432 in from allowed security groups only`,
      vpcId: props.vpcId,
    });
    this.parameterGroup = new DbParameterGroup(this, "parameters", {
      namePrefix: `${props.name}-`,
      family: `postgres${props.engineMajorVersion}`,
      description: `TLS-only PostgreSQL ${props.engineMajorVersion} for ${props.name}`,
      parameter: [
        { name: "rds.force_ssl", value: "1" },
        { name: "log_connections", value: "1" },
        { name: "log_disconnections", value: "1" },
      ],
      lifecycle: { createBeforeDestroy: true },
    });
    this.databaseName = props.databaseName ?? "app";
    const finalSnapshot = props.finalSnapshot ?? true;
    const performanceInsights = props.performanceInsights ?? true;
    this.instance = new DbInstance(this, "instance", {
      identifier: props.name,
      engine: "postgres",
      engineVersion: props.engineMajorVersion,
      instanceClass: props.instanceClass,
      allocatedStorage: props.allocatedStorageGiB,
      maxAllocatedStorage: props.maxAllocatedStorageGiB,
      storageType: "gp3",
      storageEncrypted: true,
      dbName: this.databaseName,
      username: "app_admin",
      manageMasterUserPassword: true,
      iamDatabaseAuthenticationEnabled: true,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      parameterGroupName: this.parameterGroup.name,
      publiclyAccessible: false,
      multiAz: props.multiAz ?? true,
      backupRetentionPeriod: props.backupRetentionDays ?? 7,
      backupWindow: "02:00-03:00",
      maintenanceWindow: "sun:03:30-sun:04:30",
      deletionProtection: props.deletionProtection ?? true,
      skipFinalSnapshot: !finalSnapshot,
      finalSnapshotIdentifier: finalSnapshot ? `${props.name}-final` : undefined,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      performanceInsightsEnabled: performanceInsights,
      performanceInsightsRetentionPeriod: performanceInsights ? 7 : undefined,
      enabledCloudwatchLogsExports: [...(props.logExports ?? ["postgresql", "upgrade"])],
      caCertIdentifier: "rds-ca-rsa2048-g1",
      applyImmediately: false,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
  }

  get address(): string {
    return this.instance.address;
  }

  /** ARN of the Secrets Manager secret RDS keeps the master credentials in. */
  get masterSecretArn(): string {
    return this.instance.masterUserSecret.get(0).secretArn;
  }

  /** Lets members of `peer` connect on 5432 (and only that). */
  allowConnectionsFrom(peer: SecurityGroup, description: string): void {
    this.securityGroup.allowFrom(peer, Database.PORT, description);
  }

  /**
   * Sends this instance's RDS events of these categories (default: failover, failure, maintenance,
   * low storage) to an SNS topic.
   */
  notifyEvents(topicArn: string, categories: readonly string[] = ["failover", "failure", "maintenance", "low storage"]): DbEventSubscription {
    return new DbEventSubscription(this, "events", {
      name: `${this.instance.identifier}-events`,
      snsTopic: topicArn,
      sourceType: "db-instance",
      sourceIds: [this.instance.identifier],
      eventCategories: [...categories],
      enabled: true,
    });
  }

  /**
   * Lets `role` log in as the database user `user` with IAM database authentication
   * (rds-db:connect on that one user of this instance). The user must exist in PostgreSQL with
   * the `rds_iam` role; the app's migrations create it.
   */
  grantConnect(role: ServiceRole, user: string): void {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(user)) throw new Error(`${this.node.path}: database user "${user}" must be a lowercase PostgreSQL identifier`);
    role.addToPolicy({ sid: pascalCase(`connect ${this.node.id} as ${user}`), actions: ["rds-db:connect"], resources: [this.dbUserArn(user)] });
  }

  /**
   * `arn:<partition>:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<user>`, with partition,
   * region and account taken from the instance's own ARN (no AWS call at plan time).
   */
  dbUserArn(user: string): string {
    const arnPart = (index: number) => Fn.element(Fn.split(":", this.instance.arn), index);
    return Fn.format("arn:%s:rds-db:%s:%s:dbuser:%s/%s", [arnPart(1), arnPart(3), arnPart(4), this.instance.resourceId, user]);
  }

  /** Lets `role` read the master credentials secret (secretsmanager:GetSecretValue on that secret). */
  grantSecretRead(role: ServiceRole): void {
    role.addToPolicy({
      sid: "ReadDatabaseMasterSecret",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [this.masterSecretArn],
    });
  }
}
