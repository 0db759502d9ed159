import { execFile } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { promisify } from "util";
import config from "../../bootstrap/config";
import { pulledState, recordPlan, refusal } from "../../scripts/ci/saved-plan";
import { terraformEnv } from "../../scripts/terraform-cli";
import { ActionRecorder, ObservedCall, RecordingProxy, startRecordingProxy } from "../support/aws-action-recorder";
import { allows, attachedStatements, roleNamed, synthBootstrap } from "../support/ci-roles";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../support/dynalite";
import { LocalS3, startS3Endpoint } from "../support/s3-endpoint";
import { describeWithTerraform, terraform } from "../support/terraform";

const run = promisify(execFile);

// Real terraform with the environments' S3 backend settings (encrypt, use_lockfile, the key
// <project>/<env>/terraform.tfstate) against s3rver, behind a proxy that records the IAM action of
// every request: what `plan` and `apply` do to the state and its lock must be what the CI roles of
// the bootstrap stack allow, and the saved-plan check must see the remote state's serial move.
describeWithTerraform("CI roles against real terraform S3-backend traffic (s3rver)", () => {
  const bucket = config.stateBucketName;
  const key = "webplatform/prod/terraform.tfstate";
  const tf = synthBootstrap(config);
  const statementsOf = (name: string) => attachedStatements(tf, roleNamed(tf, name).id).statements;
  const planRole = statementsOf("webplatform-github-prod-plan");
  const deployRole = statementsOf("webplatform-github-prod-deploy");
  const devPlanRole = statementsOf("webplatform-github-dev-plan");
  const arn = (c: ObservedCall) => `arn:aws:s3:::${c.resource}`;

  let s3: LocalS3;
  let proxy: RecordingProxy;
  let dir: string;
  const recorder = new ActionRecorder();

  async function terraformRun(args: string[]): Promise<{ stdout: string; calls: ObservedCall[] }> {
    const before = recorder.calls().length;
    const env = { ...terraformEnv(terraform), AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey, AWS_EC2_METADATA_DISABLED: "true" };
    // Asynchronous: s3rver and the proxy run in this process and must keep answering.
    const { stdout } = await run(terraform.terraform!, args, { cwd: dir, env, encoding: "utf8", timeout: 90_000 });
    return { stdout, calls: recorder.calls().slice(before) as ObservedCall[] };
  }

  function configure(input: string): void {
    const backend = {
      bucket,
      key,
      region: LOCAL_REGION,
      encrypt: true,
      use_lockfile: true,
      endpoints: { s3: proxy.endpoint },
      use_path_style: true,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
      skip_s3_checksum: true,
    };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { backend: { s3: backend } }, resource: { terraform_data: { x: { input } } } }));
  }

  async function plan(into: string, input: string) {
    configure(input);
    const made = await terraformRun(["plan", "-input=false", "-no-color", `-out=${join(dir, into, "plan.tfplan")}`]);
    writeFileSync(join(dir, into, "plan.json"), (await terraformRun(["show", "-json", join(dir, into, "plan.tfplan")])).stdout);
    return { calls: made.calls, record: recordPlan(join(dir, into)) };
  }

  beforeAll(async () => {
    s3 = await startS3Endpoint([bucket]);
    proxy = await startRecordingProxy({ service: "s3", upstream: s3.endpoint, recorder });
    dir = mkdtempSync(join(tmpdir(), "state-access-"));
    for (const sub of ["first", "second", "third"]) mkdirSync(join(dir, sub));
    configure("a");
    await terraformRun(["init", "-input=false", "-no-color"]);
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await s3?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a plan reads the state and takes and releases the lock object: all allowed to the plan role, none to another environment's", async () => {
    const { calls } = await plan("first", "a");
    const seen = calls.map((c) => `${c.action} ${c.resource}`);
    expect(seen).toEqual(expect.arrayContaining([`s3:PutObject ${bucket}/${key}.tflock`, `s3:DeleteObject ${bucket}/${key}.tflock`, `s3:GetObject ${bucket}/${key}`]));
    expect(seen).not.toContain(`s3:PutObject ${bucket}/${key}`);
    expect(calls.filter((c) => !allows(planRole, c.action, arn(c))).map((c) => `${c.action} ${c.resource}`)).toEqual([]);
    expect(calls.filter((c) => c.resource.includes("/")).every((c) => !allows(devPlanRole, c.action, arn(c)))).toBe(true);
  }, 120_000);

  it("an apply also writes the state: allowed to the deploy role, refused to the plan role", async () => {
    const second = await plan("second", "b");
    const applied = await terraformRun(["apply", "-input=false", "-no-color", join(dir, "first", "plan.tfplan")]);
    const writes = applied.calls.filter((c) => c.action === "s3:PutObject" && c.resource === `${bucket}/${key}`);
    expect(writes.length).toBeGreaterThan(0);
    expect(applied.calls.filter((c) => !allows(deployRole, c.action, arn(c))).map((c) => `${c.action} ${c.resource}`)).toEqual([]);
    expect(writes.every((c) => !allows(planRole, c.action, arn(c)))).toBe(true);

    // The plan made before that apply no longer matches the remote state.
    const now = pulledState((await terraformRun(["state", "pull"])).stdout);
    expect(now.serial).toBeGreaterThan(0);
    expect(refusal({ record: second.record, plan: readFileSync(join(dir, "second", "plan.tfplan")), current: now })).toMatch(/a different state|stale/);

    const third = await plan("third", "c");
    expect(refusal({ record: third.record, plan: readFileSync(join(dir, "third", "plan.tfplan")), current: now })).toBeUndefined();
  }, 180_000);
});
