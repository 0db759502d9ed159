/**
 * Recognizes plaintext secrets in Terraform JSON: password-like argument names with a literal
 * value, and values that look like credentials wherever they are.
 */

/** Argument / variable names that hold a secret when their value is a literal. */
const SECRET_NAME = /(^|[_\-.])(password|passwd|pwd|passphrase|secret|secret_?key|secret_?string|client_?secret|api_?key|auth_?token|access_?token|token|private_?key|credentials?)$/i;

/** Names that contain a secret-like word but hold no secret. */
const NOT_SECRET_NAME = /(_arn|_id|_ids|_name|_length|_version|_enabled|_type|_count|_rotation|_kms_key_id)$/i;

/** Credential-shaped values, wherever they appear. */
const SECRET_VALUES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: "an AWS access key id", pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { what: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: "a GitHub token", pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { what: "a Slack token", pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { what: "a password in a connection string", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@${}]+:[^/\s@${}]{3,}@/i },
  {
    what: "a password assignment",
    pattern: /\b[A-Za-z0-9_]*(password|passwd|pwd|secret|api_?key|token)\s*[=:]\s*["']?(?!\$|\{)[^\s"'$]{6,}/i,
  },
];

/** True for a name that holds a secret when its value is a literal. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name);
}

/** A literal worth flagging: a non-empty string that is not just a Terraform expression. */
function isLiteralSecretValue(value: unknown): boolean {
  if (typeof value === "number") return true;
  if (typeof value !== "string") return false;
  const v = value.trim();
  return v !== "" && !/^\$\{[^}]*\}$/.test(v) && !/^(true|false|null)$/i.test(v);
}

/** What kind of credential the value looks like, if any. */
export function secretValueKind(value: string): string | undefined {
  return SECRET_VALUES.find((p) => p.pattern.test(value))?.what;
}

export interface SecretFinding {
  /** Where in the block: "environment.variables.DB_PASSWORD". */
  readonly location: string;
  readonly what: string;
}

/**
 * Walks a value and reports secret-named keys with literal values and credential-shaped strings.
 * Values are never echoed back (the report must not leak the secret it found).
 */
export function findSecrets(value: unknown, location = ""): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const visit = (v: unknown, where: string, key?: string): void => {
    if (key !== undefined && isSecretName(key) && isLiteralSecretValue(v)) {
      findings.push({ location: where, what: `a literal value for ${JSON.stringify(key)}` });
      return;
    }
    if (typeof v === "string") {
      const kind = secretValueKind(v);
      if (kind) findings.push({ location: where, what: kind });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${where}[${i}]`));
    } else if (v && typeof v === "object") {
      for (const [k, item] of Object.entries(v)) {
        if (k === "//") continue;
        visit(item, where ? `${where}.${k}` : k, k);
      }
    }
  };
  visit(value, location);
  return findings;
}
