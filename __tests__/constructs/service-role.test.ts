import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { ServiceRole } from "../../constructs/service-role";
import { resourcesOf, synthConstructs } from "../support/synth";

describe("ServiceRole", () => {
  it("has no inline policy until something is granted", () => {
    const { json, tf } = synthConstructs((scope) => {
      new ServiceRole(scope, "role", { name: "r", description: "d", servicePrincipal: "lambda.amazonaws.com" });
    });
    expect(json).toHaveResourceWithProperties(IamRole, { name: "r", description: "d" });
    expect(resourcesOf(tf, "aws_iam_role_policy")).toEqual({});
    expect(resourcesOf(tf, "aws_iam_role_policy_attachment")).toEqual({});
  });

  it("collects grants into one inline policy, in order", () => {
    const { tf } = synthConstructs((scope) => {
      const role = new ServiceRole(scope, "role", { name: "r", description: "d", servicePrincipal: "lambda.amazonaws.com" });
      role.addToPolicy({ sid: "One", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] });
      role.addToPolicy({ sid: "Two", actions: ["dynamodb:UpdateItem"], resources: ["arn:aws:dynamodb:eu-west-1:1:table/t"] });
    });
    expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy"))).toHaveLength(1);
    const doc = Object.entries(tf.data?.aws_iam_policy_document ?? {}).find(([id]) => id.startsWith("role_policy-document"))?.[1] as {
      statement: { sid: string }[];
    };
    expect(doc.statement.map((s) => s.sid)).toEqual(["One", "Two"]);
  });

  it("refuses the same statement id twice (a grant made twice is a bug)", () => {
    expect(() =>
      synthConstructs((scope) => {
        const role = new ServiceRole(scope, "role", { name: "r", description: "d", servicePrincipal: "lambda.amazonaws.com" });
        role.addToPolicy({ sid: "One", actions: ["s3:GetObject"], resources: ["*"] });
        role.addToPolicy({ sid: "One", actions: ["s3:PutObject"], resources: ["*"] });
      }),
    ).toThrow('a statement with sid "One" was already granted');
  });
});
