/**
 * POST /api/uploads, GET /api/uploads, POST /api/profile/picture.
 *
 * A file is spooled to TMP_DIR (never whole in memory), then streamed to S3 with its CRC32, and
 * the temp file is removed on every path. Nothing reaches S3 before the whole file has arrived,
 * so a client that aborts leaves neither a temp file nor an object.
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { MAX_PICTURE_BYTES } from "../config";
import { requireUser } from "../context";
import { ApiError } from "../errors";
import { clientContentType, safeFileName, sniffImageType } from "../uploads/files";
import { FileTooLargeError, spoolToTemp, type HeadCheck, type SpooledFile } from "../uploads/spool";
import { PRESIGNED_URL_SECONDS } from "./me";

interface ReceivedFile {
  readonly spooled: SpooledFile;
  readonly fileName: string | undefined;
  readonly mimetype: string | undefined;
}

const noFile = (): ApiError => new ApiError(400, "no_file", "Send a file in the multipart field \"file\".", "file");

function tooLarge(limit: number): ApiError {
  return new ApiError(413, "file_too_large", `The file is larger than ${limit} bytes.`, "file", { connection: "close" });
}

/** Receives the multipart field `file` into a temp file; maps every failure to a clear ApiError. */
async function receiveFile(request: FastifyRequest, limit: number, checkHead?: HeadCheck): Promise<ReceivedFile> {
  if (!request.isMultipart()) {
    throw new ApiError(415, "unsupported_media_type", "Send the file as multipart/form-data in the field \"file\".");
  }
  const { tmpDir } = request.server.webapp.config;
  let part;
  try {
    part = await request.file({ limits: { fileSize: limit, files: 1, fields: 10, parts: 12, fieldSize: 4096 } });
  } catch (error) {
    throw multipartError(request, error);
  }
  if (!part) throw noFile();
  if (part.fieldname !== "file") {
    part.file.resume();
    throw noFile();
  }
  let spooled: SpooledFile;
  try {
    spooled = await spoolToTemp(part.file, tmpDir, limit, checkHead);
  } catch (error) {
    if (error instanceof FileTooLargeError) throw tooLarge(limit);
    throw multipartError(request, error);
  }
  if (spooled.size === 0) {
    await spooled.discard();
    throw new ApiError(400, "empty_file", "The file is empty.", "file");
  }
  return { spooled, fileName: part.filename, mimetype: part.mimetype };
}

/** Our own errors pass; a broken or aborted form is the client's (400); I/O errors are ours (500). */
function multipartError(request: FastifyRequest, error: unknown): unknown {
  if (error instanceof ApiError) return error;
  if (request.raw.readableAborted || (error as NodeJS.ErrnoException).code === "ECONNRESET") {
    return new ApiError(400, "upload_aborted", "The upload was interrupted before the file arrived whole.");
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === "string" && (code.startsWith("FST_") || code === "ERR_STREAM_PREMATURE_CLOSE")) return error;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return error;
  return new ApiError(400, "invalid_multipart", "The multipart form is malformed or incomplete.");
}

async function putFile(request: FastifyRequest, key: string, file: SpooledFile, contentType: string): Promise<void> {
  const { aws, config } = request.server.webapp;
  await aws.s3.send(
    new PutObjectCommand({
      Bucket: config.uploadsBucket,
      Key: key,
      Body: createReadStream(file.path, { highWaterMark: 1024 * 1024 }),
      ContentLength: file.size,
      ContentType: contentType,
      ChecksumCRC32: file.crc32Base64,
    }),
  );
}

function requireImage(head: Buffer): void {
  if (head.length > 0 && sniffImageType(head) === undefined) {
    throw new ApiError(415, "unsupported_image_type", "The picture must be a JPEG, PNG or WebP image.", "file");
  }
}

export async function uploadRoutes(app: FastifyInstance): Promise<void> {
  app.post("/api/uploads", async (request, reply) => {
    const user = await requireUser(request);
    const { config, store, aws } = app.webapp;
    const received = await receiveFile(request, config.maxUploadBytes);
    const { size } = received.spooled;
    const name = safeFileName(received.fileName, "file");
    const key = `uploads/${user.id}/${randomUUID()}/${name}`;
    const contentType = clientContentType(received.mimetype);
    // The temp file is removed before the answer is sent, on every path.
    try {
      await putFile(request, key, received.spooled, contentType);
    } finally {
      await received.spooled.discard();
    }
    try {
      await store.addUpload(user.id, { key, name, size, contentType });
    } catch (error) {
      // No metadata, no object: remove what was just stored (best effort, logged).
      await aws.s3.send(new DeleteObjectCommand({ Bucket: config.uploadsBucket, Key: key })).catch((e: Error) => request.log.error({ err: e, key }, "orphaned upload"));
      throw error;
    }
    return reply.code(201).send({ key, size, contentType });
  });

  app.get("/api/uploads", async (request) => {
    const user = await requireUser(request);
    const { config, store, aws } = app.webapp;
    const uploads = await store.listUploads(user.id);
    const items = await Promise.all(
      uploads.map(async (u) => ({
        key: u.key,
        name: u.name,
        size: u.size,
        contentType: u.contentType,
        createdAt: u.createdAt.toISOString(),
        url: await getSignedUrl(
          aws.s3,
          new GetObjectCommand({ Bucket: config.uploadsBucket, Key: u.key, ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(u.name)}` }),
          { expiresIn: PRESIGNED_URL_SECONDS },
        ),
      })),
    );
    return { items };
  });

  app.post("/api/profile/picture", async (request, reply) => {
    const user = await requireUser(request);
    const received = await receiveFile(request, MAX_PICTURE_BYTES, requireImage);
    let key: string;
    try {
      const contentType = sniffImageType(received.spooled.head);
      if (contentType === undefined) throw new ApiError(415, "unsupported_image_type", "The picture must be a JPEG, PNG or WebP image.", "file");
      const extension = contentType.split("/")[1];
      key = `profile-pictures/${user.id}/${safeFileName(received.fileName, `picture.${extension}`)}`;
      await putFile(request, key, received.spooled, contentType);
    } finally {
      await received.spooled.discard();
    }
    return reply.code(202).send({ key });
  });
}
