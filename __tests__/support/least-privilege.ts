/**
 * Least privilege, compared in one vocabulary: the statements a synthesized stack grants a role and
 * the calls the recording proxy saw (aws-action-recorder.ts), both as "<action> on <resource>",
 * with the stack's references (`${aws_s3_bucket.uploads_bucket_XXXX.arn}/profile-pictures/*`) and
 * the local names (`uploads-bucket/profile-pictures/u1/me.png`) mapped to the same descriptions.
 */
import type { RecordedCall } from "./aws-action-recorder";

export interface GrantedStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** The statements of the role policy document whose logical id starts with `documentPrefix`. */
export function roleStatements(data: { aws_iam_policy_document: Record<string, { statement: GrantedStatement[] }> }, documentPrefix: string): GrantedStatement[] {
  const doc = Object.entries(data.aws_iam_policy_document).find(([id]) => id.startsWith(documentPrefix));
  if (!doc) throw new Error(`no policy document ${documentPrefix}*`);
  return doc[1].statement;
}

/** A synthesized ARN of the uploads bucket, its objects or the profile table, described. */
export function grantedResource(arn: string): string {
  const table = /^\$\{aws_dynamodb_table\.profiles_table_[0-9A-F]{8}\.arn\}$/.exec(arn);
  const objects = /^\$\{aws_s3_bucket\.uploads_bucket_[0-9A-F]{8}\.arn\}\/(.*)\*$/.exec(arn);
  const bucket = /^\$\{aws_s3_bucket\.uploads_bucket_[0-9A-F]{8}\.arn\}$/.exec(arn);
  if (table) return "profile table";
  if (objects) return `uploads objects under "${objects[1]}"`;
  if (bucket) return "uploads bucket";
  return `unexpected resource ${arn}`;
}

/** Describes recorded resources: the local table and bucket, and keys under one of `prefixes`. */
export function calledResource(local: { tableName: string; bucket: string }, prefixes: readonly string[]): (resource: string) => string {
  return (resource) => {
    if (resource === local.tableName) return "profile table";
    if (resource === local.bucket) return "uploads bucket";
    const key = resource.startsWith(`${local.bucket}/`) ? resource.slice(local.bucket.length + 1) : "";
    const prefix = prefixes.find((p) => key.startsWith(p));
    return prefix ? `uploads objects under "${prefix}"` : `unexpected resource ${resource}`;
  };
}

/** Every granted action on every granted resource, sorted; no wildcard action or resource allowed. */
export function grantedPairs(statements: readonly GrantedStatement[]): string[] {
  for (const s of statements) {
    if (s.actions.some((a) => a.includes("*")) || s.resources.includes("*")) throw new Error(`statement ${s.sid} uses a wildcard`);
  }
  return [...new Set(statements.flatMap((s) => s.actions.flatMap((a) => s.resources.map((r) => `${a} on ${grantedResource(r)}`))))].sort();
}

/** Every distinct recorded call, sorted. */
export function calledPairs(observed: readonly RecordedCall[], describe: (resource: string) => string): string[] {
  return [...new Set(observed.map((c) => `${c.action} on ${describe(c.resource)}`))].sort();
}
