/** Small Markdown helpers for the generated review documents (GitHub-flavoured Markdown). */

/** Text safe inside a table cell: pipes escaped, line breaks as <br>. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

/** Inline code, safe in a table cell (backticks inside use a longer fence). */
export function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A GFM table; cells are escaped, columns of numbers (and blanks) right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === "number" || row[i] === ""),
  );
  const line = (cells: readonly (string | number)[]) => `| ${cells.map((c) => cell(String(c))).join(" | ")} |`;
  return [
    line(headers),
    `|${numeric.map((n) => (n ? "---:" : "---")).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

/** "1 resource" / "3 resources". */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
