/**
 * profile-updater: time per accepted-upload event, against the cost of the two AWS calls it makes.
 *
 *   node --require ./scripts/ts-hook.js bench/handler.ts [--events 200] [--module path/to/bundle.js]
 *
 * Starts dynalite and s3rver (no recording proxy), uploads one small PNG per event, runs each event
 * through the handler (TypeScript source by default, or the module given with --module, e.g. the
 * esbuild bundle), then times one raw UpdateItem + one HeadObject per iteration with clients built
 * the same way as the handler's. A second baseline sends the handler's exact requests (GetItem,
 * HeadObject, the conditional UpdateItem of the item it decides): the gap between the two baselines
 * is the extra read plus dynalite parsing the expressions (real DynamoDB does that server-side at
 * no cost to the client), the gap between it and the handler is the handler's own work. Iterations are interleaved so that machine noise hits all
 * three alike. Prints JSON on stdout: medians in ms and ratios.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true"; // local Node 20; Lambda runs 22
import { performance } from "node:perf_hooks";
import { resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, UpdateCommand, UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import type { S3Event } from "aws-lambda";
import { startLocalAws } from "../__tests__/support/local-aws";
import { readState, writeState } from "../functions/profile-updater/store";
import { s3Event, s3Record } from "../__tests__/support/s3-endpoint";

type Handler = (event: S3Event) => Promise<unknown>;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

async function main(): Promise<void> {
  const events = Number(option("events", "200"));
  const warmup = 10;
  const modulePath = resolve(option("module", resolve(__dirname, "../functions/profile-updater/index.ts")));
  const aws = await startLocalAws();
  Object.assign(process.env, aws.env, {
    AWS_ENDPOINT_URL_DYNAMODB: aws.direct.dynamodb,
    AWS_ENDPOINT_URL_S3: aws.direct.s3,
  });
  const quiet = (): void => undefined; // the handler's JSON log lines would flood stdout
  console.log = quiet;
  console.warn = quiet;
  const { handler } = require(modulePath) as { handler: Handler };

  const total = warmup + events;
  const uploads = [];
  for (let i = 0; i < total; i += 1) uploads.push(await aws.putObject(`profile-pictures/user-${i}/avatar.png`, Buffer.alloc(2048, 1), "image/png"));
  const eventTime = new Date().toISOString();

  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const s3 = new S3Client({});
  const rawCalls = async (key: string, update: UpdateCommandInput): Promise<number> => {
    const start = performance.now();
    await s3.send(new HeadObjectCommand({ Bucket: aws.bucket, Key: key }));
    await ddb.send(new UpdateCommand(update));
    return performance.now() - start;
  };

  const sameCalls = async (userId: string, key: string, version: { eventTime: string; sequencer: string; key: string }, eTag: string): Promise<number> => {
    const start = performance.now();
    const read = await readState(ddb, aws.tableName, userId);
    await s3.send(new HeadObjectCommand({ Bucket: aws.bucket, Key: key }));
    const avatar = { key, contentType: "image/png", size: 2048, updatedAt: version.eventTime, eTag };
    if (!(await writeState(ddb, aws.tableName, userId, read, { latestUpload: { ...version, eTag }, lastEvent: version, avatar }))) throw new Error("conflict");
    return performance.now() - start;
  };

  const handlerMs: number[] = [];
  const rawMs: number[] = [];
  const rawSameMs: number[] = [];
  for (let i = 0; i < total; i += 1) {
    const key = `profile-pictures/user-${i}/avatar.png`;
    const sequencer = (0x100 + i).toString(16).toUpperCase().padStart(18, "0");
    const event = s3Event(s3Record({ bucket: aws.bucket, key, eventTime, sequencer, ...uploads[i] }));
    const start = performance.now();
    const result = (await handler(event)) as { results?: { outcome: string }[] };
    const elapsed = performance.now() - start;
    if (result?.results?.[0]?.outcome !== "accepted") throw new Error(`event ${i}: ${JSON.stringify(result)}`);

    const plain: UpdateCommandInput = {
      TableName: aws.tableName,
      Key: { userId: `raw-${i}` },
      UpdateExpression: "SET avatarKey = :k, avatarContentType = :t, avatarSize = :s, avatarUpdatedAt = :u",
      ExpressionAttributeValues: { ":k": key, ":t": "image/png", ":s": 2048, ":u": eventTime },
    };
    const raw = await rawCalls(key, plain);
    const rawSame = await sameCalls(`raw-same-${i}`, key, { eventTime, sequencer, key }, uploads[i].eTag);
    if (i < warmup) continue;
    handlerMs.push(elapsed);
    rawMs.push(raw);
    rawSameMs.push(rawSame);
  }
  ddb.destroy();
  s3.destroy();
  await aws.close();

  const handlerMedian = median(handlerMs);
  const rawMedian = median(rawMs);
  const rawSameMedian = median(rawSameMs);
  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: "profile-updater accepted upload",
        module: modulePath,
        events,
        warmup,
        node: process.version,
        handlerMedianMs: round(handlerMedian),
        rawHeadObjectPlusUpdateItemMedianMs: round(rawMedian),
        ratio: Math.round((handlerMedian / rawMedian) * 100) / 100,
        rawWithHandlerConditionMedianMs: round(rawSameMedian),
        ratioToSameRequests: Math.round((handlerMedian / rawSameMedian) * 100) / 100,
      },
      null,
      2,
    )}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
