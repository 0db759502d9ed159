import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import dev from "../environments/dev";
import prod from "../environments/prod";
import { idOf, onlyResource, ref, resourcesOf, synthEnvironment } from "./support/synth";

const stacks = { dev: synthEnvironment(dev), prod: synthEnvironment(prod) };

describe.each(Object.entries(stacks))("profile flow in %s", (name, s) => {
  const tableId = idOf(s.tf, "aws_dynamodb_table", "profiles/table");
  const functionId = idOf(s.tf, "aws_lambda_function", "profile-updater/function");
  const bucketId = idOf(s.tf, "aws_s3_bucket", "uploads/bucket");
  const permissionId = idOf(s.tf, "aws_lambda_permission", "profile-updater/allow-s3-0");
  const fn = onlyResource(s.tf, "aws_lambda_function");

  it("has a userId-keyed, on-demand, PITR, encrypted profile table", () => {
    expect(s.json).toHaveResourceWithProperties(DynamodbTable, {
      name: `webplatform-${name}-profiles`,
      hash_key: "userId",
      attribute: [{ name: "userId", type: "S" }],
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
    });
  });

  it("runs the bundled updater on nodejs22.x arm64 with the table and bucket names in its environment", () => {
    expect(s.json).toHaveResourceWithProperties(LambdaFunction, {
      function_name: `webplatform-${name}-profile-updater`,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      environment: { variables: { PROFILE_TABLE_NAME: ref("aws_dynamodb_table", tableId, "name"), UPLOADS_BUCKET_NAME: ref("aws_s3_bucket", bucketId, "bucket") } },
    });
    expect(fn.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(fn.filename).toMatch(/^assets\/.+\.zip$/);
  });

  it("notifies the function of creates and deletes under profile-pictures/ only, after the permission exists", () => {
    const notification = onlyResource(s.tf, "aws_s3_bucket_notification");
    expect(notification.bucket).toBe(ref("aws_s3_bucket", bucketId));
    expect(notification.lambda_function).toEqual([
      expect.objectContaining({
        events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
        filter_prefix: "profile-pictures/",
        lambda_function_arn: ref("aws_lambda_function", functionId, "arn"),
      }),
    ]);
    expect(notification.depends_on).toEqual([`aws_lambda_permission.${permissionId}`]);
    expect(s.json).toHaveResourceWithProperties(LambdaPermission, {
      action: "lambda:InvokeFunction",
      principal: "s3.amazonaws.com",
      source_arn: ref("aws_s3_bucket", bucketId, "arn"),
    });
  });

  it("logs to its own log group with the environment's retention, created before the function", () => {
    const logGroupId = idOf(s.tf, "aws_cloudwatch_log_group", "profile-updater/log-group");
    expect(resourcesOf(s.tf, "aws_cloudwatch_log_group")[logGroupId]).toMatchObject({
      name: `/aws/lambda/webplatform-${name}-profile-updater`,
      retention_in_days: name === "prod" ? 365 : 14,
    });
    expect(fn.depends_on).toContain(`aws_cloudwatch_log_group.${logGroupId}`);
    expect(fn.logging_config).toEqual({ log_format: "JSON", log_group: ref("aws_cloudwatch_log_group", logGroupId, "name") });
  });

  it("sends failed events to an encrypted dead-letter queue kept 14 days", () => {
    const queueId = idOf(s.tf, "aws_sqs_queue", "profile-updater/dead-letter-queue");
    expect(s.json).toHaveResourceWithProperties(SqsQueue, { sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
    expect(onlyResource(s.tf, "aws_lambda_function_event_invoke_config")).toMatchObject({
      function_name: ref("aws_lambda_function", functionId, "function_name"),
      maximum_retry_attempts: 2,
      destination_config: { on_failure: { destination: ref("aws_sqs_queue", queueId, "arn") } },
    });
  });

  it("raises an alarm as soon as an event lands in the dead-letter queue", () => {
    const queueId = idOf(s.tf, "aws_sqs_queue", "profile-updater/dead-letter-queue");
    const alarms = Object.values(resourcesOf(s.tf, "aws_cloudwatch_metric_alarm"));
    expect(alarms.find((a) => a.namespace === "AWS/SQS")).toMatchObject({
      alarm_name: `webplatform-${name}-profile-updater-dlq-not-empty`,
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: ref("aws_sqs_queue", queueId, "name") },
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      treat_missing_data: "notBreaching",
    });
  });
});

describe("profile flow: dev and prod differ by config", () => {
  const fn = (env: keyof typeof stacks) => onlyResource(stacks[env].tf, "aws_lambda_function");
  const table = (env: keyof typeof stacks) => onlyResource(stacks[env].tf, "aws_dynamodb_table");

  it("prod traces with X-Ray, reserves concurrency and uses more memory; dev does not", () => {
    expect(fn("prod")).toMatchObject({ tracing_config: { mode: "Active" }, reserved_concurrent_executions: 50, memory_size: 512 });
    expect(fn("dev")).toMatchObject({ tracing_config: { mode: "PassThrough" }, memory_size: 256 });
    expect(fn("dev")).not.toHaveProperty("reserved_concurrent_executions");
  });

  it("prod protects the table (deletion protection + prevent_destroy); dev does not", () => {
    expect(table("prod")).toMatchObject({ deletion_protection_enabled: true, lifecycle: { prevent_destroy: true } });
    expect(table("dev")).toMatchObject({ deletion_protection_enabled: false, lifecycle: { prevent_destroy: false } });
  });

  it("events older than the configured age go to the DLQ", () => {
    const age = (env: keyof typeof stacks) => onlyResource(stacks[env].tf, "aws_lambda_function_event_invoke_config").maximum_event_age_in_seconds;
    expect([age("dev"), age("prod")]).toEqual([3600, 21600]);
  });

  it("both environments deploy the same bundle", () => {
    expect(fn("dev").source_code_hash).toBe(fn("prod").source_code_hash);
  });
});
