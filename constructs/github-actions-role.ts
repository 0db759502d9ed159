import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { GITHUB_OIDC_HOST, STS_AUDIENCE } from "./github-oidc-provider";

/** An IAM policy statement (same shape as the aws_iam_policy_document data source's). */
export type Statement = DataAwsIamPolicyDocumentStatement & { readonly sid: string };

export interface GithubActionsRoleProps {
  readonly name: string;
  readonly description: string;
  readonly oidcProviderArn: string;
  /**
   * The exact `sub` claims allowed, e.g. `repo:acme/infra:pull_request`. Compared with
   * StringEquals: no pattern matching, so no wildcard can widen the trust.
   */
  readonly subjects: readonly string[];
  /** Session length (default one hour: a plan or an apply of this project fits). */
  readonly maxSessionDurationSeconds?: number;
}

/**
 * A role that GitHub Actions assumes with `sts:AssumeRoleWithWebIdentity`, trusted only for the
 * audience sts.amazonaws.com and the listed subjects. Permissions come from `addPolicy` (one
 * customer managed policy each: managed policies may hold 6,144 characters, inline ones share
 * 10,240 per role) and `attachManagedPolicy`.
 */
export class GithubActionsRole extends Construct {
  readonly role: IamRole;
  readonly trust: DataAwsIamPolicyDocument;
  private readonly props: GithubActionsRoleProps;

  constructor(scope: Construct, id: string, props: GithubActionsRoleProps) {
    super(scope, id);
    if (props.subjects.length === 0) throw new Error(`${this.node.path}: a GitHub Actions role needs at least one subject`);
    const wild = props.subjects.find((s) => /[*?]/.test(s));
    if (wild) throw new Error(`${this.node.path}: subject ${JSON.stringify(wild)} has a wildcard; allowed: exact subjects only`);
    this.props = props;
    this.trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          sid: "GitHubActionsOidc",
          effect: "Allow",
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [{ type: "Federated", identifiers: [props.oidcProviderArn] }],
          condition: [
            { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:aud`, values: [STS_AUDIENCE] },
            { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:sub`, values: [...props.subjects] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: props.description,
      assumeRolePolicy: this.trust.json,
      maxSessionDuration: props.maxSessionDurationSeconds ?? 3600,
    });
  }

  get arn(): string {
    return this.role.arn;
  }

  /** A customer managed policy `<role name>-<suffix>` with these statements, attached to the role. */
  addPolicy(suffix: string, description: string, statements: readonly Statement[]): IamPolicy {
    const document = new DataAwsIamPolicyDocument(this, `${suffix}-document`, { statement: [...statements] });
    const policy = new IamPolicy(this, `${suffix}-policy`, {
      name: `${this.props.name}-${suffix}`,
      description,
      policy: document.json,
    });
    new IamRolePolicyAttachment(this, `${suffix}-attachment`, { role: this.role.name, policyArn: policy.arn });
    return policy;
  }

  /** Attaches an AWS managed policy by ARN. */
  attachManagedPolicy(id: string, policyArn: string): void {
    new IamRolePolicyAttachment(this, id, { role: this.role.name, policyArn });
  }
}
