import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { BootstrapConfig } from "../bootstrap/config";
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
}

/**
 * Creates the S3 bucket for the environments' remote state: versioned (every state write can be
 * rolled back), encrypted with SSE-KMS, all public access blocked, bucket-owner-enforced, TLS 1.2+
 * only, and protected by `prevent_destroy`. Its own state is local (it cannot live in the bucket it
 * creates): keep `terraform.bootstrap.tfstate`, or re-import the bucket if it is lost.
 */
export class BootstrapStack extends TerraformStack {
  readonly state: PrivateBucket;
  readonly bucket: S3Bucket;

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

    applyGuardrails(this, [], options.guardrails);
  }
}
