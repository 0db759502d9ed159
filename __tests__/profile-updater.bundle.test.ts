/**
 * The deployed code, end to end: the esbuild bundle that goes into the Lambda zip runs in a fresh
 * Node process against dynalite + s3rver behind the recording proxy. What it calls is then compared
 * with what the synthesized stack grants the function's role: least privilege, proved.
 */
import { execFile } from "child_process";
import { readFileSync } from "fs";
import { promisify } from "util";
import { unzipSync } from "fflate";
import type { S3Event } from "aws-lambda";
import { Testing } from "cdktf";
import dev from "../environments/dev";
import { PlatformStack, PROFILE_PICTURES_PREFIX } from "../stacks/platform-stack";
import { calledPairs, calledResource, GrantedStatement, grantedPairs, roleStatements } from "./support/least-privilege";
import { LocalAws, startLocalAws } from "./support/local-aws";
import { removedRecord, s3Event, s3Record } from "./support/s3-endpoint";

const run = promisify(execFile);

// One synth: the stack's own bundle (exactly the index.js inside its zip) and its IAM grants.
const app = Testing.app();
const stack = new PlatformStack(app, dev, { guardrails: { log: () => {} } });
const synthesized = JSON.parse(Testing.synth(stack)) as { data: { aws_iam_policy_document: Record<string, { statement: GrantedStatement[] }> } };
const bundle = stack.profileUpdater.bundle;

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(async () => aws?.close());

/** Runs the bundled handler on `event` in a new Node process (asynchronously: the servers live in this one). */
async function invokeBundle(event: S3Event): Promise<{ results: { outcome: string; reason?: string }[] }> {
  const script = `require(${JSON.stringify(bundle.scriptPath)}).handler(JSON.parse(process.argv[1]))
    .then((r) => process.stdout.write("\\n@@RESULT@@" + JSON.stringify(r)), (e) => { console.error(e); process.exit(1); })`;
  const env = { PATH: process.env.PATH, ...aws.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  const { stdout } = await run(process.execPath, ["-e", script, JSON.stringify(event)], { env });
  return JSON.parse(stdout.split("@@RESULT@@")[1]);
}

const when = (second: number) => `2026-11-25T10:00:${String(second).padStart(2, "0")}.000Z`;

describe("the built profile-updater bundle", () => {
  it("is exactly the index.js inside the zip the stack deploys (also when reused from the build cache)", () => {
    const fromZip = unzipSync(readFileSync(bundle.zipPath))["index.js"];
    expect(Buffer.from(fromZip).equals(readFileSync(bundle.scriptPath))).toBe(true);
  });

  it("records an accepted upload", async () => {
    const key = `${PROFILE_PICTURES_PREFIX}user-1/me.jpg`;
    const { eTag, size } = await aws.putObject(key, Buffer.alloc(2048, 1), "image/jpeg");
    const result = await invokeBundle(s3Event(s3Record({ bucket: aws.bucket, key, eventTime: when(1), sequencer: "0A01", size, eTag })));
    expect(result.results).toEqual([expect.objectContaining({ outcome: "accepted" })]);
    expect(await aws.getProfile("user-1")).toMatchObject({
      userId: "user-1",
      avatarKey: key,
      avatarContentType: "image/jpeg",
      avatarSize: 2048,
      avatarUpdatedAt: when(1),
    });
  }, 30_000);

  it("runs the other code paths: rejected type, object gone, delete of the current avatar", async () => {
    const pdf = `${PROFILE_PICTURES_PREFIX}user-2/cv.pdf`;
    const put = await aws.putObject(pdf, Buffer.from("%PDF-1.7"), "application/pdf");
    const gone = `${PROFILE_PICTURES_PREFIX}user-3/never-uploaded.png`;
    const current = `${PROFILE_PICTURES_PREFIX}user-1/me.jpg`;
    await aws.deleteObject(current);
    const result = await invokeBundle(
      s3Event(
        s3Record({ bucket: aws.bucket, key: pdf, eventTime: when(2), sequencer: "0B01", size: put.size, eTag: put.eTag }),
        s3Record({ bucket: aws.bucket, key: gone, eventTime: when(3), sequencer: "0C01", size: 10, eTag: "0123456789abcdef0123456789abcdef" }),
        removedRecord({ bucket: aws.bucket, key: current, eventTime: when(4), sequencer: "0A02" }),
      ),
    );
    expect(result.results.map((r) => [r.outcome, r.reason])).toEqual([
      ["rejected", "unsupported-content-type"],
      ["skipped", "object-gone"],
      ["removed", undefined],
    ]);
    expect(await aws.getProfile("user-1")).not.toHaveProperty("avatarKey");
  }, 30_000);

  it("called exactly the actions the stack grants its role, resource by resource (least privilege)", () => {
    // The Lambda service itself uses these (logs, failure destination), not the handler's code:
    // NodejsFunction scopes them to its own log group and DLQ (asserted in its construct test).
    const platform = new Set(["WriteOwnLogs", "SendFailedEventsToDeadLetterQueue", "WriteXRayTraces"]);
    const granted = grantedPairs(roleStatements(synthesized.data, "profile-updater_role_policy-document").filter((s) => !platform.has(s.sid)));
    const called = calledPairs(aws.recorder.observed(), calledResource(aws, [PROFILE_PICTURES_PREFIX]));
    expect(called).toEqual(granted);
    expect(granted).toEqual([
      "dynamodb:GetItem on profile table",
      "dynamodb:UpdateItem on profile table",
      's3:GetObject on uploads objects under "profile-pictures/"',
      "s3:ListBucket on uploads bucket",
    ]);
  });
});
