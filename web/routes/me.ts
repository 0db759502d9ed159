/**
 * GET /api/me: the signed-in user from PostgreSQL and the avatar from the DynamoDB profile item
 * (written only by the Lambda). The avatar's URL is a short-lived presigned GET of exactly the
 * object version the Lambda accepted (`avatarVersionId`), when the item records one.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { FastifyInstance } from "fastify";
import { TtlCache } from "../cache";
import { requireUser, type WebAppContext } from "../context";

export const PRESIGNED_URL_SECONDS = 300;

export interface Avatar {
  readonly key: string;
  readonly contentType: string;
  readonly size: number;
  readonly updatedAt: string;
  readonly url: string;
}

export async function readAvatar(context: WebAppContext, userId: string): Promise<Avatar | null> {
  const { config, aws } = context;
  const out = await aws.dynamo.send(new GetCommand({ TableName: config.profileTableName, Key: { userId }, ConsistentRead: true }));
  const item = out.Item;
  if (!item || typeof item.avatarKey !== "string") return null;
  const versionId = typeof item.avatarVersionId === "string" && item.avatarVersionId !== "" ? item.avatarVersionId : undefined;
  const url = await getSignedUrl(aws.s3, new GetObjectCommand({ Bucket: config.uploadsBucket, Key: item.avatarKey, VersionId: versionId }), {
    expiresIn: PRESIGNED_URL_SECONDS,
  });
  return {
    key: item.avatarKey,
    contentType: String(item.avatarContentType ?? "application/octet-stream"),
    size: Number(item.avatarSize ?? 0),
    updatedAt: String(item.avatarUpdatedAt ?? ""),
    url,
  };
}

/**
 * The avatar read is shared for AVATAR_CACHE_MS per user: the profile page polls /api/me while a
 * picture is processed, and a burst of polls costs one GetItem per user and second.
 */
export const AVATAR_CACHE_MS = 1000;

export async function meRoutes(app: FastifyInstance): Promise<void> {
  const avatars = new TtlCache<Avatar | null>(AVATAR_CACHE_MS);
  app.get("/api/me", async (request) => {
    const user = await requireUser(request);
    const avatar = await avatars.get(user.id, () => readAvatar(app.webapp, user.id));
    return { userId: user.id, email: user.email, name: user.name, createdAt: user.createdAt.toISOString(), avatar };
  });
}
