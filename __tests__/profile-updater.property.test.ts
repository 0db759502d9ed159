/**
 * Property: whatever the delivery order, duplication or delay of a user's S3 events, the profile
 * item converges to what in-order processing gives (support/profile-model.ts defines it), and the
 * avatar is always honest: it describes exactly the object S3 serves for its key.
 *
 * 1. The handler's decision (state.ts `decide`, records.ts parsing) against a simulated VERSIONED
 *    bucket: uploads (acceptable or not), overwrites, deletes (delete markers) and deletes of a
 *    version (non-current, current, or a delete marker), with each event delivered at a random
 *    moment after its action (so S3 is observed mid-way too) and up to twice more. Many runs.
 * 2. The real handler on dynalite + s3rver (which has no versioning: uploads, overwrites, deletes),
 *    all actions first, then the events in random order with duplicates, in batches of which two at
 *    a time run concurrently (racing on the same items). Fewer runs: each is real I/O.
 */
import { createHash } from "node:crypto";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import fc from "fast-check";
import type { S3Event } from "aws-lambda";
import { parseRecord } from "../functions/profile-updater/records";
import { decide, latestUploadAfter, Observation, ProfileState } from "../functions/profile-updater/state";
import { attributesOf, stateOf } from "../functions/profile-updater/store";
import { HandlerOnLocalAws, startHandlerOnLocalAws } from "./support/handler-on-local-aws";
import { LocalAws } from "./support/local-aws";
import { Content, expectedItem, LIMIT, ModelEvent, SimulatedBucket } from "./support/profile-model";

type HandlerModule = typeof import("../functions/profile-updater");

const PURE_RUNS = 1000;
const HANDLER_RUNS = 20;
const print = console.log.bind(console);
const checked = { pure: 0, handler: 0, events: 0, conflicts: 0 };

const USERS = ["ana", "bo"];
const FILES = ["a.png", "b.png", "c.jpg"];
const keyOf = (user: string, file: number) => `profile-pictures/${user}/${FILES[file]}`;

interface Action {
  readonly user: number;
  readonly file: number;
  readonly op: "put" | "delete" | "deleteVersion";
  readonly content: number;
  readonly version: number;
  readonly gapMs: number;
}

const action = (ops: Action["op"][], contents: number): fc.Arbitrary<Action> =>
  fc.record({
    user: fc.nat(USERS.length - 1),
    file: fc.nat(FILES.length - 1),
    op: fc.constantFrom(...ops),
    content: fc.nat(contents - 1),
    version: fc.nat(7),
    gapMs: fc.constantFrom(0, 1, 1, 3),
  });

/** For each event: when it is delivered (actions later) and a tie-break; extra copies likewise. */
const delivery = fc.record({ delay: fc.nat(12), order: fc.nat(), copies: fc.array(fc.record({ delay: fc.nat(12), order: fc.nat() }), { maxLength: 2 }) });

function perform(bucket: SimulatedBucket, a: Action, contents: readonly Content[], userPrefix = ""): ModelEvent {
  const user = `${userPrefix}${USERS[a.user]}`;
  const key = keyOf(user, a.file);
  bucket.tick(a.gapMs);
  if (a.op === "put") return bucket.put(user, key, contents[a.content]);
  if (a.op === "delete") return bucket.delete(user, key);
  const ids = bucket.versionIds(key);
  return bucket.deleteVersion(user, key, ids.length ? ids[a.version % ids.length] : "v-none");
}

const etag = (name: string) => createHash("md5").update(name).digest("hex");
const PURE_CONTENTS: Content[] = [
  { name: "png", contentType: "image/png", size: 16, eTag: etag("png") },
  { name: "jpeg", contentType: "image/jpeg", size: 2048, eTag: etag("jpeg") },
  { name: "webp-5MiB", contentType: "image/webp", size: LIMIT, eTag: etag("webp") },
  { name: "svg", contentType: "image/svg+xml", size: 300, eTag: etag("svg") },
  { name: "png-6MiB", contentType: "image/png", size: 6 * 1024 * 1024, eTag: etag("big") },
  { name: "empty-png", contentType: "image/png", size: 0, eTag: etag("") },
];

describe("profile item convergence (property)", () => {
  it("the handler's decision converges to in-order processing on a versioned bucket, observed at any moment", () => {
    fc.assert(
      fc.property(fc.array(action(["put", "put", "delete", "deleteVersion"], PURE_CONTENTS.length), { minLength: 1, maxLength: 12 }), fc.array(delivery, { minLength: 12, maxLength: 12 }), (actions, plan) => {
        const bucket = new SimulatedBucket("uploads-bucket", true);
        const events: ModelEvent[] = [];
        const deliveries = actions.flatMap((_, j) => [plan[j], ...plan[j].copies].map((d) => ({ event: j, at: Math.min(j + d.delay, actions.length - 1), order: d.order })));
        deliveries.sort((x, y) => x.at - y.at || x.order - y.order);
        const states = new Map<string, ProfileState>();
        let next = 0;
        for (const [i, a] of actions.entries()) {
          events.push(perform(bucket, a, PURE_CONTENTS));
          for (; next < deliveries.length && deliveries[next].at === i; next += 1) {
            const parsed = parseRecord(events[deliveries[next].event].record, bucket.name);
            if (parsed.type !== "event") throw new Error(`unparsed record: ${JSON.stringify(parsed)}`);
            const previous = states.get(parsed.event.userId) ?? {};
            const upload = latestUploadAfter(previous, parsed.event);
            const served = upload && bucket.served(upload.key);
            const observed: Observation | undefined = served && { versionId: served.versionId, eTag: served.content.eTag, contentType: served.content.contentType, size: served.content.size };
            // Through the item's attribute form and back, as between two invocations.
            const { state } = decide(previous, parsed.event, observed);
            states.set(parsed.event.userId, stateOf({ ...attributesOf(state), revision: 1 }).state);
          }
        }
        for (const user of USERS) {
          const expected = expectedItem(events.filter((e) => e.userId === user), bucket);
          const actual = attributesOf(states.get(user) ?? {});
          expect(actual).toEqual(expected);
          if (actual.avatarKey !== undefined) {
            const served = bucket.served(actual.avatarKey as string)!;
            expect([served.versionId, served.content.eTag, served.content.contentType, served.content.size]).toEqual([actual.avatarVersionId, actual.avatarETag, actual.avatarContentType, actual.avatarSize]);
          }
        }
        checked.pure += 1;
        checked.events += events.length;
      }),
      { numRuns: PURE_RUNS },
    );
  });
});

describe("profile item convergence on the real handler, dynalite and s3rver (property)", () => {
  let aws: LocalAws;
  let handler: HandlerModule["handler"];
  const bytes = (name: string, size: number) => Buffer.concat([Buffer.from(name), Buffer.alloc(Math.max(0, size - name.length), 1)]).subarray(0, size);
  const REAL: { content: Content; body: Buffer }[] = [
    ["png", "image/png", 16],
    ["jpeg", "image/jpeg", 2048],
    ["svg", "image/svg+xml", 300],
    ["gif", "image/gif", 64],
    ["empty-png", "image/png", 0],
  ].map(([name, contentType, size]) => {
    const body = bytes(name as string, size as number);
    return { body, content: { name: name as string, contentType: contentType as string, size: size as number, eTag: createHash("md5").update(body).digest("hex") } };
  });

  let local: HandlerOnLocalAws;
  beforeAll(async () => {
    local = await startHandlerOnLocalAws();
    ({ aws, handler } = local);
  });

  afterAll(async () => {
    checked.conflicts = aws?.recorder.calls().filter((c) => c.action === "dynamodb:UpdateItem" && c.status === 400).length ?? 0;
    await local?.stop();
    print(
      `profile-updater property: ${checked.pure} generated sequences through the decision on a simulated versioned bucket, ` +
        `${checked.handler} through the real handler on dynalite + s3rver (${checked.events} events in all; ` +
        `${checked.conflicts} writes lost a race between concurrent invocations and were decided again)`,
    );
  });

  it("converges to in-order processing and describes exactly the object S3 serves", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(action(["put", "put", "put", "delete"], REAL.length), { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { minLength: 30, maxLength: 30 }),
        fc.array(fc.nat(9), { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 30, maxLength: 30 }),
        async (actions, order, duplicates, batchSizes) => {
          const prefix = `r${run++}-`;
          const bucket = new SimulatedBucket(aws.bucket, false);
          const events: ModelEvent[] = [];
          for (const a of actions) {
            const event = perform(bucket, a, REAL.map((r) => r.content), prefix);
            if (a.op === "put") await aws.putObject(event.key, REAL[a.content].body, REAL[a.content].content.contentType);
            else await aws.deleteObject(event.key);
            events.push(event);
          }
          const copies = [...events.keys(), ...duplicates.filter((d) => d < events.length)];
          const shuffled = copies.map((e, i) => ({ e, rank: order[i % order.length] + i / 1000 })).sort((x, y) => x.rank - y.rank).map((x) => events[x.e].record);
          const batches: S3Event[] = [];
          for (let i = 0, b = 0; i < shuffled.length; i += batchSizes[b++ % batchSizes.length]) batches.push({ Records: shuffled.slice(i, i + batchSizes[b % batchSizes.length]) });
          for (let i = 0; i < batches.length; i += 2) await Promise.all(batches.slice(i, i + 2).map((e) => handler(e)));

          for (const user of USERS.map((u) => `${prefix}${u}`)) {
            const { userId, revision, ...item } = (await aws.getProfile(user)) ?? {};
            expect(item).toEqual(expectedItem(events.filter((e) => e.userId === user), bucket));
            if (item.avatarKey !== undefined) {
              const head = await aws.s3.send(new HeadObjectCommand({ Bucket: aws.bucket, Key: item.avatarKey as string }));
              expect([head.ETag?.replace(/"/g, ""), head.ContentType, head.ContentLength]).toEqual([item.avatarETag, item.avatarContentType, item.avatarSize]);
            }
          }
          checked.handler += 1;
          checked.events += events.length;
        },
      ),
      // No shrinking: every step of it is real I/O; the first counterexample is small enough to read.
      { numRuns: HANDLER_RUNS, endOnFailure: true },
    );
  }, 60_000);
});
