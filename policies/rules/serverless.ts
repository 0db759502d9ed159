import { Block, StackModel, block, isTrue, num, parseReference, referencesIn, strings } from "../model";
import { deniesInsecureTransport, hasPublicPrincipal, policyDocument, statementLabel } from "../policy-documents";
import { findSecrets } from "../secret-patterns";
import { runtimeStatus } from "../lambda-runtimes";
import { Check, Rule } from "../types";
import { SKIP, custom, perResource } from "./define";

/** Resources of `type` whose function_name references `fn` (or names it literally). */
function forFunction(model: StackModel, type: string, fn: Block): Block[] {
  return model.all(type).filter((r) => referencesIn(r.config.function_name).includes(fn.address) || (typeof fn.config.function_name === "string" && r.config.function_name === fn.config.function_name));
}

/** The in-stack log group the function logs to, by logging_config or by the /aws/lambda/<name> convention. */
function logGroupOf(model: StackModel, fn: Block): Block | undefined {
  const groups = model.all("aws_cloudwatch_log_group");
  const configured = block(fn.config.logging_config).log_group;
  if (configured !== undefined) return model.ref(configured) ?? groups.find((g) => g.config.name === configured);
  const name = fn.config.function_name;
  return groups.find((g) => {
    const groupName = String(g.config.name ?? "");
    return (typeof name === "string" && groupName === `/aws/lambda/${name}`) || (groupName.startsWith("/aws/lambda/") && referencesIn(groupName).includes(fn.address));
  });
}

const fnSpec = (s: Omit<Rule, "evaluate" | "service">): Omit<Rule, "evaluate"> => ({ ...s, service: "Lambda" });
const lambdaRule = (s: Omit<Rule, "evaluate" | "service">, check: Parameters<typeof perResource>[2]) => perResource(fnSpec(s), ["aws_lambda_function"], check);

export const lambdaRules: readonly Rule[] = [
  lambdaRule(
    {
      id: "WP-LAMBDA-001",
      severity: "error",
      title: "Lambda runtimes are supported (warning from 90 days before the AWS deprecation date, error after it)",
      explanation: "Deprecated runtimes get no security patches, and AWS later blocks updating the function.",
      fix: "Use a current runtime (NodejsFunction's runtime prop); dates are in policies/lambda-runtimes.ts.",
      checkov: ["CKV_AWS_363"],
      cdkNag: ["AwsSolutions-L1"],
    },
    (fn, _model, context) => {
      const runtime = fn.config.runtime;
      if (typeof runtime !== "string") return fn.config.package_type === "Image" ? SKIP : "no runtime";
      const status = runtimeStatus(runtime, context.now);
      switch (status.state) {
        case "retired":
          return `runtime ${runtime} is retired`;
        case "deprecated":
          return `runtime ${runtime} was deprecated on ${status.date}`;
        case "deprecating":
          return { severity: "warning", violation: `runtime ${runtime} is deprecated on ${status.date} (in ${status.daysLeft} days)` };
        default:
          return undefined;
      }
    },
  ),
  lambdaRule(
    {
      id: "WP-LAMBDA-002",
      severity: "error",
      title: "Asynchronously invoked Lambdas keep failed events (DLQ or on-failure destination)",
      explanation: "Without a DLQ or on-failure destination, an event that fails every retry is silently lost.",
      fix: "aws_lambda_function_event_invoke_config with destination_config.on_failure (an SQS queue), or dead_letter_config.",
      checkov: ["CKV_AWS_116"],
      cdkNag: [],
    },
    (fn, model) => {
      if (block(fn.config.dead_letter_config).target_arn !== undefined) return undefined;
      const onFailure = forFunction(model, "aws_lambda_function_event_invoke_config", fn).some(
        (c) => block(block(c.config.destination_config).on_failure).destination !== undefined,
      );
      return onFailure ? undefined : "no dead_letter_config and no on-failure destination";
    },
  ),
  lambdaRule(
    {
      id: "WP-LAMBDA-003",
      severity: "warning",
      title: "Lambdas have reserved concurrency",
      explanation: "Reserved concurrency caps a burst (and its downstream load and cost) and guarantees capacity.",
      fix: "Set profiles.updater.reservedConcurrency (reserved_concurrent_executions).",
      checkov: ["CKV_AWS_115"],
      cdkNag: [],
    },
    (fn) => {
      const n = num(fn.config.reserved_concurrent_executions);
      return n !== undefined && n >= 0 ? undefined : "reserved_concurrent_executions is not set";
    },
  ),
  lambdaRule(
    {
      id: "WP-LAMBDA-004",
      severity: "warning",
      title: "Lambdas have X-Ray active tracing",
      explanation: "Traces show where a slow or failing invocation spends its time (S3, DynamoDB, cold start).",
      fix: "Set profiles.updater.tracing: true (tracing_config { mode = \"Active\" }).",
      checkov: ["CKV_AWS_50"],
      cdkNag: [],
    },
    (fn) => (block(fn.config.tracing_config).mode === "Active" ? undefined : "tracing_config.mode is not Active"),
  ),
  lambdaRule(
    {
      id: "WP-LAMBDA-005",
      severity: "error",
      title: "Lambdas log to a log group this stack manages (so it has a retention)",
      explanation: "Lambda otherwise creates /aws/lambda/<name> itself, with logs kept forever and outside Terraform.",
      fix: "Create the function's aws_cloudwatch_log_group (retention from logRetentionDays) and point logging_config.log_group at it.",
      checkov: [],
      cdkNag: [],
    },
    (fn, model) => (logGroupOf(model, fn) ? undefined : "no aws_cloudwatch_log_group in this stack receives its logs"),
  ),
  lambdaRule(
    {
      id: "WP-LAMBDA-006",
      severity: "error",
      title: "Lambda environment variables hold no secrets",
      explanation: "Environment variables are readable by anyone with lambda:GetFunctionConfiguration and sit in Terraform state.",
      fix: "Pass a Secrets Manager / SSM parameter name and read the value at run time.",
      checkov: ["CKV_AWS_45"],
      cdkNag: [],
    },
    (fn) => {
      const found = findSecrets(block(fn.config.environment).variables, "environment.variables");
      return found.length > 0 ? found.map((f) => `${f.location} holds ${f.what}`).join("; ") : undefined;
    },
  ),
  lambdaRule(
    {
      id: "WP-LAMBDA-007",
      severity: "warning",
      title: "Lambdas run inside the VPC",
      explanation: "A VPC function's traffic stays on private routes and is covered by security groups and flow logs.",
      fix: "vpc_config { subnet_ids, security_group_ids } with the private subnets (needs VPC endpoints or NAT for AWS APIs).",
      checkov: ["CKV_AWS_117"],
      cdkNag: [],
    },
    (fn) => (strings(block(fn.config.vpc_config).subnet_ids).length > 0 ? undefined : "no vpc_config"),
  ),
  perResource(
    fnSpec({
      id: "WP-LAMBDA-008",
      severity: "error",
      title: "Lambda permissions for AWS services are scoped to the source (source_arn / source_account)",
      explanation: "A service principal without source_arn lets any resource of that service, in any account, invoke the function.",
      fix: "Set source_arn to the bucket/rule ARN (and source_account for S3, whose ARNs carry no account).",
      checkov: ["CKV_AWS_364"],
      cdkNag: [],
    }),
    ["aws_lambda_permission"],
    (p) => {
      const principal = String(p.config.principal ?? "");
      if (principal === "*") return 'principal is "*"';
      if (!principal.endsWith(".amazonaws.com")) return SKIP;
      return p.config.source_arn !== undefined || p.config.source_account !== undefined ? undefined : `principal ${principal} without source_arn or source_account`;
    },
  ),
];

/** The queue policies (resource or inline) of a queue. */
function queuePolicies(model: StackModel, queue: Block): unknown[] {
  const attached = model.all("aws_sqs_queue_policy").filter((p) => referencesIn(p.config.queue_url).includes(queue.address) || parseReference(p.config.queue_url)?.address === queue.address);
  return [queue.config.policy, ...attached.map((p) => p.config.policy)].filter((p) => p !== undefined);
}

const sqsSpec = (s: Omit<Rule, "evaluate" | "service">): Omit<Rule, "evaluate"> => ({ ...s, service: "SQS" });

export const sqsRules: readonly Rule[] = [
  perResource(
    sqsSpec({
      id: "WP-SQS-001",
      severity: "error",
      title: "SQS queues are encrypted at rest (SSE-SQS or SSE-KMS, set explicitly)",
      explanation: "Failed events carry user data; encryption at rest must not depend on a service default.",
      fix: "sqs_managed_sse_enabled = true, or kms_master_key_id.",
      checkov: ["CKV_AWS_27"],
      cdkNag: ["AwsSolutions-SQS2"],
    }),
    ["aws_sqs_queue"],
    (q) => (q.config.kms_master_key_id !== undefined || isTrue(q.config.sqs_managed_sse_enabled) ? undefined : "neither sqs_managed_sse_enabled nor kms_master_key_id is set"),
  ),
  perResource(
    sqsSpec({
      id: "WP-SQS-002",
      severity: "warning",
      title: "SQS queue policies deny requests without TLS",
      explanation: "Without a SecureTransport deny, clients can send and receive messages over plain HTTP.",
      fix: "Queue policy statement Deny sqs:* for * when aws:SecureTransport is false.",
      checkov: [],
      cdkNag: ["AwsSolutions-SQS4"],
    }),
    ["aws_sqs_queue"],
    (q, model) => {
      const statements = queuePolicies(model, q).flatMap((p) => policyDocument(model, p)?.statements ?? []);
      return statements.some(deniesInsecureTransport) ? undefined : "no queue policy statement denies aws:SecureTransport = false";
    },
  ),
  custom(
    sqsSpec({
      id: "WP-SQS-003",
      severity: "error",
      title: "SQS queue policies allow nothing to everyone",
      explanation: "An Allow for Principal \"*\" without a condition lets anyone send or read messages.",
      fix: "Grant the producing service with a condition on aws:SourceArn, or grant roles instead.",
      checkov: ["CKV_AWS_168"],
      cdkNag: [],
    }),
    (model) =>
      model.all("aws_sqs_queue_policy", "aws_sqs_queue").flatMap((p): Check[] => {
        if (p.config.policy === undefined) return [];
        const statements = policyDocument(model, p.config.policy)?.statements ?? [];
        const open = statements.findIndex((s) => s.effect === "Allow" && hasPublicPrincipal(s) && s.conditions.length === 0);
        return [{ block: p, violation: open >= 0 ? `${statementLabel(statements[open], open)} allows Principal "*"` : undefined }];
      }),
  ),
];
