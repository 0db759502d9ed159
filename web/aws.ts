/**
 * The app's AWS clients. Endpoints and credentials come from the app's env (standard SDK variable
 * names), so `start(env)` works with local servers without touching process.env.
 *
 * S3: checksums only when an operation requires one. Uploads send their own CRC32 (computed
 * while spooling) as `x-amz-checksum-crc32`, so S3 still verifies every byte; a stream body is
 * then sent as is, not re-framed as `aws-chunked` (which S3-compatible test servers store verbatim).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { WebConfig } from "./config";

export interface AwsClients {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBDocumentClient;
  destroy(): void;
}

export function awsClients(config: WebConfig): AwsClients {
  const common = { region: config.region, credentials: config.aws.credentials };
  const s3 = new S3Client({
    ...common,
    endpoint: config.aws.s3Endpoint,
    forcePathStyle: config.s3ForcePathStyle,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const low = new DynamoDBClient({ ...common, endpoint: config.aws.dynamodbEndpoint });
  const dynamo = DynamoDBDocumentClient.from(low);
  return {
    s3,
    dynamo,
    destroy() {
      s3.destroy();
      low.destroy();
    },
  };
}
