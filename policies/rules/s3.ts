import { Block, StackModel, block, blocks, isTrue, num, referencesIn } from "../model";
import { deniesInsecureTransport, hasPublicPrincipal, policyDocument, statementLabel } from "../policy-documents";
import { Check, Rule } from "../types";
import { Outcome, custom, perResource } from "./define";

const spec = (s: Omit<Rule, "evaluate" | "service">): Omit<Rule, "evaluate"> => ({ ...s, service: "S3" });

/** Resources of `type` configuring `bucket` (by reference, or by its literal name). */
function companions(model: StackModel, type: string, bucket: Block): Block[] {
  return model.all(type).filter((c) => referencesIn(c.config.bucket).includes(bucket.address) || (typeof bucket.config.bucket === "string" && c.config.bucket === bucket.config.bucket));
}

function bucketRule(s: Omit<Rule, "evaluate" | "service">, check: (bucket: Block, model: StackModel) => Outcome): Rule {
  return perResource(spec(s), ["aws_s3_bucket"], check);
}

const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GRANTEES = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

export const s3Rules: readonly Rule[] = [
  bucketRule(
    {
      id: "WP-S3-001",
      severity: "error",
      title: "S3 buckets are versioned",
      explanation: "Versioning keeps overwritten and deleted objects recoverable.",
      fix: "aws_s3_bucket_versioning with status Enabled (UploadsBucket does).",
      checkov: ["CKV_AWS_21"],
      cdkNag: [],
    },
    (b, model) => {
      const enabled = companions(model, "aws_s3_bucket_versioning", b).some((v) => block(v.config.versioning_configuration).status === "Enabled");
      return enabled || isTrue(block(b.config.versioning).enabled) ? undefined : "versioning is not enabled";
    },
  ),
  bucketRule(
    {
      id: "WP-S3-002",
      severity: "error",
      title: "S3 buckets encrypt by default with SSE-KMS",
      explanation: "SSE-KMS adds key-level access control and CloudTrail records of every decrypt.",
      fix: "aws_s3_bucket_server_side_encryption_configuration with sse_algorithm aws:kms and bucket_key_enabled (UploadsBucket does).",
      checkov: ["CKV_AWS_145"],
      cdkNag: [],
    },
    (b, model) => {
      const algorithms = companions(model, "aws_s3_bucket_server_side_encryption_configuration", b).flatMap((c) =>
        blocks(c.config.rule).map((r) => String(block(r.apply_server_side_encryption_by_default).sse_algorithm)),
      );
      if (algorithms.length === 0) return "no default encryption configuration";
      return algorithms.every((a) => a.startsWith("aws:kms")) ? undefined : `sse_algorithm is ${algorithms.join(", ")}`;
    },
  ),
  bucketRule(
    {
      id: "WP-S3-003",
      severity: "error",
      title: "S3 buckets block all public access (all four settings)",
      explanation: "The public access block is the backstop against a public ACL or policy added later.",
      fix: "aws_s3_bucket_public_access_block with all four flags true (UploadsBucket does).",
      checkov: ["CKV2_AWS_6", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
      cdkNag: ["AwsSolutions-S2"],
    },
    (b, model) => {
      const blocksFound = companions(model, "aws_s3_bucket_public_access_block", b);
      if (blocksFound.length === 0) return "no aws_s3_bucket_public_access_block";
      const flags = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];
      const off = flags.filter((f) => !blocksFound.some((p) => isTrue(p.config[f])));
      return off.length > 0 ? `${off.join(", ")} not true` : undefined;
    },
  ),
  bucketRule(
    {
      id: "WP-S3-004",
      severity: "error",
      title: "S3 object ownership is BucketOwnerEnforced (ACLs disabled)",
      explanation: "With ACLs disabled, only policies grant access and every object belongs to the bucket owner.",
      fix: "aws_s3_bucket_ownership_controls with object_ownership BucketOwnerEnforced (UploadsBucket does).",
      checkov: ["CKV2_AWS_65"],
      cdkNag: [],
    },
    (b, model) => {
      const modes = companions(model, "aws_s3_bucket_ownership_controls", b).map((o) => block(o.config.rule).object_ownership);
      return modes.includes("BucketOwnerEnforced") ? undefined : `object ownership is ${JSON.stringify(modes[0] ?? "not set (ACLs enabled)")}`;
    },
  ),
  bucketRule(
    {
      id: "WP-S3-005",
      severity: "error",
      title: "S3 bucket policies deny requests without TLS",
      explanation: "Without a SecureTransport deny, clients can read and write objects over plain HTTP.",
      fix: "Bucket policy statement Deny s3:* for * when aws:SecureTransport is false, on the bucket and bucket/* (UploadsBucket does).",
      checkov: [],
      cdkNag: ["AwsSolutions-S10"],
    },
    (b, model) => {
      const policies = [...companions(model, "aws_s3_bucket_policy", b).map((p) => p.config.policy), b.config.policy].filter((p) => p !== undefined);
      const statements = policies.flatMap((p) => policyDocument(model, p)?.statements ?? []);
      const deny = statements.filter(deniesInsecureTransport);
      if (deny.length === 0) return "no bucket policy statement denies aws:SecureTransport = false";
      const resources = deny.flatMap((s) => s.resources);
      const coversObjects = resources.some((r) => r === "*" || r.endsWith("/*"));
      const coversBucket = resources.some((r) => r === "*" || !r.endsWith("/*"));
      return coversObjects && coversBucket ? undefined : "the TLS deny does not cover both the bucket and its objects";
    },
  ),
  bucketRule(
    {
      id: "WP-S3-006",
      severity: "warning",
      title: "S3 buckets have a lifecycle that aborts incomplete multipart uploads",
      explanation: "Abandoned multipart uploads are invisible, billed storage that never expires.",
      fix: "aws_s3_bucket_lifecycle_configuration with an enabled abort_incomplete_multipart_upload rule (UploadsBucket does).",
      checkov: ["CKV2_AWS_61", "CKV_AWS_300"],
      cdkNag: [],
    },
    (b, model) => {
      const configs = companions(model, "aws_s3_bucket_lifecycle_configuration", b);
      if (configs.length === 0) return "no lifecycle configuration";
      const aborts = configs.some((c) =>
        blocks(c.config.rule).some((r) => r.status === "Enabled" && (num(block(r.abort_incomplete_multipart_upload).days_after_initiation) ?? 0) > 0),
      );
      return aborts ? undefined : "no enabled rule aborts incomplete multipart uploads";
    },
  ),
  bucketRule(
    {
      id: "WP-S3-007",
      severity: "error",
      title: "S3 buckets grant no public ACL",
      explanation: "A public-read or public-read-write ACL publishes or opens the bucket to everyone.",
      fix: "Remove the ACL; with BucketOwnerEnforced, ACLs are disabled altogether.",
      checkov: ["CKV_AWS_20", "CKV_AWS_57"],
      cdkNag: [],
    },
    (b, model) => {
      const acls = [b, ...companions(model, "aws_s3_bucket_acl", b)];
      for (const a of acls) {
        if (PUBLIC_ACLS.includes(String(a.config.acl))) return `${a.address} sets acl ${JSON.stringify(a.config.acl)}`;
        const grants = blocks(a.config.grant).concat(blocks(block(a.config.access_control_policy).grant));
        const grantees = grants.flatMap((g) => [g.uri, ...blocks(g.grantee).map((e) => e.uri)]);
        if (grantees.some((u) => PUBLIC_GRANTEES.includes(String(u)))) return `${a.address} grants to a public group`;
      }
      return undefined;
    },
  ),
  custom(
    spec({
      id: "WP-S3-008",
      severity: "error",
      title: "S3 bucket policies allow nothing to everyone",
      explanation: "An Allow for Principal \"*\" without a narrowing condition makes the bucket public.",
      fix: "Grant access to roles (grantRead/grantPut on the role) instead of a public bucket policy.",
      checkov: ["CKV_AWS_70"],
      cdkNag: [],
    }),
    (model) =>
      model.all("aws_s3_bucket_policy", "aws_s3_bucket").flatMap((p): Check[] => {
        if (p.config.policy === undefined) return [];
        const doc = policyDocument(model, p.config.policy);
        const open = (doc?.statements ?? []).findIndex((s) => s.effect === "Allow" && hasPublicPrincipal(s) && s.conditions.length === 0);
        return [{ block: p, violation: open >= 0 ? `${statementLabel(doc!.statements[open], open)} allows Principal "*"` : undefined }];
      }),
  ),
];
