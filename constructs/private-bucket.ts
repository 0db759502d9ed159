import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { pascalCase } from "./names";
import { ServiceRole } from "./service-role";

export interface PrivateBucketProps {
  /** Exact bucket name (global across AWS). Give this or `namePrefix`. */
  readonly bucketName?: string;
  /** Bucket name prefix; terraform appends a unique suffix. At most 37 characters. */
  readonly namePrefix?: string;
  /** Days after which non-current object versions are deleted. Default 30. */
  readonly noncurrentVersionExpirationDays?: number;
  /** Days after which incomplete multipart uploads are aborted. Default 7. */
  readonly abortIncompleteMultipartUploadDays?: number;
  /** Add lifecycle.prevent_destroy. Default false. */
  readonly preventDestroy?: boolean;
}

export interface ReadGrantOptions {
  /** Also s3:GetObjectVersion: reads of a given version (`?versionId=`, e.g. presigned). Default false. */
  readonly versions?: boolean;
}

export interface PutGrantOptions {
  /** Also s3:AbortMultipartUpload, for writers that upload in parts and clean up after a failure. Default false. */
  readonly abortMultipartUpload?: boolean;
}

/**
 * An S3 bucket nobody outside the account can reach: all four public-access blocks,
 * BucketOwnerEnforced (ACLs off), versioned, SSE-KMS with the AWS managed key and a bucket key,
 * a policy denying any request without TLS 1.2+, and lifecycle clean-up of incomplete multipart
 * uploads and old versions. Never force-destroyed. Access is granted per role and per key prefix
 * (`grantRead`, `grantPut`, `grantDelete`, `grantList`): the bucket policy itself allows nothing.
 */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    if ((props.bucketName === undefined) === (props.namePrefix === undefined)) {
      throw new Error(`${this.node.path}: give exactly one of bucketName and namePrefix`);
    }
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      bucketPrefix: props.namePrefix,
      forceDestroy: false,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    const bucket = this.bucket.id;

    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const versioning = new S3BucketVersioningA(this, "versioning", {
      bucket,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: [{ prefix: "" }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortIncompleteMultipartUploadDays ?? 7 }],
        },
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? 30 }],
        },
      ],
      dependsOn: [versioning],
    });
    const everything = [this.bucket.arn, `${this.bucket.arn}/*`];
    const tlsOnly = new DataAwsIamPolicyDocument(this, "tls-only", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["s3:*"],
          resources: everything,
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        {
          sid: "DenyOutdatedTls",
          effect: "Deny",
          actions: ["s3:*"],
          resources: everything,
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }],
        },
      ],
    });
    new S3BucketPolicy(this, "policy", { bucket, policy: tlsOnly.json });
  }

  get name(): string {
    return this.bucket.bucket;
  }

  get arn(): string {
    return this.bucket.arn;
  }

  /** ARN of the objects under `prefix` ("" = every object). */
  arnForObjects(prefix = ""): string {
    return `${this.bucket.arn}/${prefix}*`;
  }

  /** Lets `role` read objects (s3:GetObject, which also allows HeadObject) under `prefix`. */
  grantRead(role: ServiceRole, prefix = "", options: ReadGrantOptions = {}): void {
    const actions = ["s3:GetObject", ...(options.versions ? ["s3:GetObjectVersion"] : [])];
    role.addToPolicy({ sid: this.sid("Read", prefix), actions, resources: [this.arnForObjects(prefix)] });
  }

  /** Lets `role` write objects (s3:PutObject, which also covers multipart uploads) under `prefix`. */
  grantPut(role: ServiceRole, prefix = "", options: PutGrantOptions = {}): void {
    const actions = ["s3:PutObject", ...(options.abortMultipartUpload ? ["s3:AbortMultipartUpload"] : [])];
    role.addToPolicy({ sid: this.sid("Put", prefix), actions, resources: [this.arnForObjects(prefix)] });
  }

  /** Lets `role` delete objects (s3:DeleteObject: the current version; in a versioned bucket a delete marker) under `prefix`. */
  grantDelete(role: ServiceRole, prefix = ""): void {
    role.addToPolicy({ sid: this.sid("Delete", prefix), actions: ["s3:DeleteObject"], resources: [this.arnForObjects(prefix)] });
  }

  /**
   * Lets `role` list keys (s3:ListBucket on this bucket). Besides listing, this decides how S3
   * answers a read of a missing key: 404 with it, 403 without (HeadObject API reference).
   */
  grantList(role: ServiceRole): void {
    role.addToPolicy({ sid: this.sid("List", ""), actions: ["s3:ListBucket"], resources: [this.bucket.arn] });
  }

  private sid(verb: string, prefix: string): string {
    return pascalCase(`${verb} ${this.node.id} ${prefix}`);
  }
}
