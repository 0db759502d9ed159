import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { ServiceRole } from "../../constructs/service-role";
import { PrivateBucket } from "../../constructs/private-bucket";
import { UploadsBucket } from "../../constructs/uploads-bucket";
import { onlyResource, resourcesOf, synthConstructs } from "../support/synth";

describe("UploadsBucket", () => {
  const { json, tf } = synthConstructs((scope) => {
    const bucket = new UploadsBucket(scope, "uploads", {
      namePrefix: "test-uploads-",
      noncurrentVersionExpirationDays: 30,
      corsAllowedOrigins: ["https://app.example.com"],
    });
    const role = new ServiceRole(scope, "app", { name: "app", description: "app", servicePrincipal: "ec2.amazonaws.com" });
    bucket.grantRead(role, "profile-pictures/");
    bucket.grantPut(role);
  });
  const bucketId = Object.keys(resourcesOf(tf, "aws_s3_bucket"))[0];
  const arn = `\${aws_s3_bucket.${bucketId}.arn}`;
  const docs = tf.data?.aws_iam_policy_document ?? {};
  const doc = (prefix: string) => Object.entries(docs).find(([id]) => id.startsWith(prefix))?.[1] as { statement: Record<string, unknown>[] };

  it("is private: all four public-access blocks and BucketOwnerEnforced (no ACLs)", () => {
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: "BucketOwnerEnforced" } });
    expect(onlyResource(tf, "aws_s3_bucket")).toMatchObject({ bucket_prefix: "test-uploads-", force_destroy: false });
  });

  it("is versioned and encrypted with SSE-KMS and a bucket key", () => {
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true }],
    });
  });

  it("denies every request without TLS 1.2+", () => {
    const policy = doc("uploads_tls-only");
    expect(policy.statement).toEqual([
      expect.objectContaining({ effect: "Deny", actions: ["s3:*"], resources: [arn, `${arn}/*`], condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }),
      expect.objectContaining({ effect: "Deny", condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }] }),
    ]);
    expect(onlyResource(tf, "aws_s3_bucket_policy").policy).toContain("data.aws_iam_policy_document.uploads_tls-only_");
  });

  it("aborts incomplete multipart uploads and expires old versions", () => {
    const lifecycle = onlyResource(tf, "aws_s3_bucket_lifecycle_configuration");
    expect(lifecycle.rule).toEqual([
      expect.objectContaining({ status: "Enabled", abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }),
      expect.objectContaining({ status: "Enabled", noncurrent_version_expiration: [{ noncurrent_days: 30 }] }),
    ]);
    expect(lifecycle.depends_on).toEqual([expect.stringContaining("aws_s3_bucket_versioning.")]);
  });

  it("allows browser uploads only from the configured origins", () => {
    expect(onlyResource(tf, "aws_s3_bucket_cors_configuration").cors_rule).toEqual([
      expect.objectContaining({ allowed_origins: ["https://app.example.com"], allowed_methods: ["GET", "PUT", "POST"] }),
    ]);
    const none = synthConstructs((scope) => new UploadsBucket(scope, "uploads", { namePrefix: "x-" })).tf;
    expect(resourcesOf(none, "aws_s3_bucket_cors_configuration")).toEqual({});
  });

  it("grants least privilege: object actions only, scoped to the prefix", () => {
    expect(doc("app_policy-document").statement).toEqual([
      { sid: "ReadUploadsProfilePictures", effect: "Allow", actions: ["s3:GetObject"], resources: [`${arn}/profile-pictures/*`] },
      { sid: "PutUploads", effect: "Allow", actions: ["s3:PutObject"], resources: [`${arn}/*`] },
    ]);
  });
});

describe("PrivateBucket", () => {
  it("takes an exact name (e.g. the state bucket) or a prefix, never both or neither", () => {
    const { tf } = synthConstructs((scope) => new PrivateBucket(scope, "state", { bucketName: "x-state", preventDestroy: true }));
    expect(onlyResource(tf, "aws_s3_bucket")).toMatchObject({ bucket: "x-state", lifecycle: { prevent_destroy: true } });
    expect(onlyResource(tf, "aws_s3_bucket")).not.toHaveProperty("bucket_prefix");
    expect(() => synthConstructs((scope) => new PrivateBucket(scope, "b", {}))).toThrow("give exactly one of bucketName and namePrefix");
    expect(() => synthConstructs((scope) => new PrivateBucket(scope, "b", { bucketName: "a", namePrefix: "b" }))).toThrow(
      "give exactly one of bucketName and namePrefix",
    );
  });
});
