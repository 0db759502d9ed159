import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { CiScope, denyDataReads, edgeOperationsAndCostStatements, iamStatements, namedResourceStatements, networkAndComputeStatements, READ_ONLY_POLICY_ARN, stateStatements } from "../bootstrap/ci-permissions";
import { BootstrapConfig, GithubCiConfig } from "../bootstrap/config";
import { GithubActionsRole } from "../constructs/github-actions-role";
import { GithubOidcProvider } from "../constructs/github-oidc-provider";
import { PrivateBucket } from "../constructs/private-bucket";
import { applyGuardrails, GuardrailOptions } from "../policies";
import { OFFLINE_PROVIDER_SETTINGS } from "./provider";

/** The stack id of the bootstrap stack (never an environment name: it lives in its own app). */
export const BOOTSTRAP_STACK_ID = "bootstrap";

export interface BootstrapStackOptions {
  /**
   * Path of the local state file, relative to the stack's directory (`<outdir>/stacks/bootstrap`).
   * Default `../../../terraform.bootstrap.tfstate`: the project root when the outdir is one level deep.
   */
  readonly localStatePath?: string;
  /** Fake credentials and skip_* flags, as for the environments' OFFLINE_PLAN=1. Never apply. */
  readonly offline?: boolean;
  /** Where the guardrail summary goes (default stdout), for tests. */
  readonly guardrails?: GuardrailOptions;
}

/** A bad bootstrap config: one line naming the field and what is allowed. */
export class BootstrapConfigError extends Error {
  constructor(field: string, detail: string) {
    super(`Invalid bootstrap config bootstrap/config.ts: ${field} ${detail}`);
    this.name = "BootstrapConfigError";
  }
}

/** S3 bucket naming rules (general purpose buckets). */
export function validateBootstrapConfig(config: BootstrapConfig): void {
  const name = config.stateBucketName;
  const valid =
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes("..") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name);
  if (!valid) {
    throw new BootstrapConfigError(
      "stateBucketName",
      `is ${JSON.stringify(name)}; allowed: 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.`,
    );
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(config.region)) {
    throw new BootstrapConfigError("region", `is ${JSON.stringify(config.region)}; allowed: an AWS region name such as "eu-west-1".`);
  }
  const days = config.noncurrentVersionExpirationDays;
  if (!Number.isInteger(days) || days < 1) {
    throw new BootstrapConfigError("noncurrentVersionExpirationDays", `is ${JSON.stringify(days)}; allowed: a whole number of days >= 1.`);
  }
  validateGithubConfig(config.github);
}

/** The repository the CI roles trust: exact names (GitHub's rules), never a pattern. */
function validateGithubConfig(github: GithubCiConfig | undefined): void {
  if (!github) throw new BootstrapConfigError("github", "is missing; allowed: { owner, repository, environments } of the repository that runs the workflows.");
  const check = (field: string, value: unknown, ok: boolean, allowed: string) => {
    if (!ok) throw new BootstrapConfigError(`github.${field}`, `is ${JSON.stringify(value)}; allowed: ${allowed}.`);
  };
  const { owner, repository, environments, existingOidcProviderArn } = github;
  check("owner", owner, typeof owner === "string" && /^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$/.test(owner), "a GitHub user or organization name (1-39 letters, digits, single hyphens; no wildcard)");
  check(
    "repository",
    repository,
    typeof repository === "string" && /^[A-Za-z0-9._-]{1,100}$/.test(repository) && repository !== "." && repository !== "..",
    "a GitHub repository name (1-100 letters, digits, '.', '_', '-'; no wildcard)",
  );
  const names = Array.isArray(environments) ? environments : [];
  check(
    "environments",
    environments,
    names.length > 0 && names.every((e) => typeof e === "string" && /^[a-z][a-z0-9]{0,19}$/.test(e) && e !== "github") && new Set(names).size === names.length,
    'a non-empty list of distinct environment names (lower-case letters and digits, as in environments/; not "github")',
  );
  if (existingOidcProviderArn !== undefined) {
    check(
      "existingOidcProviderArn",
      existingOidcProviderArn,
      /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/.test(existingOidcProviderArn),
      "the ARN of the account's token.actions.githubusercontent.com OIDC provider",
    );
  }
}

/** The `sub` claims GitHub puts in a job's OIDC token (https://docs.github.com/actions/reference/openid-connect-reference). */
export const githubSubjects = (github: GithubCiConfig) => ({
  pullRequest: `repo:${github.owner}/${github.repository}:pull_request`,
  environment: (name: string) => `repo:${github.owner}/${github.repository}:environment:${name}`,
});

/** Names of the CI roles: outside every environment's `<project>-<env>-` prefix, so a deploy role cannot edit them. */
export const ciRoleName = (project: string, environment: string, kind: "plan" | "deploy") => `${project}-github-${environment}-${kind}`;

/**
 * Creates the S3 bucket for the environments' remote state: versioned (every state write can be
 * rolled back), encrypted with SSE-KMS, all public access blocked, bucket-owner-enforced, TLS 1.2+
 * only, and protected by `prevent_destroy`. Its own state is local (it cannot live in the bucket it
 * creates): keep `terraform.bootstrap.tfstate`, or re-import the bucket if it is lost.
 */
export class BootstrapStack extends TerraformStack {
  readonly state: PrivateBucket;
  readonly bucket: S3Bucket;
  readonly oidcProvider: GithubOidcProvider;
  /** Per environment: the role pull requests plan with and the role its GitHub environment deploys with. */
  readonly ciRoles: Readonly<Record<string, { readonly plan: GithubActionsRole; readonly deploy: GithubActionsRole }>>;

  constructor(scope: Construct, config: BootstrapConfig, options: BootstrapStackOptions = {}) {
    super(scope, BOOTSTRAP_STACK_ID);
    validateBootstrapConfig(config);

    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: config.allowedAccountIds && !options.offline ? [...config.allowedAccountIds] : undefined,
      defaultTags: [{ tags: { ...config.tags, Project: config.project, ManagedBy: "cdktf", Purpose: "terraform-state" } }],
      ...(options.offline ? OFFLINE_PROVIDER_SETTINGS : {}),
    });
    new LocalBackend(this, { path: options.localStatePath ?? `../../../terraform.${BOOTSTRAP_STACK_ID}.tfstate` });

    this.state = new PrivateBucket(this, "state", {
      bucketName: config.stateBucketName,
      noncurrentVersionExpirationDays: config.noncurrentVersionExpirationDays,
      preventDestroy: true,
    });
    this.bucket = this.state.bucket;

    new TerraformOutput(this, "state_bucket_name", { value: this.bucket.bucket, description: "Bucket for the environments' Terraform state" });
    new TerraformOutput(this, "state_bucket_arn", { value: this.bucket.arn, description: "ARN of the state bucket (for IAM policies of deployers)" });
    new TerraformOutput(this, "state_bucket_region", { value: config.region, description: "Region of the state bucket" });

    this.oidcProvider = new GithubOidcProvider(this, "github", { existingArn: config.github.existingOidcProviderArn });
    this.ciRoles = Object.fromEntries(config.github.environments.map((env) => [env, this.addCiRoles(config, env)]));
    new TerraformOutput(this, "github_oidc_provider_arn", { value: this.oidcProvider.arn, description: "GitHub Actions OIDC provider" });

    applyGuardrails(
      this,
      [
        {
          rule: "WP-IAM-004",
          scope: "github",
          reason:
            "GitHub Actions roles are assumed through the GitHub OIDC provider (a Federated principal), trusted only for audience sts.amazonaws.com and this repository's exact subjects.",
        },
      ],
      options.guardrails,
    );
  }

  private addCiRoles(config: BootstrapConfig, environment: string) {
    const scope: CiScope = {
      project: config.project,
      environment,
      region: config.region,
      account: config.allowedAccountIds?.length === 1 ? config.allowedAccountIds[0] : "*",
      stateBucketArn: `arn:aws:s3:::${config.stateBucketName}`, // known at plan time (bucket ARNs are names)
      stateKey: `${config.project}/${environment}/terraform.tfstate`,
      ciNamePrefix: `${config.project}-github-`,
    };
    const subjects = githubSubjects(config.github);
    const repo = `${config.github.owner}/${config.github.repository}`;
    const plan = new GithubActionsRole(this.oidcProvider, `${environment}-plan`, {
      name: ciRoleName(config.project, environment, "plan"),
      description: `Plans ${environment} from pull requests of ${repo} (read-only, state lock)`,
      oidcProviderArn: this.oidcProvider.arn,
      subjects: [subjects.pullRequest],
    });
    plan.attachManagedPolicy("read-only", READ_ONLY_POLICY_ARN);
    plan.addPolicy("state", `Read the ${environment} state and take its lock; no application data`, [...stateStatements(scope, false), ...denyDataReads(scope)]);

    const deploy = new GithubActionsRole(this.oidcProvider, `${environment}-deploy`, {
      name: ciRoleName(config.project, environment, "deploy"),
      description: `Deploys ${environment} from the GitHub environment "${environment}" of ${repo}`,
      oidcProviderArn: this.oidcProvider.arn,
      subjects: [subjects.environment(environment)],
    });
    deploy.attachManagedPolicy("read-only", READ_ONLY_POLICY_ARN);
    deploy.addPolicy("state", `Read and write the ${environment} state and its lock; no application data`, [...stateStatements(scope, true), ...denyDataReads(scope)]);
    deploy.addPolicy("network", `EC2 and DLM resources tagged Project=${config.project}, Environment=${environment}`, networkAndComputeStatements(scope));
    deploy.addPolicy("iam", `IAM roles, policies and instance profiles named ${config.project}-${environment}-*`, iamStatements(scope));
    deploy.addPolicy("services", `S3, DynamoDB, SQS, Lambda, logs, alarms and RDS named ${config.project}-${environment}-*`, namedResourceStatements(scope));
    deploy.addPolicy("edge-ops", `Artifact, CloudFront, WAF, alarm topics, dashboard, RDS events and budget of ${config.project}-${environment}`, edgeOperationsAndCostStatements(scope));

    new TerraformOutput(this, `${environment}_plan_role_arn`, { value: plan.arn, description: `AWS_PLAN_ROLE_ARN of the GitHub environment-less plan jobs for ${environment}` });
    new TerraformOutput(this, `${environment}_deploy_role_arn`, { value: deploy.arn, description: `AWS_DEPLOY_ROLE_ARN of the GitHub environment ${environment}` });
    return { plan, deploy };
  }
}
