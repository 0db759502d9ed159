import { Cidr, cidrContains, cidrsOverlap, parseCidr } from "./cidr";
import { RULE_IDS } from "../policies/rules";
import {
  ARCHITECTURES,
  EnvironmentConfig,
  GuardrailRelaxation,
  LOG_RETENTION_DAYS,
  NAT_MODES,
  POSTGRES_MAJOR_VERSIONS,
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

const RESERVED_TAGS = ["Project", "Environment", "ManagedBy"];

/**
 * Checks one environment config and returns it typed. Throws ConfigError on the first problem, in
 * a fixed order (identity, backend, network, web, database, uploads, profiles, production rules).
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
  if (env.allowedAccountIds !== undefined) {
    stringList("allowedAccountIds", env.allowedAccountIds).forEach((id, i) =>
      pattern(`allowedAccountIds[${i}]`, id, /^\d{12}$/, "a 12-digit AWS account id"),
    );
  }
  for (const key of Object.keys(env.tags ?? {})) {
    if (RESERVED_TAGS.includes(key)) fail(`tags.${key}`, env.tags?.[key], `any tag except ${list(RESERVED_TAGS)} (set by the stack)`);
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
  const azPattern = new RegExp(`^${env.region}[a-z]$`);
  if (azs.length < 2 || azs.length > 6 || new Set(azs).size !== azs.length) {
    fail("network.availabilityZones", azs, `2 to 6 distinct AZs of ${env.region}, e.g. ${list([`${env.region}a`, `${env.region}b`])}`);
  }
  azs.forEach((az, i) => pattern(`network.availabilityZones[${i}]`, az, azPattern, `an AZ of region ${env.region} ("${env.region}" followed by one letter)`));
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
  pattern("web.instanceType", web.instanceType, /^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an EC2 instance type such as "t4g.small"');
  oneOf("web.architecture", web.architecture, ARCHITECTURES);
  const graviton = /^[a-z]+\d+[a-z]*g[a-z]*\./.test(web.instanceType);
  if (graviton !== (web.architecture === "arm64")) {
    fail("web.architecture", web.architecture, `${JSON.stringify(graviton ? "arm64" : "x86_64")} (instance type ${web.instanceType} is ${graviton ? "Graviton/arm64" : "x86_64"})`);
  }
  if (web.amiId !== undefined) pattern("web.amiId", web.amiId, /^ami-[0-9a-f]{8,17}$/, 'an AMI id such as "ami-0123456789abcdef0", or leave it out to use Amazon Linux 2023');
  int("web.rootVolumeSizeGiB", web.rootVolumeSizeGiB, 8, 16384);
  int("web.dataVolumeSizeGiB", web.dataVolumeSizeGiB, 1, 16384);
  stringList("web.allowedIngressCidrs", web.allowedIngressCidrs).forEach((text, i) =>
    cidr(`web.allowedIngressCidrs[${i}]`, text, 0, 32),
  );
  bool("web.detailedMonitoring", web.detailedMonitoring);
  if (web.dataVolumeSnapshots !== undefined) {
    pattern("web.dataVolumeSnapshots.time", web.dataVolumeSnapshots.time, /^([01]\d|2[0-3]):[0-5]\d$/, 'a UTC time "HH:MM"');
    int("web.dataVolumeSnapshots.retainCount", web.dataVolumeSnapshots.retainCount, 1, 1000);
  }

  // Database
  const db = env.database ?? ({} as EnvironmentConfig["database"]);
  pattern("database.instanceClass", db.instanceClass, /^db\.[a-z0-9]+\.[a-z0-9]+$/, 'an RDS instance class such as "db.t4g.micro"');
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
    if (db.backupRetentionDays < 7) fail("database.backupRetentionDays", db.backupRetentionDays, "an integer from 7 to 35 in a production environment");
    if (!env.preventDestroy) fail("preventDestroy", env.preventDestroy, required);
    if (!profiles.tableDeletionProtection) fail("profiles.tableDeletionProtection", profiles.tableDeletionProtection, required);
    if (!updater.tracing) fail("profiles.updater.tracing", updater.tracing, required);
    if (!net.flowLogs) fail("network.flowLogs", net.flowLogs, required);
    if (!web.dataVolumeSnapshots) fail("web.dataVolumeSnapshots", web.dataVolumeSnapshots, "a daily snapshot schedule { time, retainCount } in a production environment");
  }
  return env;
}
