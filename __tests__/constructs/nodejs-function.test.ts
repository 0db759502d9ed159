import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { unzipSync } from "fflate";
import { Bundle, BundleOptions, bundleNodejsFunction, clearBundleCache } from "../../constructs/bundle";
import { NodejsFunction } from "../../constructs/nodejs-function";
import { UploadsBucket } from "../../constructs/uploads-bucket";

const ROOT = path.resolve(__dirname, "../..");
const HELLO = "__tests__/fixtures/functions/hello/index.ts";
const SDK_HANDLER = "__tests__/fixtures/functions/sdk-handler/index.ts";
const REAL_HANDLER = path.join(ROOT, "functions/profile-updater/index.ts");

/** Runs `script` in a fresh node process (nothing cached from jest), returns its stdout. */
function freshNode(script: string): string {
  return execFileSync(process.execPath, ["-e", script], {
    encoding: "utf8",
    env: { ...process.env, AWS_REGION: "eu-west-1", NODE_NO_WARNINGS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Name, DOS time/date, "version made by" OS and Unix mode of each central-directory entry. */
function zipCentralDirectory(zip: Uint8Array): { name: string; time: number; date: number; os: number; mode: number }[] {
  const buf = Buffer.from(zip);
  const entries = [];
  for (let at = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0; at = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 46)) {
    const nameLength = buf.readUInt16LE(at + 28);
    entries.push({
      name: buf.toString("utf8", at + 46, at + 46 + nameLength),
      os: buf[at + 5],
      time: buf.readUInt16LE(at + 12),
      date: buf.readUInt16LE(at + 14),
      mode: buf.readUInt32LE(at + 38) >>> 16,
    });
  }
  return entries;
}

describe("NodejsFunction", () => {
  let json: string;
  let tf: { resource: Record<string, Record<string, any>>; data: Record<string, Record<string, any>>; output: Record<string, { value: string }> };
  let outdir: string;
  let traced: NodejsFunction;
  let plain: NodejsFunction;
  let permission: LambdaPermission;

  beforeAll(() => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    traced = new NodejsFunction(stack, "traced", {
      name: "nf-test-traced",
      entry: HELLO,
      description: "fixture",
      memoryMiB: 512,
      timeoutSeconds: 20,
      environment: { PROFILE_TABLE_NAME: "profiles" },
      logRetentionDays: 14,
      retryAttempts: 1,
      maxEventAgeSeconds: 3600,
      reservedConcurrency: 5,
      tracing: true,
      alarmActions: ["arn:aws:sns:eu-west-1:123456789012:alerts"],
    });
    plain = new NodejsFunction(stack, "plain", { name: "nf-test-plain", entry: path.join(ROOT, HELLO), logRetentionDays: 7, enableSourceMaps: true });
    const uploads = new UploadsBucket(stack, "uploads", { namePrefix: "nf-test-uploads-" });
    uploads.grantRead(plain.role, "profile-pictures/");
    permission = traced.allowInvokeFromS3(uploads.arn, "123456789012");
    plain.allowInvokeFromS3("arn:aws:s3:::other-bucket");
    new TerraformOutput(stack, "function_name", { value: traced.functionName });
    new TerraformOutput(stack, "function_arn", { value: traced.arn });
    new TerraformOutput(stack, "dlq_arn", { value: traced.deadLetterQueue.arn });
    new TerraformOutput(stack, "dlq_url", { value: traced.deadLetterQueue.url });
    json = Testing.synth(stack);
    tf = JSON.parse(json);
    outdir = Testing.fullSynth(stack);
  });

  afterAll(() => {
    if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  });

  const idOf = (type: string, prefix: string): string => {
    const ids = Object.keys(tf.resource[type] ?? {}).filter((id) => id.startsWith(`${prefix}_`));
    expect(ids).toHaveLength(1);
    return ids[0];
  };
  const statementsOf = (prefix: string) => tf.data.aws_iam_policy_document[Object.keys(tf.data.aws_iam_policy_document).find((id) => id.startsWith(`${prefix}_role_policy-document_`))!].statement;

  it("is a nodejs22.x arm64 function with memory, timeout, env, handler and tracing from props", () => {
    expect(json).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "nf-test-traced",
      description: "fixture",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      memory_size: 512,
      timeout: 20,
      environment: { variables: { PROFILE_TABLE_NAME: "profiles" } },
      tracing_config: { mode: "Active" },
      reserved_concurrent_executions: 5,
      source_code_hash: traced.bundle.sourceCodeHash,
    });
  });

  it("has secure, unreserved defaults and opt-in source maps", () => {
    const fn = tf.resource.aws_lambda_function[idOf("aws_lambda_function", "plain_function")];
    expect(fn).toMatchObject({ memory_size: 256, timeout: 30, tracing_config: { mode: "PassThrough" } });
    expect(fn.environment).toEqual({ variables: { NODE_OPTIONS: "--enable-source-maps" } });
    expect(fn).not.toHaveProperty("reserved_concurrent_executions");
    expect(tf.resource.aws_lambda_function[idOf("aws_lambda_function", "traced_function")].environment.variables).not.toHaveProperty("NODE_OPTIONS");
  });

  it("logs to its own log group, created first, with retention from props", () => {
    const logGroup = idOf("aws_cloudwatch_log_group", "traced_log-group");
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/lambda/nf-test-traced", retention_in_days: 14 });
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/lambda/nf-test-plain", retention_in_days: 7 });
    const fn = tf.resource.aws_lambda_function[idOf("aws_lambda_function", "traced_function")];
    expect(fn.logging_config).toEqual({ log_format: "JSON", log_group: `\${aws_cloudwatch_log_group.${logGroup}.name}` });
    expect(fn.depends_on).toEqual([`aws_cloudwatch_log_group.${logGroup}`, `aws_iam_role_policy.${idOf("aws_iam_role_policy", "traced_role_policy")}`]);
  });

  it("has a role for lambda.amazonaws.com with no managed policies", () => {
    const role = tf.resource.aws_iam_role[idOf("aws_iam_role", "traced_role")];
    expect(role.name).toBe("nf-test-traced");
    const trust = tf.data.aws_iam_policy_document[Object.keys(tf.data.aws_iam_policy_document).find((id) => id.startsWith("traced_role_trust_"))!];
    expect(trust.statement[0].principals).toEqual([{ type: "Service", identifiers: ["lambda.amazonaws.com"] }]);
    expect(tf.resource.aws_iam_role_policy_attachment).toBeUndefined();
    expect(fnRole(tf, "traced")).toBe(`\${aws_iam_role.${idOf("aws_iam_role", "traced_role")}.arn}`);
  });

  it("grants exactly: own log streams, SendMessage to its DLQ, X-Ray only with tracing", () => {
    const logs = (prefix: string) => ({
      sid: "WriteOwnLogs",
      effect: "Allow",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`\${aws_cloudwatch_log_group.${idOf("aws_cloudwatch_log_group", `${prefix}_log-group`)}.arn}:*`],
    });
    const sqs = (prefix: string) => ({
      sid: "SendFailedEventsToDeadLetterQueue",
      effect: "Allow",
      actions: ["sqs:SendMessage"],
      resources: [`\${aws_sqs_queue.${idOf("aws_sqs_queue", `${prefix}_dead-letter-queue`)}.arn}`],
    });
    expect(statementsOf("traced")).toEqual([
      logs("traced"),
      sqs("traced"),
      { sid: "WriteXRayTraces", effect: "Allow", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
    ]);
    // plain: no tracing, one grant added later through fn.role
    expect(statementsOf("plain")).toEqual([
      logs("plain"),
      sqs("plain"),
      { sid: "ReadUploadsProfilePictures", effect: "Allow", actions: ["s3:GetObject"], resources: [`\${aws_s3_bucket.${idOf("aws_s3_bucket", "uploads_bucket")}.arn}/profile-pictures/*`] },
    ]);
  });

  it("sends failed async events to an encrypted, 14-day, TLS-only dead-letter queue", () => {
    const queue = idOf("aws_sqs_queue", "traced_dead-letter-queue");
    expect(json).toHaveResourceWithProperties(SqsQueue, { name: "nf-test-traced-dlq", sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
    expect(json).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
      function_name: `\${aws_lambda_function.${idOf("aws_lambda_function", "traced_function")}.function_name}`,
      maximum_retry_attempts: 1,
      maximum_event_age_in_seconds: 3600,
      destination_config: { on_failure: { destination: `\${aws_sqs_queue.${queue}.arn}` } },
      depends_on: [`aws_iam_role_policy.${idOf("aws_iam_role_policy", "traced_role_policy")}`],
    });
    const defaults = tf.resource.aws_lambda_function_event_invoke_config[idOf("aws_lambda_function_event_invoke_config", "plain_async-invoke-config")];
    expect(defaults).toMatchObject({ maximum_retry_attempts: 2, maximum_event_age_in_seconds: 21600 });

    const policy = tf.resource.aws_sqs_queue_policy[idOf("aws_sqs_queue_policy", "traced_dead-letter-queue-policy")];
    expect(policy.queue_url).toBe(`\${aws_sqs_queue.${queue}.url}`);
    const doc = tf.data.aws_iam_policy_document[Object.keys(tf.data.aws_iam_policy_document).find((id) => id.startsWith("traced_dead-letter-queue-tls-only_"))!];
    expect(doc.statement).toEqual([
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        actions: ["sqs:*"],
        resources: [`\${aws_sqs_queue.${queue}.arn}`],
        principals: [{ type: "*", identifiers: ["*"] }],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });

  it("alarms while the dead-letter queue holds events, notifying the given actions", () => {
    const alarm = (prefix: string) => tf.resource.aws_cloudwatch_metric_alarm[idOf("aws_cloudwatch_metric_alarm", prefix)];
    expect(alarm("traced_dead-letter-queue-alarm")).toMatchObject({
      alarm_name: "nf-test-traced-dlq-not-empty",
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: `\${aws_sqs_queue.${idOf("aws_sqs_queue", "traced_dead-letter-queue")}.name}` },
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      alarm_actions: ["arn:aws:sns:eu-west-1:123456789012:alerts"],
    });
    expect(alarm("plain_dead-letter-queue-alarm")).not.toHaveProperty("alarm_actions");
  });

  it("allowInvokeFromS3 adds a permission for s3.amazonaws.com scoped to the bucket (and account when given)", () => {
    expect(json).toHaveResourceWithProperties(LambdaPermission, {
      action: "lambda:InvokeFunction",
      principal: "s3.amazonaws.com",
      function_name: `\${aws_lambda_function.${idOf("aws_lambda_function", "traced_function")}.function_name}`,
      source_arn: `\${aws_s3_bucket.${idOf("aws_s3_bucket", "uploads_bucket")}.arn}`,
      source_account: "123456789012",
      statement_id: "AllowInvokeFromS3",
    });
    const withoutAccount = tf.resource.aws_lambda_permission[idOf("aws_lambda_permission", "plain_allow-s3-0")];
    expect(withoutAccount.source_arn).toBe("arn:aws:s3:::other-bucket");
    expect(withoutAccount).not.toHaveProperty("source_account");
    expect(permission).toBeInstanceOf(LambdaPermission); // returned so a bucket notification can depend on it
  });

  it("exposes name, ARN and DLQ references", () => {
    const fnId = idOf("aws_lambda_function", "traced_function");
    const queue = idOf("aws_sqs_queue", "traced_dead-letter-queue");
    expect(tf.output.function_name.value).toBe(`\${aws_lambda_function.${fnId}.function_name}`);
    expect(tf.output.function_arn.value).toBe(`\${aws_lambda_function.${fnId}.arn}`);
    expect(tf.output.dlq_arn.value).toBe(`\${aws_sqs_queue.${queue}.arn}`);
    expect(tf.output.dlq_url.value).toBe(`\${aws_sqs_queue.${queue}.url}`);
  });

  it("deploys exactly the built zip: the asset's bytes hash to source_code_hash", () => {
    const fn = tf.resource.aws_lambda_function[idOf("aws_lambda_function", "traced_function")];
    const asset = fs.readFileSync(path.join(outdir, "stacks", "test", fn.filename));
    expect(createHash("sha256").update(asset).digest("base64")).toBe(fn.source_code_hash);
    expect(asset.equals(fs.readFileSync(traced.bundle.zipPath))).toBe(true);
    // Named after the entry (functions/x/index.ts -> .build/functions/x/); both functions share one build.
    expect(traced.bundle.zipPath).toBe(path.join(ROOT, ".build/functions/__tests__/fixtures/functions/hello.zip"));
    expect(traced.bundle.scriptPath).toBe(path.join(ROOT, ".build/functions/__tests__/fixtures/functions/hello/index.js"));
    expect(plain.bundle).toBe(traced.bundle);
  });

  it("rejects out-of-range props with the construct path", () => {
    const stack = new TerraformStack(Testing.app(), "bad");
    expect(() => new NodejsFunction(stack, "fn", { name: "x", entry: HELLO, logRetentionDays: 7, retryAttempts: 3, memoryMiB: 64 })).toThrow(
      "bad/fn: memoryMiB must be an integer in 128-10240, got 64; retryAttempts must be an integer in 0-2, got 3",
    );
    expect(() => new NodejsFunction(stack, "fn2", { name: "x", entry: HELLO, logRetentionDays: 7, environment: { AWS_REGION: "x" } })).toThrow(
      "environment variable AWS_REGION is reserved",
    );
  });
});

function fnRole(tf: { resource: Record<string, Record<string, any>> }, prefix: string): string {
  const id = Object.keys(tf.resource.aws_lambda_function).find((k) => k.startsWith(`${prefix}_function_`))!;
  return tf.resource.aws_lambda_function[id].role;
}

describe("bundleNodejsFunction", () => {
  let tmp: string;
  /** A private copy of the hello fixture (so it can be touched and edited) under its own root. */
  const copyFixture = (dir: string): BundleOptions => {
    const src = path.join(ROOT, "__tests__/fixtures/functions/hello");
    const dest = path.join(dir, "src");
    fs.mkdirSync(dest, { recursive: true });
    for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(dest, f));
    return { entry: "src/index.ts", name: "hello", projectRoot: dir };
  };
  const zipOf = (b: Bundle) => fs.readFileSync(b.zipPath);

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nodejs-function-test-"));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("zips exactly index.js and index.js.map, sorted, with a fixed timestamp and mode 0644", () => {
    const bundle = bundleNodejsFunction(copyFixture(path.join(tmp, "layout")));
    const zip = zipOf(bundle);
    expect(Object.keys(unzipSync(zip))).toEqual(["index.js", "index.js.map"]);
    // 1980-01-01 00:00:00 as DOS date/time; "made by" Unix; regular file rw-r--r--
    expect(zipCentralDirectory(zip)).toEqual([
      { name: "index.js", time: 0, date: (0 << 9) | (1 << 5) | 1, os: 3, mode: 0o100644 },
      { name: "index.js.map", time: 0, date: (0 << 9) | (1 << 5) | 1, os: 3, mode: 0o100644 },
    ]);
    const files = unzipSync(zip);
    expect(Buffer.from(files["index.js"]).equals(fs.readFileSync(bundle.scriptPath))).toBe(true);
    expect(Buffer.from(files["index.js.map"]).equals(fs.readFileSync(bundle.sourceMapPath!))).toBe(true);
    expect(fs.readdirSync(bundle.directory).sort()).toEqual(["index.js", "index.js.map"]);
    expect(bundle.sourceCodeHash).toBe(createHash("sha256").update(zip).digest("base64"));
  });

  it("writes root-relative source-map paths and no sources content", () => {
    const bundle = bundleNodejsFunction(copyFixture(path.join(tmp, "map")));
    const map = JSON.parse(fs.readFileSync(bundle.sourceMapPath!, "utf8"));
    expect([...map.sources].sort()).toEqual(["src/greeting.ts", "src/index.ts"]);
    expect(map).not.toHaveProperty("sourcesContent");
    expect(fs.readFileSync(bundle.scriptPath, "utf8")).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
  });

  it("is deterministic: rebuilding, touching the entry, or building from another checkout path gives the same bytes", () => {
    const options = copyFixture(path.join(tmp, "determinism"));
    const first = bundleNodejsFunction(options);
    const firstZip = zipOf(first);

    clearBundleCache();
    const rebuilt = bundleNodejsFunction(options);
    expect(rebuilt).not.toBe(first);
    expect(zipOf(rebuilt).equals(firstZip)).toBe(true);

    const entry = path.join(options.projectRoot!, options.entry);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(entry, later, later);
    const touched = bundleNodejsFunction(options); // new mtime: the cache re-checks the contents (same) and reuses the zip
    expect(touched).not.toBe(rebuilt);
    expect(zipOf(touched).equals(firstZip)).toBe(true);
    expect(touched.sourceCodeHash).toBe(first.sourceCodeHash);

    const elsewhere = bundleNodejsFunction(copyFixture(path.join(tmp, "another", "checkout")));
    expect(zipOf(elsewhere).equals(firstZip)).toBe(true);
  });

  it("changes the hash when the code changes", () => {
    const options = copyFixture(path.join(tmp, "change"));
    const before = bundleNodejsFunction(options);
    const greeting = path.join(options.projectRoot!, "src/greeting.ts"); // an imported file, not the entry
    fs.writeFileSync(greeting, fs.readFileSync(greeting, "utf8").replace("hello", "goodbye"));
    const after = bundleNodejsFunction(options);
    expect(after.sourceCodeHash).not.toBe(before.sourceCodeHash);
    expect(fs.readFileSync(after.scriptPath, "utf8")).toContain("goodbye");
  });

  it("builds the same entry and options once per process, and refuses two builds into one folder", () => {
    const options = copyFixture(path.join(tmp, "memo"));
    expect(bundleNodejsFunction(options)).toBe(bundleNodejsFunction({ ...options }));
    expect(() => bundleNodejsFunction({ ...options, minify: false })).toThrow(/is already the output of another build/);
  });

  it("names the output folder after the entry", () => {
    const dir = path.join(tmp, "naming");
    copyFixture(dir);
    expect(bundleNodejsFunction({ entry: "src/index.ts", projectRoot: dir }).directory).toBe(path.join(dir, ".build/functions/src"));
    fs.mkdirSync(path.join(dir, "functions"));
    fs.copyFileSync(path.join(dir, "src/greeting.ts"), path.join(dir, "functions/greeting.ts"));
    expect(bundleNodejsFunction({ entry: "functions/greeting.ts", projectRoot: dir }).scriptPath).toBe(path.join(dir, ".build/functions/greeting/index.js"));
  });

  it("produces an index.js that loads in a fresh node process and exports a working handler", () => {
    const bundle = bundleNodejsFunction(copyFixture(path.join(tmp, "load")));
    const out = freshNode(
      `const m = require(${JSON.stringify(bundle.scriptPath)});` +
        `m.handler({ name: "lambda" }).then((r) => process.stdout.write(typeof m.handler + " " + JSON.stringify(r)));`,
    );
    expect(out).toBe('function {"message":"hello, lambda"}');
  });

  it("bundles the AWS SDK v3 (nothing left to require at runtime) and the result loads", () => {
    const bundle = bundleNodejsFunction({ entry: SDK_HANDLER, name: "nf-test-sdk-handler" });
    const code = fs.readFileSync(bundle.scriptPath, "utf8");
    // Left as require() only: optional S3 signers the SDK tries inside try/catch (not installed).
    const optional = ["@aws-sdk/signature-v4-crt", "@aws-sdk/signature-v4a"];
    const required = [...code.matchAll(/require\(["'](@aws-sdk\/[^"']+)["']\)/g)].map((m) => m[1]);
    expect(required.filter((m) => !optional.includes(m))).toEqual([]);
    expect(bundle.inputs.some((i) => i.startsWith("node_modules/@aws-sdk/client-dynamodb/dist-es/"))).toBe(true);
    expect(freshNode(`process.stdout.write(typeof require(${JSON.stringify(bundle.scriptPath)}).handler)`)).toBe("function");

    const external = bundleNodejsFunction({ entry: SDK_HANDLER, name: "nf-test-sdk-handler-external", externalModules: ["@aws-sdk/*"] });
    expect(fs.readFileSync(external.scriptPath, "utf8")).toContain('require("@aws-sdk/client-dynamodb")');
    expect(external.zipBytes).toBeLessThan(bundle.zipBytes / 50);
  });

  it("reports a build error with the entry's path", () => {
    const options = copyFixture(path.join(tmp, "broken"));
    fs.writeFileSync(path.join(options.projectRoot!, options.entry), "export const handler = (;\n");
    expect(() => bundleNodejsFunction(options)).toThrow(/^bundling src\/index\.ts failed: Build failed with 1 error:\n.*src\/index\.ts:1:/);
  });

  (fs.existsSync(REAL_HANDLER) ? it : it.skip)("bundles the real profile-updater handler into a loadable index.js", () => {
    const bundle = bundleNodejsFunction({ entry: REAL_HANDLER, name: "nf-test-profile-updater" });
    expect(Object.keys(unzipSync(zipOf(bundle)))).toEqual(["index.js", "index.js.map"]);
    expect(freshNode(`process.stdout.write(typeof require(${JSON.stringify(bundle.scriptPath)}).handler)`)).toBe("function");
  });
});
