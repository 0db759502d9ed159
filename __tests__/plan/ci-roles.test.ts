import config, { BootstrapConfig } from "../../bootstrap/config";
import { DEPLOYABLE_TYPES } from "../../bootstrap/ci-permissions";
import dev from "../../environments/dev";
import prod from "../../environments/prod";
import { allows as iamAllows, attachedStatements as attachedIn, policyDocument, roleNamed as roleIn, synthBootstrap } from "../support/ci-roles";
import { synthEnvironment } from "../support/synth";

const synth = (cfg: BootstrapConfig = config) => synthBootstrap(cfg);
const tf = synth();
const repo = `${config.github.owner}/${config.github.repository}`;
const roles = Object.values(tf.resource.aws_iam_role);
const roleNamed = (name: string) => roleIn(tf, name);
const docOf = (ref: string) => policyDocument(tf, ref);
const attachedStatements = (roleId: string) => attachedIn(tf, roleId);

describe("GitHub OIDC provider and CI roles (bootstrap stack)", () => {
  it("creates the GitHub OIDC provider for audience sts.amazonaws.com, without a thumbprint", () => {
    const providers = Object.values(tf.resource.aws_iam_openid_connect_provider);
    expect(providers).toEqual([{ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] }]);
  });

  it("creates a plan and a deploy role per configured environment, outside the environments' name prefixes", () => {
    expect(roles.map((r) => r.name).sort()).toEqual(config.github.environments.flatMap((e) => [`webplatform-github-${e}-deploy`, `webplatform-github-${e}-plan`]).sort());
    for (const env of config.github.environments) {
      expect(tf.output[`${env}_plan_role_arn`]).toBeDefined();
      expect(tf.output[`${env}_deploy_role_arn`]).toBeDefined();
    }
  });

  it("has a plan and deploy role for every environment in environments/", () => {
    expect([...config.github.environments].sort()).toEqual([dev.name, prod.name].sort());
  });

  describe.each(config.github.environments)("%s", (env) => {
    const expected = { plan: `repo:${repo}:pull_request`, deploy: `repo:${repo}:environment:${env}` };
    it.each(["plan", "deploy"] as const)("the %s role trusts only this repository's exact subject, for audience sts.amazonaws.com", (kind) => {
      const { role } = roleNamed(`webplatform-github-${env}-${kind}`);
      const trust = docOf(role.assume_role_policy);
      expect(trust.statement).toHaveLength(1);
      const [s] = trust.statement;
      expect(s.effect).toBe("Allow");
      expect(s.actions).toEqual(["sts:AssumeRoleWithWebIdentity"]);
      const providerId = Object.keys(tf.resource.aws_iam_openid_connect_provider)[0];
      expect(s.principals).toEqual([{ type: "Federated", identifiers: [`\${aws_iam_openid_connect_provider.${providerId}.arn}`] }]);
      expect(s.condition).toEqual([
        { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
        { test: "StringEquals", variable: "token.actions.githubusercontent.com:sub", values: [expected[kind]] },
      ]);
      expect(JSON.stringify(trust)).not.toMatch(/[*?]/);
    });

    it("the plan role reads (AWS ReadOnlyAccess), reads its state and takes its lock, and nothing else", () => {
      const { id } = roleNamed(`webplatform-github-${env}-plan`);
      const { statements, awsManaged } = attachedStatements(id);
      expect(awsManaged).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
      const allows = statements.filter((s) => s.effect !== "Deny");
      const state = `arn:aws:s3:::${config.stateBucketName}/webplatform/${env}/terraform.tfstate`;
      expect(allows.map((s) => [s.actions, s.resources])).toEqual([
        [["s3:ListBucket"], [`arn:aws:s3:::${config.stateBucketName}`]],
        [["s3:GetObject"], [state]],
        [["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [`${state}.tflock`]],
      ]);
      const denyObjects = statements.find((s) => s.sid === "DenyObjectReadsOutsideState")!;
      // The web app's artifact is a build (aws_s3_object is refreshed with HeadObject), not data.
      const artifacts = `arn:aws:s3:::webplatform-${env}-artifacts-*/web-app/*`;
      expect(denyObjects).toMatchObject({ effect: "Deny", actions: ["s3:GetObject", "s3:GetObjectVersion"], not_resources: [state, `${state}.tflock`, artifacts] });
      expect(iamAllows(statements, "s3:GetObject", `arn:aws:s3:::webplatform-prod-uploads-abc/uploads/u/f.png`)).toBe(false);
      expect(iamAllows(statements, "s3:GetObject", `arn:aws:s3:::webplatform-${env}-artifacts-abc/uploads/u/f.png`)).toBe(false);
      expect(iamAllows(statements, "s3:GetObject", state)).toBe(true);
      // Launching from `resolve:ssm:` reads AWS's public AMI parameter as the caller: not denied. The account's own parameters are.
      const denies = statements.filter((s) => s.effect === "Deny");
      expect(iamAllows([...denies, { actions: ["ssm:GetParameters"], resources: ["*"] }], "ssm:GetParameters", "arn:aws:ssm:eu-west-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64")).toBe(true);
      expect(iamAllows([...denies, { actions: ["ssm:GetParameters"], resources: ["*"] }], "ssm:GetParameters", "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db-password")).toBe(false);
    });

    it("the deploy role holds no *:*, no service:* and no iam action on Resource *", () => {
      const { id } = roleNamed(`webplatform-github-${env}-deploy`);
      const { statements, awsManaged } = attachedStatements(id);
      expect(awsManaged).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
      const allows = statements.filter((s) => s.effect !== "Deny");
      expect(allows.length).toBeGreaterThan(10);
      for (const s of allows) {
        expect(s.not_actions ?? []).toEqual([]);
        expect(s.not_resources ?? []).toEqual([]);
        for (const action of s.actions!) expect(action).not.toMatch(/^\*$|:\*$/);
        if (s.resources!.includes("*")) {
          // Only actions that take no resource (kms:CreateKey), and only for requests tagged with this
          // project and environment; never an IAM action.
          const vars = (s.condition ?? []).map((c) => `${c.test} ${c.variable}=${c.values.join(",")}`);
          expect({ sid: s.sid, vars }).toEqual({ sid: s.sid, vars: ["StringEquals aws:RequestTag/Project=webplatform", `StringEquals aws:RequestTag/Environment=${env}`] });
          expect(s.actions!.filter((a) => a.startsWith("iam:"))).toEqual([]);
        }
      }
      const iam = allows.filter((s) => s.actions!.some((a) => a.startsWith("iam:")));
      const resources = iam.flatMap((s) => s.resources!);
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources) expect(r).toMatch(new RegExp(`^arn:aws:iam::\\*:(role|policy|instance-profile)/(webplatform-${env}-\\*|aws-service-role/\\*)$`));
    });

    it("the deploy role scopes EC2 and DLM writes by the Project and Environment tags", () => {
      const { id } = roleNamed(`webplatform-github-${env}-deploy`);
      const tagged = attachedStatements(id).statements.filter((s) => s.effect !== "Deny" && s.actions!.some((a) => /^(ec2|dlm):/.test(a)));
      for (const s of tagged.filter((t) => t.sid !== "Ec2LaunchFromImages")) {
        const vars = (s.condition ?? []).map((c) => `${c.variable}=${c.values.join(",")}`);
        if (s.sid === "Ec2TagWhileCreating") {
          expect(vars).toEqual([expect.stringMatching(/^ec2:CreateAction=/)]);
          continue;
        }
        expect(vars).toEqual(expect.arrayContaining([expect.stringMatching(/^aws:(Request|Resource)Tag\/Project=webplatform$/), expect.stringMatching(new RegExp(`^aws:(Request|Resource)Tag/Environment=${env}$`))]));
      }
      expect(tagged.find((s) => s.sid === "Ec2LaunchFromImages")!.resources).toEqual(["arn:aws:ec2:eu-west-1::image/*"]);
      // Whatever may be created tagged may also be tagged in that same call (TagSpecifications need ec2:CreateTags).
      const creates = tagged.find((s) => s.sid === "Ec2CreateTagged")!.actions!.map((a) => a.replace("ec2:", ""));
      expect(tagged.find((s) => s.sid === "Ec2TagWhileCreating")!.condition![0].values).toEqual(creates);
    });

    it("the deploy role may not change the CI roles or attach admin policies", () => {
      const { id } = roleNamed(`webplatform-github-${env}-deploy`);
      const denies = attachedStatements(id).statements.filter((s) => s.effect === "Deny");
      expect(denies.find((s) => s.sid === "DenyChangingCiRoles")).toMatchObject({ not_actions: ["iam:Get*", "iam:List*"], resources: ["arn:aws:iam::*:role/webplatform-github-*", "arn:aws:iam::*:policy/webplatform-github-*"] });
      expect(denies.find((s) => s.sid === "DenyAdminPolicies")!.condition![0].values).toContain("arn:aws:iam::aws:policy/AdministratorAccess");
    });
  });

  it("each environment keeps its state where its roles may read and lock it: the bootstrap bucket, <project>/<env>/terraform.tfstate", () => {
    for (const env of [dev, prod]) {
      expect(env.backend).toEqual({ type: "s3", bucket: config.stateBucketName, region: config.region });
      expect(env.project).toBe(config.project);
    }
  });

  it("covers every resource type the environment stacks create", () => {
    const types = new Set([dev, prod].flatMap((env) => Object.keys(synthEnvironment(env, { guardrails: { log: () => {} } }).tf.resource)));
    expect([...types].filter((t) => !DEPLOYABLE_TYPES.includes(t))).toEqual([]);
  });

  it("pins the account in ARNs when exactly one account is allowed", () => {
    const pinned = synth({ ...config, allowedAccountIds: ["123456789012"] });
    expect(JSON.stringify(pinned.data)).toContain("arn:aws:iam::123456789012:role/webplatform-prod-*");
    expect(JSON.stringify(pinned.data)).not.toContain("arn:aws:iam::*:role/webplatform-prod-*");
  });

  it("reuses an existing OIDC provider instead of creating a second one", () => {
    const arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    const reused = synth({ ...config, github: { ...config.github, existingOidcProviderArn: arn } });
    expect(reused.resource.aws_iam_openid_connect_provider).toBeUndefined();
    const trust = Object.values(reused.data.aws_iam_policy_document).filter((d) => JSON.stringify(d).includes("AssumeRoleWithWebIdentity"));
    expect(trust).toHaveLength(4);
    for (const d of trust) expect(d.statement[0].principals).toEqual([{ type: "Federated", identifiers: [arn] }]);
  });

  it.each([
    [{ owner: "*" }, 'github.owner is "*"; allowed: a GitHub user or organization name'],
    [{ owner: "acme-*" }, 'github.owner is "acme-*"; allowed:'],
    [{ owner: "-acme" }, 'github.owner is "-acme"; allowed:'],
    [{ repository: "*" }, 'github.repository is "*"; allowed: a GitHub repository name'],
    [{ repository: "infra?" }, 'github.repository is "infra?"; allowed:'],
    [{ repository: ".." }, 'github.repository is ".."; allowed:'],
    [{ environments: [] }, "github.environments is []; allowed: a non-empty list of distinct environment names"],
    [{ environments: ["dev", "dev"] }, 'github.environments is ["dev","dev"]; allowed:'],
    [{ environments: ["Prod"] }, 'github.environments is ["Prod"]; allowed:'],
    [{ existingOidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/example.com" }, "github.existingOidcProviderArn is"],
  ])("rejects github config %j with one line naming the field", (override, message) => {
    expect(() => synth({ ...config, github: { ...config.github, ...override } as BootstrapConfig["github"] })).toThrow(`Invalid bootstrap config bootstrap/config.ts: ${message}`);
    try {
      synth({ ...config, github: { ...config.github, ...override } as BootstrapConfig["github"] });
    } catch (error) {
      expect((error as Error).message).not.toContain("\n");
    }
  });

  it("rejects a missing github section", () => {
    expect(() => synth({ ...config, github: undefined as unknown as BootstrapConfig["github"] })).toThrow("Invalid bootstrap config bootstrap/config.ts: github is missing");
  });
});
