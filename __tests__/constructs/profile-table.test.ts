import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { ProfileTable } from "../../constructs/profile-table";
import { ServiceRole } from "../../constructs/service-role";
import { onlyResource, synthConstructs } from "../support/synth";

describe("ProfileTable", () => {
  const { json, tf } = synthConstructs((scope) => {
    const table = new ProfileTable(scope, "profiles", { name: "test-profiles" });
    const reader = new ServiceRole(scope, "reader", { name: "reader", description: "r", servicePrincipal: "ec2.amazonaws.com" });
    const writer = new ServiceRole(scope, "writer", { name: "writer", description: "w", servicePrincipal: "lambda.amazonaws.com" });
    table.grantReadData(reader);
    table.grantWriteData(writer, ["UpdateItem"]);
  });
  const tableArn = expect.stringMatching(/^\$\{aws_dynamodb_table\.profiles_table_[0-9A-F]{8}\.arn\}$/);
  const statements = (rolePrefix: string) =>
    (Object.entries(tf.data?.aws_iam_policy_document ?? {}).find(([id]) => id.startsWith(`${rolePrefix}_policy-document`))?.[1] as {
      statement: object[];
    }).statement;

  it("is keyed by userId (S), on demand, with PITR, encryption and deletion protection by default", () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      name: "test-profiles",
      hash_key: "userId",
      attribute: [{ name: "userId", type: "S" }],
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: false },
    });
    expect(onlyResource(tf, "aws_dynamodb_table")).not.toHaveProperty("range_key");
  });

  it("grants item reads and only the requested writes, on the table ARN", () => {
    expect(statements("reader")).toEqual([
      { sid: "ReadProfiles", effect: "Allow", actions: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"], resources: [tableArn] },
    ]);
    expect(statements("writer")).toEqual([{ sid: "WriteProfiles", effect: "Allow", actions: ["dynamodb:UpdateItem"], resources: [tableArn] }]);
  });

  it("can drop deletion protection and add prevent_destroy per environment", () => {
    const variant = onlyResource(
      synthConstructs((scope) => new ProfileTable(scope, "p", { name: "t", deletionProtection: false, preventDestroy: true })).tf,
      "aws_dynamodb_table",
    );
    expect(variant).toMatchObject({ deletion_protection_enabled: false, lifecycle: { prevent_destroy: true } });
  });
});
