import { mkdtempSync, readdirSync, copyFileSync, writeFileSync, rmSync } from "fs";
import { join } from "path";
import { tmpdir } from "os";
import dev from "../environments/dev";
import prod from "../environments/prod";
import { EnvironmentConfig } from "../environments/config";
import { environmentNames, loadEnvironments } from "../environments/load";
import { ConfigError } from "../environments/validate";
import { Mutable, validateChanged } from "./support/config-edit";

const devError = (detail: string) => `Invalid environment config environments/dev.ts (environment "dev"): ${detail}`;
const prodError = (detail: string) => `Invalid environment config environments/prod.ts (environment "prod"): ${detail}`;

describe("environment files", () => {
  it("are discovered from the folder, support files excluded", () => {
    expect(environmentNames()).toEqual(["dev", "prod"]);
  });

  it("dev and prod are valid", () => {
    expect(loadEnvironments().map((e) => e.name)).toEqual(["dev", "prod"]);
  });

  it("a third environment needs only its own file", () => {
    const dir = mkdtempSync(join(tmpdir(), "envs-"));
    try {
      const source = join(__dirname, "..", "environments");
      for (const f of readdirSync(source)) copyFileSync(join(source, f), join(dir, f));
      writeFileSync(
        join(dir, "staging.ts"),
        'import dev from "./dev";\nexport default { ...dev, name: "staging", network: { ...dev.network, vpcCidr: "10.30.0.0/16", publicSubnetCidrs: ["10.30.0.0/24", "10.30.1.0/24"], privateSubnetCidrs: ["10.30.10.0/24", "10.30.11.0/24"], databaseSubnetCidrs: ["10.30.20.0/24", "10.30.21.0/24"] } };\n',
      );
      expect(loadEnvironments(dir).map((e) => e.name)).toEqual(["dev", "prod", "staging"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("invalid config stops with one message naming file, field and allowed values", () => {
  const cases: [string, EnvironmentConfig, (env: Mutable<EnvironmentConfig>) => void, string][] = [
    [
      "malformed VPC CIDR",
      dev,
      (e) => (e.network.vpcCidr = "10.10.0.0/33"),
      devError('network.vpcCidr is "10.10.0.0/33"; allowed: an IPv4 CIDR block "a.b.c.d/n" with n from 16 to 28 and no host bits set.'),
    ],
    [
      "CIDR with host bits",
      dev,
      (e) => (e.network.publicSubnetCidrs[0] = "10.10.0.7/24"),
      devError('network.publicSubnetCidrs[0] is "10.10.0.7/24"; allowed: an IPv4 CIDR block "a.b.c.d/n" with n from 16 to 28 and no host bits set.'),
    ],
    [
      "overlapping subnets",
      dev,
      (e) => (e.network.privateSubnetCidrs[1] = "10.10.1.128/25"),
      devError('network.privateSubnetCidrs[1] is "10.10.1.128/25"; allowed: a block that does not overlap network.publicSubnetCidrs[1] 10.10.1.0/24.'),
    ],
    [
      "subnet outside the VPC",
      dev,
      (e) => (e.network.databaseSubnetCidrs[1] = "10.99.21.0/24"),
      devError('network.databaseSubnetCidrs[1] is "10.99.21.0/24"; allowed: a block inside network.vpcCidr 10.10.0.0/16.'),
    ],
    [
      "fewer than 2 AZs",
      dev,
      (e) => (e.network.availabilityZones = ["eu-west-1a"]),
      devError('network.availabilityZones is ["eu-west-1a"]; allowed: 2 to 6 distinct AZs of eu-west-1, e.g. "eu-west-1a", "eu-west-1b".'),
    ],
    [
      "AZ not in the region",
      dev,
      (e) => (e.network.availabilityZones[1] = "us-east-1b"),
      devError('network.availabilityZones[1] is "us-east-1b"; allowed: "eu-west-1a", "eu-west-1b", "eu-west-1c".'),
    ],
    [
      "subnet count differs from AZ count",
      dev,
      (e) => (e.network.privateSubnetCidrs = ["10.10.10.0/24"]),
      devError('network.privateSubnetCidrs is ["10.10.10.0/24"]; allowed: exactly one CIDR per AZ (2).'),
    ],
    [
      "unknown NAT mode",
      dev,
      (e) => ((e.network as { natMode: string }).natMode = "double"),
      devError('network.natMode is "double"; allowed: "none", "single", "perAz".'),
    ],
    [
      "backup retention above range",
      dev,
      (e) => (e.database.backupRetentionDays = 36),
      devError("database.backupRetentionDays is 36; allowed: an integer from 1 to 35."),
    ],
    [
      "backup retention of zero (no backups)",
      dev,
      (e) => (e.database.backupRetentionDays = 0),
      devError("database.backupRetentionDays is 0; allowed: an integer from 1 to 35."),
    ],
    [
      "prod with deletion protection off",
      prod,
      (e) => (e.database.deletionProtection = false),
      prodError("database.deletionProtection is false; allowed: true in a production environment."),
    ],
    [
      "prod with single-AZ RDS",
      prod,
      (e) => (e.database.multiAz = false),
      prodError("database.multiAz is false; allowed: true in a production environment."),
    ],
    [
      "prod without prevent_destroy",
      prod,
      (e) => (e.preventDestroy = false),
      prodError("preventDestroy is false; allowed: true in a production environment."),
    ],
    [
      "prod without data-volume snapshots",
      prod,
      (e) => delete e.web.dataVolumeSnapshots,
      prodError("web.dataVolumeSnapshots is missing; allowed: a daily snapshot schedule { time, retainCount } in a production environment."),
    ],
    [
      "name differs from the file name",
      dev,
      (e) => (e.name = "develop"),
      'Invalid environment config environments/dev.ts (environment "develop"): name is "develop"; allowed: "dev" (the file name; it becomes the stack id).',
    ],
    [
      "instance type of the wrong architecture",
      dev,
      (e) => (e.web.instanceType = "t3.micro"),
      devError('web.architecture is "arm64"; allowed: "x86_64" (instance type t3.micro is x86_64).'),
    ],
    [
      "log retention CloudWatch does not offer",
      dev,
      (e) => ((e as { logRetentionDays: number }).logRetentionDays = 10),
      devError("logRetentionDays is 10; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."),
    ],
    [
      "unsupported PostgreSQL version",
      dev,
      (e) => ((e.database as { engineMajorVersion: string }).engineMajorVersion = "12"),
      devError('database.engineMajorVersion is "12"; allowed: "15", "16", "17".'),
    ],
    [
      "wildcard CORS origin",
      dev,
      (e) => (e.uploads.corsAllowedOrigins = ["*"]),
      devError('uploads.corsAllowedOrigins[0] is "*"; allowed: an origin "https://host[:port]" (or "http://localhost[:port]"), no path and no wildcard.'),
    ],
    [
      "S3 backend without bucket",
      dev,
      (e) => (e.backend = { type: "s3", region: "eu-west-1" } as never),
      devError("backend.bucket is missing; allowed: an S3 bucket name (3-63 lower-case letters, digits, dots, dashes)."),
    ],
    [
      "alarm action that is not an SNS topic",
      dev,
      (e) => (e.profiles.updater.alarmActions = ["mailto:ops@example.com"]),
      devError('profiles.updater.alarmActions[0] is "mailto:ops@example.com"; allowed: an SNS topic ARN such as "arn:aws:sns:eu-west-1:123456789012:alerts".'),
    ],
    [
      "reserved tag",
      dev,
      (e) => (e.tags = { Environment: "x" }),
      devError('tags.Environment is "x"; allowed: any tag except "Project", "Environment", "ManagedBy" (set by the stack).'),
    ],
    [
      "unknown edge origin",
      dev,
      (e) => ((e.edge as { origin: string }).origin = "alb"),
      devError('edge.origin is "alb"; allowed: "public", "vpcOrigin".'),
    ],
    [
      "a VPC origin without NAT",
      dev,
      (e) => (e.edge.origin = "vpcOrigin"),
      devError('network.natMode is "none"; allowed: "single" or "perAz" when edge.origin is "vpcOrigin" (the private web server reaches SSM, Secrets Manager and CloudWatch Logs through NAT).'),
    ],
    [
      "origin-facing prefix list that is not a prefix list id",
      dev,
      (e) => (e.edge.originFacingPrefixListId = "com.amazonaws.global.cloudfront.origin-facing"),
      devError('edge.originFacingPrefixListId is "com.amazonaws.global.cloudfront.origin-facing"; allowed: the id of the AWS-managed prefix list com.amazonaws.global.cloudfront.origin-facing in eu-west-1 (e.g. "pl-4fa04526" in eu-west-1).'),
    ],
    [
      "custom domain with neither a certificate nor a zone",
      dev,
      (e) => (e.edge.domain = { names: ["app.example.com"] }),
      devError("edge.domain.certificateArn is missing; allowed: an issued ACM certificate in us-east-1 covering the names, or instead edge.domain.hostedZoneId (a Route 53 zone in which one is created)."),
    ],
    [
      "custom domain with both a certificate and a zone",
      dev,
      (e) => (e.edge.domain = { names: ["app.example.com"], certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab", hostedZoneId: "Z0123456789ABCDEFGHIJ" }),
      devError('edge.domain.hostedZoneId is "Z0123456789ABCDEFGHIJ"; allowed: absent when edge.domain.certificateArn is set (exactly one of the two).'),
    ],
    [
      "custom domain certificate outside us-east-1",
      dev,
      (e) => (e.edge.domain = { names: ["app.example.com"], certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab" }),
      devError('edge.domain.certificateArn is "arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab"; allowed: an ACM certificate ARN in us-east-1 (CloudFront uses certificates from us-east-1 only).'),
    ],
    [
      "custom domain name with an upper-case letter",
      dev,
      (e) => (e.edge.domain = { names: ["App.example.com"], hostedZoneId: "Z0123456789ABCDEFGHIJ" }),
      devError('edge.domain.names[0] is "App.example.com"; allowed: a lower-case DNS host name such as "app.example.com" (a wildcard only as the first label).'),
    ],
    [
      "login rate limit below what WAF accepts",
      dev,
      (e) => (e.edge.loginRateLimitPer5Minutes = 5),
      devError("edge.loginRateLimitPer5Minutes is 5; allowed: an integer from 100 to 2000000000."),
    ],
    [
      "prod without WAF",
      prod,
      (e) => (e.edge.waf = false),
      prodError("edge.waf is false; allowed: true in a production environment."),
    ],
    [
      "prod without edge access logs",
      prod,
      (e) => (e.edge.accessLogs = false),
      prodError("edge.accessLogs is false; allowed: true in a production environment."),
    ],
    [
      "prod with a public origin",
      prod,
      (e) => (e.edge.origin = "public"),
      prodError('edge.origin is "public"; allowed: "vpcOrigin" in a production environment (the web server gets no public address).'),
    ],
    [
      "prod relaxing the WAF guardrail",
      prod,
      (e) => (e.guardrails = { relaxations: [...prod.guardrails!.relaxations, { rule: "WP-CF-003", reason: "WAF costs money and we accept the risk." }] }),
      prodError('guardrails.relaxations[1].rule is "WP-CF-003"; allowed: any rule except "WP-CF-001", "WP-CF-003", "WP-SG-008", "WP-EC2-004" in a production environment.'),
    ],
    [
      "prod relaxing the public-IP guardrail",
      prod,
      (e) => (e.guardrails = { relaxations: [...prod.guardrails!.relaxations, { rule: "WP-EC2-004", scope: "web", reason: "The web server needs a public address." }] }),
      prodError('guardrails.relaxations[1].rule is "WP-EC2-004"; allowed: any rule except "WP-CF-001", "WP-CF-003", "WP-SG-008", "WP-EC2-004" in a production environment.'),
    ],
  ];

  it.each(cases)("%s", (_title, base, edit, message) => {
    const run = validateChanged(base, edit);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(new Error(message));
  });
});
