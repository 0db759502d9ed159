/**
 * Local AWS for the profile-updater: dynalite with the profile table, s3rver with the uploads
 * bucket, and a recording proxy in front of each. Code under test is pointed at the proxies through
 * `env` (standard SDK variables), so every request it makes is recorded as an IAM action; the test's
 * own setup calls (`dynamo`, `s3`) go straight to the servers and are not recorded.
 *
 *   const aws = await startLocalAws();
 *   Object.assign(process.env, aws.env);           // or spawn a child process with { env: aws.env }
 *                                                  // (asynchronously: the proxies and servers live in
 *                                                  // this process's event loop; execFileSync deadlocks)
 *   ... run the handler ...
 *   expect(aws.recorder.actions()).toEqual(new Set(["dynamodb:UpdateItem", "s3:GetObject"]));
 *   await aws.close();
 */
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { ActionRecorder, FaultInjector, startRecordingProxy } from "./aws-action-recorder";
import { createProfileTable, directDynamoClient, documentClient, LOCAL_CREDENTIALS, LOCAL_REGION, startDynalite } from "./dynalite";
import { directS3Client, startS3Endpoint } from "./s3-endpoint";

export interface LocalAws {
  readonly tableName: string;
  readonly bucket: string;
  readonly region: string;
  /** Environment for the code under test: endpoints of the recording proxies, fake credentials, table name. */
  readonly env: Record<string, string>;
  readonly recorder: ActionRecorder;
  /** The servers themselves, without the recording proxies (benchmarks). */
  readonly direct: { readonly dynamodb: string; readonly s3: string };
  /** Fault injection on the DynamoDB / S3 proxies (undefined: forward everything). */
  setDynamoFault(fault: FaultInjector | undefined): void;
  setS3Fault(fault: FaultInjector | undefined): void;
  /** Direct (unrecorded) clients for test setup and assertions. */
  readonly dynamo: DynamoDBDocumentClient;
  readonly s3: S3Client;
  putObject(key: string, body: Buffer, contentType?: string): Promise<{ eTag: string; size: number }>;
  deleteObject(key: string): Promise<void>;
  getProfile(userId: string): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}

export async function startLocalAws(options: { tableName?: string; bucket?: string; maxAttempts?: number } = {}): Promise<LocalAws> {
  const tableName = options.tableName ?? "profile-table";
  const bucket = options.bucket ?? "uploads-bucket";
  const [dynalite, s3rver] = await Promise.all([startDynalite(), startS3Endpoint([bucket])]);
  const recorder = new ActionRecorder();
  const [dynamoProxy, s3Proxy] = await Promise.all([
    startRecordingProxy({ service: "dynamodb", upstream: dynalite.endpoint, recorder }),
    startRecordingProxy({ service: "s3", upstream: s3rver.endpoint, recorder }),
  ]);
  const lowLevel: DynamoDBClient = directDynamoClient(dynalite.endpoint);
  const dynamo = documentClient(lowLevel);
  const s3 = directS3Client(s3rver.endpoint);
  await createProfileTable(lowLevel, tableName);

  const env: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoProxy.endpoint,
    AWS_ENDPOINT_URL_S3: s3Proxy.endpoint,
    PROFILE_TABLE_NAME: tableName,
    UPLOADS_BUCKET_NAME: bucket,
  };
  if (options.maxAttempts !== undefined) env.AWS_MAX_ATTEMPTS = String(options.maxAttempts);

  return {
    tableName,
    bucket,
    region: LOCAL_REGION,
    env,
    recorder,
    direct: { dynamodb: dynalite.endpoint, s3: s3rver.endpoint },
    setDynamoFault: (fault) => dynamoProxy.setFault(fault),
    setS3Fault: (fault) => s3Proxy.setFault(fault),
    dynamo,
    s3,
    async putObject(key, body, contentType) {
      const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
      return { eTag: (out.ETag ?? "").replace(/"/g, ""), size: body.length };
    },
    async deleteObject(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async getProfile(userId) {
      const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: { userId }, ConsistentRead: true }));
      return out.Item;
    },
    async close() {
      lowLevel.destroy();
      s3.destroy();
      await Promise.all([dynamoProxy.close(), s3Proxy.close()]);
      await Promise.all([dynalite.close(), s3rver.close()]);
    },
  };
}
