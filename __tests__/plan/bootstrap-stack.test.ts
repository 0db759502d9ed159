import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Testing } from "cdktf";
import config, { BootstrapConfig } from "../../bootstrap/config";
import { BootstrapStack } from "../../stacks/bootstrap-stack";

const root = resolve(__dirname, "..", "..");

function synth(cfg: BootstrapConfig = config) {
  const stack = new BootstrapStack(Testing.app(), cfg);
  const json = Testing.synth(stack);
  return { json, tf: JSON.parse(json) as { resource: Record<string, Record<string, any>>; data: Record<string, Record<string, any>>; terraform: any } };
}

describe("bootstrap stack (the state bucket)", () => {
  const { json, tf } = synth();
  const only = (type: string) => Object.values(tf.resource[type] ?? {});

  it("creates one bucket with the configured name, prevent_destroy and no force_destroy", () => {
    expect(json).toHaveResourceWithProperties(S3Bucket, {
      bucket: config.stateBucketName,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(only("aws_s3_bucket")).toHaveLength(1);
  });

  it("versions, encrypts and blocks all public access", () => {
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true }],
    });
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("allows TLS (1.2 or newer) only, through the bucket policy", () => {
    const [policy] = only("aws_s3_bucket_policy");
    const documentId = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(policy.policy)![1];
    const statements = tf.data.aws_iam_policy_document[documentId].statement as any[];
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ effect: "Deny", actions: ["s3:*"], condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }),
        expect.objectContaining({ effect: "Deny", actions: ["s3:*"], condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }] }),
      ]),
    );
    expect(json).toHaveResource(S3BucketPolicy);
  });

  it("keeps its own state in a local backend (it cannot live in the bucket it creates)", () => {
    expect(tf.terraform.backend).toEqual({ local: { path: "../../../terraform.bootstrap.tfstate" } });
  });

  it("rejects a bucket name S3 would refuse, naming the field", () => {
    expect(() => synth({ ...config, stateBucketName: "My_State" })).toThrow(
      'Invalid bootstrap config bootstrap/config.ts: stateBucketName is "My_State"; allowed: 3-63 lower-case letters',
    );
  });
});

describe("the bootstrap app entry", () => {
  it("synthesizes only the bootstrap stack, with its state file in the project root", () => {
    const outdir = mkdtempSync(join(tmpdir(), "bootstrap-"));
    try {
      const result = spawnSync("node", ["--require", "./scripts/ts-hook.js", "bootstrap/main.ts"], {
        cwd: root,
        env: { ...process.env, CDKTF_OUTDIR: outdir },
        encoding: "utf8",
      });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(readdirSync(join(outdir, "stacks"))).toEqual(["bootstrap"]);
      const stackDir = join(outdir, "stacks", "bootstrap");
      const tf = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
      expect(resolve(stackDir, tf.terraform.backend.local.path)).toBe(join(root, "terraform.bootstrap.tfstate"));
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
