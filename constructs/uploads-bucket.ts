import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { S3BucketNotification, S3BucketNotificationLambdaFunction } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { dependable, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PrivateBucket } from "./private-bucket";

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
 * The bucket for user uploads: a PrivateBucket (no public access, versioned, SSE-KMS, TLS-only,
 * lifecycle clean-up, per-role and per-prefix grants) plus CORS for browser uploads and Lambda
 * notifications (`addEventNotification`).
 */
export class UploadsBucket extends PrivateBucket {
  private notification?: S3BucketNotification;
  private readonly lambdaNotifications: S3BucketNotificationLambdaFunction[] = [];

  constructor(scope: Construct, id: string, props: UploadsBucketProps) {
    super(scope, id, {
      namePrefix: props.namePrefix,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
      abortIncompleteMultipartUploadDays: props.abortIncompleteMultipartUploadDays,
      preventDestroy: props.preventDestroy,
    });
    const origins = props.corsAllowedOrigins ?? [];
    if (origins.length > 0) {
      new S3BucketCorsConfiguration(this, "cors", {
        bucket: this.bucket.id,
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
}
