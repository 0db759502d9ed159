/**
 * Config mistakes found by the adversarial review (issue "hardening", part 3): each used to
 * synthesize with exit 0 or print a stack trace; each now stops with one line naming the file, the
 * field and what is allowed.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";
import dev from "../environments/dev";
import prod from "../environments/prod";
import { EnvironmentConfig } from "../environments/config";
import { isDbInstanceClass, isInstanceType } from "../environments/aws-names";
import { environmentNames, loadEnvironments } from "../environments/load";
import { ConfigError } from "../environments/validate";
import { Mutable, validateChanged } from "./support/config-edit";

const devError = (detail: string) => `Invalid environment config environments/dev.ts (environment "dev"): ${detail}`;
const prodError = (detail: string) => `Invalid environment config environments/prod.ts (environment "prod"): ${detail}`;
const SIZES = "nano, micro, small, medium, large, xlarge, <N>xlarge, metal";
const TAG_CHARS = "letters, digits, spaces and _ . : / = + - @";

describe("instance types, classes, regions and AZs are real AWS names", () => {
  const cases: [string, EnvironmentConfig, (env: Mutable<EnvironmentConfig>) => void, string][] = [
    ["misspelt instance size", dev, (e) => (e.web.instanceType = "t4g.mirco"), devError(`web.instanceType is "t4g.mirco"; allowed: an EC2 instance type "<family>.<size>" such as "t4g.small", size one of ${SIZES}.`)],
    ["misspelt DB class size", dev, (e) => (e.database.instanceClass = "db.t4g.mirco"), devError(`database.instanceClass is "db.t4g.mirco"; allowed: an RDS instance class "db.<family>.<size>" such as "db.t4g.micro", size one of ${SIZES}.`)],
    ["DB class without db. prefix", dev, (e) => (e.database.instanceClass = "t4g.micro"), devError(`database.instanceClass is "t4g.micro"; allowed: an RDS instance class "db.<family>.<size>" such as "db.t4g.micro", size one of ${SIZES}.`)],
    ["1xlarge is not a size", dev, (e) => (e.web.instanceType = "m7g.1xlarge"), devError(`web.instanceType is "m7g.1xlarge"; allowed: an EC2 instance type "<family>.<size>" such as "t4g.small", size one of ${SIZES}.`)],
    ["an AZ letter the region does not have", dev, (e) => (e.network.availabilityZones[1] = "eu-west-1z"), devError('network.availabilityZones[1] is "eu-west-1z"; allowed: "eu-west-1a", "eu-west-1b", "eu-west-1c".')],
    ["a region the project does not know", dev, (e) => (e.region = "eu-west-9"), devError('region is "eu-west-9"; allowed: a region listed in environments/aws-names.ts (add it there with its AZ letters), e.g. "eu-west-1".')],
  ];
  it.each(cases)("%s", (_title, base, edit, message) => {
    const run = validateChanged(base, edit);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(new Error(message));
  });

  it.each(["t4g.micro", "m7g.large", "c7gn.16xlarge", "m7i-flex.2xlarge", "u-6tb1.metal", "c7i.metal-24xl", "r6gd.xlarge", "t3.nano"])(
    "accepts the instance type %s",
    (type) => expect(isInstanceType(type)).toBe(true),
  );
  it.each(["db.t4g.micro", "db.m7g.large", "db.r6gd.16xlarge", "db.x2g.metal"])("accepts the DB class %s", (cls) => expect(isDbInstanceClass(cls)).toBe(true));
  it.each(["t4g.mirco", "t4g", "t4g.", ".micro", "t4g.micro.x", "T4G.MICRO", "t4g.0xlarge", "t4g.02xlarge"])("rejects the instance type %s", (type) =>
    expect(isInstanceType(type)).toBe(false),
  );
});

describe("tags follow AWS's rules", () => {
  const cases: [string, (env: Mutable<EnvironmentConfig>) => void, string][] = [
    ["a string instead of an object", (e) => ((e as { tags: unknown }).tags = "oops"), devError('tags is "oops"; allowed: an object of string values, e.g. { Owner: "team-web" }.')],
    ["a list instead of an object", (e) => ((e as { tags: unknown }).tags = ["Owner"]), devError('tags is ["Owner"]; allowed: an object of string values, e.g. { Owner: "team-web" }.')],
    ["a number value", (e) => ((e as { tags: unknown }).tags = { Owner: 5 }), devError("tags.Owner is 5; allowed: a string of at most 256 characters.")],
    ["an object value", (e) => ((e as { tags: unknown }).tags = { Owner: { a: 1 } }), devError('tags.Owner is {"a":1}; allowed: a string of at most 256 characters.')],
    ["a value over 256 characters", (e) => (e.tags = { Owner: "x".repeat(257) }), devError(`tags.Owner is "${"x".repeat(257)}"; allowed: a string of at most 256 characters.`)],
    ["a key over 128 characters", (e) => (e.tags = { ["k".repeat(129)]: "v" }), devError(`tags["${"k".repeat(129)}"] is "${"k".repeat(129)}"; allowed: a key of 1 to 128 characters.`)],
    ["a key with a character AWS refuses", (e) => (e.tags = { "Owner!": "web" }), devError(`tags["Owner!"] is "Owner!"; allowed: a key of ${TAG_CHARS}.`)],
    ["a value with a character AWS refuses", (e) => (e.tags = { Owner: "web;rm" }), devError(`tags.Owner is "web;rm"; allowed: a string of ${TAG_CHARS}.`)],
    ["a key in AWS's namespace", (e) => (e.tags = { "aws:owner": "web" }), devError('tags["aws:owner"] is "aws:owner"; allowed: a key not starting with "aws:" (reserved for AWS).')],
    [
      "more tags than AWS allows with the stack's",
      (e) => (e.tags = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`Tag${i}`, "v"]))),
      devError('tags is "46 tags"; allowed: at most 45 (AWS allows 50 per resource; the stack adds "Project", "Environment", "ManagedBy" and constructs up to 2 more).'),
    ],
  ];
  it.each(cases)("%s", (_title, edit, message) => {
    const run = validateChanged(dev, edit);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(new Error(message));
  });

  it("accepts unicode letters, spaces, the allowed punctuation and 45 tags", () => {
    expect(validateChanged(dev, (e) => (e.tags = { "Cost Centre": "Zürich/42 + ops@example.com", "team:name": "web_platform=1.0-a" }))).not.toThrow();
    expect(validateChanged(dev, (e) => (e.tags = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`Tag${i}`, ""]))))).not.toThrow();
  });
});

describe("a production environment", () => {
  it("refuses a plain-HTTP CORS origin", () => {
    const run = validateChanged(prod, (e) => (e.uploads.corsAllowedOrigins = ["https://app.example.com", "http://localhost:3000"]));
    expect(run).toThrow(new Error(prodError('uploads.corsAllowedOrigins[1] is "http://localhost:3000"; allowed: an "https://" origin in a production environment (no plain-HTTP or localhost origins).')));
  });

  it("is fine with HTTPS origins (and dev may keep localhost)", () => {
    expect(validateChanged(prod, () => undefined)).not.toThrow();
    expect(dev.uploads.corsAllowedOrigins).toContain("http://localhost:3000");
  });
});

describe("environment files that cannot be loaded", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "envs-"));
    const source = join(__dirname, "..", "environments");
    for (const f of readdirSync(source)) copyFileSync(join(source, f), join(dir, f));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const expectOneLine = (message: string) => {
    let error: unknown;
    try {
      loadEnvironments(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text.split("\n")).toHaveLength(1);
    expect(text).toBe(message);
  };
  const file = (name: string) => relative(process.cwd(), join(dir, name));

  it("one that throws at import", () => {
    writeFileSync(join(dir, "staging.ts"), 'throw new Error("STAGING_ACCOUNT is not set\\nsecond line");\nexport default {};\n');
    expectOneLine(`Invalid environment config ${file("staging.ts")} (environment "staging"): the file fails to load: STAGING_ACCOUNT is not set`);
  });

  it("one that imports a missing module", () => {
    writeFileSync(join(dir, "staging.ts"), 'import base from "./devv";\nexport default base;\n');
    expect(() => loadEnvironments(dir)).toThrow(ConfigError);
    expect(() => loadEnvironments(dir)).toThrow(
      new RegExp(`^Invalid environment config ${file("staging.ts").replace(/[.]/g, "\\.")} \\(environment "staging"\\): the file fails to load: Cannot find module '\\./devv'[^\\n]*$`),
    );
  });

  it("a stale compiled .js beside its .ts is refused, not loaded", () => {
    writeFileSync(join(dir, "dev.js"), 'exports.default = { name: "dev", web: { instanceType: "t3.nano" } };\n');
    expect(() => environmentNames(dir)).toThrow(
      new Error(`Invalid environment config ${file("dev.js")} (environment "dev"): compiled JavaScript beside dev.ts is not loaded; only the .ts sources of environments/ are. Delete dev.js (and any other compiled output in that folder).`),
    );
  });

  it("only .ts sources are environments", () => {
    writeFileSync(join(dir, "notes.md"), "# not an environment\n");
    expect(environmentNames(dir)).toEqual(["dev", "prod"]);
  });
});
