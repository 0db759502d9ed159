/**
 * Operations (issue "operations"): the alarm topic, every alarm (metric, threshold, actions), the
 * dashboard drawn from the same alarms, RDS events, the CloudWatch agent's boot script and the
 * runbook, per environment.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { DbEventSubscription } from "@cdktf/provider-aws/lib/db-event-subscription";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import dev from "../environments/dev";
import prod from "../environments/prod";
import { EnvironmentConfig } from "../environments/config";
import { CloudWatchAgent } from "../constructs/cloudwatch-agent";
import { ConfigError } from "../environments/validate";
import { onlyResource, resourcesOf, synthConstructs, synthEnvironment } from "./support/synth";
import { Mutable, validateChanged } from "./support/config-edit";

const stacks = [
  ["dev", dev, synthEnvironment(dev)],
  ["prod", prod, synthEnvironment(prod)],
] as const;

/** The alarm ids of every environment (the README runbook has a section for each). */
const ALARM_IDS = [
  "web-system-check", "web-instance-check", "web-memory", "web-data-disk",
  "db-cpu", "db-free-storage", "db-free-memory", "db-connections",
  "lambda-errors", "lambda-throttles", "lambda-duration", "lambda-events-dropped", "lambda-event-age",
  "ddb-throttled-updateitem", "ddb-throttled-getitem",
  "edge-5xx",
];
const GIB = 1024 ** 3;

type Alarm = Record<string, any>;
const alarmsOf = (tf: (typeof stacks)[number][2]["tf"]) => Object.entries(resourcesOf(tf, "aws_cloudwatch_metric_alarm")) as [string, Alarm][];
/** A reference to the environment's main alarm topic ("alarm-topic"), or the edge's twin in us-east-1 ("edge-alarm-topic"). */
const topicRef = (tf: (typeof stacks)[number][2]["tf"], id = "alarm-topic") =>
  `\${aws_sns_topic.${Object.keys(resourcesOf(tf, "aws_sns_topic")).find((k) => new RegExp(`^${id}_[0-9A-F]{8}$`).test(k))}.arn}`;

describe.each(stacks)("%s: alarm topic", (name, env, s) => {
  it("is encrypted with its own rotating KMS key and refuses requests without TLS", () => {
    expect(s.json).toHaveResourceWithProperties(SnsTopic, { name: `webplatform-${name}-alarms` });
    const topic = Object.values(resourcesOf(s.tf, "aws_sns_topic")).find((t) => t.name === `webplatform-${name}-alarms`)!;
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    expect(Object.values(resourcesOf(s.tf, "aws_kms_key")).some((k) => k.enable_key_rotation === true && String(k.description).includes("alarm topic"))).toBe(true);
    const policy = Object.entries(s.tf.data?.aws_iam_policy_document ?? {}).find(([id]) => id.startsWith("alarm-topic_topic-policy"))![1] as { statement: any[] };
    expect(policy.statement).toContainEqual(
      expect.objectContaining({ effect: "Deny", condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }),
    );
    const publishers = policy.statement.find((st) => st.sid === "AlarmsAndEventsPublish");
    expect(publishers.principals[0].identifiers).toEqual(["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"]);
  });

  it("has exactly the subscriptions of the environment's config, on the topic and on its us-east-1 twin", () => {
    const subscriptions = Object.values(resourcesOf(s.tf, "aws_sns_topic_subscription"));
    const on = (topic: string) => subscriptions.filter((x) => x.topic_arn === topic).map((x) => [x.protocol, x.endpoint]);
    expect(on(topicRef(s.tf))).toEqual(env.operations.alarmEmails.map((e) => ["email", e]));
    expect(on(topicRef(s.tf, "edge-alarm-topic"))).toEqual(env.operations.alarmEmails.map((e) => ["email", e]));
    expect(subscriptions).toHaveLength(2 * env.operations.alarmEmails.length);
  });

  it("has a twin topic in us-east-1 for the edge's alarm (an alarm notifies only a topic of its region)", () => {
    const twin = Object.values(resourcesOf(s.tf, "aws_sns_topic")).find((t) => t.name === `webplatform-${name}-edge-alarms`)!;
    expect(twin.provider).toBe("aws.us_east_1");
    expect(twin.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.edge-alarm-topic_key_[0-9A-F]{8}\.arn\}$/);
  });
});

describe.each(stacks)("%s: alarms", (name, env, s) => {
  const alarms = alarmsOf(s.tf);
  const byId = (id: string) => alarms.find(([, a]) => a.alarm_name === `webplatform-${name}-${id}`)?.[1];
  const t = env.operations.thresholds;

  it("are the platform's alarms plus the dead-letter alarm, and every one notifies the topic", () => {
    expect(alarms.map(([, a]) => a.alarm_name).sort()).toEqual(
      [...ALARM_IDS.map((id) => `webplatform-${name}-${id}`), `webplatform-${name}-profile-updater-dlq-not-empty`].sort(),
    );
    for (const [, a] of alarms) expect(a.alarm_actions).toContain(a.provider === "aws.us_east_1" ? topicRef(s.tf, "edge-alarm-topic") : topicRef(s.tf));
  });

  it("recovers the web server on a failed system check and reboots it on a failed instance check", () => {
    expect(byId("web-system-check")).toMatchObject({
      namespace: "AWS/EC2", metric_name: "StatusCheckFailed_System", threshold: 1, comparison_operator: "GreaterThanOrEqualToThreshold",
      alarm_actions: [topicRef(s.tf), "arn:aws:automate:eu-west-1:ec2:recover"],
    });
    expect(byId("web-instance-check")).toMatchObject({
      metric_name: "StatusCheckFailed_Instance", alarm_actions: [topicRef(s.tf), "arn:aws:automate:eu-west-1:ec2:reboot"],
    });
    expect(byId("web-system-check")!.dimensions.InstanceId).toMatch(/^\$\{aws_instance\..+\.id\}$/);
  });

  it("watches memory and /data from the CloudWatch agent", () => {
    expect(byId("web-memory")).toMatchObject({ namespace: "CWAgent", metric_name: "mem_used_percent", threshold: t.hostMemoryPercent });
    expect(byId("web-data-disk")).toMatchObject({ namespace: "CWAgent", metric_name: "disk_used_percent", threshold: t.dataDiskPercent });
    expect(byId("web-data-disk")!.dimensions).toMatchObject({ path: "/data", fstype: "xfs" });
    expect(t.dataDiskPercent).toBe(80);
    expect(t.hostMemoryPercent).toBe(90);
  });

  it("derives the database thresholds from the instance class and storage", () => {
    const memGiB = { dev: 1, prod: 8 }[name];
    const maxConnections = { dev: 101, prod: 811 }[name];
    expect(byId("db-cpu")).toMatchObject({ namespace: "AWS/RDS", metric_name: "CPUUtilization", threshold: t.databaseCpuPercent });
    expect(byId("db-free-storage")).toMatchObject({
      metric_name: "FreeStorageSpace", comparison_operator: "LessThanThreshold",
      threshold: Math.round((env.database.allocatedStorageGiB * GIB * t.databaseFreeStoragePercent) / 100),
    });
    expect(byId("db-free-memory")).toMatchObject({ metric_name: "FreeableMemory", threshold: Math.round((memGiB * GIB * t.databaseFreeMemoryPercent) / 100) });
    expect(byId("db-connections")).toMatchObject({ metric_name: "DatabaseConnections", threshold: Math.floor((maxConnections * t.databaseConnectionsPercent) / 100) });
  });

  it("watches the profile updater and the profile table", () => {
    const timeoutMs = env.profiles.updater.timeoutSeconds * 1000;
    expect(byId("lambda-duration")).toMatchObject({ metric_name: "Duration", extended_statistic: "p99", threshold: (timeoutMs * t.lambdaDurationPercentOfTimeout) / 100 });
    expect(byId("lambda-duration")).not.toHaveProperty("statistic");
    expect(byId("lambda-events-dropped")).toMatchObject({ metric_name: "AsyncEventsDropped", threshold: 0, comparison_operator: "GreaterThanThreshold" });
    expect(byId("lambda-event-age")).toMatchObject({ metric_name: "AsyncEventAge", threshold: t.lambdaEventAgeSeconds * 1000 });
    expect(byId("lambda-errors")).toMatchObject({ metric_name: "Errors", treat_missing_data: "notBreaching" });
    expect(byId("lambda-throttles")).toMatchObject({ metric_name: "Throttles" });
    expect(byId("ddb-throttled-updateitem")!.dimensions.Operation).toBe("UpdateItem");
    expect(byId("ddb-throttled-getitem")).toMatchObject({ namespace: "AWS/DynamoDB", metric_name: "ThrottledRequests" });
  });

  it("watches the edge's 5xx rate in us-east-1, where CloudFront's metrics are", () => {
    expect(byId("edge-5xx")).toMatchObject({
      namespace: "AWS/CloudFront", metric_name: "5xxErrorRate", threshold: t.edge5xxPercent, provider: "aws.us_east_1",
      alarm_actions: [topicRef(s.tf, "edge-alarm-topic")],
    });
    expect(byId("edge-5xx")!.dimensions).toEqual({ DistributionId: expect.stringMatching(/^\$\{aws_cloudfront_distribution\..+\.id\}$/), Region: "Global" });
  });

  it("sends the database's failover, failure, maintenance and low-storage events to the topic", () => {
    expect(s.json).toHaveResourceWithProperties(DbEventSubscription, {
      sns_topic: topicRef(s.tf),
      source_type: "db-instance",
      event_categories: ["failover", "failure", "maintenance", "low storage"],
    });
  });

  it("draws a dashboard with one widget per alarm", () => {
    expect(s.json).toHaveResourceWithProperties(CloudwatchDashboard, { dashboard_name: `webplatform-${name}` });
    const body = String(onlyResource(s.tf, "aws_cloudwatch_dashboard").dashboard_body);
    const annotated = [...body.matchAll(/aws_cloudwatch_metric_alarm\.([A-Za-z0-9_-]+)\.arn/g)].map((m) => m[1]);
    expect(annotated.sort()).toEqual(alarms.map(([id]) => id).sort());
  });

  it("lets the instance role publish agent metrics (CWAgent only) and write to its log group", () => {
    const docs = Object.entries(s.tf.data?.aws_iam_policy_document ?? {}) as [string, { statement?: any[] }][];
    const web = docs.find(([id]) => id.startsWith("web_role_policy-document"))![1];
    expect(web.statement).toContainEqual(
      expect.objectContaining({ sid: "AgentPutMetrics", actions: ["cloudwatch:PutMetricData"], condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["CWAgent"] }] }),
    );
    const logs = web.statement!.find((st) => st.sid === "AgentWriteLogs");
    expect(logs.actions).toEqual(["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]);
    expect(logs.resources.every((r: string) => r.includes("aws_cloudwatch_log_group."))).toBe(true);
    const group = Object.values(resourcesOf(s.tf, "aws_cloudwatch_log_group")).find((g) => g.name === `/webplatform-${name}/web`);
    expect(group?.retention_in_days).toBe(env.logRetentionDays);
  });
});

describe("the CloudWatch agent's boot script", () => {
  const agent = (() => {
    let made: CloudWatchAgent | undefined;
    synthConstructs((scope) => {
      made = new CloudWatchAgent(scope, "agent", { logGroupName: "/test/web", retentionDays: 14 });
    });
    return made!;
  })();
  const script = agent.userData;

  it("is valid bash without Terraform template syntax or backslashes", () => {
    const result = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(script).not.toMatch(/\$\{|%\{|\\/);
  });

  it("writes the agent configuration as valid JSON, with the agent's own instance-id placeholder", () => {
    const json = /<<'AGENTCONFIG'\n([\s\S]*?)\nAGENTCONFIG/.exec(script)![1];
    const dir = mkdtempSync(join(tmpdir(), "cwagent-"));
    try {
      const config = join(dir, "agent.json");
      writeFileSync(config, `${json}\n`);
      // The script's own substitution line, run on the file.
      const sed = script.split("\n").filter((l) => /local D=|sed -i/.test(l)).map((l) => l.replace("local ", "")).join("\n");
      const result = spawnSync("bash", ["-c", `config=${JSON.stringify(config)}\n${sed}`], { encoding: "utf8" });
      expect(result.status).toBe(0);
      const parsed = JSON.parse(readFileSync(config, "utf8"));
      expect(parsed.metrics.append_dimensions).toEqual({ InstanceId: "${aws:InstanceId}" });
      expect(parsed.metrics.metrics_collected.disk).toEqual({ measurement: ["used_percent"], resources: ["/data"], drop_device: true });
      expect(parsed.logs.logs_collected.files.collect_list.map((f: { file_path: string }) => f.file_path)).toEqual(["/var/log/webapp/app.log", "/var/log/cloud-init-output.log"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("copies the app unit's journal into the file the agent tails, and does not stop the boot on failure", () => {
    expect(script).toContain("if $programname == 'webapp' then /var/log/webapp/app.log");
    expect(script).toContain("dnf install -y rsyslog amazon-cloudwatch-agent");
    expect(script).toMatch(/^install_cloudwatch_agent \|\| echo .*\|\| true$/m);
  });

  it("runs before the data volume is mounted, in the web server's user data", () => {
    const s = stacks[0][2];
    const lt = onlyResource(s.tf, "aws_launch_template");
    const userData = String(lt.user_data);
    expect(userData.indexOf("install_cloudwatch_agent")).toBeGreaterThan(0);
    expect(userData.indexOf("install_cloudwatch_agent")).toBeLessThan(userData.indexOf("VOLUME_ID="));
  });
});

describe("the README runbook", () => {
  const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
  it.each([...ALARM_IDS, "lambda-dlq", "db-events"])("has a section for %s", (id) => {
    expect(readme).toContain(`<a id="alarm-${id}"></a>`);
  });
});

const error = (env: string, detail: string) => `Invalid environment config environments/${env}.ts (environment "${env}"): ${detail}`;

describe("operations config errors (one line: file, field, allowed values)", () => {
  const cases: [string, EnvironmentConfig, (env: Mutable<EnvironmentConfig>) => void, string][] = [
    ["an address without a domain", prod, (e) => (e.operations.alarmEmails = ["oncall@"]), error("prod", 'operations.alarmEmails[0] is "oncall@"; allowed: an email address such as "oncall@example.com".')],
    ["a name instead of an address", dev, (e) => (e.operations.alarmEmails = ["ops team"]), error("dev", 'operations.alarmEmails[0] is "ops team"; allowed: an email address such as "oncall@example.com".')],
    ["a list that is a string", dev, (e) => ((e.operations as { alarmEmails: unknown }).alarmEmails = "ops@example.com"), error("dev", 'operations.alarmEmails is "ops@example.com"; allowed: a list of strings.')],
    ["a plain-HTTP webhook", dev, (e) => (e.operations.alarmHttpsEndpoint = "http://hooks.example.com/alarms"), error("dev", 'operations.alarmHttpsEndpoint is "http://hooks.example.com/alarms"; allowed: an "https://host/path" URL (SNS delivers alarms to it by POST).')],
    ["production alarms that reach nobody", prod, (e) => (e.operations.alarmEmails = []), error("prod", "operations.alarmEmails is []; allowed: at least one address (or operations.alarmHttpsEndpoint) in a production environment: alarms must reach someone.")],
    ["a threshold of 100 %", dev, (e) => (e.operations.thresholds.dataDiskPercent = 100), error("dev", "operations.thresholds.dataDiskPercent is 100; allowed: an integer from 1 to 99.")],
    ["a missing threshold", dev, (e) => delete (e.operations.thresholds as Partial<Mutable<EnvironmentConfig["operations"]["thresholds"]>>).hostMemoryPercent, error("dev", "operations.thresholds.hostMemoryPercent is missing; allowed: an integer from 1 to 99.")],
    ["a DB class whose memory is unknown", dev, (e) => (e.database.instanceClass = "db.c6gd.large"), error("dev", 'database.instanceClass is "db.c6gd.large"; allowed: a db.t*, db.m*, db.r* or db.x* class (constructs/rds-instance-classes.ts knows their memory, which the database alarms need).')],
  ];
  it.each(cases)("%s", (_title, base, edit, message) => {
    const run = validateChanged(base, edit);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(new Error(message));
  });

  it("accepts an HTTPS webhook as the only production subscriber", () => {
    expect(validateChanged(prod, (e) => ((e.operations.alarmEmails = []), (e.operations.alarmHttpsEndpoint = "https://hooks.example.com/services/T0/B0")))).not.toThrow();
  });
});
