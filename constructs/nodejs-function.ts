import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { Bundle, bundleNodejsFunction } from "./bundle";
import { ServiceRole } from "./service-role";

export interface NodejsFunctionProps {
  /** Function name (also the IAM role name, `<name>-dlq` and `/aws/lambda/<name>`); [A-Za-z0-9_-], at most 64 characters. */
  readonly name: string;
  /** TypeScript/JavaScript file exporting `handler`; relative paths are relative to the project root (cdktf.json). */
  readonly entry: string;
  readonly description?: string;
  /** 128-10240 MiB. Default 256 (CPU scales with memory; 128 makes SDK cold starts slow). */
  readonly memoryMiB?: number;
  /** 1-900 s. Default 30. */
  readonly timeoutSeconds?: number;
  /** Environment variables (values may be tokens, e.g. a table name). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Retention of the function's log group, in days (a value CloudWatch Logs accepts). */
  readonly logRetentionDays: number;
  /** Lambda log format. Default "JSON" (structured: request id and level on every line). */
  readonly logFormat?: "JSON" | "Text";
  /** Retries of a failed asynchronous invocation, 0-2. Default 2. */
  readonly retryAttempts?: number;
  /** Age (60-21600 s) after which an asynchronous event goes to the dead-letter queue. Default 21600. */
  readonly maxEventAgeSeconds?: number;
  /** Reserved concurrency (0 throttles every invocation). Default: unreserved. */
  readonly reservedConcurrency?: number;
  /**
   * Where the "dead-letter queue not empty" alarm notifies (e.g. SNS topic ARNs). Default none:
   * the alarm still changes state (console, `aws cloudwatch describe-alarms`) but tells nobody.
   */
  readonly alarmActions?: readonly string[];
  /** X-Ray active tracing (adds the two X-Ray write actions to the role). Default false. */
  readonly tracing?: boolean;
  /**
   * Set NODE_OPTIONS=--enable-source-maps so stack traces point into the TypeScript sources.
   * Default false: it costs about a third more init time (measured); index.js.map ships in the zip
   * (and in `.build/`) either way, so traces can also be decoded offline.
   */
  readonly enableSourceMaps?: boolean;
  /**
   * Modules left out of the bundle. Default none: the AWS SDK v3 is bundled (smaller init than the
   * runtime's copy and the exact version the tests ran with). Pass ["@aws-sdk/*"] to use the runtime's.
   */
  readonly externalModules?: readonly string[];
}

/** Environment variables Lambda reserves (setting them fails at deploy time). */
const RESERVED_ENV = /^(_HANDLER|_X_AMZN_TRACE_ID|AWS_REGION|AWS_EXECUTION_ENV|AWS_LAMBDA_.*|AWS_ACCESS_KEY.*|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|LAMBDA_TASK_ROOT|LAMBDA_RUNTIME_DIR)$/;
const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * A Node.js 22 (arm64) Lambda function bundled from TypeScript with esbuild at synth time, with
 * its own log group (created first), a least-privilege role, asynchronous-invocation settings
 * with an encrypted TLS-only dead-letter queue, and optional X-Ray tracing.
 *
 * The role can write only its own log streams, send to its DLQ, and (with tracing) write X-Ray
 * segments; everything else comes from grants (`bucket.grantRead(fn.role, "prefix/")`).
 */
export class NodejsFunction extends Construct {
  readonly lambda: LambdaFunction;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly deadLetterQueue: SqsQueue;
  /** In ALARM while the dead-letter queue holds any event. */
  readonly deadLetterAlarm: CloudwatchMetricAlarm;
  /** The build: `scriptPath` is exactly the index.js inside the deployed zip. */
  readonly bundle: Bundle;
  private readonly rolePolicy: IamRolePolicy;
  private permissionCount = 0;

  constructor(scope: Construct, id: string, props: NodejsFunctionProps) {
    super(scope, id);
    validate(this.node.path, props);
    const { name } = props;
    const tracing = props.tracing ?? false;

    // Named after the entry, not the function: every stack using this entry shares one build.
    this.bundle = bundleNodejsFunction({ entry: props.entry, externalModules: props.externalModules });
    const code = new TerraformAsset(this, "code", { path: this.bundle.zipPath, type: AssetType.FILE });

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${name}`,
      retentionInDays: props.logRetentionDays,
    });

    this.deadLetterQueue = new SqsQueue(this, "dead-letter-queue", {
      name: `${name}-dlq`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
    });
    const tlsOnly = new DataAwsIamPolicyDocument(this, "dead-letter-queue-tls-only", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["sqs:*"],
          resources: [this.deadLetterQueue.arn],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SqsQueuePolicy(this, "dead-letter-queue-policy", { queueUrl: this.deadLetterQueue.url, policy: tlsOnly.json });
    this.deadLetterAlarm = new CloudwatchMetricAlarm(this, "dead-letter-queue-alarm", {
      alarmName: `${name}-dlq-not-empty`,
      alarmDescription: `Events for ${name} failed after all retries and wait in ${name}-dlq (kept 14 days)`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: this.deadLetterQueue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: props.alarmActions ? [...props.alarmActions] : undefined,
    });

    this.role = new ServiceRole(this, "role", {
      name,
      description: `Execution role of the ${name} Lambda function`,
      servicePrincipal: "lambda.amazonaws.com",
    });
    this.role.addToPolicy({
      sid: "WriteOwnLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`${this.logGroup.arn}:*`],
    });
    this.role.addToPolicy({
      sid: "SendFailedEventsToDeadLetterQueue",
      actions: ["sqs:SendMessage"],
      resources: [this.deadLetterQueue.arn],
    });
    if (tracing) {
      this.role.addToPolicy({
        sid: "WriteXRayTraces",
        actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        resources: ["*"], // these two actions support no resource-level permissions
      });
    }
    // ServiceRole keeps all grants (also later ones) in one inline policy: the function and the
    // invoke config wait for it, so the first invocation can already log and Lambda's
    // SendMessage check on the destination passes.
    this.rolePolicy = this.role.policy as IamRolePolicy;

    const variables: Record<string, string> = { ...(props.environment ?? {}) };
    if (props.enableSourceMaps) {
      variables.NODE_OPTIONS = [variables.NODE_OPTIONS, "--enable-source-maps"].filter(Boolean).join(" ");
    }

    this.lambda = new LambdaFunction(this, "function", {
      functionName: name,
      description: props.description,
      role: this.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: this.bundle.sourceCodeHash,
      memorySize: props.memoryMiB ?? 256,
      timeout: props.timeoutSeconds ?? 30,
      environment: Object.keys(variables).length > 0 ? { variables } : undefined,
      loggingConfig: { logFormat: props.logFormat ?? "JSON", logGroup: this.logGroup.name },
      tracingConfig: { mode: tracing ? "Active" : "PassThrough" },
      reservedConcurrentExecutions: props.reservedConcurrency,
      dependsOn: [this.logGroup, this.rolePolicy],
    });

    new LambdaFunctionEventInvokeConfig(this, "async-invoke-config", {
      functionName: this.lambda.functionName,
      maximumRetryAttempts: props.retryAttempts ?? 2,
      maximumEventAgeInSeconds: props.maxEventAgeSeconds ?? 21600,
      destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
      dependsOn: [this.rolePolicy],
    });
  }

  get functionName(): string {
    return this.lambda.functionName;
  }

  get arn(): string {
    return this.lambda.arn;
  }

  /**
   * Lets S3 invoke the function for events of the bucket `bucketArn`. Returns the permission so
   * the bucket notification can `dependsOn` it (S3 checks it when the notification is created).
   *
   * `sourceAccount` (the bucket owner's account id) guards against a deleted bucket's name being
   * re-registered in another account: bucket ARNs carry no account id. It cannot be derived
   * offline (that needs aws_caller_identity, an AWS call), so pass it from configuration when known.
   */
  allowInvokeFromS3(bucketArn: string, sourceAccount?: string): LambdaPermission {
    const i = this.permissionCount++;
    return new LambdaPermission(this, `allow-s3-${i}`, {
      statementId: `AllowInvokeFromS3${i === 0 ? "" : i}`,
      action: "lambda:InvokeFunction",
      functionName: this.lambda.functionName,
      principal: "s3.amazonaws.com",
      sourceArn: bucketArn,
      sourceAccount,
    });
  }
}

function validate(path: string, props: NodejsFunctionProps): void {
  const problems: string[] = [];
  const range = (field: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      problems.push(`${field} must be an integer in ${min}-${max}, got ${value}`);
    }
  };
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(props.name)) problems.push(`name must match [A-Za-z0-9_-]{1,64}, got "${props.name}"`);
  range("memoryMiB", props.memoryMiB, 128, 10240);
  range("timeoutSeconds", props.timeoutSeconds, 1, 900);
  range("retryAttempts", props.retryAttempts, 0, 2);
  range("maxEventAgeSeconds", props.maxEventAgeSeconds, 60, 21600);
  range("reservedConcurrency", props.reservedConcurrency, 0, 1000000);
  for (const key of Object.keys(props.environment ?? {})) {
    if (RESERVED_ENV.test(key)) problems.push(`environment variable ${key} is reserved by Lambda`);
  }
  if (problems.length > 0) throw new Error(`${path}: ${problems.join("; ")}`);
}
