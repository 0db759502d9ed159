import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";

/** One IAM policy statement, as grant methods add them. */
export interface PolicyStatement {
  /** Statement id, letters and digits; makes the rendered policy readable. */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** IAM conditions, e.g. `{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["CWAgent"] }`. */
  readonly conditions?: readonly { readonly test: string; readonly variable: string; readonly values: readonly string[] }[];
}

export interface ServiceRoleProps {
  /** IAM role name (unique per account), e.g. "webplatform-dev-web". */
  readonly name: string;
  readonly description: string;
  /** The only principal allowed to assume the role, e.g. "ec2.amazonaws.com". */
  readonly servicePrincipal: string;
  /** AWS managed policies to attach (by ARN). Keep this short: prefer grants. */
  readonly managedPolicyArns?: readonly string[];
}

/**
 * An IAM role assumable by exactly one AWS service. Permissions are added by the grant methods of
 * other constructs (`bucket.grantPut(role)`, `table.grantWriteData(role)`) through `addToPolicy`;
 * they land in one inline policy rendered by a local `aws_iam_policy_document` (no AWS call).
 */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  private readonly statements: PolicyStatement[] = [];
  private document?: DataAwsIamPolicyDocument;
  private inlinePolicy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          sid: "AssumedByService",
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: [props.servicePrincipal] }],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: props.description,
      assumeRolePolicy: trust.json,
    });
    (props.managedPolicyArns ?? []).forEach((policyArn, i) => {
      new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn });
    });
  }

  get arn(): string {
    return this.role.arn;
  }

  get name(): string {
    return this.role.name;
  }

  /** The inline policy holding every grant (created by the first `addToPolicy`). */
  get policy(): IamRolePolicy | undefined {
    return this.inlinePolicy;
  }

  /** The statements granted so far (for tests and guardrails). */
  get grantedStatements(): readonly PolicyStatement[] {
    return this.statements;
  }

  /** Adds an Allow statement to the role's inline policy (created on first use). */
  addToPolicy(statement: PolicyStatement): void {
    if (this.statements.some((s) => s.sid === statement.sid)) {
      throw new Error(`${this.node.path}: a statement with sid "${statement.sid}" was already granted`);
    }
    this.statements.push(statement);
    if (!this.document) {
      this.document = new DataAwsIamPolicyDocument(this, "policy-document", {});
      this.inlinePolicy = new IamRolePolicy(this, "policy", {
        name: "grants",
        role: this.role.id,
        policy: this.document.json,
      });
    }
    this.document.putStatement(
      this.statements.map((s) => ({
        sid: s.sid,
        effect: "Allow",
        actions: [...s.actions],
        resources: [...s.resources],
        condition: s.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
      })),
    );
  }
}
