import { Fn, Token } from "cdktf";

/**
 * Helpers to compose EC2 user data from separate boot scripts, each owned by its own module
 * (data-volume-user-data.ts, web-app-user-data.ts), and to put Terraform values (ids known only
 * after apply) into them without any part of a script being read as Terraform template syntax.
 */

export interface BootScript {
  /** cloud-init writes each part under this name and runs the parts sorted by name: prefix it with a number. */
  readonly filename: string;
  /** A complete script ("#!" first line), US-ASCII. */
  readonly script: string;
}

const BOUNDARY = "==WEBPLATFORM-BOOT-SCRIPTS==";
const FILENAME = /^[0-9]{2}-[a-z0-9-]+\.sh$/;

/**
 * One cloud-init MIME multipart document (multipart/mixed, one text/x-shellscript part per
 * script). cloud-init runs every part once per instance, in filename order, each with its own
 * interpreter and options: one script's `exit` or `set -e` never cuts another short, and a later
 * part still runs (and can check its own preconditions) when an earlier one failed.
 */
export function multipartUserData(scripts: readonly BootScript[]): string {
  if (scripts.length === 0) throw new Error("multipartUserData needs at least one script");
  const names = new Set<string>();
  for (const { filename, script } of scripts) {
    if (!FILENAME.test(filename)) throw new Error(`boot script name "${filename}" must look like "10-name.sh"`);
    if (names.has(filename)) throw new Error(`two boot scripts are named "${filename}"`);
    names.add(filename);
    if (!script.startsWith("#!")) throw new Error(`boot script ${filename} must start with "#!"`);
    if (script.includes(BOUNDARY)) throw new Error(`boot script ${filename} contains the MIME boundary "${BOUNDARY}"`);
    // eslint-disable-next-line no-control-regex
    if (/[^\x09\x0a\x20-\x7e]/.test(script)) throw new Error(`boot script ${filename} must be printable US-ASCII (its MIME charset)`);
  }
  const parts = [...scripts]
    .sort((a, b) => (a.filename < b.filename ? -1 : 1))
    .map(({ filename, script }) =>
      [
        `--${BOUNDARY}`,
        'Content-Type: text/x-shellscript; charset="us-ascii"',
        "MIME-Version: 1.0",
        "Content-Transfer-Encoding: 7bit",
        `Content-Disposition: attachment; filename="${filename}"`,
        "",
        script.endsWith("\n") ? script : `${script}\n`,
      ].join("\n"),
    );
  return [`Content-Type: multipart/mixed; boundary="${BOUNDARY}"`, "MIME-Version: 1.0", "", ...parts, `--${BOUNDARY}--`, ""].join("\n");
}

/**
 * `text` with each placeholder (a key of `values`, e.g. "@@VOLUME_ID@@") replaced by its value,
 * typically a token such as a resource id. The literal pieces go through Fn.rawString, so that
 * Terraform reads them verbatim; the result is a Terraform expression (a join of the pieces).
 * Every placeholder must occur in `text`.
 */
export function withPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  const markers = Object.keys(values);
  if (markers.length === 0) return Fn.rawString(text);
  for (const marker of markers) {
    if (!text.includes(marker)) throw new Error(`placeholder ${marker} does not occur in the text`);
  }
  const pattern = new RegExp(markers.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  const pieces: string[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    pieces.push(Fn.rawString(text.slice(last, match.index)), values[match[0]]);
    last = match.index! + match[0].length;
  }
  pieces.push(Fn.rawString(text.slice(last)));
  return Fn.join("", pieces);
}

/**
 * Splits `record` into plain text and tokens: each unresolved token (a value Terraform knows only
 * at apply) is replaced by a placeholder "@@VALUE_<n>@@" in `plain`, and `values` maps the
 * placeholders back (for withPlaceholders). Literal values stay as they are.
 */
export function placeholdersFor<K extends string>(record: Readonly<Record<K, string>>): { plain: Record<K, string>; values: Record<string, string> } {
  const plain = {} as Record<K, string>;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(record) as [K, string][]) {
    if (Token.isUnresolved(value)) {
      const marker = `@@VALUE_${Object.keys(values).length}@@`;
      values[marker] = value;
      plain[key] = marker;
    } else {
      plain[key] = value;
    }
  }
  return { plain, values };
}
