import { createHash } from "crypto";
import { readFileSync } from "fs";
import { basename } from "path";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { PrivateBucket } from "./private-bucket";

export interface ArtifactsBucketProps {
  /** Bucket name prefix (terraform appends a unique suffix); at most 37 characters. */
  readonly namePrefix: string;
  /** Days a replaced artifact stays recoverable as a non-current version (rollback window). Default 30. */
  readonly noncurrentVersionExpirationDays?: number;
  /** Add lifecycle.prevent_destroy. Default false. */
  readonly preventDestroy?: boolean;
}

export interface ArtifactOptions {
  /** The file to upload, e.g. the web app bundle. */
  readonly file: string;
  /** Key prefix ending in "/", e.g. "web-app/". The key is `<prefix><sha256>/<name>`. */
  readonly prefix: string;
  /** Object name after the hash. Default: the file's name. */
  readonly name?: string;
  /** Default "application/octet-stream". */
  readonly contentType?: string;
}

/** An uploaded artifact: its key changes exactly when its contents change. */
export interface Artifact {
  readonly object: S3Object;
  readonly key: string;
  /** Hex SHA-256 of the file, as `sha256sum` prints it. */
  readonly sha256: string;
  readonly bytes: number;
}

const PREFIX = /^([a-z0-9][a-z0-9-]*\/)+$/;

/**
 * The bucket that deployable build outputs (the web app bundle) are shipped in: a PrivateBucket
 * (no public access, versioned, SSE-KMS, TLS only) that nobody may read unless granted
 * (`grantRead(instanceRole, "web-app/")`). Artifacts are content-addressed: the key holds the
 * file's SHA-256, so a new build is a new object (and the old one stays a non-current version
 * for the rollback window) and a consumer can verify what it downloaded.
 */
export class ArtifactsBucket extends PrivateBucket {
  constructor(scope: Construct, id: string, props: ArtifactsBucketProps) {
    super(scope, id, {
      namePrefix: props.namePrefix,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
      preventDestroy: props.preventDestroy,
    });
  }

  /** Uploads `options.file` (read now, at synth) as `<prefix><sha256>/<name>` with `aws_s3_object`. */
  addArtifact(id: string, options: ArtifactOptions): Artifact {
    if (!PREFIX.test(options.prefix)) throw new Error(`${this.node.path}: artifact prefix "${options.prefix}" must be lowercase path segments ending in "/"`);
    const contents = readFileSync(options.file);
    const sha256 = createHash("sha256").update(contents).digest("hex");
    const key = `${options.prefix}${sha256}/${options.name ?? basename(options.file)}`;
    const asset = new TerraformAsset(this, `${id}-asset`, { path: options.file, type: AssetType.FILE });
    const object = new S3Object(this, id, {
      bucket: this.bucket.id,
      key,
      source: asset.path,
      contentType: options.contentType ?? "application/octet-stream",
      // S3 checks the upload against this checksum and keeps it with the object.
      checksumAlgorithm: "SHA256",
    });
    return { object, key, sha256, bytes: contents.byteLength };
  }
}
