/**
 * GET /healthz: 200 `{ status: "ok" }` when PostgreSQL, S3 and DynamoDB answer, else 503
 * `{ status: "degraded", failing: [...] }`. Each check has a deadline, so a hung dependency
 * makes the answer degraded, not late. Calls: SELECT 1 (app role), S3 HeadBucket
 * (s3:ListBucket), DynamoDB GetItem of a key no user has (dynamodb:GetItem).
 */
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { FastifyInstance } from "fastify";

export const CHECK_TIMEOUT_MS = 3000;

async function check(name: string, run: () => Promise<unknown>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([run(), deadline]);
    return undefined;
  } catch {
    return name;
  } finally {
    clearTimeout(timer);
  }
}

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get("/healthz", async (request, reply) => {
    const { store, aws, config } = app.webapp;
    const results = await Promise.all([
      check("postgres", () => store.ping()),
      check("s3", () => aws.s3.send(new HeadBucketCommand({ Bucket: config.uploadsBucket }))),
      check("dynamodb", () => aws.dynamo.send(new GetCommand({ TableName: config.profileTableName, Key: { userId: "healthz" } }))),
    ]);
    const failing = results.filter((r): r is string => r !== undefined);
    reply.header("cache-control", "no-store");
    if (failing.length === 0) return { status: "ok" };
    request.log.warn({ failing }, "health check degraded");
    return reply.code(503).send({ status: "degraded", failing });
  });
}
