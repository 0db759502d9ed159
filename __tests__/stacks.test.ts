import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { Testing } from "cdktf";
import dev from "../environments/dev";
import prod from "../environments/prod";
import { EnvironmentConfig } from "../environments/config";
import { buildApp } from "../stacks/app";
import { idOf, onlyResource, resourcesOf, synthEnvironment } from "./support/synth";

// Each stack is synthesized once for the whole file.
const devStack = synthEnvironment(dev);
const prodStack = synthEnvironment(prod);
const both = [
  ["dev", devStack],
  ["prod", prodStack],
] as const;

const count = (s: typeof devStack, type: string) => Object.keys(resourcesOf(s.tf, type)).length;

describe.each(both)("%s stack", (name, s) => {
  it("has the AWS provider with default tags and no offline settings", () => {
    expect(s.json).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-west-1",
      default_tags: [{ tags: { Project: "webplatform", Environment: name, ManagedBy: "cdktf" } }],
    });
    const provider = s.tf.provider.aws[0];
    expect(provider).not.toHaveProperty("access_key");
    expect(provider).not.toHaveProperty("skip_credentials_validation");
    expect(provider).not.toHaveProperty("allowed_account_ids");
  });

  it("keeps its state in the bootstrap bucket, encrypted, with S3-native locking", () => {
    expect(s.tf.terraform.backend).toEqual({
      s3: { bucket: "webplatform-terraform-state-eu-west-1", key: `webplatform/${name}/terraform.tfstate`, region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
  });

  it("has the outputs reviewers and scripts rely on", () => {
    expect(Object.keys(s.tf.output ?? {}).sort()).toEqual(
      [
        "alarm_topic_arn",
        "artifacts_bucket_name",
        "cdn_distribution_id",
        "dashboard_url",
        "db_endpoint",
        "db_master_secret_arn",
        "profile_table_name",
        "profile_updater_dlq_url",
        "profile_updater_function_name",
        "uploads_bucket_name",
        "vpc_id",
        "web_app_artifact_key",
        "web_url",
      ].sort(),
    );
    expect(s.tf.output?.web_url.value).toMatch(/^https:\/\/\$\{aws_cloudfront_distribution\.[^.]+\.domain_name\}$/);
    expect(s.tf.output?.web_app_artifact_key.value).toMatch(/^web-app\/[0-9a-f]{64}\/server\.js$/);
    expect(s.tf.output?.db_master_secret_arn.value).toMatch(/master_user_secret\[0\]\.secret_arn/);
  });

  it("never puts a password in the JSON: RDS manages the master password", () => {
    expect(s.json).toHaveResourceWithProperties(DbInstance, { manage_master_user_password: true });
    expect(s.json).not.toMatch(/"(master_)?password"\s*:/);
  });

  it("the database security group admits exactly the web server's security group on 5432", () => {
    const groups = resourcesOf(s.tf, "aws_security_group");
    const dbGroup = Object.keys(groups).find((id) => id.startsWith("database_"));
    const webGroup = Object.keys(groups).find((id) => id.startsWith("web_"));
    const ingress = Object.values(resourcesOf(s.tf, "aws_vpc_security_group_ingress_rule")).filter(
      (r) => r.security_group_id === `\${aws_security_group.${dbGroup}.id}`,
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({
      referenced_security_group_id: `\${aws_security_group.${webGroup}.id}`,
      from_port: 5432,
      to_port: 5432,
      ip_protocol: "tcp",
    });
    expect(ingress[0]).not.toHaveProperty("cidr_ipv4");
    // and the web server may open connections to it (egress by reference, not by CIDR)
    const egress = Object.values(resourcesOf(s.tf, "aws_vpc_security_group_egress_rule")).filter(
      (r) => r.referenced_security_group_id === `\${aws_security_group.${dbGroup}.id}`,
    );
    expect(egress).toEqual([expect.objectContaining({ security_group_id: `\${aws_security_group.${webGroup}.id}`, from_port: 5432 })]);
  });

  it("grants the web server role exactly the app's calls: its artifact, its S3 prefixes, HeadBucket, GetItem, IAM DB login as app, the master secret", () => {
    const docs = s.tf.data?.aws_iam_policy_document ?? {};
    const webPolicy = Object.entries(docs).find(([id]) => id.startsWith("web_role_policy-document"))?.[1] as {
      statement: { sid: string; actions: string[]; resources: string[] }[];
    };
    const uploads = idOf(s.tf, "aws_s3_bucket", "uploads/bucket");
    const artifacts = idOf(s.tf, "aws_s3_bucket", "artifacts/bucket");
    const db = idOf(s.tf, "aws_db_instance", "database/instance");
    expect(webPolicy.statement.map(({ sid, actions, resources }) => ({ sid, actions, resources }))).toEqual([
      { sid: "ReadArtifactsWebApp", actions: ["s3:GetObject"], resources: [`\${aws_s3_bucket.${artifacts}.arn}/web-app/*`] },
      { sid: "ReadUploadsUploads", actions: ["s3:GetObject"], resources: [`\${aws_s3_bucket.${uploads}.arn}/uploads/*`] },
      { sid: "PutUploadsUploads", actions: ["s3:PutObject"], resources: [`\${aws_s3_bucket.${uploads}.arn}/uploads/*`] },
      { sid: "DeleteUploadsUploads", actions: ["s3:DeleteObject"], resources: [`\${aws_s3_bucket.${uploads}.arn}/uploads/*`] },
      { sid: "ReadUploadsProfilePictures", actions: ["s3:GetObject", "s3:GetObjectVersion"], resources: [`\${aws_s3_bucket.${uploads}.arn}/profile-pictures/*`] },
      { sid: "PutUploadsProfilePictures", actions: ["s3:PutObject"], resources: [`\${aws_s3_bucket.${uploads}.arn}/profile-pictures/*`] },
      { sid: "ListUploads", actions: ["s3:ListBucket"], resources: [`\${aws_s3_bucket.${uploads}.arn}`] },
      { sid: "ReadProfiles", actions: ["dynamodb:GetItem"], resources: [expect.stringMatching(/^\$\{aws_dynamodb_table\.profiles_table_[0-9A-F]{8}\.arn\}$/)] },
      {
        sid: "ConnectDatabaseAsApp",
        actions: ["rds-db:connect"],
        resources: [
          `\${format("arn:%s:rds-db:%s:%s:dbuser:%s/%s", element(split(":", aws_db_instance.${db}.arn), 1), element(split(":", aws_db_instance.${db}.arn), 3), element(split(":", aws_db_instance.${db}.arn), 4), aws_db_instance.${db}.resource_id, "app")}`,
        ],
      },
      { sid: "ReadDatabaseMasterSecret", actions: ["secretsmanager:GetSecretValue"], resources: [`\${aws_db_instance.${db}.master_user_secret[0].secret_arn}`] },
      { sid: "AgentPutMetrics", actions: ["cloudwatch:PutMetricData"], resources: ["*"] },
      { sid: "AgentWriteLogs", actions: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], resources: [expect.stringMatching(/aws_cloudwatch_log_group\.web-agent/), expect.stringMatching(/:log-stream:\*$/)] },
    ]);
  });

  it("the artifacts bucket is private (like the uploads bucket) and only the web server role may read it", () => {
    const artifacts = idOf(s.tf, "aws_s3_bucket", "artifacts/bucket");
    const onArtifacts = (type: string) => Object.values(resourcesOf(s.tf, type)).filter((r) => r.bucket === `\${aws_s3_bucket.${artifacts}.id}`);
    expect(onArtifacts("aws_s3_bucket_public_access_block")).toHaveLength(1);
    expect(onArtifacts("aws_s3_bucket_versioning")).toHaveLength(1);
    expect(onArtifacts("aws_s3_bucket_server_side_encryption_configuration")).toHaveLength(1);
    expect(onArtifacts("aws_s3_bucket_policy")).toHaveLength(1);
    const readers = Object.entries(s.tf.data?.aws_iam_policy_document ?? {}).filter(([, doc]) =>
      JSON.stringify(doc).includes(`aws_s3_bucket.${artifacts}.arn}/`) && !JSON.stringify(doc).includes('"Deny"'),
    );
    expect(readers.map(([id]) => id)).toEqual([expect.stringMatching(/^web_role_policy-document_/)]);
  });
});

describe("dev and prod differ by their config", () => {
  it("NAT: none in dev, one per AZ in prod", () => {
    expect(count(devStack, "aws_nat_gateway")).toBe(0);
    expect(count(prodStack, "aws_nat_gateway")).toBe(2);
    expect(count(devStack, "aws_route")).toBe(1); // only public -> IGW
  });

  it("RDS: single-AZ and unprotected in dev; multi-AZ, protected, final snapshot and PI in prod", () => {
    expect(onlyResource(devStack.tf, "aws_db_instance")).toMatchObject({
      multi_az: false,
      deletion_protection: false,
      skip_final_snapshot: true,
      backup_retention_period: 1,
      performance_insights_enabled: false,
      instance_class: "db.t4g.micro",
    });
    expect(onlyResource(prodStack.tf, "aws_db_instance")).toMatchObject({
      multi_az: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "webplatform-prod-postgres-final",
      backup_retention_period: 14,
      performance_insights_enabled: true,
      instance_class: "db.m7g.large",
    });
  });

  it("data volume: no final snapshot on destroy in dev (no paid snapshot left behind), one in prod", () => {
    expect(onlyResource(devStack.tf, "aws_ebs_volume").final_snapshot).toBe(false);
    expect(onlyResource(prodStack.tf, "aws_ebs_volume").final_snapshot).toBe(true);
  });

  it("prevent_destroy on stateful resources in prod only", () => {
    for (const type of ["aws_db_instance", "aws_s3_bucket", "aws_ebs_volume", "aws_dynamodb_table"]) {
      const lifecycles = (stack: typeof devStack) => Object.values(resourcesOf(stack.tf, type)).map((r) => r.lifecycle);
      expect(lifecycles(prodStack)).toEqual(expect.arrayContaining([{ prevent_destroy: true }]));
      expect(lifecycles(prodStack).every((l) => l.prevent_destroy === true)).toBe(true);
      expect(lifecycles(devStack).every((l) => l.prevent_destroy === false)).toBe(true);
    }
    expect(count(prodStack, "aws_s3_bucket")).toBe(2); // uploads, artifacts
  });

  it("flow logs and daily data-volume snapshots in prod only, with prod's log retention", () => {
    expect(count(devStack, "aws_flow_log")).toBe(0);
    expect(count(devStack, "aws_dlm_lifecycle_policy")).toBe(0);
    const logGroups = Object.values(resourcesOf(prodStack.tf, "aws_cloudwatch_log_group"));
    expect(logGroups.map((g) => [g.name, g.retention_in_days]).sort()).toEqual([
      ["/aws/cloudfront/webplatform-prod-web", 365],
      ["/aws/lambda/webplatform-prod-profile-updater", 365],
      ["/vpc/webplatform-prod/flow-logs", 365],
      ["/webplatform-prod/web", 365],
    ]);
    expect(onlyResource(prodStack.tf, "aws_dlm_lifecycle_policy").policy_details.schedule[0]).toMatchObject({
      create_rule: { interval: 24, interval_unit: "HOURS", times: ["03:00"] },
      retain_rule: { count: 14 },
    });
  });

  it("instance sizes, monitoring and noncurrent-version expiry come from config", () => {
    expect(onlyResource(devStack.tf, "aws_launch_template")).toMatchObject({ instance_type: "t4g.micro", monitoring: { enabled: false } });
    expect(onlyResource(prodStack.tf, "aws_launch_template")).toMatchObject({ instance_type: "m7g.large", monitoring: { enabled: true } });
    expect(onlyResource(devStack.tf, "aws_ebs_volume").size).toBe(10);
    expect(onlyResource(prodStack.tf, "aws_ebs_volume").size).toBe(50);
    const expiry = (s: typeof devStack) =>
      resourcesOf(s.tf, "aws_s3_bucket_lifecycle_configuration")[idOf(s.tf, "aws_s3_bucket_lifecycle_configuration", "uploads/lifecycle")].rule.find((r: { id: string }) => r.id === "expire-noncurrent-versions")
        .noncurrent_version_expiration[0].noncurrent_days;
    expect([expiry(devStack), expiry(prodStack)]).toEqual([7, 90]);
  });
});

describe("provider and backend options", () => {
  const variant: EnvironmentConfig = {
    ...dev,
    allowedAccountIds: ["123456789012"],
    backend: { type: "s3", bucket: "webplatform-tfstate", region: "eu-west-1" },
  };
  const s = synthEnvironment(variant, { offline: true });
  const online = synthEnvironment(variant);

  it("guards the account with allowed_account_ids (left out offline, where no account is known)", () => {
    expect(online.tf.provider.aws[0].allowed_account_ids).toEqual(["123456789012"]);
    expect(online.tf.provider.aws[0]).not.toHaveProperty("access_key");
    expect(s.tf.provider.aws[0]).not.toHaveProperty("allowed_account_ids");
  });

  it("OFFLINE_PLAN adds fake credentials and every skip flag", () => {
    expect(s.tf.provider.aws[0]).toMatchObject({
      access_key: "offline-plan",
      secret_key: "offline-plan",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: "true",
      skip_region_validation: true,
    });
  });

  it("an S3 backend is encrypted, keyed per environment and locks with use_lockfile", () => {
    expect(online.tf.terraform.backend).toEqual({
      s3: { bucket: "webplatform-tfstate", key: "webplatform/dev/terraform.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
  });

  it("offline (fake credentials S3 would refuse) an S3 backend becomes a throwaway local state", () => {
    expect(s.tf.terraform.backend).toEqual({ local: { path: "../../../terraform.dev.offline.tfstate" } });
    expect(synthEnvironment({ ...dev, backend: { type: "local" } }, { offline: true }).tf.terraform.backend).toEqual({ local: { path: "../../../terraform.dev.tfstate" } });
  });
});

describe("the app", () => {
  it("builds one stack per environment, id = environment name, including a third one", () => {
    const staging: EnvironmentConfig = { ...dev, name: "staging" };
    const app = buildApp([dev, prod, staging], { outdir: Testing.app().outdir });
    const ids = app.node.children.map((c) => c.node.id).filter((id) => ["dev", "prod", "staging"].includes(id));
    expect(ids).toEqual(["dev", "prod", "staging"]);
  });
});
