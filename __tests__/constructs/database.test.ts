import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { Database, DatabaseProps } from "../../constructs/database";
import { SecurityGroup } from "../../constructs/security-group";
import { ServiceRole } from "../../constructs/service-role";
import { onlyResource, resourcesOf, synthConstructs } from "../support/synth";

const props: DatabaseProps = {
  name: "test-postgres",
  vpcId: "vpc-123",
  subnetIds: ["subnet-a", "subnet-b"],
  engineMajorVersion: "16",
  instanceClass: "db.t4g.micro",
  allocatedStorageGiB: 20,
};

describe("Database", () => {
  const { json, tf } = synthConstructs((scope) => {
    const db = new Database(scope, "db", props);
    const clients = new SecurityGroup(scope, "clients", { name: "clients", description: "clients", vpcId: "vpc-123" });
    db.allowConnectionsFrom(clients, "PostgreSQL from clients");
    db.grantSecretRead(new ServiceRole(scope, "reader", { name: "reader", description: "reads", servicePrincipal: "ec2.amazonaws.com" }));
  });
  const instance = onlyResource(tf, "aws_db_instance");

  it("is encrypted, private, and keeps its master password in Secrets Manager (none in JSON)", () => {
    expect(instance).toMatchObject({
      engine: "postgres",
      engine_version: "16",
      storage_encrypted: true,
      storage_type: "gp3",
      publicly_accessible: false,
      manage_master_user_password: true,
      iam_database_authentication_enabled: true,
    });
    expect(instance).not.toHaveProperty("password");
  });

  it("defaults to the protected settings: multi-AZ, deletion protection, final snapshot, 7-day backups, PI", () => {
    expect(instance).toMatchObject({
      multi_az: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "test-postgres-final",
      backup_retention_period: 7,
      performance_insights_enabled: true,
      copy_tags_to_snapshot: true,
      auto_minor_version_upgrade: true,
      enabled_cloudwatch_logs_exports: ["postgresql", "upgrade"],
    });
  });

  it("forces TLS with a parameter group of the engine's family", () => {
    expect(json).toHaveResourceWithProperties(DbParameterGroup, {
      family: "postgres16",
      parameter: expect.arrayContaining([{ name: "rds.force_ssl", value: "1" }]),
    });
  });

  it("lives in the given subnets", () => {
    expect(json).toHaveResourceWithProperties(DbSubnetGroup, { subnet_ids: ["subnet-a", "subnet-b"] });
  });

  it("admits 5432 only from the allowed security group, by reference", () => {
    const ingress = Object.values(resourcesOf(tf, "aws_vpc_security_group_ingress_rule"));
    expect(ingress).toEqual([
      expect.objectContaining({ from_port: 5432, to_port: 5432, referenced_security_group_id: expect.stringContaining("aws_security_group.clients_") }),
    ]);
  });

  it("grants reading the master secret on that secret only", () => {
    const doc = Object.entries(tf.data?.aws_iam_policy_document ?? {}).find(([id]) => id.startsWith("reader_policy-document"))?.[1] as {
      statement: { actions: string[]; resources: string[] }[];
    };
    expect(doc.statement).toEqual([
      expect.objectContaining({ actions: ["secretsmanager:GetSecretValue"], resources: [expect.stringMatching(/^\$\{aws_db_instance\.db_instance_[0-9A-F]{8}\.master_user_secret\[0\]\.secret_arn\}$/)] }),
    ]);
  });

  it("grants IAM database login (rds-db:connect) as one database user of this instance, ARN built from the instance's own ARN", () => {
    const { tf: granted } = synthConstructs((scope) => {
      const db = new Database(scope, "db", props);
      db.grantConnect(new ServiceRole(scope, "app", { name: "app", description: "app", servicePrincipal: "ec2.amazonaws.com" }), "app");
    });
    const db = Object.keys(resourcesOf(granted, "aws_db_instance"))[0];
    const doc = Object.entries(granted.data?.aws_iam_policy_document ?? {}).find(([id]) => id.startsWith("app_policy-document"))?.[1] as {
      statement: { sid: string; actions: string[]; resources: string[] }[];
    };
    const part = (i: number) => `element(split(":", aws_db_instance.${db}.arn), ${i})`;
    expect(doc.statement).toEqual([
      expect.objectContaining({
        sid: "ConnectDbAsApp",
        actions: ["rds-db:connect"],
        resources: [`\${format("arn:%s:rds-db:%s:%s:dbuser:%s/%s", ${part(1)}, ${part(3)}, ${part(4)}, aws_db_instance.${db}.resource_id, "app")}`],
      }),
    ]);
    expect(() =>
      synthConstructs((scope) => {
        new Database(scope, "db", props).grantConnect(new ServiceRole(scope, "r", { name: "r", description: "r", servicePrincipal: "ec2.amazonaws.com" }), "App; DROP");
      }),
    ).toThrow(/database user "App; DROP" must be a lowercase PostgreSQL identifier/);
  });

  it("turns off the protections only when asked", () => {
    const relaxed = onlyResource(
      synthConstructs((scope) => new Database(scope, "db", { ...props, multiAz: false, deletionProtection: false, finalSnapshot: false, performanceInsights: false })).tf,
      "aws_db_instance",
    );
    expect(relaxed).toMatchObject({ multi_az: false, deletion_protection: false, skip_final_snapshot: true, performance_insights_enabled: false });
    expect(relaxed).not.toHaveProperty("final_snapshot_identifier");
    expect(relaxed).not.toHaveProperty("performance_insights_retention_period");
  });
});
