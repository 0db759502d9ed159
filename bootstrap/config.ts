/**
 * Configuration of the bootstrap stack: the S3 bucket that holds every environment's Terraform
 * state. Deliberately outside environments/ (every file there is an environment). Deploy it once
 * per account with `npm run bootstrap:deploy`, then point environments at it:
 *
 *   backend: { type: "s3", bucket: bootstrap.stateBucketName, region: bootstrap.region }
 */
export interface BootstrapConfig {
  /** Project name, for tags (Project) and the default state keys `<project>/<env>/terraform.tfstate`. */
  readonly project: string;
  readonly region: string;
  /**
   * The state bucket's name. Bucket names are global across all AWS accounts: make it unique,
   * e.g. with the account id (`webplatform-tfstate-123456789012-eu-west-1`).
   */
  readonly stateBucketName: string;
  /** Guard: terraform refuses to run against any other account. */
  readonly allowedAccountIds?: readonly string[];
  /** Days an overwritten state version is kept (state history for recovery). */
  readonly noncurrentVersionExpirationDays: number;
  /** Extra tags on every resource (Project and ManagedBy are always set). */
  readonly tags?: Readonly<Record<string, string>>;
  /** The GitHub repository whose Actions workflows plan and deploy the environments (OIDC, no keys). */
  readonly github: GithubCiConfig;
}

/**
 * GitHub Actions identity: the bootstrap stack creates (or reuses) the account's GitHub OIDC
 * provider and, per environment, a plan role and a deploy role that only this repository can assume.
 */
export interface GithubCiConfig {
  /** Repository owner (user or organization) exactly as in `github.com/<owner>/<repository>`. */
  readonly owner: string;
  /** Repository name. */
  readonly repository: string;
  /**
   * Environments that get a plan role (assumable from pull requests) and a deploy role (assumable
   * only from a job running in the GitHub environment of the same name). Names as in environments/.
   */
  readonly environments: readonly string[];
  /**
   * ARN of an existing `token.actions.githubusercontent.com` OIDC provider. An account holds one
   * provider per URL: set this when the account already has it; absent = the stack creates it.
   */
  readonly existingOidcProviderArn?: string;
}

const bootstrap: BootstrapConfig = {
  project: "webplatform",
  region: "eu-west-1",
  stateBucketName: "webplatform-terraform-state-eu-west-1",
  noncurrentVersionExpirationDays: 90,
  github: {
    owner: "example-org",
    repository: "webplatform-infra",
    environments: ["dev", "prod"],
  },
};

export default bootstrap;
