import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { S3BucketNotification, S3BucketNotificationLambdaFunction } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { dependable, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { pascalCase } from "./names";
import { ServiceRole } from "./service-role";

/** A Lambda function S3 can notify (NodejsFunction is one). */
export interface NotificationTarget {
  readonly arn: string;
  /** Creates the permission for S3 to invoke the function; the notification waits for it. */
  allowInvokeFromS3(bucketArn: string, sourceAccount?: string): ITerraformDependable;
}

export interface EventNotificationOptions {
  /** S3 event types, e.g. ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]. */
  readonly events: readonly string[];
  /** Only keys starting with this prefix, e.g. "profile-pictures/". */
  readonly prefix?: string;
  readonly suffix?: string;
  /** The bucket owner's account id, when known (limits the invoke permission to it). */
  readonly sourceAccount?: string;
}

export interface UploadsBucketProps {
  /** Bucket name prefix (terraform appends a unique suffix); at most 37 characters. */
  readonly namePrefix: string;
  /** Days after which non-current object versions are deleted. Default 30. */
  readonly noncurrentVersionExpirationDays?: number;
  /** Days after which incomplete multipart uploads are aborted. Default 7. */
  readonly abortIncompleteMultipartUploadDays?: number;
  /** Browser origins allowed to PUT/POST/GET directly (CORS). Default: none (no CORS rule). */
  readonly corsAllowedOrigins?: readonly string[];
  /** Add lifecycle.prevent_destroy. Default false. */
  readonly preventDestroy?: boolean;
}

/**
 * The bucket for user uploads: private (all four public-access blocks, BucketOwnerEnforced),
 * versioned, encrypted with SSE-KMS (AWS managed key, bucket key on), TLS-only, with lifecycle
 * clean-up. Access is granted per role and per key prefix with `grantRead` / `grantPut`.
 */
export class UploadsBucket extends Construct {
  readonly bucket: S3Bucket;
  private notification?: S3BucketNotification;
  private readonly lambdaNotifications: S3BucketNotificationLambdaFunction[] = [];

  constructor(scope: Construct, id: string, props: UploadsBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", {
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
    const origins = props.corsAllowedOrigins ?? [];
    if (origins.length > 0) {
      new S3BucketCorsConfiguration(this, "cors", {
        bucket,
        corsRule: [
          {
            allowedOrigins: [...origins],
            allowedMethods: ["GET", "PUT", "POST"],
            allowedHeaders: ["*"],
            exposeHeaders: ["ETag"],
            maxAgeSeconds: 3000,
          },
        ],
      });
    }
    const tlsOnly = new DataAwsIamPolicyDocument(this, "tls-only", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        {
          sid: "DenyOutdatedTls",
          effect: "Deny",
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
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
  grantRead(role: ServiceRole, prefix = ""): void {
    role.addToPolicy({ sid: this.sid("Read", prefix), actions: ["s3:GetObject"], resources: [this.arnForObjects(prefix)] });
  }

  /** Lets `role` write objects (s3:PutObject) under `prefix`. */
  grantPut(role: ServiceRole, prefix = ""): void {
    role.addToPolicy({ sid: this.sid("Put", prefix), actions: ["s3:PutObject"], resources: [this.arnForObjects(prefix)] });
  }

  /**
   * Invokes `target` for the given events (S3 allows one notification configuration per bucket:
   * every call adds to it). The invoke permission is created first (`depends_on`), because S3
   * checks it when the configuration is saved.
   */
  addEventNotification(target: NotificationTarget, options: EventNotificationOptions): void {
    const permission = target.allowInvokeFromS3(this.bucket.arn, options.sourceAccount);
    this.lambdaNotifications.push({
      id: `${this.node.id}-${this.lambdaNotifications.length}`,
      lambdaFunctionArn: target.arn,
      events: [...options.events],
      filterPrefix: options.prefix,
      filterSuffix: options.suffix,
    });
    if (!this.notification) {
      this.notification = new S3BucketNotification(this, "notification", { bucket: this.bucket.id, dependsOn: [] });
    }
    this.notification.putLambdaFunction([...this.lambdaNotifications]);
    this.notification.dependsOn = [...(this.notification.dependsOn ?? []), dependable(permission)];
  }

  private sid(verb: string, prefix: string): string {
    return pascalCase(`${verb} ${this.node.id} ${prefix}`);
  }

}
