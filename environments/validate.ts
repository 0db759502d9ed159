import {
  availabilityZonesOf,
  INSTANCE_SIZES_TEXT,
  isDbInstanceClass,
  isInstanceType,
  MAX_ENVIRONMENT_TAGS,
  REGION_AZ_LETTERS,
  STACK_TAGS,
  tagKeyProblem,
  tagValueProblem,
} from "./aws-names";
import { Cidr, cidrContains, cidrsOverlap, parseCidr } from "./cidr";
import { rdsMemoryGiB } from "../constructs/rds-instance-classes";
import { RULE_IDS } from "../policies/rules";
import {
  ARCHITECTURES,
  EDGE_ORIGINS,
  EnvironmentConfig,
  GuardrailRelaxation,
  LOG_RETENTION_DAYS,
  NAT_MODES,
  POSTGRES_MAJOR_VERSIONS,
  PRICE_CLASSES,
} from "./config";
import { validateBudget, validateUsage } from "./validate-cost";

/**
 * A wrong environment config. The message names the file, the environment, the field and what is
 * allowed; main.ts prints it alone (no stack trace) and exits before anything is synthesized.
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly environment: string,
    readonly field: string,
    detail: string,
  ) {
    super(`Invalid environment config ${file} (environment "${environment}"): ${field} ${detail}`);
    this.name = "ConfigError";
  }
}

const show = (value: unknown): string => (value === undefined ? "missing" : JSON.stringify(value));
const list = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v)).join(", ");


/**
 * Guardrails a production environment may not relax: HTTPS for viewers, WAF at the edge, no
 * internet ingress to an instance, no public address on an instance.
 */
export const NOT_RELAXABLE_IN_PRODUCTION: readonly string[] = ["WP-CF-001", "WP-CF-003", "WP-SG-008", "WP-EC2-004"];

const HOST_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Checks one environment config and returns it typed. Throws ConfigError on the first problem, in
 * a fixed order (identity, backend, network, web, edge, database, uploads, profiles, production rules).
 */
export function validateEnvironment(raw: unknown, file: string, fileName: string): EnvironmentConfig {
  const env = (raw ?? {}) as EnvironmentConfig;
  const envName = typeof env.name === "string" ? env.name : fileName;
  const fail = (field: string, value: unknown, allowed: string): never => {
    throw new ConfigError(file, envName, field, `is ${show(value)}; allowed: ${allowed}.`);
  };
  const int = (field: string, value: unknown, min: number, max: number): void => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      fail(field, value, `an integer from ${min} to ${max}`);
    }
  };
  const bool = (field: string, value: unknown): void => {
    if (typeof value !== "boolean") fail(field, value, "true, false");
  };
  const oneOf = <T>(field: string, value: unknown, allowed: readonly T[]): void => {
    if (!allowed.includes(value as T)) fail(field, value, list(allowed));
  };
  const pattern = (field: string, value: unknown, re: RegExp, allowed: string): void => {
    if (typeof value !== "string" || !re.test(value)) fail(field, value, allowed);
  };
  const cidr = (field: string, value: unknown, min: number, max: number): Cidr =>
    (typeof value === "string" ? parseCidr(value, min, max) : undefined) ??
    fail(field, value, `an IPv4 CIDR block "a.b.c.d/n" with n from ${min} to ${max} and no host bits set`);
  const stringList = (field: string, value: unknown): readonly string[] => {
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) fail(field, value, "a list of strings");
    return value as string[];
  };

  // Identity
  pattern("name", env.name, /^[a-z][a-z0-9]{1,11}$/, "2-12 lower-case letters and digits, starting with a letter");
  if (env.name !== fileName) fail("name", env.name, `${JSON.stringify(fileName)} (the file name; it becomes the stack id)`);
  bool("production", env.production);
  pattern("project", env.project, /^[a-z][a-z0-9-]{1,19}$/, "2-20 lower-case letters, digits and dashes, starting with a letter");
  pattern("region", env.region, /^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region name such as "eu-west-1"');
  if (!(env.region in REGION_AZ_LETTERS)) fail("region", env.region, `a region listed in environments/aws-names.ts (add it there with its AZ letters), e.g. "eu-west-1"`);
  if (env.allowedAccountIds !== undefined) {
    stringList("allowedAccountIds", env.allowedAccountIds).forEach((id, i) =>
      pattern(`allowedAccountIds[${i}]`, id, /^\d{12}$/, "a 12-digit AWS account id"),
    );
  }
  if (env.tags !== undefined) {
    const tags = env.tags as unknown;
    if (tags === null || typeof tags !== "object" || Array.isArray(tags)) fail("tags", tags, 'an object of string values, e.g. { Owner: "team-web" }');
    const entries = Object.entries(tags as Record<string, unknown>);
    if (entries.length > MAX_ENVIRONMENT_TAGS) {
      fail("tags", `${entries.length} tags`, `at most ${MAX_ENVIRONMENT_TAGS} (AWS allows 50 per resource; the stack adds ${list(STACK_TAGS)} and constructs up to 2 more)`);
    }
    for (const [key, value] of entries) {
      const keyProblem = tagKeyProblem(key);
      if (keyProblem) fail(`tags[${JSON.stringify(key)}]`, key, keyProblem);
      if ((STACK_TAGS as readonly string[]).includes(key)) fail(`tags.${key}`, value, `any tag except ${list(STACK_TAGS)} (set by the stack)`);
      const valueProblem = tagValueProblem(value);
      if (valueProblem) fail(`tags.${key}`, value, valueProblem);
    }
  }

  // Backend
  const backend = env.backend ?? ({} as EnvironmentConfig["backend"]);
  oneOf("backend.type", backend.type, ["local", "s3"]);
  if (backend.type === "s3") {
    pattern("backend.bucket", backend.bucket, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name (3-63 lower-case letters, digits, dots, dashes)");
    pattern("backend.region", backend.region, /^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region name such as "eu-west-1"');
    if (backend.key !== undefined) pattern("backend.key", backend.key, /^[A-Za-z0-9!_.*'()/-]+\.tfstate$/, 'an object key ending in ".tfstate"');
    if (backend.useLockfile !== undefined) bool("backend.useLockfile", backend.useLockfile);
  }

  // Network
  const net = env.network ?? ({} as EnvironmentConfig["network"]);
  const azs = stringList("network.availabilityZones", net.availabilityZones);
  const regionAzs = availabilityZonesOf(env.region);
  if (azs.length < 2 || azs.length > 6 || new Set(azs).size !== azs.length) {
    fail("network.availabilityZones", azs, `2 to 6 distinct AZs of ${env.region}, e.g. ${list([`${env.region}a`, `${env.region}b`])}`);
  }
  azs.forEach((az, i) => oneOf(`network.availabilityZones[${i}]`, az, regionAzs));
  const vpc = cidr("network.vpcCidr", net.vpcCidr, 16, 28);
  const subnets: { field: string; block: Cidr }[] = [];
  for (const tier of ["publicSubnetCidrs", "privateSubnetCidrs", "databaseSubnetCidrs"] as const) {
    const blocks = stringList(`network.${tier}`, net[tier]);
    if (blocks.length !== azs.length) fail(`network.${tier}`, blocks, `exactly one CIDR per AZ (${azs.length})`);
    blocks.forEach((text, i) => {
      const field = `network.${tier}[${i}]`;
      const block = cidr(field, text, 16, 28);
      if (!cidrContains(vpc, block)) fail(field, text, `a block inside network.vpcCidr ${vpc.text}`);
      const clash = subnets.find((other) => cidrsOverlap(other.block, block));
      if (clash) fail(field, text, `a block that does not overlap ${clash.field} ${clash.block.text}`);
      subnets.push({ field, block });
    });
  }
  oneOf("network.natMode", net.natMode, NAT_MODES);
  bool("network.flowLogs", net.flowLogs);

  // Web server
  const web = env.web ?? ({} as EnvironmentConfig["web"]);
  if (typeof web.instanceType !== "string" || !isInstanceType(web.instanceType)) {
    fail("web.instanceType", web.instanceType, `an EC2 instance type "<family>.<size>" such as "t4g.small", size one of ${INSTANCE_SIZES_TEXT}`);
  }
  oneOf("web.architecture", web.architecture, ARCHITECTURES);
  const graviton = /^[a-z]+\d+[a-z]*g[a-z]*\./.test(web.instanceType);
  if (graviton !== (web.architecture === "arm64")) {
    fail("web.architecture", web.architecture, `${JSON.stringify(graviton ? "arm64" : "x86_64")} (instance type ${web.instanceType} is ${graviton ? "Graviton/arm64" : "x86_64"})`);
  }
  if (web.amiId !== undefined) pattern("web.amiId", web.amiId, /^ami-[0-9a-f]{8,17}$/, 'an AMI id such as "ami-0123456789abcdef0", or leave it out to use Amazon Linux 2023');
  int("web.rootVolumeSizeGiB", web.rootVolumeSizeGiB, 8, 16384);
  int("web.dataVolumeSizeGiB", web.dataVolumeSizeGiB, 1, 16384);
  bool("web.detailedMonitoring", web.detailedMonitoring);
  bool("web.dataVolumeFinalSnapshot", web.dataVolumeFinalSnapshot);
  if (web.dataVolumeSnapshots !== undefined) {
    pattern("web.dataVolumeSnapshots.time", web.dataVolumeSnapshots.time, /^([01]\d|2[0-3]):[0-5]\d$/, 'a UTC time "HH:MM"');
    int("web.dataVolumeSnapshots.retainCount", web.dataVolumeSnapshots.retainCount, 1, 1000);
  }

  // Edge (CloudFront in front of the web server)
  const edge = env.edge ?? ({} as EnvironmentConfig["edge"]);
  oneOf("edge.origin", edge.origin, EDGE_ORIGINS);
  if (edge.origin === "vpcOrigin" && net.natMode === "none") {
    fail("network.natMode", net.natMode, '"single" or "perAz" when edge.origin is "vpcOrigin" (the private web server reaches SSM, Secrets Manager and CloudWatch Logs through NAT)');
  }
  pattern("edge.originFacingPrefixListId", edge.originFacingPrefixListId, /^pl-[0-9a-f]{8,17}$/, `the id of the AWS-managed prefix list com.amazonaws.global.cloudfront.origin-facing in ${env.region} (e.g. "pl-4fa04526" in eu-west-1)`);
  oneOf("edge.priceClass", edge.priceClass, PRICE_CLASSES);
  if (edge.domain !== undefined) {
    const names = stringList("edge.domain.names", edge.domain.names);
    if (names.length < 1 || names.length > 10 || new Set(names).size !== names.length) fail("edge.domain.names", names, "1 to 10 distinct host names");
    names.forEach((n, i) => pattern(`edge.domain.names[${i}]`, n, HOST_NAME, 'a lower-case DNS host name such as "app.example.com" (a wildcard only as the first label)'));
    const { certificateArn, hostedZoneId } = edge.domain;
    if (certificateArn === undefined && hostedZoneId === undefined) {
      fail("edge.domain.certificateArn", certificateArn, "an issued ACM certificate in us-east-1 covering the names, or instead edge.domain.hostedZoneId (a Route 53 zone in which one is created)");
    }
    if (certificateArn !== undefined && hostedZoneId !== undefined) {
      fail("edge.domain.hostedZoneId", hostedZoneId, "absent when edge.domain.certificateArn is set (exactly one of the two)");
    }
    if (certificateArn !== undefined) {
      pattern("edge.domain.certificateArn", certificateArn, /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/, "an ACM certificate ARN in us-east-1 (CloudFront uses certificates from us-east-1 only)");
    }
    if (hostedZoneId !== undefined) pattern("edge.domain.hostedZoneId", hostedZoneId, /^Z[A-Z0-9]{1,31}$/, 'a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"');
  }
  bool("edge.hstsPreload", edge.hstsPreload);
  bool("edge.waf", edge.waf);
  int("edge.loginRateLimitPer5Minutes", edge.loginRateLimitPer5Minutes, 100, 2_000_000_000);
  bool("edge.accessLogs", edge.accessLogs);

  // Database
  const db = env.database ?? ({} as EnvironmentConfig["database"]);
  if (typeof db.instanceClass !== "string" || !isDbInstanceClass(db.instanceClass)) {
    fail("database.instanceClass", db.instanceClass, `an RDS instance class "db.<family>.<size>" such as "db.t4g.micro", size one of ${INSTANCE_SIZES_TEXT}`);
  }
  int("database.allocatedStorageGiB", db.allocatedStorageGiB, 20, 65536);
  int("database.maxAllocatedStorageGiB", db.maxAllocatedStorageGiB, db.allocatedStorageGiB, 65536);
  oneOf("database.engineMajorVersion", db.engineMajorVersion, POSTGRES_MAJOR_VERSIONS);
  bool("database.multiAz", db.multiAz);
  int("database.backupRetentionDays", db.backupRetentionDays, 1, 35);
  bool("database.deletionProtection", db.deletionProtection);
  bool("database.finalSnapshot", db.finalSnapshot);
  bool("database.performanceInsights", db.performanceInsights);

  // Uploads bucket
  const uploads = env.uploads ?? ({} as EnvironmentConfig["uploads"]);
  int("uploads.noncurrentVersionExpirationDays", uploads.noncurrentVersionExpirationDays, 1, 3650);
  stringList("uploads.corsAllowedOrigins", uploads.corsAllowedOrigins).forEach((origin, i) =>
    pattern(`uploads.corsAllowedOrigins[${i}]`, origin, /^(https:\/\/[a-z0-9.-]+|http:\/\/localhost)(:\d{1,5})?$/, 'an origin "https://host[:port]" (or "http://localhost[:port]"), no path and no wildcard'),
  );

  // Profile flow
  const profiles = env.profiles ?? ({} as EnvironmentConfig["profiles"]);
  bool("profiles.tableDeletionProtection", profiles.tableDeletionProtection);
  const updater = profiles.updater ?? ({} as EnvironmentConfig["profiles"]["updater"]);
  int("profiles.updater.memoryMiB", updater.memoryMiB, 128, 10240);
  int("profiles.updater.timeoutSeconds", updater.timeoutSeconds, 1, 900);
  int("profiles.updater.retryAttempts", updater.retryAttempts, 0, 2);
  int("profiles.updater.maxEventAgeSeconds", updater.maxEventAgeSeconds, 60, 21600);
  if (updater.reservedConcurrency !== undefined) int("profiles.updater.reservedConcurrency", updater.reservedConcurrency, 1, 1000);
  bool("profiles.updater.tracing", updater.tracing);
  if (updater.alarmActions !== undefined) {
    stringList("profiles.updater.alarmActions", updater.alarmActions).forEach((arn, i) =>
      pattern(`profiles.updater.alarmActions[${i}]`, arn, /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN such as "arn:aws:sns:eu-west-1:123456789012:alerts"'),
    );
  }

  // Operations: who hears about alarms, and the thresholds.
  const ops = env.operations ?? ({} as EnvironmentConfig["operations"]);
  stringList("operations.alarmEmails", ops.alarmEmails).forEach((email, i) =>
    pattern(`operations.alarmEmails[${i}]`, email, /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/, 'an email address such as "oncall@example.com"'),
  );
  if (ops.alarmHttpsEndpoint !== undefined) {
    pattern("operations.alarmHttpsEndpoint", ops.alarmHttpsEndpoint, /^https:\/\/[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d{1,5})?(\/[^\s]*)?$/, 'an "https://host/path" URL (SNS delivers alarms to it by POST)');
  }
  const limits = ops.thresholds ?? ({} as EnvironmentConfig["operations"]["thresholds"]);
  for (const key of ["databaseCpuPercent", "databaseFreeStoragePercent", "databaseFreeMemoryPercent", "databaseConnectionsPercent", "hostMemoryPercent", "dataDiskPercent", "lambdaDurationPercentOfTimeout", "edge5xxPercent"] as const) {
    int(`operations.thresholds.${key}`, limits[key], 1, 99);
  }
  int("operations.thresholds.lambdaEventAgeSeconds", limits.lambdaEventAgeSeconds, 60, 21600);
  if (rdsMemoryGiB(db.instanceClass) === undefined) {
    fail("database.instanceClass", db.instanceClass, "a db.t*, db.m*, db.r* or db.x* class (constructs/rds-instance-classes.ts knows their memory, which the database alarms need)");
  }

  oneOf("logRetentionDays", env.logRetentionDays, LOG_RETENTION_DAYS);
  bool("preventDestroy", env.preventDestroy);

  // Guardrail relaxations: each names a known rule, says why, and appears once.
  if (env.guardrails !== undefined) {
    const relaxations = env.guardrails?.relaxations as readonly Partial<GuardrailRelaxation>[] | undefined;
    if (!Array.isArray(relaxations)) fail("guardrails.relaxations", relaxations, "a list of { rule, reason, scope? }");
    const seen = new Set<string>();
    relaxations!.forEach((r, i) => {
      const field = `guardrails.relaxations[${i}]`;
      if (!RULE_IDS.includes(r?.rule as string)) fail(`${field}.rule`, r?.rule, 'a guardrail rule id such as "WP-RDS-005" (see `npm run check -- --rules` or policies/rules/)');
      if (typeof r.reason !== "string" || r.reason.trim().length < 10) fail(`${field}.reason`, r.reason, "a sentence (at least 10 characters) saying why this environment accepts the risk");
      if (r.scope !== undefined) pattern(`${field}.scope`, r.scope, /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'a construct path inside the stack, e.g. "web" or "database/instance"');
      const key = `${r.rule} ${r.scope ?? ""}`;
      if (seen.has(key)) fail(`${field}.rule`, r.rule, "a rule not already relaxed (with the same scope) earlier in the list");
      if (env.production && NOT_RELAXABLE_IN_PRODUCTION.includes(r.rule as string)) {
        fail(`${field}.rule`, r.rule, `any rule except ${list(NOT_RELAXABLE_IN_PRODUCTION)} in a production environment`);
      }
      seen.add(key);
    });
  }

  validateBudget(env.budget, fail);
  validateUsage(env.usage, fail);

  // A production environment is highly available and protected.
  if (env.production) {
    const required = "true in a production environment";
    if (!db.multiAz) fail("database.multiAz", db.multiAz, required);
    if (!db.deletionProtection) fail("database.deletionProtection", db.deletionProtection, required);
    if (!db.finalSnapshot) fail("database.finalSnapshot", db.finalSnapshot, required);
    if (!web.dataVolumeFinalSnapshot) fail("web.dataVolumeFinalSnapshot", web.dataVolumeFinalSnapshot, required);
    if (db.backupRetentionDays < 7) fail("database.backupRetentionDays", db.backupRetentionDays, "an integer from 7 to 35 in a production environment");
    if (!env.preventDestroy) fail("preventDestroy", env.preventDestroy, required);
    if (!profiles.tableDeletionProtection) fail("profiles.tableDeletionProtection", profiles.tableDeletionProtection, required);
    if (!updater.tracing) fail("profiles.updater.tracing", updater.tracing, required);
    if (!net.flowLogs) fail("network.flowLogs", net.flowLogs, required);
    uploads.corsAllowedOrigins.forEach((origin, i) => {
      if (!origin.startsWith("https://")) fail(`uploads.corsAllowedOrigins[${i}]`, origin, 'an "https://" origin in a production environment (no plain-HTTP or localhost origins)');
    });
    if (ops.alarmEmails.length === 0 && ops.alarmHttpsEndpoint === undefined) {
      fail("operations.alarmEmails", ops.alarmEmails, "at least one address (or operations.alarmHttpsEndpoint) in a production environment: alarms must reach someone");
    }
    if (!web.dataVolumeSnapshots) fail("web.dataVolumeSnapshots", web.dataVolumeSnapshots, "a daily snapshot schedule { time, retainCount } in a production environment");
    if (edge.origin !== "vpcOrigin") fail("edge.origin", edge.origin, '"vpcOrigin" in a production environment (the web server gets no public address)');
    if (!edge.waf) fail("edge.waf", edge.waf, required);
    if (!edge.accessLogs) fail("edge.accessLogs", edge.accessLogs, required);
  }
  return env;
}
