import { createHash } from "crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Artifact, ArtifactsBucket } from "../../constructs/artifacts-bucket";
import { ServiceRole } from "../../constructs/service-role";
import { onlyResource, resourcesOf, synthConstructs } from "../support/synth";

const dir = mkdtempSync(join(tmpdir(), "artifacts-bucket-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function synthWith(contents: string) {
  const file = join(dir, `bundle-${createHash("sha256").update(contents).digest("hex").slice(0, 8)}.js`);
  writeFileSync(file, contents);
  let artifact: Artifact | undefined;
  const synthesized = synthConstructs((scope) => {
    const bucket = new ArtifactsBucket(scope, "artifacts", { namePrefix: "test-artifacts-" });
    artifact = bucket.addArtifact("app", { file, prefix: "web-app/", name: "server.js", contentType: "text/javascript" });
    bucket.grantRead(new ServiceRole(scope, "reader", { name: "reader", description: "reads", servicePrincipal: "ec2.amazonaws.com" }), "web-app/");
  });
  return { ...synthesized, artifact: artifact!, file };
}

describe("ArtifactsBucket", () => {
  const a = synthWith("console.log('v1');\n");
  const object = onlyResource(a.tf, "aws_s3_object");

  it("is a private bucket: public access blocked, versioned (a replaced artifact stays recoverable)", () => {
    expect(a.json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, { block_public_acls: true, restrict_public_buckets: true });
    expect(a.json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(onlyResource(a.tf, "aws_s3_bucket")).toMatchObject({ bucket_prefix: "test-artifacts-", force_destroy: false });
  });

  it("uploads the file under a key holding its SHA-256 (what sha256sum prints), with an S3-checked SHA-256 checksum", () => {
    const sha256 = createHash("sha256").update(readFileSync(a.file)).digest("hex");
    expect(a.artifact.sha256).toBe(sha256);
    expect(a.artifact.key).toBe(`web-app/${sha256}/server.js`);
    expect(object).toMatchObject({
      key: a.artifact.key,
      bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.artifacts_bucket_[0-9A-F]{8}\.id\}$/),
      content_type: "text/javascript",
      checksum_algorithm: "SHA256",
      source: expect.stringMatching(/^assets\/.+\/bundle-[0-9a-f]{8}\.js$/),
    });
  });

  it("gives another build another key, and the same build the same key", () => {
    const b = synthWith("console.log('v2');\n");
    expect(b.artifact.key).not.toBe(a.artifact.key);
    expect(synthWith("console.log('v1');\n").artifact.key).toBe(a.artifact.key);
  });

  it("lets only granted roles read, per prefix (GetObject on <bucket>/web-app/*)", () => {
    const bucket = Object.keys(resourcesOf(a.tf, "aws_s3_bucket"))[0];
    const doc = Object.entries(a.tf.data?.aws_iam_policy_document ?? {}).find(([id]) => id.startsWith("reader_policy-document"))?.[1] as {
      statement: { sid: string; actions: string[]; resources: string[] }[];
    };
    expect(doc.statement).toEqual([
      expect.objectContaining({ sid: "ReadArtifactsWebApp", actions: ["s3:GetObject"], resources: [`\${aws_s3_bucket.${bucket}.arn}/web-app/*`] }),
    ]);
  });

  it("refuses a prefix that is not lowercase path segments ending in /", () => {
    expect(() =>
      synthConstructs((scope) => new ArtifactsBucket(scope, "artifacts", { namePrefix: "x-" }).addArtifact("app", { file: a.file, prefix: "Web App" })),
    ).toThrow(/artifact prefix "Web App" must be lowercase path segments ending in "\/"/);
  });
});
