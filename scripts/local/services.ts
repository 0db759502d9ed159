/**
 * The local stand-ins for the AWS services of `npm run local`, each persisted under one data
 * directory and listening on 127.0.0.1 (port 0: a free port, printed by the runner):
 * - PostgreSQL: PGlite (PostgreSQL compiled to WASM, in this process) behind
 *   @electric-sql/pglite-socket, a PostgreSQL wire-protocol server, so the app connects with `pg`
 *   exactly as it does to RDS (without TLS: the socket server does not offer it). Data: <dir>/pg.
 * - DynamoDB: dynalite with its `path` option (LevelDB files under <dir>/dynamodb); the profile
 *   table is created when missing.
 * - S3: s3rver (files under <dir>/s3) with the uploads bucket; it emits an S3-shaped event for
 *   every object created or removed, which the caller forwards to the profile-updater.
 */
import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/** Credentials every local server accepts (s3rver checks SigV4 signatures against these). */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;
export const LOCAL_REGION = "us-east-1";
const HOST = "127.0.0.1";

export interface Service {
  readonly endpoint: string;
  close(): Promise<void>;
}

export interface PostgresService extends Service {
  readonly host: string;
  readonly port: number;
}

export async function startPostgres(dataDir: string, port = 0): Promise<PostgresService> {
  const dir = join(dataDir, "pg");
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  // PGlite is one PostgreSQL session; the socket server queues the connections' queries onto it.
  const server = new PGLiteSocketServer({ db, host: HOST, port, maxConnections: 100 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const actualPort = Number(server.getServerConn().split(":").pop());
  return {
    host: HOST,
    port: actualPort,
    endpoint: `postgres://${HOST}:${actualPort}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}
// dynalite ships no type declarations.
const dynalite = require("dynalite") as (options: DynaliteOptions) => Server;

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error?: Error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

export async function startDynamo(dataDir: string, tableName: string, port = 0): Promise<Service> {
  const path = join(dataDir, "dynamodb");
  mkdirSync(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const endpoint = `http://${HOST}:${await listen(server, port)}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await ensureProfileTable(client, tableName);
  } catch (error) {
    await closeServer(server);
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, close: () => closeServer(server) };
}

/** The profile table's key schema (DESIGN.md): partition key `userId` (S), on demand. */
async function ensureProfileTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: "userId", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "userId", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: "event", listener: (event: unknown) => void): void;
  httpServer?: Server;
}
// s3rver ships no type declarations.
const S3rver = require("s3rver") as new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

export async function startS3(dataDir: string, bucket: string, onEvent: (event: unknown) => void, port = 0): Promise<Service> {
  const directory = join(dataDir, "s3");
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({ address: HOST, port, silent: true, directory, configureBuckets: [{ name: bucket }] });
  server.on("event", onEvent);
  const address = await server.run();
  return {
    endpoint: `http://${HOST}:${address.port}`,
    async close() {
      const closing = server.close();
      server.httpServer?.closeAllConnections();
      await closing;
    },
  };
}
